"""Keyset pages (office/pagination.py, docs/architecture.md "Search and deep pages"): every row once, in
order, both ways, whatever the ties and empty dates; a row registered during the walk shifts nothing; a
forged link shows the first page; filters stay in the links; a deep page runs the queries of the first."""
import datetime
import html
import re

import pytest
import time_machine
from django.db import connection
from django.db.models import F
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from office.pagination import KeysetPaginator
from petitions.models import Petition
from tests.builders import register_petition
from tests.petitions.test_queries import count_queries
from tests.sqlite_plans import plan_as_sent

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 3, 2)
NUMBER = re.compile(r"XF-\d{4}-\d{4,}")
LINK = r'href="\?([^"]*)"[^>]* data-testid="{}"'

# Every ordering a list or queue sorts by, and the order it means with empty dates placed as the latest.
ORDERINGS = {
    "newest first": (("-received_on", "-sequence", "-pk"), ("-received_on", "-sequence", "-pk")),
    "due, soonest first": (("due_on", "pk"), (F("due_on").asc(nulls_last=True), "pk")),
    "due, latest first": (("-due_on", "-pk"), (F("due_on").desc(nulls_first=True), "-pk")),
    "number": (("sequence",), ("sequence", "pk")),
    "queue": (("due_on", "received_on", "pk"), (F("due_on").asc(nulls_last=True), "received_on", "pk")),
    "no id given": (("received_on",), ("received_on", "pk")),
}


@pytest.fixture
def ties(clerk):
    """17 cases on three received days and three due dates, a third without one: ties everywhere."""
    cases = [register_petition(clerk, title=f"事项{i}", petitioners=[{"name": f"人{i}", "phone": f"139{i:08d}"}])
             for i in range(17)]
    for i, case in enumerate(cases):
        due = None if i % 3 == 0 else DAY + datetime.timedelta(days=i % 2)
        Petition.objects.filter(pk=case.pk).update(received_on=DAY - datetime.timedelta(days=i % 3), due_on=due)
    return Petition.objects.filter(township=clerk.staff.township)


def forwards(paginator):
    page, pages = paginator.page(), []
    while True:
        pages.append(page)
        if not page.has_next():
            return pages
        page = paginator.page(page.next_cursor)


def backwards(paginator, page):
    pages = [page]
    while page.has_previous():
        page = paginator.page(page.previous_cursor)
        pages.append(page)
    return pages


@pytest.mark.parametrize("name", ORDERINGS)
def test_every_row_once_in_order_forwards_and_backwards(ties, name):
    ordering, meaning = ORDERINGS[name]
    expected = list(ties.order_by(*meaning).values_list("pk", flat=True))
    paginator = KeysetPaginator(ties.order_by(*ordering), 4)
    pages = forwards(paginator)
    assert [row.pk for page in pages for row in page] == expected
    assert [page.number for page in pages] == [1, 2, 3, 4, 5] and len(pages[-1]) == 1
    back = backwards(paginator, pages[-1])
    assert [[row.pk for row in page] for page in back] == [[row.pk for row in page] for page in pages[::-1]]
    assert back[-1].number == 1 and not back[-1].has_previous()


def test_an_annotation_with_empty_values_pages_like_a_column(ties):
    rows = ties.annotate(deadline=F("due_on"))
    expected = list(rows.order_by(F("deadline").asc(nulls_last=True), "received_on", "pk").values_list("pk", flat=True))
    pages = forwards(KeysetPaginator(rows.order_by("deadline", "received_on", "pk"), 4))
    assert [row.pk for page in pages for row in page] == expected


def test_a_case_registered_during_the_walk_shifts_nothing(clerk, ties):
    paginator = KeysetPaginator(ties.order_by("-received_on", "-sequence", "-pk"), 4)
    before = list(ties.order_by("-received_on", "-sequence", "-pk").values_list("pk", flat=True))
    first = paginator.page()
    newcomer = register_petition(clerk, title="新来的", petitioners=[{"name": "新人", "phone": "13911112222"}])
    Petition.objects.filter(pk=newcomer.pk).update(received_on=DAY)  # lands on the first page, not ahead of us
    rest = forwards_from(paginator, first)
    assert [row.pk for row in first] + rest == before
    # Nothing left after the link's row (the rest closed meanwhile, here filtered out): the first page.
    shrunk = KeysetPaginator(ties.filter(pk__in=[row.pk for row in first]).order_by(
        "-received_on", "-sequence", "-pk"), 4).page(first.next_cursor)
    assert [row.pk for row in shrunk] == [row.pk for row in first] and shrunk.number == 1


