"""The county's roll-up (docs/domain.md §10): one row per township of the county, every number read
from the county user's visible querysets (petitions/selectors.py ``visible_petitions``, the disputes'
``visible_entries`` and ``visible_cases``) grouped by township with the conditions of the township's own
pages, so that each one opens the cases behind it (the same querysets narrowed to one township) and the
county's figures are the townships' own, computed by the same code."""
import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from functools import reduce
from operator import or_

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from disputes.mediation.selectors import visible_cases
from disputes.screening.selectors import unfiled_village_counts, visible_entries
from office.models import Targets, TimeLimits, Township
from office.roles import COUNTY_READERS, county_scope
from petitions.models import Petition
from petitions.selectors import visible_petitions

from . import figures
from .figures import Figure, Period

# The assessed figures the county compares its townships by (docs/domain.md §4), in column order.
ASSESSED = ["timely_decision", "on_time_reply", "evaluation", "satisfaction", "participation", "mediation_success"]

# The county's drill-downs that are not figures: key -> (label, condition on visible petitions).
COUNTS = {
    "open": _("Open cases"),
    "overdue": _("Overdue"),
    "due-soon": _("Due within 3 days"),
    "major": _("Major or urgent, not yet reported"),
    "assigned": _("Assigned by the county, result not yet reported"),
    "assigned-overdue": _("Assigned by the county, past its deadline"),
}


# Registered by the county's staff (a county profile) for a township: the cases the county assigned down.
ASSIGNED_BY_COUNTY = Q(registered_by__staff__county__isnull=False) & ~Q(source=Petition.Source.DIRECT)


# What a township's figures read of its setup, loaded with it (office/models.py inherited_setup reads no more).
SETUP = ("time_limits", "targets", "county__time_limits", "county__targets")


def county_townships(user):
    """The townships of the county user's county, by name (none for anyone else)."""
    county_id = county_scope(user, *COUNTY_READERS)
    return Township.objects.filter(county_id=county_id).order_by("name") if county_id else Township.objects.none()


def count_conditions(today, soon_days):
    """The conditions behind the roll-up's counts (the same as the township's queues, reports/queues.py)."""
    open_ = Q(status__in=Petition.OPEN_STATUSES)
    return {
        "open": open_,
        "overdue": open_ & Q(due_on__lt=today),
        "due-soon": open_ & Q(due_on__gte=today, due_on__lte=today + datetime.timedelta(days=soon_days)),
        # Art 25: flagged major or urgent and no report recorded yet.
        "major": Q(is_major=True, major_report__isnull=True),
        # The county's own 交办 / 转送 (petitions/services.py assign_down): tracked until the township's
        # 上报办理结果 (report_back), and overdue against the deadline the county set.
        "assigned": ASSIGNED_BY_COUNTY & Q(reported_on__isnull=True),
        "assigned-overdue": ASSIGNED_BY_COUNTY & Q(reported_on__isnull=True, source_deadline__lt=today),
    }


@dataclass
class TownshipRow:
    township: Township
    counts: dict
    missing_rounds: int
    figures: list[Figure] = field(default_factory=list)


def township_figures(user, township, period, today):
    """One township's assessed figures, as its own dashboard computes them (reports/figures.py), against
    the targets in force there (its own or its county's, office.models.inherited_setup)."""
    targets = Targets.for_township(township)
    petitions = visible_petitions(user).filter(township=township)
    entries = visible_entries(user).filter(township=township)
    cases = visible_cases(user).filter(township=township)
    return _assessed(figures.petition_figures(petitions, period, today, targets) + figures.dispute_figures(
        entries, cases, period, today, targets))


def _assessed(every):
    """The assessed figures (``ASSESSED``) of a township's figures, in that order."""
    by_key = {figure.key: figure for figure in every}
    return [by_key[key] for key in ASSESSED]


