"""The county's roll-up (docs/domain.md §10): one row per township of the county, every number read
from the county user's visible querysets (petitions/selectors.py ``visible_petitions``, the disputes'
``visible_entries`` and ``visible_cases``) narrowed to one township, so that each one opens the cases
behind it and the county's figures are the townships' own, computed by the same code."""
import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from disputes.mediation.selectors import visible_cases
from disputes.models import ScreeningCadence
from disputes.periods import recent_periods
from disputes.screening.selectors import MISSING, PENDING, compliance_rows, visible_entries
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
    every = figures.petition_figures(petitions, period, today, targets) + figures.dispute_figures(
        entries, cases, period, today, targets)
    by_key = {figure.key: figure for figure in every}
    return [by_key[key] for key in ASSESSED]


def missing_round_count(township, today):
    """Villages of the township that have not filed this period's screening round (late or still due)."""
    cadence = ScreeningCadence.for_scope(ScreeningCadence.Scope.VILLAGE)
    current = recent_periods(cadence.kind, today, 1, cadence.anchor)
    rows = compliance_rows(township, ScreeningCadence.Scope.VILLAGE, current, today, cadence)
    return sum(1 for row in rows if row.cells[0].state in (MISSING, PENDING))


def rollup(user, period: Period, today):
    """The county home page: one row per township, and the county's total of each count."""
    townships = list(county_townships(user))
    soon = {t.pk: TimeLimits.for_township(t).due_soon_days for t in townships}
    rows = []
    for township in townships:
        conditions = count_conditions(today, soon[township.pk])
        counts = visible_petitions(user).filter(township=township).aggregate(
            **{key: Count("pk", filter=condition) for key, condition in conditions.items()})
        rows.append(TownshipRow(township, counts, missing_round_count(township, today),
                                township_figures(user, township, period, today)))
    totals = {key: sum(row.counts[key] for row in rows) for key in COUNTS}
    totals["missing_rounds"] = sum(row.missing_rounds for row in rows)
    return rows, totals


def count_cases(user, township, key, today):
    """The cases behind one count of one township's row."""
    soon = TimeLimits.for_township(township).due_soon_days
    return visible_petitions(user).filter(township=township).filter(count_conditions(today, soon)[key])
