"""Writes other than status moves: filing a round, correcting an entry, adding a party, campaigns.

The ``at`` argument is the moment of the action and defaults to now; only the demo loader
passes it, to replay several weeks of filing.
"""
from dataclasses import asdict, dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext

from office import calendar
from office.models import TimeLimits
from office.people import find_or_create_person

from ..models import (
    Campaign,
    EntryEvent,
    EntryParty,
    LedgerEntry,
    RoundEntry,
    ScreeningCadence,
    ScreeningRound,
)
from ..periods import PeriodKind
from ..permissions import staff_of
from . import permissions
from .workflow import FLOW, WorkflowError, mark_entry_unresolved, resolve_entry


class FilingError(WorkflowError):
    """A round that cannot be filed as it stands."""


class RoundExistsError(FilingError):
    def __init__(self, existing):
        self.existing = existing
        super().__init__(
            gettext("%(unit)s has already filed the round for %(period)s.")
            % {"unit": existing.unit_name, "period": existing.period}
        )


@dataclass
class PartyData:
    name: str
    id_number: str = ""
    phone: str = ""
    address: str = ""


@dataclass
class EntryData:
    """What the filer types for one newly found dispute."""

    title: str
    dispute_type: object
    risk_level: object
    facts: str
    head_count: int = 2
    place: str = ""
    may_turn_criminal: bool = False
    may_become_group: bool = False
    measures: str = ""
    responsible_person: str = ""
    lead_official: str = ""
    deadline: object = None
    parties: list = field(default_factory=list)


@dataclass
class CarryOverUpdate:
    """The filer's word, in this round, on a dispute carried over from an earlier one."""

    entry_id: int
    outcome: str  # "resolved" or "unresolved"
    note: str
    how: str = ""  # for "resolved": a LedgerEntry.Resolution


def cadence_for(village):
    """Return the cadence of the unit: villages file weekly, the township center fortnightly (by default)."""
    scope = ScreeningCadence.Scope.VILLAGE if village is not None else ScreeningCadence.Scope.TOWNSHIP
    return ScreeningCadence.for_scope(scope)


def round_of(township, village, period):
    """The unit's rounds for the period (a queryset, not executed: at most one)."""
    rounds = ScreeningRound.objects.filter(township=township, village=village)
    if period.kind == PeriodKind.CAMPAIGN:
        return rounds.filter(campaign_id=period.campaign_id)
    return rounds.filter(kind=period.kind, starts_on=period.starts_on, campaign__isnull=True)


def find_round(township, village, period):
    """Return the unit's round for the period, or None."""
    return round_of(township, village, period).first()


def _person(entry, party):
    return find_or_create_person(entry.township, case_village=entry.village, **asdict(party))


def _attach_parties(entry, parties, start=0):
    for position, party in enumerate(parties, start=start):
        person = _person(entry, party)
        EntryParty.objects.get_or_create(entry=entry, person=person, defaults={"position": position})


def _create_entry(screening_round, data, *, by, at, mediation_days):
    found_on = min(timezone.localdate(at), screening_round.ends_on)
    deadline = data.deadline or calendar.add_days(found_on, mediation_days, screening_round.township)
    entry = LedgerEntry(
        township=screening_round.township,
        village=screening_round.village,
        first_round=screening_round,
        found_on=found_on,
        title=data.title,
        head_count=data.head_count,
        dispute_type=data.dispute_type,
        place=data.place,
        facts=data.facts,
        risk_level=data.risk_level,
        may_turn_criminal=data.may_turn_criminal,
        may_become_group=data.may_become_group,
        measures=data.measures,
        responsible_person=data.responsible_person,
        lead_official=data.lead_official,
        deadline=deadline,
        created_by=by,
        created_at=at,
    )
    entry.full_clean()
    entry._change_reason = gettext("Found in a screening round")
    entry._history_date = at
    entry._history_user = by
    entry.save()
    _attach_parties(entry, data.parties)
    RoundEntry.objects.create(round=screening_round, entry=entry, status=entry.status)
    FLOW.record(entry, by, EntryEvent.Action.FOUND, from_status="", at=at, round=screening_round)
    return entry


