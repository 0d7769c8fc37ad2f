"""Builders for screening data. Everything goes through the real service and workflow functions."""
import datetime
import itertools

from django.utils import timezone

from disputes.models import DisputeType, LedgerEntry, RiskLevel
from disputes.periods import period_containing
from disputes.screening import services, workflow
from disputes.screening.services import EntryData, PartyData

_seq = itertools.count(1)
Status = LedgerEntry.Status


def dispute_type(name="宅基地纠纷"):
    return DisputeType.objects.get(name=name, parent__isnull=False)


def risk(code="green"):
    return RiskLevel.objects.get(code=code)


def entry_data(**overrides):
    """The details of one new dispute; override any field."""
    n = next(_seq)
    values = {
        "title": f"张某{n}与李某{n}宅基地界址纠纷",
        "dispute_type": dispute_type(),
        "risk_level": risk(),
        "facts": "两户因宅基地界址发生争执。",
        "head_count": 2,
        "place": "青溪村3组",
        "parties": [PartyData(name=f"张{n}", phone="13812345678"), PartyData(name=f"李{n}")],
    }
    values.update(overrides)
    return EntryData(**values)


def current_period(village, day=None):
    """The unit's regular period containing the day (default today)."""
    cadence = services.cadence_for(village)
    return period_containing(cadence.kind, day or timezone.localdate(), cadence.anchor)


def file_round(user, *, village=None, period=None, entries=None, zero=False, updates=(), at=None, day=None):
    """File a round for the user's unit: one new dispute unless zero or entries are given."""
    if village is None and user.staff.village_id:
        village = user.staff.village
    period = period or current_period(village, day)
    if entries is None:
        entries = [] if zero else [entry_data()]
    return services.file_round(
        by=user, village=village, period=period, zero_report=zero, entries=entries, updates=updates, at=at
    )


def found_entry(user, *, day=None, **overrides):
    """File a round (for the period containing ``day``, default today) with one dispute; return it."""
    screening_round = file_round(user, entries=[entry_data(**overrides)], day=day)
    return screening_round.found_entries.get()


def entry_in(status, *, filer, router):
    """Return a new entry brought to the status through the workflow (router may route to police)."""
    entry = found_entry(filer)
    if status == Status.RESOLVED:
        workflow.resolve_entry(entry, by=filer, note="双方达成和解", how="settled")
    elif status == Status.UNRESOLVED:
        workflow.mark_entry_unresolved(entry, by=filer, note="双方分歧较大")
    elif status == Status.TRANSFERRED:
        police = entry.township.units.get(kind="police")
        workflow.transfer_entry_to_police(entry, by=router, unit=police, note="涉嫌故意伤害")
    entry.refresh_from_db()
    assert entry.status == status
    return entry


def at(year, month, day, hour=10):
    return datetime.datetime(year, month, day, hour, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))
