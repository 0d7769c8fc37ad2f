"""参调率, 调解成功率, targets and the go-live date on hand-built data sets; every expected rate is worked
out by hand in the test, and every figure equals its drill-down list (docs/domain.md §4)."""
import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from disputes.mediation import workflow as mediation_workflow
from disputes.mediation.selectors import visible_cases
from disputes.models import LedgerEntry, MediationCase
from disputes.periods import PeriodKind, period_containing
from disputes.screening import workflow
from disputes.screening.selectors import NOT_COUNTED, compliance_rows, visible_entries
from office.models import Targets
from reports.exports import year_review_rows
from reports.figures import Period, dispute_cases, dispute_figures, mediation_cases

from .builders import at, entry_data, file_round
from .mediation.builders import advance, register

pytestmark = pytest.mark.django_db
D = datetime.date
NOV = Period(D(2026, 11, 1), D(2026, 11, 30))
TODAY = D(2026, 11, 25)  # the frozen Wednesday of tests/disputes/conftest.py
R = LedgerEntry.Resolution


def figure(figures, key):
    return next(f for f in figures if f.key == key)


@pytest.fixture
def ledger(mediator, coordinator, police):
    """Six disputes found on 25 Nov (by hand: 2 of 6 entered mediation = 33.3 %).

    mediated_in_screening: resolved by the village committee's mediation (调解化解)   → counts
    settled: the parties settled themselves (自行和解)                                 → not mediation
    other: resolved otherwise (其他)                                                    → not mediation
    requested: mediation requested for it                                              → counts
    open: still being worked on                                                        → not mediation
    police: transferred to the police                                                  → not mediation
    """
    names = ["mediated_in_screening", "settled", "other", "requested", "open", "police"]
    screening_round = file_round(mediator, entries=[entry_data(title=name) for name in names])
    entries = {e.title: e for e in screening_round.found_entries.all()}
    workflow.resolve_entry(entries["mediated_in_screening"], by=mediator, note="村调委会当场调解", how=R.MEDIATED)
    workflow.resolve_entry(entries["settled"], by=mediator, note="双方自行和解", how=R.SETTLED)
    workflow.resolve_entry(entries["other"], by=mediator, note="起诉后撤回", how=R.OTHER)
    workflow.request_mediation(entries["requested"], by=coordinator, note="转调委会")
    workflow.transfer_entry_to_police(entries["police"], by=coordinator, unit=police, note="涉嫌伤害")
    return entries


def test_participation_counts_mediation_during_screening(mediator, ledger):
    entries = visible_entries(mediator)
    participation = figure(dispute_figures(entries, visible_cases(mediator), NOV, TODAY), "participation")
    assert (participation.numerator, participation.denominator) == (2, 6)
    assert participation.rate == Decimal("33.3")  # 2 / 6
    numerator = set(dispute_cases(entries, "participation", NOV, part="numerator").values_list("title", flat=True))
    assert numerator == {"mediated_in_screening", "requested"}
    assert dispute_cases(entries, "participation", NOV, part="denominator").count() == participation.denominator
    resolution = figure(dispute_figures(entries, visible_cases(mediator), NOV, TODAY), "resolution")
    assert (resolution.numerator, resolution.denominator, resolution.rate) == (3, 6, Decimal("50.0"))  # 3 resolved


def test_resolving_needs_to_say_how(mediator):
    entry = file_round(mediator).found_entries.get()
    with pytest.raises(workflow.WorkflowError):
        workflow.resolve_entry(entry, by=mediator, note="已化解", how="")
    entry.refresh_from_db()
    assert entry.status == LedgerEntry.Status.IN_PROGRESS and entry.resolution == ""


@pytest.fixture
def mediation(mediator, coordinator, police):
    """Six mediation cases of November (by hand: 2 agreements of 3 actually mediated = 66.7 %).

    agreed_1, agreed_2: agreements in effect on 25 Nov                   → mediated, agreement
    failed: mediation failed (Art 26)                                    → mediated, no agreement
    refused: a party refused before mediation began (Art 17)             → not mediated
    police: transferred to the police station (Art 25)                   → not mediated
    open: still being mediated                                           → not ended
    """
    cases = {name: register(mediator, title=name) for name in ["agreed_1", "agreed_2", "failed", "refused", "police", "open"]}
    for name in ("agreed_1", "agreed_2"):
        advance(cases[name], mediator, MediationCase.Status.PERFORMING)
    advance(cases["failed"], mediator, MediationCase.Status.TERMINATED)
    mediation_workflow.terminate_mediation(cases["refused"], by=mediator, reason="refused", note="被申请人明确拒绝调解。",
                                           channels_told=True)
    mediation_workflow.transfer_case_to_police(cases["police"], by=coordinator, unit=police, note="事态升级，涉嫌伤害。")
    advance(cases["open"], mediator, MediationCase.Status.MEDIATING)
    return cases


