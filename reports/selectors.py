"""Reads for the dashboard: a bounded number of aggregate queries whatever the data size."""
import datetime

from django.db.models import Count, F, Q
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext as _

from disputes.mediation.selectors import mediator_queue
from disputes.models import LedgerEntry, ScreeningCadence
from disputes.periods import recent_periods
from disputes.screening.selectors import MISSING, PENDING, compliance_rows, visible_entries, with_list_relations
from office.roles import COORDINATOR, LEADER, MEDIATOR, has_role
from petitions.models import Petition
from petitions.selectors import (
    awaits_label,
    my_work_condition,
    petition_list,
    queues_for,
    visible_petitions,
    with_awaits,
)

from . import charts, figures
from .queues import current_round_due


def month_start(day, back=0):
    """First day of the month ``back`` months before ``day``'s month."""
    index = day.year * 12 + day.month - 1 - back
    return datetime.date(index // 12, index % 12 + 1, 1)


def my_petition_work(user, today, soon_days, limit=10):
    """The open cases waiting for this user, most urgent first, each with what it waits for and the
    deadline of that step (petitions/selectors.py ``with_awaits``)."""
    if not queues_for(user):
        return []
    work = with_awaits(petition_list(user).filter(my_work_condition(user, today, soon_days)), user)
    rows = list(work.order_by("awaits_due", "received_on")[:limit])
    for petition in rows:
        petition.awaits_label = awaits_label(petition)
    return rows


def mediator_home(user, today, soon_days):
    """A village mediator's home (issue 12 §1): this period's round, their village's open disputes by
    deadline, their mediation cases by due date, agreements awaiting signatures, confirmation windows
    closing. A fixed number of queries."""
    round_due = current_round_due(user, today)
    queue = mediator_queue(user, today, soon_days=soon_days)
    entries = list(
        with_list_relations(visible_entries(user).filter(status__in=LedgerEntry.OPEN_STATUSES))
        .order_by("deadline", "pk")[:20]
    )
    return {
        "round_period": round_due[0] if round_due else None,
        "round_filed": round_due[1] if round_due else None,
        "files_round": round_due is not None,
        "open_entries": entries,
        "mediating": queue["due"],
        "signatures": queue["signatures"],
        "windows": queue["windows"],
        "window_warning_days": queue["window_warning_days"],
    }


def petition_state_counts(user):
    """Open petitions by state, in the workflow's order."""
    counts = dict(
        visible_petitions(user).filter(status__in=Petition.OPEN_STATUSES)
        .values_list("status").annotate(n=Count("pk")).values_list("status", "n")
    )
    return [(Petition.Status(s).label, counts.get(s, 0), s) for s in Petition.OPEN_STATUSES]


def entry_state_counts(user):
    counts = dict(visible_entries(user).values_list("status").annotate(n=Count("pk")).values_list("status", "n"))
    return [(label, counts.get(value, 0), value) for value, label in LedgerEntry.Status.choices]


def missing_rounds(user, township, today):
    """Villages (or, for a mediator, their own village) that have not filed this period's round."""
    cadence = ScreeningCadence.for_scope(ScreeningCadence.Scope.VILLAGE)
    current = recent_periods(cadence.kind, today, 1, cadence.anchor)
    rows = compliance_rows(township, ScreeningCadence.Scope.VILLAGE, current, today, cadence)
    staff = user.staff
    if has_role(user, MEDIATOR) and not has_role(user, COORDINATOR, LEADER):  # a post: own village
        rows = [row for row in rows if row.village is not None and row.village.pk == staff.village_id]
    return current[0], [row for row in rows if row.cells[0].state in (MISSING, PENDING)]


def intake_chart(user, today, months=12):
    """Monthly intake by channel over the last ``months`` months (one grouped query)."""
    first = month_start(today, months - 1)
    rows = (
        visible_petitions(user).filter(received_on__gte=first)
        .annotate(month=TruncMonth("received_on")).values_list("month", "channel").annotate(n=Count("pk"))
    )
    labels = [month_start(today, back) for back in range(months - 1, -1, -1)]
    table = {(m if isinstance(m, datetime.date) and not isinstance(m, datetime.datetime) else m.date(), c): n
             for m, c, n in rows}
    series = [(label, [table.get((month, value), 0) for month in labels]) for value, label in Petition.Channel.choices]
    return charts.stacked_bars([f"{m.month}月" for m in labels], series, title=_("Monthly intake by channel"))


def category_chart(user, period):
    rows = (
        visible_petitions(user).filter(received_on__range=(period.first, period.last))
        .values_list("category__name").annotate(n=Count("pk")).order_by("-n")[:10]
    )
    items = [(name or _("Uncategorised"), n) for name, n in rows]
    return charts.horizontal_bars(items, title=_("Petitions by category"))


def dispute_charts(user, period):
    entries = visible_entries(user).filter(found_on__range=(period.first, period.last))
    by_type = entries.values_list("dispute_type__parent__name", "dispute_type__name").annotate(n=Count("pk"))
    types = {}
    for parent, name, n in by_type:
        key = parent or name
        types[key] = types.get(key, 0) + n
    by_risk = entries.values_list("risk_level__name", "risk_level__colour", "risk_level__rank").annotate(
        n=Count("pk")).order_by("risk_level__rank")
    return (
        charts.horizontal_bars(sorted(types.items(), key=lambda kv: -kv[1]), title=_("Disputes by type")),
        charts.horizontal_bars([(name, n) for name, _colour, _rank, n in by_risk], title=_("Disputes by risk"),
                               colours={name: colour for name, colour, _rank, _n in by_risk}),
    )


def on_time_chart(user, today, months=12):
    """On-time reply rate by the month the reply fell due (one grouped query)."""
    first = month_start(today, months - 1)
    due = Q(replied_on__isnull=False) | Q(handling_due_on__lt=today)
    rows = (
        visible_petitions(user).filter(due, handling_due_on__gte=first, handling_due_on__lte=today)
        .annotate(month=TruncMonth("handling_due_on")).values_list("month")
        .annotate(total=Count("pk"), on_time=Count("pk", filter=Q(replied_on__lte=F("handling_due_on"))))
    )
    table = {}
    for month, total, on_time in rows:
        month = month.date() if isinstance(month, datetime.datetime) else month
        table[month] = figures.Figure("m", "", "", on_time, total).rate
    labels = [month_start(today, back) for back in range(months - 1, -1, -1)]
    return charts.rate_line([f"{m.month}月" for m in labels], [table.get(m) for m in labels],
                            title=_("On-time reply rate by month"))
