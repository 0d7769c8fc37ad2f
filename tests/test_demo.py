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

    # 导入记录: the ledger kept before the system, imported; one row refused (an ID number Excel rounded).
    from ledgerimport.models import ImportBatch

    batch = ImportBatch.objects.get(kind="petitions")
    assert (batch.state, batch.imported_count, batch.refused_count) == ("imported", 5, 1)
    imported = petitions.filter(imported_from__batch=batch)
    assert imported.filter(status=S.ARCHIVED).count() == 4 and imported.filter(status=S.REGISTERED).count() == 1
    assert not imported.filter(due_on__isnull=False).exists()
    assert all(p.events.get().action == "imported" for p in imported)
    # The mediation ledger from before: closed historic cases of three committees, none in a queue.
    batch = ImportBatch.objects.get(kind="mediation")
    assert (batch.state, batch.imported_count, batch.refused_count) == ("imported", 4, 0)
    historic = MediationCase.objects.filter(imported_from__batch=batch)
    assert set(historic.values_list("status", flat=True)) == {"archived", "terminated"}
    assert historic.filter(committee_village__isnull=True).count() == 1
    assert historic.filter(agreement__form="oral").count() == 1
