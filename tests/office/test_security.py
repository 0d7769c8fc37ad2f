"""The office PC hardening: Content-Security-Policy, sessions, lockout, role grants, passwords, uploads."""
import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _csp(response):
    return dict(
        part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";") if part.strip()
    )


@pytest.mark.parametrize("url_name", ["login", "home"])
def test_every_page_sends_a_strict_content_security_policy(client, clerk, url_name):
    if url_name == "home":
        client.force_login(clerk)
    policy = _csp(client.get(reverse(url_name)))
    assert policy["default-src"] == "'self'"
    assert policy["script-src"] == "'self'"  # no 'unsafe-inline', no 'unsafe-eval', no CDN
    assert policy["style-src"] == "'self'"
    assert policy["object-src"] == "'none'" and policy["frame-ancestors"] == "'none'"


def test_no_template_carries_inline_script_or_event_handlers():
    import re
    from pathlib import Path

    from django.conf import settings

    offenders = []
    for path in Path(settings.BASE_DIR, "templates").rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        for tag in re.findall(r"<script\b[^>]*>", text):
            if "src=" not in tag:
                offenders.append(f"{path}: {tag}")
        offenders += [f"{path}: {m}" for m in re.findall(r"\son[a-z]+\s*=\s*[\"']", text)]
        offenders += [f"{path}: {m}" for m in re.findall(r"\bhx-on\b|javascript:", text)]
    assert not offenders
