"""Reads: what a user may see, who has not filed, and the figures of the monthly brief."""
import calendar as pycalendar
import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, Sum
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from office import calendar
from office.adoption import past_due
from office.models import Village
from office.onequery import attach, fetch_together
from office.roles import COORDINATOR, MEDIATOR, has_role, holders

from .. import permissions
from ..models import (
    Campaign,
    DisputeType,
    EntryEvent,
    EntryParty,
    LedgerEntry,
    RiskLevel,
    RoundEntry,
    ScreeningCadence,
    ScreeningRound,
)
from ..periods import PeriodKind, periods_between, recent_periods
from . import permissions as screening_permissions

Status = LedgerEntry.Status
Scope = ScreeningCadence.Scope


def _scope_filter(user):
    """Return the filter of rounds/entries the user may see, or None for nothing."""
    staff = permissions.staff_of(user)
    if staff is None:
        return None
    county = permissions.county_townships(user)
    if county is not None:
        return Q(township_id__in=county)
    if permissions.sees_whole_township(user):
        return Q(township_id=staff.township_id)
    if has_role(user, MEDIATOR):  # a post: a mediator sees only their village (permissions.in_scope)
        return Q(township_id=staff.township_id, village_id=staff.village_id)
    return None


def visible_rounds(user):
    """Return the screening rounds the user may see (their village's, or their township's)."""
    scope = _scope_filter(user)
    return ScreeningRound.objects.filter(scope) if scope is not None else ScreeningRound.objects.none()


def visible_entries(user):
    """Return the ledger entries the user may see (their village's, or their township's)."""
    scope = _scope_filter(user)
    return LedgerEntry.objects.filter(scope) if scope is not None else LedgerEntry.objects.none()


def list_joins(entries):
    """What a list row shows that one join reads (``with_list_relations`` without the parties)."""
    return entries.select_related("village", "dispute_type__parent", "risk_level", "transferred_to")


def with_list_relations(entries):
    """Load what a list row shows in a fixed number of queries."""
    return list_joins(entries).prefetch_related(
        Prefetch("party_links", queryset=EntryParty.objects.select_related("person")))


def parties_of(entries):
    """The parties of the entries (a queryset of entries, not executed), with their persons."""
    return EntryParty.objects.filter(entry__in=entries.order_by().values("pk")).select_related("person")


def attach_parties(entries, parties):
    """Put each entry's parties where ``entry.party_links.all()`` finds them (office/onequery.py attach)."""
    by_entry = {}
    for link in parties:
        by_entry.setdefault(link.entry_id, []).append(link)
    for entry in entries:
        attach(entry, "party_links", by_entry.get(entry.pk, []))


def get_round_for_user(user, pk):
    """Return the round, or 404 when it does not exist for this user."""
    return get_object_or_404(
        visible_rounds(user).select_related("township", "village", "campaign", "filed_by"), pk=pk
    )


def _entry_page_joins(entries):
    return list_joins(entries).select_related("first_round__campaign", "created_by", "township", "mediation_case")


def get_entry_for_user(user, pk):
    """Return the entry with what its page shows, or 404 when it does not exist for this user."""
    return get_object_or_404(with_list_relations(_entry_page_joins(visible_entries(user))), pk=pk)


def entry_page(user, pk):
    """The entry's page in one statement (office/onequery.py fetch_together): the entry (404 when this user
    may not see it) with its parties, its events, the rounds it appeared in and its history records.
    Return (entry, events, appearances, history records)."""
    entry = _entry_page_joins(visible_entries(user)).filter(pk=pk)
    read = fetch_together({
        "entry": entry,
        "parties": parties_of(entry),
        "events": EntryEvent.objects.filter(entry__in=entry.order_by().values("pk")).select_related("actor", "round"),
        "appearances": RoundEntry.objects.filter(entry__in=entry.order_by().values("pk")).select_related("round")
        .order_by("round__starts_on", "pk"),
        "history": LedgerEntry.history.filter(id__in=entry.order_by().values("pk")).select_related("history_user")
        .order_by("history_date", "history_id"),
        "mediates": screening_permissions.mediated_by(user, entry.order_by().values("pk")).values("pk"),
    })
    if not read["entry"]:
        raise Http404
    found = read["entry"][0]
    found.mediated_by = {user.pk: bool(read["mediates"])}  # permissions.mediates_entry asks no query
    attach_parties([found], read["parties"])
    for row in (*read["events"], *read["appearances"]):
        row.entry = found
    return found, read["events"], read["appearances"], read["history"]