def test_mediation_success_leaves_out_refusals_and_transfers(mediator, mediation):
    cases = visible_cases(mediator)
    success = figure(dispute_figures(visible_entries(mediator), cases, NOV, TODAY), "mediation_success")
    assert (success.numerator, success.denominator) == (2, 3)
    assert success.rate == Decimal("66.7")  # 2 / 3; counting refusal and transfer as failures would say 2 / 5 = 40 %
    numerator = mediation_cases(cases, "mediation_success", NOV, part="numerator")
    denominator = mediation_cases(cases, "mediation_success", NOV, part="denominator")
    assert set(numerator.values_list("title", flat=True)) == {"agreed_1", "agreed_2"}
    assert set(denominator.values_list("title", flat=True)) == {"agreed_1", "agreed_2", "failed"}


def test_targets_are_the_work_plan_defaults_and_editable_per_township(township, other_township):
    targets = Targets.for_township(township)
    assert (targets.participation, targets.mediation_success, targets.satisfaction, targets.mediation_satisfaction,
            targets.timely_decision, targets.on_time_reply) == (98, 98, 96, 96, 100, 100)
    assert targets.evaluation is None  # no target: the figure shows no colour
    targets.participation = Decimal("90.0")
    targets.save()
    assert Targets.for_township(other_township).participation == 98


def test_a_figure_below_target_is_red_with_the_gap_and_drills_down_to_the_same_count(client, leader, mediation, ledger):
    targets = Targets.for_township(leader.staff.township)
    targets.mediation_success = Decimal("60")  # 66.7 ≥ 60: green
    targets.save()
    figures = dispute_figures(visible_entries(leader), visible_cases(leader), NOV, TODAY, targets)
    participation = figure(figures, "participation")
    assert participation.target == 98 and participation.meets_target is False
    assert participation.gap == Decimal("64.7")  # 98 − 33.3
    assert figure(figures, "mediation_success").meets_target is True and figure(figures, "mediation_success").gap is None

    client.force_login(leader)
    page = client.get("/", {"month": "2026-11"}).content.decode()
    row = page.split('data-testid="rate-cell-participation"')[1].split("</td>")[0]
    assert "figure-below" in page.split('data-testid="rate-cell-participation"')[0].rsplit("<td", 1)[1]
    assert "33.3%" in row and "低于目标 64.7 个百分点" in row
    assert "figure-met" in page.split('data-testid="rate-cell-mediation_success"')[0].rsplit("<td", 1)[1]
    assert "实际开展调解" in page  # the formula names what is counted
    visits = page.split('data-figure="return_visit"')[1].split("</tr>")[0]
    assert "应回访" in visits and "到期日" not in visits  # the denominator says what it counts
    for key, count in (("participation", 2), ("mediation_success", 2)):
        listing = client.get(reverse("reports:figure_cases", args=[key]),
                             {"start": "2026-11-01", "end": "2026-11-30", "part": "numerator"})
        assert listing.context["page"].paginator.count == count == listing.context["figure"].numerator


def test_rounds_are_due_only_from_the_go_live_date(mediator, township, village):
    township.go_live_on = D(2026, 11, 2)  # a Monday: weeks from 2 Nov count
    township.save()
    week = period_containing(PeriodKind.WEEK, D(2026, 11, 16))
    file_round(mediator, period=week, zero=True, at=at(2026, 11, 17))
    # By hand: weeks of 2, 9 and 16 Nov have ended by 25 Nov → 3 due, 1 on time, 2 missing (not 46 due).
    row = next(r for r in year_review_rows(township, 2026, TODAY) if r[0] == village.name)
    assert row[1:5] == [3, 1, 0, 2]
    before = period_containing(PeriodKind.WEEK, D(2026, 10, 26))
    [cells] = [r.cells for r in compliance_rows(township, "village", [before, week], TODAY) if r.village == village]
    assert [c.state for c in cells] == [NOT_COUNTED, "on_time"]


def test_without_a_go_live_date_the_whole_year_counts(mediator, township, village):
    row = next(r for r in year_review_rows(township, 2026, TODAY) if r[0] == village.name)
    # ISO weeks starting on or after 1 Jan 2026 (Mon 5 Jan) and ending by 25 Nov (Sun 22 Nov): 5 Jan … 16 Nov = 46.
    assert row[1] == 46 and row[4] == 46
