"""The list's search routes each input to its own lookup (petitions/search.py) and finds the same
cases on SQLite and PostgreSQL; the pages of a long list cover every row once, in order; the count
stops at the cap (docs/architecture.md, "Search and deep pages")."""
import html
import re
from urllib.parse import urlencode

import pytest
import time_machine
from django.db.models import F
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from office.pagination import KeysetPaginator
from office.roles import CLERK
from petitions.models import Petition
from petitions.search import route, search_petitions
from petitions.selectors import visible_petitions
from tests.builders import ID_NUMBERS, make_user, register_petition

pytestmark = pytest.mark.django_db

NUMBER = re.compile(r"XF-\d{4}-\d{4,}")


@pytest.fixture
def cases(clerk):
    zhang = register_petition(clerk, title="宅基地边界纠纷", petitioners=[
        {"name": "张建国", "phone": "13812345678", "id_number": ID_NUMBERS[0]}])
    wang = register_petition(clerk, title="拖欠工资", petitioners=[
        {"name": "王芳", "phone": "0571-6000123", "id_number": ID_NUMBERS[1]},
        {"name": "李建国", "phone": "13900001111", "id_number": ""}])
    chen = register_petition(clerk, title="征地补偿款", petitioners=[
        {"name": "陈明", "phone": "13700002222", "id_number": ID_NUMBERS[2]}])
    # Letters with a case, in a title and a name: a short search for them ignores case.
    jo = register_petition(clerk, title="G60高速施工扰民", petitioners=[{"name": "Jo", "phone": "13655556666"}])
    return {"zhang": zhang, "wang": wang, "chen": chen, "jo": jo}


def found(user, value):
    township = user.staff.township
    return set(search_petitions(visible_petitions(user), value, township).values_list("number", flat=True))


def test_each_input_goes_to_its_route():
    assert route("xf-2026-0001") == "number"
    assert route("138 1234 5678") == "phone"
    assert route("0571-6000123") == "phone"
    assert route("11010519491231002x") == "id_number"
    for partial in ("张建国", "建国", "1381234", "XF-2026", "宅基地", "110105"):
        assert route(partial) == "partial", partial


def test_every_route_finds_exactly_its_cases(clerk, cases):
    zhang, wang, chen = cases["zhang"].number, cases["wang"].number, cases["chen"].number
    expected = {
        "13812345678": {zhang},            # full mobile number: exact, by index
        "0571-6000123": {wang},            # full landline
        ID_NUMBERS[2]: {chen},             # full ID number
        ID_NUMBERS[0].lower(): {zhang},    # the check digit x in lower case
        cases["wang"].number: {wang},      # full case number
        cases["wang"].number.lower(): {wang},
        "建国": {zhang, wang},              # two characters: inside a name (张建国, 李建国)
        "张建": {zhang},
        "王芳": {wang},                     # a two-character name
        "张建国": {zhang},                  # a three-character name
        "拖欠工资": {wang},                  # a word of a title
        "工资": {wang},                     # two characters: a word of a title
        "王": {wang},                       # one character: a surname
        "地": {zhang, chen},                # one character: inside titles (宅基地, 征地)
        "征地补偿": {chen},
        "0000222": {chen},                 # part of a phone
        "440524": {chen},                  # the start of an ID number
        "g6": {cases["jo"].number},        # two characters with a case: in either case (G60)
        "jo": {cases["jo"].number},        # a name in Latin letters, typed in lower case
        "没有这个人": set(),
        "13800000000": set(),              # a full phone nobody has
    }
    for value, numbers in expected.items():
        assert found(clerk, value) == numbers, value
    # The start of a case number finds every case of that year.
    assert found(clerk, cases["zhang"].number[:7]) == {zhang, wang, chen, cases["jo"].number}


def test_search_never_reaches_past_what_the_user_may_see(clerk, township, other_township, center, cases):
    # Another township's person with the same phone and name, and a confidential case of another clerk.
    outsider = make_user(CLERK, other_township)
    register_petition(outsider, petitioners=[{"name": "张建国", "phone": "13812345678", "id_number": ID_NUMBERS[0]}])
    other_clerk = make_user(CLERK, township, unit=center)
    secret = register_petition(other_clerk, confidential=True, title="检举材料", petitioners=[
        {"name": "陈明", "phone": "13700002222", "id_number": ID_NUMBERS[2]}])
    for value in ("13812345678", "张建国", ID_NUMBERS[0]):
        assert found(clerk, value) == {cases["zhang"].number}, value
    for value in ("13700002222", "陈明", ID_NUMBERS[2], secret.number, "检举材"):
        assert secret.number not in found(clerk, value), value
        assert secret.number in found(other_clerk, value), value