def carry_over_entries(township, village, period):
    """Return the unit's entries still open from rounds before this period (oldest first), without their
    parties (``parties_of``, ``attach_parties``)."""
    return list_joins(
        LedgerEntry.objects.filter(
            township=township,
            village=village,
            status__in=LedgerEntry.OPEN_STATUSES,
            first_round__starts_on__lt=period.starts_on,
        ).order_by("found_on", "pk")
    )


def round_items(screening_round):
    """Return the entries of a round (new ones first, then those carried over) with their relations."""
    return (
        RoundEntry.objects.filter(round=screening_round)
        .select_related("entry__village", "entry__dispute_type__parent", "entry__risk_level", "round")
        .prefetch_related(Prefetch("entry__party_links", queryset=EntryParty.objects.select_related("person")))
    )


def scope_of(village):
    return Scope.VILLAGE if village is not None else Scope.TOWNSHIP


def _campaigns_overlapping(township, first_day, last_day):
    """The township's special campaigns that overlap these dates and have begun (a queryset, not executed)."""
    return Campaign.objects.filter(township=township, starts_on__lte=last_day, ends_on__gte=first_day).order_by(
        "starts_on", "pk")


def campaigns_overlapping(township, first_day, last_day):
    """Return the township's special campaigns that overlap these dates and have begun."""
    return list(_campaigns_overlapping(township, first_day, last_day))


def filing_options(township, village, today, cadence, count=6):
    """Return (period, filed round or None) for the unit's recent periods and open campaigns, newest first."""
    periods = recent_periods(cadence.kind, today, count, cadence.anchor)
    periods += [c.period for c in campaigns_overlapping(township, periods[0].starts_on, today)]
    rounds = _rounds_by_key(township, scope_of(village), periods)
    options = [(p, rounds.get((village.pk if village else None, p.key))) for p in periods]
    return sorted(options, key=lambda option: (option[0].starts_on, option[0].kind), reverse=True)


def _rounds_of(township, scope, periods, campaigns=None):
    """The scope's rounds that begin within the periods' dates (a queryset, not executed); ``campaigns``: a
    queryset of campaigns whose rounds are wanted too, when their dates are not known yet."""
    dates = Q(starts_on__gte=min(p.starts_on for p in periods), starts_on__lte=max(p.starts_on for p in periods))
    if campaigns is not None:
        dates |= Q(campaign__in=campaigns.values("pk"))
    return ScreeningRound.objects.filter(dates, township=township, village__isnull=scope == Scope.TOWNSHIP
                                         ).select_related("filed_by", "campaign")


def _by_key(rounds):
    return {(r.village_id, r.period.key): r for r in rounds}


def _rounds_by_key(township, scope, periods):
    return _by_key(_rounds_of(township, scope, periods))


ON_TIME, LATE, MISSING, PENDING = "on_time", "late", "missing", "pending"
# A period that began before the township started using the system (Township.go_live_on): no round is due.
NOT_COUNTED = "not_counted"


def round_due(township, period):
    """Whether a unit of the township owes a round for the period: only periods that begin on or after the
    township's go-live date count (docs/domain.md §3.1); before it the office did not use the system."""
    return township.counting_from(period.starts_on) == period.starts_on


@dataclass
class ComplianceCell:
    period: object
    due_on: datetime.date
    round: ScreeningRound | None
    state: str


