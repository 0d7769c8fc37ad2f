"""Every figure on the home page equals the count of the list it opens (issue 16 §2), on a varied data set:
petitions received in September, October and November in every state (decided in time and late, replied
on time and late, rated and unrated, repeat, with return visits made and due), disputes resolved, sent to
mediation and still open, mediation cases agreed, failed, refused and open. The dashboard reads its figures
in one query with the menu (reports/selectors.py dashboard_numbers); the lists are reports/views.py
figure_cases over the same conditions."""
import datetime

import pytest
from django.urls import reverse

from disputes.mediation import workflow as mediation_workflow
from disputes.mediation.selectors import visible_cases
from disputes.models import LedgerEntry, MediationCase
from disputes.screening import workflow as screening_workflow
from disputes.screening.selectors import visible_entries
from office.models import Targets
from petitions import workflow
from petitions.selectors import visible_petitions
from reports.figures import dispute_figures, petition_figures
from tests.builders import petition_in_state, register_petition

from .builders import at, entry_data, file_round
from .mediation.builders import advance, register

pytestmark = pytest.mark.django_db
D = datetime.date
R = LedgerEntry.Resolution


@pytest.fixture
def varied(users, frozen_now, police):
    """Cases made on several days, so that periods, due dates and windows fall on both sides of the bounds."""
    for day, states in [
        (D(2026, 9, 20), ["archived", "replied", "in_progress", "registered"]),
        (D(2026, 10, 8), ["visited", "evaluated", "replied", "reply_review", "assigned", "not_accepted", "registered"]),
        (D(2026, 11, 3), ["evaluated", "replied", "accepted", "decision_review", "forwarded", "registered"]),
    ]:
        frozen_now.move_to(at(day.year, day.month, day.day))
        for state in states:
            petition_in_state(users, state)
        register_petition(users["clerk"], title="重复", is_repeat=True) if day.month == 10 else None
        # A decision proposed late (after the 15 days): decided outside the limit.
        late = register_petition(users["clerk"], title="迟办")
        frozen_now.move_to(at(day.year, day.month, day.day) + datetime.timedelta(days=20))
        workflow.propose_decision(late, by=users["clerk"], decision="accept", reasons="符合受理条件")
        workflow.approve_decision(late, by=users["leader"])
        # A dissatisfied opinion and an opinion window left to expire.
        replied = petition_in_state(users, "replied")
        workflow.record_opinion(replied, by=users["clerk"], opinion="dissatisfied", opinion_on=replied.replied_on)
    frozen_now.move_to(at(2026, 11, 25))

    mediator, coordinator = users["mediator"], users["coordinator"]
    screening_round = file_round(mediator, entries=[entry_data(title=str(i)) for i in range(5)])
    entries = list(screening_round.found_entries.order_by("pk"))
    screening_workflow.resolve_entry(entries[0], by=mediator, note="当场调解", how=R.MEDIATED)
    screening_workflow.resolve_entry(entries[1], by=mediator, note="自行和解", how=R.SETTLED)
    screening_workflow.request_mediation(entries[2], by=coordinator, note="转调委会")
    screening_workflow.transfer_entry_to_police(entries[3], by=coordinator, unit=police, note="涉嫌伤害")
    cases = {name: register(mediator, title=name) for name in ["agreed", "failed", "refused", "open"]}
    advance(cases["agreed"], mediator, MediationCase.Status.PERFORMING)
    advance(cases["failed"], mediator, MediationCase.Status.TERMINATED)
    mediation_workflow.terminate_mediation(cases["refused"], by=mediator, reason="refused", note="拒绝调解。",
                                           channels_told=True)
    advance(cases["open"], mediator, MediationCase.Status.MEDIATING)


@pytest.mark.parametrize("query", [{"month": "2026-11"}, {"month": "2026-10"},
                                   {"start": "2026-09-01", "end": "2026-12-31"}])
def test_each_figure_equals_the_count_of_its_list(client, users, varied, query):
    leader = users["leader"]
    client.force_login(leader)
    page = client.get("/", query)
    assert page.status_code == 200
    shown = page.context["figures"]
    assert len(shown) == 10 and any(f.denominator for f in shown)
    # The one-query dashboard says what the figure functions say on their own.
    period = page.context["period"]
    targets = Targets.for_township(leader.staff.township)
    alone = petition_figures(visible_petitions(leader), period, D(2026, 11, 25), targets) + dispute_figures(
        visible_entries(leader), visible_cases(leader), period, D(2026, 11, 25), targets)
    assert [(f.key, f.numerator, f.denominator) for f in shown] == [(f.key, f.numerator, f.denominator) for f in alone]
    for figure in shown:
        for part, expected in (("numerator", figure.numerator), ("denominator", figure.denominator)):
            url = reverse("reports:figure_cases", args=[figure.key])
            listed = client.get(url, {"start": period.first, "end": period.last, "part": part})
            assert listed.status_code == 200
            assert listed.context["page"].paginator.count == expected, (figure.key, part)


def test_the_states_on_the_home_page_count_the_lists_they_open(client, users, varied):
    client.force_login(users["coordinator"])
    page = client.get("/")
    for label, count, status in page.context["petition_states"]:
        assert count == visible_petitions(users["coordinator"]).filter(status=status).count(), label
    for label, count, status in page.context["entry_states"]:
        assert count == visible_entries(users["coordinator"]).filter(status=status).count(), label
    assert sum(count for _label, count, _status in page.context["petition_states"]) > 5


def test_a_case_visited_twice_is_two_rows_as_it_is_two_in_the_figure(client, users, frozen_now):
    """回访率 counts return visits: its list shows one row per visit, so a case visited one and three months
    after closing shows twice, as it counts twice."""
    from petitions.models import ReturnVisit

    frozen_now.move_to(at(2026, 11, 25))
    petition = petition_in_state(users, "archived")
    petition.return_visits.all().delete()
    ReturnVisit.objects.create(petition=petition, due_on=D(2026, 11, 5), visited_on=D(2026, 11, 5), method="phone",
                               reached=True, satisfaction="satisfied")
    ReturnVisit.objects.create(petition=petition, due_on=D(2026, 11, 20))  # due, not yet made
    client.force_login(users["leader"])
    url = reverse("reports:figure_cases", args=["return_visit"])
    for part, rows in (("numerator", 1), ("denominator", 2)):
        listed = client.get(url, {"month": "2026-11", "part": part})
        assert listed.status_code == 200
        assert listed.context["figure"].numerator == 1 and listed.context["figure"].denominator == 2
        assert listed.context["page"].paginator.count == rows
        assert [v.petition_id for v in listed.context["page"]] == [petition.pk] * rows
        assert listed.content.decode().count(petition.number) >= rows
