"""`make run` loads the demo township relative to today: it must load on any day (weekends, year
ends, a leap day, a year the holiday package does not know) and show every state the README
promises. With TEST_TODAY set (tests/clock.py) this runs on that day."""
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from disputes.models import LedgerEntry, MediationCase, ScreeningRound
from petitions.models import Petition

from .builders import reseed_reference_data

S = Petition.Status


@pytest.mark.django_db
def test_the_demo_loads_today_with_every_state_the_readme_promises():
    reseed_reference_data()
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    assert "Demo@2026" in out.getvalue()
    today = timezone.localdate()

    petitions = Petition.objects.all()
    shown = set(petitions.values_list("status", flat=True))
    # Every state of the petition workflow a clerk meets (a 不予受理 case is archived with its notice).
    assert {S.REGISTERED, S.DECISION_REVIEW, S.ACCEPTED, S.ASSIGNED, S.IN_PROGRESS, S.REPLY_REVIEW,
            S.REPLY_APPROVED, S.REPLIED, S.EVALUATED, S.VISITED, S.ARCHIVED} <= shown
    open_cases = petitions.filter(status__in=Petition.OPEN_STATUSES)
    assert open_cases.filter(due_on__lt=today).exists(), "no overdue petition"
    assert open_cases.filter(due_on__gte=today).exists(), "no petition still within its limit"
    assert petitions.filter(extensions__state="approved").exists(), "no extended petition"
    assert petitions.filter(return_count__gt=0).exists(), "no returned petition"
    assert petitions.filter(escalations__state="pending").exists(), "no escalation awaiting a decision"

    assert set(MediationCase.objects.values_list("status", flat=True)) == set(MediationCase.Status.values)
    assert set(LedgerEntry.objects.values_list("status", flat=True)) == set(LedgerEntry.Status.values)
    rounds = ScreeningRound.objects.all()
    assert rounds.filter(zero_report=True).exists() and rounds.filter(zero_report=False).exists()
    assert not rounds.filter(starts_on__gt=today).exists(), "a round filed for a period that has not begun"


@pytest.mark.django_db
def test_every_demo_escalation_waits_for_someone_who_may_decide_it():
    """The ladder in the demo (docs/domain.md §2.4): every pending escalation has a decider in the case's
    village or the township who can open the case; 柳塘村 passes over its missing first secretary; a major
    matter is unreported (banner) and one is reported."""
    from django.contrib.auth import get_user_model

    from disputes.mediation import workflow as mediation_workflow
    from disputes.models import MediationEscalation
    from office import escalation
    from petitions import workflow as petition_workflow
    from petitions.models import EscalationRequest
    from petitions.selectors import visible_petitions

    reseed_reference_data()
    call_command("load_demo", stdout=io.StringIO())
    pending = [(petition_workflow.FLOW, e, e.petition) for e in EscalationRequest.objects.filter(state="pending")]
    pending += [(mediation_workflow.FLOW, e, e.case) for e in MediationEscalation.objects.filter(state="pending")]
    assert len(pending) >= 3
    for flow, request, case in pending:
        deciders = list(escalation.deciders(case.township_id, request.to_level, request.village_id))
        assert deciders, f"{case.number}: nobody may decide the escalation to {request.to_level}"
        for user in deciders:
            assert escalation.can_decide(user, request, case)
            assert escalation.is_asked(user, case)
        if request.village_id:
            assert {u.staff.village_id for u in deciders} == {request.village_id}
    major = Petition.objects.get(number__endswith="0054") if Petition.objects.filter(
        number__endswith="0054").exists() else None
    if major is not None and major.escalations.filter(state="pending").exists():
        decider = get_user_model().objects.get(username="leader2")
        assert visible_petitions(decider).filter(pk=major.pk).exists()
    skipped = MediationEscalation.objects.filter(case__committee_village__name="柳塘村", to_level__rank=5).get()
    assert "驻村第一书记" in skipped.passed_over and skipped.from_level.rank == 3
    assert Petition.objects.filter(is_major=True, major_report__isnull=True).exists()
    assert Petition.objects.filter(is_major=True, major_report__isnull=False).exists()