@dataclass
class ComplianceRow:
    village: object
    name: str
    cells: list
    chase: list = field(default_factory=list)

    @property
    def missing(self):
        return [cell for cell in self.cells if cell.state == MISSING]

    @property
    def not_filed(self):
        return [cell for cell in self.cells if cell.state in (MISSING, PENDING)]


def _grid_parts(township, scope, periods, campaigns=None):
    """What a grid of the scope reads besides its periods (querysets, not executed, for fetch_together): the
    villages (for the village scope), the rounds, the people to chase."""
    parts = {f"{scope}_chase": _people_to_chase(township, scope)}
    if scope == Scope.VILLAGE:
        parts["villages"] = township.villages.filter(is_active=True)
    if periods:
        parts[f"{scope}_rounds"] = _rounds_of(township, scope, periods, campaigns)
    return parts


def _grid_rows(township, scope, periods, today, cadence, read):
    """One row per screening unit of the scope from what ``_grid_parts`` read (``read``)."""
    if scope == Scope.VILLAGE:
        units = [(v, v.name) for v in read["villages"]]
    else:
        units = [(None, str(Scope.TOWNSHIP.label))]
    rounds = _by_key(read.get(f"{scope}_rounds", []))
    due = {p.key: calendar.add_days(p.ends_on, cadence.grace_days, township) for p in periods}
    chase = {}
    for user in read[f"{scope}_chase"]:
        chase.setdefault(user.staff.village_id if scope == Scope.VILLAGE else None, []).append(user.staff)
    rows = []
    for village, name in units:
        cells = []
        for period in periods:
            found = rounds.get((village.pk if village else None, period.key))
            if found is not None:
                state = LATE if found.is_late else ON_TIME
            elif not round_due(township, period):
                state = NOT_COUNTED
            else:
                state = MISSING if today > due[period.key] else PENDING
            cells.append(ComplianceCell(period, due[period.key], found, state))
        rows.append(ComplianceRow(village, name, cells, chase.get(village.pk if village else None, [])))
    return rows


def compliance_rows(township, scope, periods, today, cadence=None):
    """Return one row per screening unit of the scope: for each period its round and whether it
    was filed on time, late, or is missing (past its due date) or pending (not yet due). One statement for
    the units, their rounds and the people to chase (office/onequery.py fetch_together)."""
    cadence = cadence or ScreeningCadence.for_scope(scope)
    read = fetch_together(_grid_parts(township, scope, periods))
    return _grid_rows(township, scope, periods, today, cadence, read)


def unfiled_village_counts(townships, today, cadence=None):
    """{township id: villages that have not filed the current period's round} for several townships in one
    query: what ``compliance_rows`` marks missing or pending in the current period, counted for each
    township (the county's roll-up, reports/county.py). A period begun before a township's go-live date
    owes nothing there (``round_due``)."""
    cadence = cadence or ScreeningCadence.for_scope(Scope.VILLAGE)
    period = recent_periods(cadence.kind, today, 1, cadence.anchor)[0]
    owing = [township.pk for township in townships if round_due(township, period)]
    filed = ScreeningRound.objects.filter(
        township_id=OuterRef("township_id"), village_id=OuterRef("pk"), kind=period.kind, starts_on=period.starts_on)
    villages = (Village.objects.filter(township_id__in=owing, is_active=True).filter(~Exists(filed))
                .order_by().values("township_id").annotate(unfiled=Count("pk")))
    counts = {row["township_id"]: row["unfiled"] for row in villages}
    return {township.pk: counts.get(township.pk, 0) for township in townships}


def _people_to_chase(township, scope):
    """The people who file the scope's rounds (a queryset, not executed): a village's mediators, the
    township's coordinators."""
    role = MEDIATOR if scope == Scope.VILLAGE else COORDINATOR
    people = holders(role, township=township).select_related("staff").order_by("username")
    if scope == Scope.VILLAGE:
        people = people.filter(staff__village__isnull=False)
    return people