def forwards_from(paginator, page):
    rows = []
    while page.has_next():
        page = paginator.page(page.next_cursor)
        rows += [row.pk for row in page]
    return rows


@override_settings(LIST_PAGE_SIZE=4)
def test_the_list_links_walk_every_case_and_keep_the_filters(client, clerk, ties):
    client.force_login(clerk)
    Petition.objects.filter(pk__in=ties.order_by("pk").values("pk")[:2]).update(channel=Petition.Channel.LETTER)
    index = reverse("petitions:index")
    query = "channel=visit&ordering=due_on"
    numbers, url, bodies = [], f"{index}?{query}", []
    while url:
        body = client.get(url).content.decode()
        bodies.append(body)
        numbers += list(dict.fromkeys(NUMBER.findall(body.split('data-testid="petition-table"')[1])))
        link = re.search(LINK.format("next-page"), body)
        url = f"{index}?{html.unescape(link.group(1))}" if link else None
        if url:
            assert "channel=visit" in url and "ordering=due_on" in url
    expected = ties.filter(channel=Petition.Channel.VISIT).order_by(F("due_on").asc(nulls_last=True), "pk")
    assert numbers == list(expected.values_list("number", flat=True))
    assert 'data-testid="previous-page"' not in bodies[0] and 'data-testid="next-page"' in bodies[0]
    assert 'data-testid="first-page"' in bodies[-1]
    previous = html.unescape(re.search(LINK.format("previous-page"), bodies[-1]).group(1))
    assert "channel=visit" in previous
    shown = client.get(f"{index}?{previous}").content.decode()
    assert NUMBER.findall(shown.split('data-testid="petition-table"')[1])[0] == expected[(len(bodies) - 2) * 4].number


@override_settings(LIST_PAGE_SIZE=4)
def test_a_forged_or_foreign_link_shows_the_first_page_and_says_so(client, clerk, ties):
    client.force_login(clerk)
    index = reverse("petitions:index")
    first = client.get(index).context["page"]
    cursor = first.next_cursor
    other_sort = KeysetPaginator(ties.order_by("due_on", "pk"), 4).page().next_cursor
    for bad in ("nonsense", cursor[:-3] + "abc", cursor.replace(":", ";", 1), other_sort):
        response = client.get(index, {"cursor": bad})
        assert response.status_code == 200
        page = response.context["page"]
        assert [r.pk for r in page] == [r.pk for r in first] and page.number == 1
        assert "翻页链接无效" in response.content.decode()
    assert client.get(index, {"cursor": cursor}).context["page"].number == 2


@override_settings(LIST_PAGE_SIZE=4)
def test_a_deep_page_runs_the_queries_of_the_first(client, clerk, ties):
    client.force_login(clerk)
    index = reverse("petitions:index")
    with time_machine.travel(timezone.now(), tick=False):
        count_queries(client, index)  # warm the caches
        pages = [index]
        for params in ({}, {"ordering": "due_on"}, {"ordering": "-due_on"}):
            page = client.get(index, params).context["page"]
            while page.has_next():
                page = client.get(index, {**params, "cursor": page.next_cursor}).context["page"]
            pages.append(f"{index}?{'&'.join(f'{k}={v}' for k, v in params.items())}&cursor={page.previous_cursor}")
        overdue = reverse("petitions:queue", args=["overdue"])
        counts = [count_queries(client, url) for url in pages]
        assert counts == [counts[0]] * len(counts)
        assert count_queries(client, overdue) == count_queries(client, overdue)


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's matching of indexed expressions")
def test_sorting_by_due_date_reads_the_expression_index_as_sent(ties):
    """The sort key's last value is written into the statement as the index's definition has it
    (office/pagination.py Written): with it bound as a parameter SQLite did not recognise the indexed
    COALESCE and sorted every row of the township for each page."""
    rows = ties.order_by("due_on", "pk")
    plan = plan_as_sent(lambda: list(KeysetPaginator(rows, 5).page()), chosen=lambda sql: "ORDER BY" in sql)
    assert "petition_due_key" in plan and "TEMP B-TREE" not in plan, plan
