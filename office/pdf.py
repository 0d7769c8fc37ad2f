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

    freeze_start_up()
    html = render_to_string(template_name, context)
    base_url = (Path(settings.BASE_DIR) / "static").as_uri() + "/"
    try:
        return HTML(string=html, base_url=base_url, url_fetcher=local_url_fetcher).write_pdf()
    finally:
        # A render leaves reference cycles holding the font files' data (tens of MB) in few Python
        # objects, so the collector's own thresholds let them pile up: without this, 30 dossiers
        # took a process from 150 to 700 MB. With start-up frozen, this walks only what is younger.
        gc.collect()


def freeze_start_up():
    """Move what the process has loaded so far out of the garbage collector's reach, once.

    The full ``gc.collect()`` after each render walks every object of the process: with Django and
    WeasyPrint loaded that took 50–100 ms, as long as rendering a one-page notice. config/wsgi.py
    freezes start-up in the web workers (``gc.freeze()``); any other process that renders documents
    (a test run, a management command, a task worker, ``runserver``) does it here, before its first
    render, after one last full collection so that no garbage is frozen. Frozen objects are still
    freed by reference counting; only cycles among them would stay. bench/README.md, "Documents
    and exports against bare baselines", has the figures.
    """
    if gc.get_freeze_count() == 0:
        gc.collect()
        gc.freeze()


def sha256_of(data):
    """Return the hex sha256 of bytes."""
    return hashlib.sha256(data).hexdigest()