def cadences():
    """{scope: cadence} for villages and the township center, in one query (the defaults where none is
    stored), as ScreeningCadence.for_scope."""
    stored = {cadence.scope: cadence for cadence in ScreeningCadence.objects.all()}
    return {scope: stored.get(scope) or ScreeningCadence(scope=scope, kind=ScreeningCadence.DEFAULT_KINDS[scope])
            for scope in (Scope.VILLAGE, Scope.TOWNSHIP)}


def compliance_board(township, today, count=8):
    """Return the villages' and the township center's grids for the current and the last periods (newest
    first): the cadences, then the campaigns, units, rounds and people to chase in one statement."""
    plans, parts = {}, {}
    for scope, cadence in cadences().items():
        periods = recent_periods(cadence.kind, today, count, cadence.anchor)
        campaigns = _campaigns_overlapping(township, periods[0].starts_on, today)
        plans[scope] = cadence, periods
        parts[f"{scope}_campaigns"] = campaigns
        parts.update(_grid_parts(township, scope, periods, campaigns))
    read = fetch_together(parts)
    board = {}
    for scope, (cadence, periods) in plans.items():
        columns = sorted(
            periods + [c.period for c in read[f"{scope}_campaigns"]],
            key=lambda p: (p.starts_on, p.kind == PeriodKind.CAMPAIGN),
            reverse=True,  # the current period first: it is what people chase
        )
        board[scope] = {"periods": columns, "rows": _grid_rows(township, scope, columns, today, cadence, read)}
    return board


def month_bounds(year, month):
    return datetime.date(year, month, 1), datetime.date(year, month, pycalendar.monthrange(year, month)[1])


def _month_periods(cadence, first, last):
    """The regular periods of the cadence that end within the month."""
    return [p for p in periods_between(cadence.kind, first, last, cadence.anchor) if first <= p.ends_on <= last]


def _brief_list(entries):
    return entries.select_related("village", "dispute_type__parent", "risk_level").order_by("deadline", "pk")