def test_the_page_shows_what_the_search_found(client, clerk, cases):
    client.force_login(clerk)
    body = client.get(reverse("petitions:index"), {"q": "0000"}).content.decode()  # inside two phones
    assert set(NUMBER.findall(body)) == {cases["wang"].number, cases["chen"].number}


NEXT = re.compile(r'href="\?([^"]*)" data-testid="next-page"')


def walk(client, params):
    """Follow the "next" links from the first page, as a person would."""
    numbers, url = [], reverse("petitions:index") + "?" + urlencode(params)
    while True:
        body = client.get(url).content.decode()
        table = body.split('data-testid="petition-table"')[1]
        numbers += list(dict.fromkeys(NUMBER.findall(table)))
        link = NEXT.search(body)
        if not link:
            return numbers
        url = reverse("petitions:index") + "?" + html.unescape(link.group(1))


@override_settings(LIST_PAGE_SIZE=4)
def test_pages_cover_every_row_once_in_order(client, clerk):
    # Many cases received the same day and due the same day: only the id tells them apart.
    for i in range(14):
        register_petition(clerk, title=f"事项{i}", petitioners=[{"name": f"人{i}", "phone": f"139{i:08d}"}])
    client.force_login(clerk)
    every = list(visible_petitions(clerk).order_by("-received_on", "-sequence", "-pk").values_list("number", flat=True))
    assert walk(client, {}) == every
    by_due = list(visible_petitions(clerk).order_by("due_on", "pk").values_list("number", flat=True))
    assert walk(client, {"ordering": "due_on"}) == by_due
    # An empty due date (a closed case) sorts as the latest: last soonest first, first latest first.
    assert walk(client, {"ordering": "-due_on"}) == list(visible_petitions(clerk).order_by(
        F("due_on").desc(nulls_first=True), "-pk").values_list("number", flat=True))


def test_the_count_stops_at_the_cap(clerk):
    for i in range(12):
        register_petition(clerk, title=f"事项{i}", petitioners=[{"name": f"人{i}", "phone": f"139{i:08d}"}])
    rows = Petition.objects.order_by("pk")
    paginator = KeysetPaginator(rows, 3, cap=6)
    assert (paginator.count, paginator.capped, paginator.total_label) == (7, True, "6+")
    first = paginator.page()
    assert first.has_next() and list(first) == list(rows[:3])
    whole = KeysetPaginator(rows, 5, cap=100)
    assert (whole.count, whole.capped, whole.total_label) == (12, False, "12")


@override_settings(LIST_PAGE_SIZE=3)
def test_list_search_and_deep_page_queries_do_not_grow_with_data(client, clerk, cases):
    # The clock stands still: the session's last-seen time is written every 15 s (office/middleware.py),
    # which on a loaded machine would add queries between the two measurements.
    with time_machine.travel(timezone.now(), tick=False):
        _compare_counts(client, clerk, cases)


def _compare_counts(client, clerk, cases):
    from tests.petitions.test_queries import count_queries

    client.force_login(clerk)
    index = reverse("petitions:index")
    # A deep page: the link that continues after the first case, in each order.
    newest = KeysetPaginator(Petition.objects.order_by("-received_on", "-sequence", "-pk"), 3)
    by_due = KeysetPaginator(Petition.objects.order_by("due_on", "pk"), 3)
    after_newest = newest.cursor(cases["zhang"], "n", 2)
    after_due = by_due.cursor(cases["zhang"], "n", 2)
    urls = [index, f"{index}?cursor={after_newest}", f"{index}?ordering=due_on&cursor={after_due}", f"{index}?q=13812345678",
            f"{index}?q={ID_NUMBERS[0]}", f"{index}?q={cases['chen'].number}", f"{index}?q=建国",
            f"{index}?q=张建国", f"{index}?q=工资", reverse("petitions:queue", args=["overdue"])]
    for url in urls:
        count_queries(client, url)  # warm the caches
    small = [count_queries(client, url) for url in urls]
    for i in range(12):
        register_petition(clerk, title=f"工资{i}", petitioners=[
            {"name": f"张建国{i}", "phone": "13812345678"}, {"name": f"赵{i}", "phone": f"139{i:08d}"}])
    assert [count_queries(client, url) for url in urls] == small
