"""Every page runs a fixed number of queries whatever the amount of data (docs/architecture.md §3, §15):
each is measured with one week of data and again with five, the clock standing still (``frozen_now``)."""
import datetime
import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from disputes.periods import PeriodKind, period_containing
from disputes.screening import services, workflow
from disputes.screening.services import PartyData
from office.models import Village
from office.roles import MEDIATOR
from tests.builders import make_user
from tests.reports.case_builders import county_supervisor

from ..builders import at, entry_data, file_round

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def grow(township, mediator, coordinator, frozen_now):
    """Return add(n): n more (earlier) weeks of data — two disputes from 青溪村 (one sent to
    mediation), a new village whose chair files a zero report, and the township's fortnight."""
    weeks = itertools.count(1)

    def add(n):
        for _ in range(n):
            monday = D(2026, 11, 23) - datetime.timedelta(weeks=next(weeks))
            wednesday = monday + datetime.timedelta(days=2)
            frozen_now.move_to(at(wednesday.year, wednesday.month, wednesday.day))
            three = [PartyData(name=f"甲{monday.day}"), PartyData(name=f"乙{monday.day}"), PartyData(name=f"丙{monday.day}")]
            screening_round = file_round(mediator, day=monday, entries=[entry_data(), entry_data(parties=three)])
            workflow.request_mediation(screening_round.found_entries.first(), by=coordinator, note="转调解")
            village = Village.objects.create(township=township, name=f"新村{monday:%m%d}", sort_order=10 + monday.day)
            file_round(make_user(MEDIATOR, township, village=village), day=monday, zero=True)
            if services.find_round(township, None, _fortnight(monday)) is None:
                file_round(coordinator, day=monday, zero=True)
        frozen_now.move_to(at(2026, 11, 25))

    return add


def _fortnight(day):
    return period_containing(PeriodKind.FORTNIGHT, day)


PAGES = [
    # name, url, user, queries: the session, the user with their staff profile, their roles and permissions
    # (office/auth.py), the menu's counts in one query (reports/queues.py), then the page's own.
    ("ledger", "/disputes/", "coordinator", 10),
    ("ledger of a mediator", "/disputes/", "mediator", 9),
    ("filtered ledger", "/disputes/?status=in_progress&q=纠纷&sort=risk&month=2026-11", "coordinator", 10),
    ("rounds", "/disputes/rounds/", "coordinator", 5),  # keyset pages: the page, no count (none shown)
    ("filing page with carry-overs", "/disputes/rounds/new/", "mediator", 8),
    ("compliance board", "/disputes/compliance/?n=12", "coordinator", 6),
    ("brief", "/disputes/brief/?month=2026-11", "leader", 6),
    ("export", "/disputes/export/", "coordinator", 10),  # + the count that decides now or in the background
]


@pytest.mark.parametrize("name, url, role, queries", PAGES, ids=[p[0] for p in PAGES])
def test_pages_run_a_constant_number_of_queries(name, url, role, queries, request, client, grow, django_assert_num_queries):
    client.force_login(request.getfixturevalue(role))
    grow(1)
    with django_assert_num_queries(queries):
        assert client.get(url).status_code == 200
    grow(4)
    with django_assert_num_queries(queries):
        assert client.get(url).status_code == 200


def test_the_round_and_entry_pages_too(client, township, other_village, mediator, coordinator, grow, django_assert_num_queries):
    client.force_login(coordinator)
    small_round = file_round(make_user(MEDIATOR, township, village=other_village), entries=[entry_data()])
    entry = small_round.found_entries.get()
    grow(4)
    big_round = file_round(mediator, entries=[entry_data(), entry_data()])
    assert big_round.items.filter(is_carry_over=True).count() >= 4 and small_round.items.count() == 1
    for screening_round in (small_round, big_round):
        with django_assert_num_queries(7):
            assert client.get(f"/disputes/rounds/{screening_round.pk}/").status_code == 200

    with django_assert_num_queries(6):
        assert client.get(f"/disputes/entries/{entry.pk}/").status_code == 200
    for name in ("丙", "丁", "戊"):
        services.add_party(entry, by=coordinator, party=PartyData(name=name))
    workflow.refer_entry_to_meeting(entry, by=coordinator, note="专题会议")
    workflow.request_mediation(entry, by=coordinator, note="转调解")
    services.update_entry(entry, by=coordinator, changes={"measures": "包案领导约谈"})
    assert entry.party_links.count() == 5 and entry.history.count() == 4
    with django_assert_num_queries(6):
        assert client.get(f"/disputes/entries/{entry.pk}/").status_code == 200


def test_every_role_opens_the_filing_board_brief_and_entry_pages_in_at_most_ten_queries(
        client, township, other_village, mediator, coordinator, leader, grow):
    """The round filing page (报送本期排查), the compliance board (报送情况, the county's read-only copy too),
    the monthly brief (简报) and a ledger entry's page, for every role that opens them: at most 10 queries
    (issue 16), the same with one week of data and with five (more carry-overs, villages, rounds, parties,
    events and history)."""
    county = county_supervisor(township)
    own_mediator = make_user(MEDIATOR, township, village=other_village)  # the entry's village's
    entry = file_round(own_mediator, entries=[entry_data()]).found_entries.get()
    readers = {
        "/disputes/rounds/new/": [mediator, coordinator],
        "/disputes/compliance/?n=12": [coordinator, leader],
        f"/county/townships/{township.pk}/rounds/?n=12": [county],
        "/disputes/brief/?month=2026-11": [coordinator, leader],
        f"/disputes/entries/{entry.pk}/": [own_mediator, coordinator, leader, county],
    }

    def counts():
        found = {}
        for url, people in readers.items():
            for user in people:
                client.force_login(user)
                client.get(url)  # the session is written once, by the first request after login
                with CaptureQueriesContext(connection) as ctx:
                    assert client.get(url).status_code == 200, (url, user)
                found[url, user.username] = len(ctx)
        return found

    grow(1)
    small = counts()
    grow(4)
    for name in ("丙", "丁", "戊"):
        services.add_party(entry, by=coordinator, party=PartyData(name=name))
    services.update_entry(entry, by=coordinator, changes={"measures": "包案领导约谈"})
    workflow.request_mediation(entry, by=coordinator, note="转调解")
    assert counts() == small
    assert {key: n for key, n in small.items() if n > 10} == {}