def monthly_brief(township, year, month, today):
    """Return the figures of the monthly analysis meeting (研判例会) for one month.

    Entries are those found in the month, in the state they are in today; rounds are the
    regular periods that end within the month. Read in two statements: the cadences, then every count,
    list and grid together (office/onequery.py fetch_together).
    """
    first, last = month_bounds(year, month)
    as_of = min(last, today)
    entries = LedgerEntry.objects.filter(township=township)
    found = entries.filter(found_on__range=(first, last))
    counts = {
        "total": Count("pk"),
        "resolved": Count("pk", filter=Q(status=Status.RESOLVED)),
        "open": Count("pk", filter=Q(status__in=LedgerEntry.OPEN_STATUSES)),
        "transferred": Count("pk", filter=Q(status=Status.TRANSFERRED)),
    }
    months = {scope: (cadence, _month_periods(cadence, first, last)) for scope, cadence in cadences().items()}
    parts = {
        "by_type": found.values(
            category=Coalesce("dispute_type__parent__name", "dispute_type__name"),
            order=Coalesce("dispute_type__parent__sort_order", "dispute_type__sort_order"),
        ).annotate(**counts).order_by("order", "category"),
        # Each grouped part is ordered by its keys: fetch_together numbers the rows in that order (ordering
        # by anything else would group by it too).
        "by_risk": found.values("risk_level").annotate(**counts, people=Coalesce(Sum("head_count"), 0))
        .order_by("risk_level"),
        "risk_levels": RiskLevel.objects.all(),
        "by_status": found.values("status").annotate(n=Count("pk")).order_by("status"),
        # Grouped (by the one status): a part of fetch_together returns its rows, none over no data.
        "resolved_in_month": entries.filter(status=Status.RESOLVED, closed_on__range=(first, last))
        .values("status").annotate(n=Count("pk")).order_by("status"),
        "major_open": _brief_list(
            entries.filter(risk_level__is_major=True, found_on__lte=last).exclude(status=Status.RESOLVED)),
        "overdue": _brief_list(
            entries.filter(past_due("deadline", as_of), status__in=LedgerEntry.OPEN_STATUSES, found_on__lte=last)),
    }
    for scope, (_cadence, periods) in months.items():
        parts.update(_grid_parts(township, scope, periods))
    read = fetch_together(parts)
    risk_counts = {row["risk_level"]: row for row in read["by_risk"]}
    totals = {key: sum(row[key] for row in read["by_risk"]) for key in (*counts, "people")}  # every entry has one group
    for row in read["by_risk"]:
        del row["people"]
    empty = {key: 0 for key in counts}
    by_risk = [(level, risk_counts.get(level.pk, empty)) for level in read["risk_levels"]]
    status_counts = {row["status"]: row["n"] for row in read["by_status"]}
    by_status = [(status, status_counts.get(status.value, 0)) for status in Status]
    rounds = {scope: _grid_rows(township, scope, periods, today, cadence, read)
              for scope, (cadence, periods) in months.items()}
    all_cells = [cell for rows in rounds.values() for row in rows for cell in row.cells]
    filing = {state: sum(1 for cell in all_cells if cell.state == state) for state in (ON_TIME, LATE, MISSING, PENDING)}
    filing["expected"] = sum(1 for cell in all_cells if cell.state != NOT_COUNTED)
    filing["zero"] = sum(1 for cell in all_cells if cell.round is not None and cell.round.zero_report)
    missing_units = [row for rows in rounds.values() for row in rows if row.missing]
    return {
        "first": first,
        "last": last,
        "as_of": as_of,
        "totals": totals,
        "resolved_in_month": sum(row["n"] for row in read["resolved_in_month"]),
        "by_type": read["by_type"],
        "by_risk": by_risk,
        "by_status": by_status,
        "major_open": read["major_open"],
        "overdue": read["overdue"],
        "filing": filing,
        "missing_units": missing_units,
        # Rounds count from the go-live date: say so when it falls after the month's first day.
        "rounds_from": township.go_live_on if township.go_live_on and township.go_live_on > first else None,
    }


def with_entry_counts(rounds):
    """Annotate each round with how many disputes it found and carried over."""
    return rounds.annotate(
        new_count=Count("found_entries", distinct=True),
        carried_count=Count("items", filter=Q(items__is_carry_over=True), distinct=True),
    ).order_by("-starts_on", "village__sort_order", "pk")


HISTORY_HIDDEN_FIELDS = {"id", "created_at", "created_by", "township", "first_round"}


def entry_history(entry, records):
    """Return the entry's history, newest first, each version with the fields it changed
    (label, old, new) in words rather than ids. ``records``: its history records, oldest first, as the
    page read them (``entry_page``)."""
    type_ids, risk_ids = set(), set()
    for record in records:
        type_ids.add(record.dispute_type_id)
        risk_ids.add(record.risk_level_id)
    named = fetch_together({  # the names of both lists in one statement
        "dispute_type": DisputeType.objects.filter(pk__in=type_ids).select_related("parent"),
        "risk_level": RiskLevel.objects.filter(pk__in=risk_ids),
    })
    names = {
        "dispute_type": {t.pk: str(t) for t in named["dispute_type"]},
        "risk_level": {r.pk: r.name for r in named["risk_level"]},
    }
    statuses = dict(Status.choices)

    def words(name, value):
        if name in names:
            return names[name].get(value, value)
        if name == "status":
            return statuses.get(value, value)
        if isinstance(value, bool):
            return _("Yes") if value else _("No")
        return value

    versions = []
    for previous, record in zip([None, *records], records):
        changes = []
        if previous is not None:
            for change in record.diff_against(previous, excluded_fields=HISTORY_HIDDEN_FIELDS).changes:
                label = LedgerEntry._meta.get_field(change.field).verbose_name
                changes.append((label, words(change.field, change.old), words(change.field, change.new)))
        versions.append({"record": record, "changes": changes})
    return versions[::-1]