@transaction.atomic
def file_round(*, by, village, period, zero_report=False, entries=(), updates=(), note="", at=None):
    """File a screening round for a village (``village=None``: the township center) and period.

    New disputes become ledger entries; every earlier entry of the unit that is still open
    is carried over into this round, and ``updates`` resolve or mark unresolved some of them.
    """
    at = at or timezone.now()
    today = timezone.localdate(at)
    staff = staff_of(by)
    if staff is None or not permissions.can_file_round(by, staff.township, village):
        raise PermissionDenied
    township = staff.township
    if period.starts_on > today:
        raise FilingError(gettext("A round can be filed only for the current period or an earlier one."))
    if period.kind == PeriodKind.CAMPAIGN:
        campaign = Campaign.objects.filter(pk=period.campaign_id, township=township).first()
        if campaign is None:
            raise FilingError(gettext("There is no such special campaign in this township."))
    else:
        campaign = None
        cadence = cadence_for(village)
        if period.kind != cadence.kind:
            raise FilingError(
                gettext("This unit files one round per %(kind)s.") % {"kind": cadence.get_kind_display()}
            )
    if zero_report and entries:
        raise FilingError(
            gettext("A zero report lists no new disputes: remove the disputes entered, or file them instead.")
        )
    if not zero_report and not entries:
        raise FilingError(gettext("List the disputes found in this period, or declare a zero report."))
    existing = find_round(township, village, period)
    if existing:
        raise RoundExistsError(existing)

    screening_round = ScreeningRound(
        township=township,
        village=village,
        kind=period.kind,
        starts_on=period.starts_on,
        ends_on=period.ends_on,
        campaign=campaign,
        due_on=calendar.add_days(period.ends_on, cadence_for(village).grace_days, township),
        zero_report=zero_report,
        note=note,
        filed_by=by,
        filed_at=at,
    )
    screening_round.full_clean(validate_constraints=False)
    screening_round._change_reason = gettext("Round filed")
    screening_round._history_date = at
    screening_round._history_user = by
    try:
        with transaction.atomic():
            screening_round.save()
    except IntegrityError:
        # Someone filed the same round a moment ago.
        raise RoundExistsError(find_round(township, village, period))

    carried = list(
        LedgerEntry.objects.select_for_update(of=("self",))
        .filter(
            township=township,
            village=village,
            status__in=LedgerEntry.OPEN_STATUSES,
            first_round__starts_on__lt=period.starts_on,
        )
        .order_by("found_on", "pk")
    )
    items = {
        entry.pk: RoundEntry.objects.create(
            round=screening_round, entry=entry, is_carry_over=True, status=entry.status
        )
        for entry in carried
    }
    for update in updates:
        item = items.get(update.entry_id)
        if item is None:
            raise FilingError(gettext("Only disputes carried over into this round can be updated in it."))
        if update.outcome == "resolved":
            moved = resolve_entry(item.entry, by=by, note=update.note, how=update.how, at=at,
                                  screening_round=screening_round)
        else:
            moved = mark_entry_unresolved(item.entry, by=by, note=update.note, at=at, screening_round=screening_round)
        item.status = moved.status
        item.note = update.note.strip()
        item.save(update_fields=["status", "note"])
    if entries:
        mediation_days = TimeLimits.for_township(township).mediation_days
    for data in entries:
        _create_entry(screening_round, data, by=by, at=at, mediation_days=mediation_days)
    return screening_round


@transaction.atomic
def withdraw_zero_report(screening_round, *, by, at=None):
    """Withdraw a zero report filed by mistake: the filer may, until the period's deadline, when no
    carried-over dispute was moved in it. The round is deleted; its history keeps who withdrew it and when."""
    at = at or timezone.now()
    screening_round = ScreeningRound.objects.select_for_update(of=("self",)).select_related(
        "township", "village").get(pk=screening_round.pk)
    if not permissions.can_file_round(by, screening_round.township, screening_round.village):
        raise PermissionDenied
    if not screening_round.zero_report:
        raise FilingError(gettext("Only a zero report can be withdrawn."))
    if screening_round.filed_by_id != by.pk:
        raise FilingError(gettext("Only the person who filed the zero report can withdraw it."))
    if timezone.localdate(at) > screening_round.due_on:
        raise FilingError(gettext("The deadline of this period (%(date)s) has passed: the zero report stands.")
                          % {"date": screening_round.due_on.isoformat()})
    if EntryEvent.objects.filter(round=screening_round).exists():
        raise FilingError(gettext("Disputes were updated in this round: it cannot be withdrawn."))
    screening_round._change_reason = gettext("Zero report withdrawn by its filer")
    screening_round._history_date = at
    screening_round._history_user = by
    screening_round.delete()


EDITABLE_FIELDS = [
    "title",
    "dispute_type",
    "risk_level",
    "head_count",
    "place",
    "facts",
    "may_turn_criminal",
    "may_become_group",
    "measures",
    "responsible_person",
    "lead_official",
    "deadline",
]


@transaction.atomic
def update_entry(entry, *, by, changes, note="", at=None):
    """Correct or update an open entry's details (risk, measures, deadline …); never its status."""
    at = at or timezone.now()
    entry = LedgerEntry.objects.select_for_update().get(pk=entry.pk)
    if not permissions.can_edit_entry(by, entry):
        raise PermissionDenied
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    changed = [name for name, value in changes.items() if getattr(entry, name) != value]
    if not changed:
        return entry
    for name in changed:
        setattr(entry, name, changes[name])
    entry.full_clean()
    entry._change_reason = gettext("Details corrected")
    entry._history_date = at
    entry._history_user = by
    entry.save(update_fields=changed)
    labels = ", ".join(str(LedgerEntry._meta.get_field(name).verbose_name) for name in changed)
    FLOW.record(entry, by, EntryEvent.Action.EDITED, from_status="", to_status="", at=at,
                note=(gettext("Changed: %(fields)s.") % {"fields": labels}) + (f" {note.strip()}" if note.strip() else ""))
    return entry


@transaction.atomic
def add_party(entry, *, by, party, at=None):
    """Add one more party to an entry (the filing form takes two)."""
    at = at or timezone.now()
    entry = LedgerEntry.objects.select_for_update().get(pk=entry.pk)
    if not permissions.can_edit_entry(by, entry):
        raise PermissionDenied
    person = _person(entry, party)
    if entry.party_links.filter(person=person).exists():
        raise WorkflowError(gettext("%(name)s is already a party to this dispute.") % {"name": person.name})
    position = entry.party_links.count()
    EntryParty.objects.create(entry=entry, person=person, position=position)
    FLOW.record(entry, by, EntryEvent.Action.PARTY_ADDED, from_status="", to_status="", at=at, note=person.name)
    return entry


@transaction.atomic
def start_campaign(*, by, name, starts_on, ends_on):
    """Announce a special screening campaign (集中排查) for the whole township."""
    if not permissions.can_start_campaign(by):
        raise PermissionDenied
    campaign = Campaign(township=by.staff.township, name=name, starts_on=starts_on, ends_on=ends_on, created_by=by)
    try:
        campaign.full_clean()
    except ValidationError as error:
        raise WorkflowError(" ".join(error.messages))
    campaign.save()
    return campaign
