"""Every role's pages run the same number of queries at two data sizes, at most 10 (issue 16): the home page
(the dashboard), the list, each work queue of the menu, and the case pages of a petition and of a mediation
case that have everything (parties, attachments, decisions, the reply, extensions, supervisions,
escalations, related cases, documents, history, return visits) for every role that opens them, the 县级督办
and those asked to decide an escalation included. The session, the user with their staff profile, roles and
permissions (office/auth.py) and the menu's counts (one query, reports/queues.py) are included."""
import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from disputes.models import MediationCase
from office.middleware import IdleTimeoutMiddleware
from petitions.models import OPEN_STATUSES_FOR_INDEX, Petition
from reports.queues import work_queues
from tests.builders import petition_in_state
from tests.disputes.mediation.builders import case_in
from tests.reports.case_builders import (
    county_supervisor,
    full_mediation,
    full_petition,
    mediation_decider,
    petition_decider,
)
from tests.sqlite_plans import plan_as_sent

pytestmark = pytest.mark.django_db

def grow(users):
    """One more case in each state a queue shows, and a mediation case of the mediator's."""
    for state in ("registered", "decision_review", "accepted", "in_progress", "reply_review", "replied", "evaluated"):
        petition_in_state(users, state)
    case_in(users["mediator"], "mediating")


@pytest.fixture(autouse=True)
def _seen_written_once(monkeypatch):
    """The session's last-seen time is written every 15 s (office/middleware.py): on a slow machine that
    falls on any request of the sequence. Here it is written once, by the first request after login."""
    monkeypatch.setattr(IdleTimeoutMiddleware, "WRITE_EVERY", 10**9)


def count(client, url):
    client.get(url)  # warms the caches (content types, the calendar) and writes the session once
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx)


def pages(user, role, users):
    if role == "mediator":
        case = MediationCase.objects.filter(mediators=user).order_by("pk").first()
        own = [("case", reverse("disputes:mediation_detail", args=[case.pk])), ("list", "/disputes/mediation/")]
    else:
        case = Petition.objects.filter(assigned_unit=users["handler"].staff.unit).order_by("pk").first()
        own = [("case", reverse("petitions:detail", args=[case.pk])), ("list", "/petitions/")]
    queues = [(f"queue {q.key}", q.url.split("#")[0]) for q in work_queues(user, timezone.localdate())]
    return [("home", "/"), *own, *dict.fromkeys(queues)]


@pytest.mark.parametrize("role", ["clerk", "coordinator", "leader", "handler", "mediator"])
def test_every_page_runs_the_same_few_queries_at_two_sizes(client, users, role, _still_clock):
    user = users[role]
    grow(users)
    client.force_login(user)
    urls = pages(user, role, users)
    small = {name: count(client, url) for name, url in urls}
    for _ in range(3):
        grow(users)
    large = {name: count(client, url) for name, url in urls}
    assert large == small
    over = {name: n for name, n in large.items() if n > 10}
    assert over == {}


@pytest.fixture
def _still_clock():
    """The clock stands still while the pages are counted (a slow machine crosses no second or day)."""
    with time_machine.travel(timezone.now(), tick=False):
        yield


def test_case_pages_run_the_same_few_queries_for_every_role_at_two_sizes(client, users, township, police, village,
                                                                         _still_clock):
    """The case page reads the case and every list under it in one statement (petitions/selectors.py
    petition_detail, disputes/mediation/selectors.py case_detail, office/onequery.py fetch_together)."""
    deciders = {"petition": petition_decider(township, police), "mediation": mediation_decider(township, village)}
    county = county_supervisor(township)
    earlier = full_petition(users, deciders["petition"], n=1)
    petition = full_petition(users, deciders["petition"], n=2, related=[earlier])
    case = full_mediation(users["mediator"], deciders["mediation"], users["leader"], n=1)
    readers = {
        "petition": {**{role: users[role] for role in ("clerk", "coordinator", "leader", "handler")},
                     "escalation decider": deciders["petition"], "county supervisor": county},
        "mediation": {**{role: users[role] for role in ("coordinator", "leader", "mediator")},
                      "escalation decider": deciders["mediation"]},
    }
    urls = {"petition": reverse("petitions:detail", args=[petition.pk]),
            "mediation": reverse("disputes:mediation_detail", args=[case.pk])}

    def counts():
        found = {}
        for page, people in readers.items():
            for role, user in people.items():
                client.force_login(user)
                found[page, role] = count(client, urls[page])
        return found

    small = counts()
    grow(users)
    full_petition(users, deciders["petition"], n=3, related=[petition])
    full_mediation(users["mediator"], deciders["mediation"], users["leader"], n=2)
    assert counts() == small
    assert {key: n for key, n in small.items() if n > 10} == {}


def test_the_open_states_of_the_partial_index_are_the_models():
    assert [str(s) for s in Petition.OPEN_STATUSES] == OPEN_STATUSES_FOR_INDEX



@pytest.mark.skipif(connection.vendor != "sqlite", reason="the index is SQLite's (PostgreSQL: petition_open_menu)")
def test_sqlite_counts_the_menu_from_its_index_alone(users):
    """The menu's pass over the open cases reads petition_menu_sqlite as a covering index, with the states
    bound as parameters as Django sends them (petitions/migrations/0024)."""
    from reports.queues import menu_counts

    petition_in_state(users, "registered")
    plan = plan_as_sent(lambda: menu_counts(users["clerk"], timezone.localdate()))
    assert "petitions_petition USING COVERING INDEX petition_menu_sqlite" in plan, plan
