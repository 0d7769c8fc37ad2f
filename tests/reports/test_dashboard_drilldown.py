"""Every number of the home page equals the count of what it stands for (issue 16 §2), on cases spread over
fourteen months (clock frozen): each figure's numerator and denominator equal its drill-down list, each state
the cases in that state, each bar of the monthly intake and each point of the on-time line the cases of that
month. The dashboard reads them through indexes on the dates (reports/selectors.py ``dashboard_numbers``:
the period's cases, the twelve months' intake and replies due, the open cases with the menu), so a case just
outside a window must count exactly as before."""
import datetime
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db.models import F, Q
from django.urls import reverse

from petitions.models import Petition
from petitions.selectors import visible_petitions
from reports.figures import Figure
from reports.selectors import month_start
from tests.builders import petition_in_state

pytestmark = pytest.mark.django_db
D = datetime.date
TODAY = D(2026, 11, 25)
NOW = datetime.datetime(2026, 11, 25, 10, tzinfo=ZoneInfo("Asia/Shanghai"))
STATES = ["registered", "decision_review", "accepted", "in_progress", "reply_review", "replied", "evaluated",
          "visited", "archived", "not_accepted"]


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def fourteen_months(users, clock):
    """Thirty cases in every state (one confidential), then their dates spread over the last fourteen months:
    received on varied days, decided in time or late, replies due and served on time or late, every channel."""
    cases = [petition_in_state(users, state) for state in STATES * 3]
    Petition.objects.filter(pk=cases[5].pk).update(confidential=True)  # hidden from the coordinator
    channels = Petition.Channel.values
    for i, case in enumerate(cases):
        received = month_start(TODAY, i % 14) + datetime.timedelta(days=(i * 7) % 28)
        changes = {"received_on": received, "decision_due_on": received + datetime.timedelta(days=15),
                   "channel": channels[i % len(channels)], "is_repeat": i % 4 == 0}
        if case.decided_on:
            changes["decided_on"] = received + datetime.timedelta(days=(3, 20)[i % 2])
        if case.handling_due_on:
            changes["handling_due_on"] = received + datetime.timedelta(days=40)
        if case.replied_on:
            changes["replied_on"] = min(received + datetime.timedelta(days=(30, 50)[i % 3 == 0]), TODAY)
        Petition.objects.filter(pk=case.pk).update(**changes)
    return cases


def bars(svg):
    """{(month, channel label): count} of the intake chart's bars (a zero draws no bar)."""
    return {(int(m), name): int(n) for m, name, n in re.findall(r"<title>(\d+)月 ([^<:]+): (\d+)</title>", svg)}


def points(svg):
    """{month: rate string} of the on-time chart's points."""
    return {int(m): rate for m, rate in re.findall(r"<title>(\d+)月: ([\d.]+)%</title>", svg)}


@pytest.mark.parametrize("role", ["coordinator", "leader"])
@pytest.mark.parametrize("query", [{"month": "2026-11"}, {"start": "2025-10-01", "end": "2026-11-30"}])
def test_every_number_of_the_home_page_equals_its_list(client, users, fourteen_months, role, query):
    user = users[role]
    client.force_login(user)
    page = client.get("/", query)
    assert page.status_code == 200
    period = page.context["period"]
    visible = visible_petitions(user)
    assert visible.count() == (30 if role == "leader" else 29)

    for figure in page.context["figures"]:
        for part, expected in (("numerator", figure.numerator), ("denominator", figure.denominator)):
            listed = client.get(reverse("reports:figure_cases", args=[figure.key]),
                                {"start": period.first, "end": period.last, "part": part})
            assert listed.context["page"].paginator.count == expected, (figure.key, part)
    assert any(f.denominator for f in page.context["figures"] if f.key != "return_visit")

    for _label, count, status in page.context["petition_states"]:
        assert count == visible.filter(status=status).count(), status

    shown = bars(page.context["charts"]["intake"])
    labels = dict(Petition.Channel.choices)
    assert len(shown) > 12 and sum(shown.values()) == visible.filter(received_on__gte=month_start(TODAY, 11)).count()
    for back in range(12):
        month = month_start(TODAY, back)
        for value, label in labels.items():
            expected = visible.filter(received_on__year=month.year, received_on__month=month.month, channel=value)
            assert shown.get((month.month, str(label)), 0) == expected.count(), (month, value)

    rates = points(page.context["charts"]["on_time"])
    assert rates
    for back in range(12):
        month = month_start(TODAY, back)
        due = visible.filter(handling_due_on__year=month.year, handling_due_on__month=month.month,
                             handling_due_on__lte=TODAY).filter(Q(replied_on__isnull=False) | Q(handling_due_on__lt=TODAY))
        rate = Figure("m", "", "", due.filter(replied_on__lte=F("handling_due_on")).count(), due.count()).rate
        assert rates.get(month.month) == (None if rate is None else str(rate)), month