# The roll-up reads the petitions in a few grouped statements, each over the rows of one indexed condition
# that all its counts share (the database factors it out of their OR): open cases (petition_open_counts), the
# major ones (petition_major), the county's not yet reported (petition_not_reported), received in the period
# (petition_received_seq), reply due in it (petition_handling_due), replied in it (petition_replied).
# A count named in none of these is read in a statement of its own (correct, if slower).
PETITION_STATEMENTS = [
    ["open", "overdue", "due-soon"], ["major"], ["assigned", "assigned-overdue"], ["timely_decision", "repeat"],
    ["on_time_reply"], ["evaluation", "satisfaction"],
]


def _by_township(queryset, aggregates):
    """{township id: {name: value}}: the conditional ``aggregates`` of the queryset, one row per township,
    in one query. The WHERE keeps only the rows some aggregate counts (the OR of their filters), so that
    the database reads them through an index instead of every case of the county."""
    relevant = reduce(or_, (aggregate.filter for aggregate in aggregates.values()))
    rows = queryset.filter(relevant).order_by().values("township_id").annotate(**aggregates)
    return {row.pop("township_id"): row for row in rows}


def _statements(aggregates):
    """The aggregates ({name: Count}, a name being a key of ``PETITION_STATEMENTS`` with a suffix) split into
    the statements they are read in."""
    statement_of = {key: index for index, keys in enumerate(PETITION_STATEMENTS) for key in keys}
    statements = {}
    for name, aggregate in aggregates.items():
        key = name.split(":")[0].removesuffix("_d").removesuffix("_n")
        statements.setdefault(statement_of.get(key, name), {})[name] = aggregate
    return list(statements.values())


def rollup(user, period: Period, today):
    """The county home page: one row per township, and the county's total of each count.

    A fixed number of queries whatever the number of townships (docs/architecture.md §15): the townships
    with their limits and targets, the petitions' counts and figures grouped by township, the ledger
    entries', the mediation cases', the villages that have not filed. The conditions are those of the
    township's own pages (``count_conditions``, reports/figures.py), so each line equals the township's."""
    townships = list(county_townships(user).select_related(*SETUP))
    for township in townships[1:]:  # one county object: a county row created on first use is read once
        township.county = townships[0].county
    soon = {t.pk: TimeLimits.for_township(t).due_soon_days for t in townships}
    # "Due soon" is counted once for each township's number of days (usually one value for all).
    counting = {}
    for days in sorted(set(soon.values())):
        for key, condition in count_conditions(today, days).items():
            counting[f"{key}:{days}" if key == "due-soon" else key] = Count("pk", filter=condition)
    petitions = {}
    for statement in _statements({**counting, **figures.petition_aggregates(period, today)}):
        names = {f"a{index}": name for index, name in enumerate(statement)}  # column aliases, not "due-soon:3"
        read = _by_township(visible_petitions(user, counting=True), {alias: statement[name] for alias, name in names.items()})
        for township_id, row in read.items():
            petitions.setdefault(township_id, {}).update({names[alias]: value for alias, value in row.items()})
    entries = _by_township(visible_entries(user), figures.entry_aggregates(period))
    cases = _by_township(visible_cases(user), figures.mediation_aggregates(period))
    unfiled = unfiled_village_counts(townships, today)
    rows = []
    for township in townships:
        read = petitions.get(township.pk, {})
        counts = {key: read.get(f"{key}:{soon[township.pk]}" if key == "due-soon" else key, 0) for key in COUNTS}
        targets = Targets.for_township(township)
        # Return visits are not read here: no assessed figure counts them.
        assessed = _assessed(figures.build_petition_figures(defaultdict(int, read), defaultdict(int), targets)
                             + figures.build_dispute_figures(defaultdict(int, entries.get(township.pk, {})),
                                                             defaultdict(int, cases.get(township.pk, {})),
                                                             defaultdict(int), targets))
        rows.append(TownshipRow(township, counts, unfiled[township.pk], assessed))
    totals = {key: sum(row.counts[key] for row in rows) for key in COUNTS}
    totals["missing_rounds"] = sum(row.missing_rounds for row in rows)
    return rows, totals


def count_cases(user, township, key, today):
    """The cases behind one count of one township's row."""
    soon = TimeLimits.for_township(township).due_soon_days
    return visible_petitions(user).filter(township=township).filter(count_conditions(today, soon)[key])
