"""A crawl over what a user can click from home: the menu, the work queues (reports/queues.py) and every
link on the home page and on each queue page. Every one must open (issue 12 §1): no 403, 404 or 500."""
import re
from urllib.parse import urldefrag

from django.urls import reverse

HREF = re.compile(r'href="(/[^"#]*)(?:#[^"]*)?"')
SKIP = ("/static/", "/media/", "/accounts/logout/")


def links(body):
    """The distinct local links of a page, without their fragments."""
    return list(dict.fromkeys(urldefrag(href.replace("&amp;", "&"))[0] for href in HREF.findall(body)))


def crawl(client, user, *, queue_links=True):
    """Log in as the user, open home, its links and each queue page's links; return {url: status}."""
    from django.utils import timezone

    from reports.queues import work_queues

    client.force_login(user)
    home = client.get(reverse("home"))
    seen = {reverse("home"): home.status_code}
    todo = links(home.content.decode())
    queues = [urldefrag(q.url)[0] for q in work_queues(user, timezone.localdate())]
    for url in queues:
        if url not in seen:
            response = client.get(url)
            seen[url] = response.status_code
            if queue_links and response.status_code == 200:
                todo += links(response.content.decode())
    for url in todo:
        if url in seen or url.startswith(SKIP):
            continue
        seen[url] = client.get(url).status_code
    return seen


def broken(seen):
    """The crawled links that did not open (anything but 200, or a redirect)."""
    return {url: status for url, status in seen.items() if status not in (200, 302)}
