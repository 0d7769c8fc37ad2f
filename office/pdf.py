"""PDF rendering with WeasyPrint: local resources only, CJK fonts, A4 (docs/architecture.md §4)."""
import gc
import hashlib
from pathlib import Path
from urllib.parse import urlparse

from django.conf import settings
from django.template.loader import render_to_string


class ExternalResourceRefused(ValueError):
    """A document tried to load something that is not a local file."""


def _allowed_roots():
    roots = [Path(settings.BASE_DIR) / "static", Path(settings.BASE_DIR) / "templates"]
    roots += [Path(d) for d in getattr(settings, "STATICFILES_DIRS", [])]
    return [root.resolve() for root in roots]


def local_url_fetcher(url, *args, **kwargs):
    """Fetch only data: URLs and files under the project's static and template folders."""
    from weasyprint.urls import default_url_fetcher

    parsed = urlparse(url)
    if parsed.scheme == "data":
        return default_url_fetcher(url, *args, **kwargs)
    if parsed.scheme == "file":
        path = Path(parsed.path).resolve()
        if any(path.is_relative_to(root) for root in _allowed_roots()):
            return default_url_fetcher(url, *args, **kwargs)
    raise ExternalResourceRefused(f"refused to fetch {url!r}: documents may only use local files")


def render_pdf(template_name, context):
    """Render a template under templates/pdf/ to PDF bytes."""
    from weasyprint import HTML

    html = render_to_string(template_name, context)
    base_url = (Path(settings.BASE_DIR) / "static").as_uri() + "/"
    try:
        return HTML(string=html, base_url=base_url, url_fetcher=local_url_fetcher).write_pdf()
    finally:
        # WeasyPrint's caches grow the process to hundreds of MB over repeated renders.
        gc.collect()


def sha256_of(data):
    """Return the hex sha256 of bytes."""
    return hashlib.sha256(data).hexdigest()
