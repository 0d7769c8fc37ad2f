"""Starting mid-year without being punished for it (issue 14, docs/domain.md §9): an open case imported
from a ledger is work from the day it came into the system; the days before are not counted overdue."""
import datetime
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from disputes.mediation.selectors import queue_conditions
from disputes.models import DisputeType, LedgerEntry, MediationCase
from ledgerimport import services
from ledgerimport.models import ImportBatch
from office.adoption import adoption_day, counted_deadline, past_due
from tests.ledgerimport.test_disputes_import import mediation_ledger, screening_ledger, start

pytestmark = pytest.mark.django_db
D = datetime.date
SH = ZoneInfo("Asia/Shanghai")
IMPORTED = datetime.datetime(2026, 11, 20, 10, tzinfo=SH)


def test_the_rule_in_one_function():
    assert counted_deadline(D(2024, 12, 31), D(2026, 11, 20)) == D(2026, 11, 20)  # before adoption: from adoption
    assert counted_deadline(D(2027, 1, 5), D(2026, 11, 20)) == D(2027, 1, 5)  # after: as recorded
    assert counted_deadline(D(2024, 12, 31), None) == D(2024, 12, 31)  # a case recorded in the system
    assert counted_deadline(None, D(2026, 11, 20)) is None

    class Township:
        go_live_on = None

    assert adoption_day(Township, D(2026, 11, 20)) == D(2026, 11, 20)
    Township.go_live_on = D(2026, 12, 1)  # imported while getting ready: counts from the go-live date
    assert adoption_day(Township, D(2026, 11, 20)) == D(2026, 12, 1)
    Township.go_live_on = D(2026, 1, 1)
    assert adoption_day(Township, D(2026, 11, 20)) == D(2026, 11, 20)


def _import_both(coordinator):
    screening = start(coordinator, "screening", screening_ledger())
    services.set_value_map(screening, by=coordinator, value_map={"category": {"环境纠纷": str(
        DisputeType.objects.get(name="环境污染纠纷", parent=None).pk)}})
    services.confirm(ImportBatch.objects.get(pk=screening.pk), by=coordinator)
    services.confirm(start(coordinator, "mediation", mediation_ledger()), by=coordinator)


def test_open_imported_cases_are_not_overdue_for_the_days_before_they_came_in(client, coordinator, township):
    with time_machine.travel(IMPORTED, tick=False):
        _import_both(coordinator)
    entry = LedgerEntry.objects.get(title="养殖场异味")  # 化解中, to be resolved by 2024-12-31
    case = MediationCase.objects.get(title="借款纠纷")  # registered 2024-04-07, no result: still open
    assert entry.is_open and entry.deadline == D(2024, 12, 31) and entry.counts_from == D(2026, 11, 20)
    assert case.is_mediating and case.due_on < D(2025, 1, 1) and case.counts_from == D(2026, 11, 20)
    with time_machine.travel(IMPORTED, tick=False):  # the day of the import: due, not 689 days late
        # Signed in on the day itself: a session begun on the suite's own day (TEST_TODAY, weeks away)
        # would be an idle one here, and the page a redirect to the login.
        client.force_login(coordinator)
        assert entry.days_left(D(2026, 11, 20)) == 0
        ledger = client.get(reverse("disputes:index")).content.decode()
        mediation = client.get(reverse("disputes:mediation_list")).content.decode()
        assert not re.search(r"已超期 \d+ 天", ledger) and not re.search(r"已逾期 \d+ 天", mediation)
        assert "今日到期" in ledger
        assert not LedgerEntry.objects.filter(past_due("deadline", D(2026, 11, 20))).exists()
        assert not MediationCase.objects.filter(queue_conditions(D(2026, 11, 20))["past-limit"]).exists()
        page = client.get(reverse("disputes:index") + "?overdue=on").content.decode()
        assert "养殖场异味" not in page

    later = IMPORTED + datetime.timedelta(days=5)
    with time_machine.travel(later, tick=False):  # from then on it is the office's work, late like any other
        client.force_login(coordinator)
        assert entry.days_left(D(2026, 11, 25)) == -5
        assert "已逾期 5 天" in client.get(reverse("disputes:mediation_list")).content.decode()
        assert "养殖场异味" in client.get(reverse("disputes:index") + "?overdue=on").content.decode()
        assert MediationCase.objects.filter(queue_conditions(D(2026, 11, 25))["past-limit"], pk=case.pk).exists()
    # The recorded dates are kept as the sheet gave them (the export gives them back).
    entry.refresh_from_db()
    assert entry.deadline == D(2024, 12, 31)
