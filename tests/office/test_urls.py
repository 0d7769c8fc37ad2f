"""Every URL of the project requires login: walk the resolver rather than a hand list."""
import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

PUBLIC = {"/accounts/login/", "/healthz", "/admin/login/"}


def walk(patterns, prefix=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from walk(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern)


def concrete(route):
    """Turn a route or regex into a URL by filling every parameter with a plausible value."""
    route = route.lstrip("^").rstrip("$").replace("\\Z", "").replace("\\", "")
    route = re.sub(r"<int:\w+>|<pk>|<\w+:pk>", "1", route)
    route = re.sub(r"<(?:\w+:)?\w+>", "x", route)
    route = re.sub(r"\(\?P<\w+>[^)]*\)", "1", route)
    route = re.sub(r"\(\?:[^)]*\)\??", "", route)
    return "/" + route.replace("?", "")


def all_urls():
    return sorted({concrete(route) for route in walk(get_resolver().url_patterns)})


def test_the_walk_finds_the_project_urls():
    urls = all_urls()
    assert "/petitions/" in urls and "/disputes/" in urls and "/reports/" in urls
    assert len(urls) > 30  # the admin's URLs included


@pytest.mark.django_db
@pytest.mark.parametrize("url", all_urls())
def test_every_url_requires_login(client, url):
    response = client.get(url)
    if url in PUBLIC:
        assert response.status_code in (200, 302, 405)
        return
    if url.startswith("/admin/"):
        # The admin has its own login page; anonymous users are sent there or refused.
        assert response.status_code in (302, 404), url
        if response.status_code == 302:
            assert "/login/" in response["Location"]
        return
    assert response.status_code == 302, url
    assert response["Location"].startswith("/accounts/login/?next="), url
