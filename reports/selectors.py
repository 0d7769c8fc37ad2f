"""Reads for the dashboard: a constant number of queries whatever the data size (the counts in one,
``dashboard_numbers``, read together with the menu's)."""
import datetime

from django.db.models import Count, F, Q
from django.utils.translation import gettext as _

from disputes.mediation.selectors import mediator_queue, visible_cases
from disputes.models import LedgerEntry, ScreeningCadence
from disputes.periods import recent_periods
from disputes.screening.selectors import MISSING, PENDING, compliance_rows, visible_entries, with_list_relations
from office.models import Targets
from office.onequery import one_row, pivot_row, read_together
from office.roles import COORDINATOR, LEADER, MEDIATOR, has_role
from petitions.models import Petition
from petitions.selectors import (
    awaits_label,
    my_work_condition,
    queues_for,
    visible_petitions,
    with_awaits,
)

from . import charts, figures
from .queues import cadence_from, cadence_row, current_round_due


def month_start(day, back=0):
    """First day of the month ``back`` months before ``day``'s month."""
    index = day.year * 12 + day.month - 1 - back
    return datetime.date(index // 12, index % 12 + 1, 1)


def my_petition_work(user, today, soon_days, limit=10):
    """The open cases waiting for this user, most urgent first, each with what it waits for and the
    deadline of that step (petitions/selectors.py ``with_awaits``)."""
    if not queues_for(user):
        return []
    # The home page shows number, title and what it waits for: no petitioners to load.
    work = with_awaits(visible_petitions(user).filter(my_work_condition(user, today, soon_days)), user)
    rows = list(work.order_by("awaits_due", "received_on")[:limit])
    for petition in rows:
        petition.awaits_label = awaits_label(petition)
    return rows


def mediator_home(user, today, soon_days):
    """A village mediator's home (issue 12 §1): this period's round, their village's open disputes by
    deadline, their mediation cases by due date, agreements awaiting signatures, confirmation windows
    closing. A fixed number of queries."""
    round_due = current_round_due(user, today)
    queue = mediator_queue(user, today, soon_days=soon_days, sections=("due", "signatures", "windows"))
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
    counts, _rows = read_together({"states": one_row(visible_petitions(user), **_state_aggregates())})
    return _petition_states(counts["states"])


def _state_aggregates():
    return {f"state_{s}": Count("pk", filter=Q(status=s)) for s in Petition.OPEN_STATUSES}


def _petition_states(counts):
    return [(Petition.Status(s).label, counts[f"state_{s}"], s) for s in Petition.OPEN_STATUSES]


def entry_state_counts(user):
    counts, _rows = read_together({"states": one_row(visible_entries(user), **_entry_state_aggregates())})
    return _entry_states(counts["states"])


def _entry_state_aggregates():
    return {f"state_{value}": Count("pk", filter=Q(status=value)) for value in LedgerEntry.Status.values}


def _entry_states(counts):
    return [(label, counts[f"state_{value}"], value) for value, label in LedgerEntry.Status.choices]


def missing_rounds(user, township, today, cadence=None):
    """Villages (or, for a mediator, their own village) that have not filed this period's round.
    ``cadence``: the villages' cadence when the caller read it already."""
    cadence = cadence or ScreeningCadence.for_scope(ScreeningCadence.Scope.VILLAGE)
    current = recent_periods(cadence.kind, today, 1, cadence.anchor)
    rows = compliance_rows(township, ScreeningCadence.Scope.VILLAGE, current, today, cadence)
    staff = user.staff
    if has_role(user, MEDIATOR) and not has_role(user, COORDINATOR, LEADER):  # a post: own village
        rows = [row for row in rows if row.village is not None and row.village.pk == staff.village_id]
    return current[0], [row for row in rows if row.cells[0].state in (MISSING, PENDING)]


def _months(today, months):
    return [month_start(today, back) for back in range(months - 1, -1, -1)]


def _month_ranges(today, months):
    """(index, (first day, last day)) of each month shown, oldest first."""
    return [(index, (month, month_start(month, -1) - datetime.timedelta(days=1)))
            for index, month in enumerate(_months(today, months))]


def _intake_row(petitions, today, months=12):
    """One-row part (not executed): the monthly intake by channel over the last ``months`` months,
    ``in_{month index}_{channel}``. Only the months' petitions are read (index petition_received_seq on
    (township, received_on) where it pays), counted by day and channel, then summed into the cells."""
    window = (month_start(today, months - 1), month_start(today, -1) - datetime.timedelta(days=1))
    grouped = petitions.filter(received_on__range=window).values("received_on", "channel").annotate(n=Count("pk"))
    return pivot_row(grouped, {f"in_{index}_{channel}": ({"received_on": days, "channel": channel}, "n")
                               for index, days in _month_ranges(today, months) for channel in Petition.Channel.values})


def _intake_chart(counts, today, months=12):
    labels = _months(today, months)
    series = [(label, [counts[f"in_{index}_{value}"] for index in range(len(labels))])
              for value, label in Petition.Channel.choices]
    return charts.stacked_bars([f"{m.month}月" for m in labels], series, title=_("Monthly intake by channel"))


def _on_time_row(petitions, today, months=12):
    """One-row part (not executed): replies that fell due in each of the last ``months`` months up to today
    (``ot_{index}_total``: replied, or past due) and those served by the due date (``ot_{index}_on_time``).
    Only those months' cases are read (index petition_handling_due on (township, handling_due_on)),
    counted by due date, then summed into the cells."""
    due = Q(handling_due_on__range=(month_start(today, months - 1), today)) & (
        Q(replied_on__isnull=False) | Q(handling_due_on__lt=today))
    grouped = petitions.filter(due).values("handling_due_on").annotate(
        total=Count("pk"), on_time=Count("pk", filter=Q(replied_on__lte=F("handling_due_on"))))
    cells = {}
    for index, days in _month_ranges(today, months):
        cells[f"ot_{index}_total"] = ({"handling_due_on": days}, "total")
        cells[f"ot_{index}_on_time"] = ({"handling_due_on": days}, "on_time")
    return pivot_row(grouped, cells)


def _on_time_chart(counts, today, months=12):
    labels = _months(today, months)
    rates = [figures.Figure("m", "", "", counts[f"ot_{i}_on_time"], counts[f"ot_{i}_total"]).rate
             for i in range(len(labels))]
    return charts.rate_line([f"{m.month}月" for m in labels], rates, title=_("On-time reply rate by month"))


def intake_chart(user, today, months=12):
    """Monthly intake by channel over the last ``months`` months (one query)."""
    counts, _rows = read_together({"p": _intake_row(visible_petitions(user), today, months)})
    return _intake_chart(counts["p"], today, months)


def on_time_chart(user, today, months=12):
    """On-time reply rate by the month the reply fell due (one query)."""
    counts, _rows = read_together({"p": _on_time_row(visible_petitions(user), today, months)})
    return _on_time_chart(counts["p"], today, months)


def _category_rows(user, period):
    """The period's ten largest categories (a grouped query, not executed)."""
    return (visible_petitions(user).filter(received_on__range=(period.first, period.last))
            .values("category__name").annotate(n=Count("pk")).order_by("-n", "category__name")[:10])


def _category_chart(rows):
    rows = sorted(rows, key=lambda row: (-row["n"], row["category__name"] or ""))
    items = [(row["category__name"] or _("Uncategorised"), row["n"]) for row in rows]
    return charts.horizontal_bars(items, title=_("Petitions by category"))


def category_chart(user, period):
    return _category_chart(list(_category_rows(user, period)))


def dispute_charts(user, period):
    """The period's disputes by type and by risk, from one grouped query (type × risk)."""
    entries = visible_entries(user).filter(found_on__range=(period.first, period.last))
    rows = entries.values_list("dispute_type__parent__name", "dispute_type__name", "risk_level__name",
                               "risk_level__colour", "risk_level__rank").annotate(n=Count("pk")).order_by()
    types, risks, colours = {}, {}, {}
    for parent, name, risk, colour, rank, n in rows:
        key = parent or name
        types[key] = types.get(key, 0) + n
        risks[(rank, risk)] = risks.get((rank, risk), 0) + n
        colours[risk] = colour
    return (
        charts.horizontal_bars(sorted(types.items(), key=lambda kv: -kv[1]), title=_("Disputes by type")),
        charts.horizontal_bars([(name, n) for (_rank, name), n in sorted(risks.items(), key=lambda kv: kv[0][0])],
                               title=_("Disputes by risk"), colours=colours),
    )


def dashboard_numbers(user, today, period, *, petitions, disputes, office_view):
    """Every count of the home page in one query (issue 16 §2): open petitions by state; the ledger by
    state; for the office, each figure's numerator and denominator (the same conditions as its drill-down
    list, reports/figures.py), the monthly intake by channel and the on-time rate by month. Each part reads
    only the rows that can count, through an index: the open cases (petition_open_due) for the states, the
    period's cases for the figures (``figures.petition_period_rows``), the twelve months' intake and replies
    due for the charts — never the township's whole history.
    Returns the parts, row parts and open-case counts for ``reports.queues.menu_counts`` (``extra=``,
    ``extra_rows=``, ``open_counts=``) and a function that reads its result (the MenuCounts)."""
    targets = Targets.for_township(user.staff.township) if office_view else None
    parts, rows, open_counts = {}, {}, {}
    if petitions or office_view:
        visible = visible_petitions(user, counting=True)
        open_counts = _state_aggregates()  # counted with the menu's queues, in one pass over the open cases
        if office_view:
            parts["dash_figures"] = one_row(figures.petition_period_rows(visible, period),
                                            **figures.petition_aggregates(period, today))
            parts["dash_intake"] = _intake_row(visible, today)
            parts["dash_on_time"] = _on_time_row(visible, today)
            # The period's visits (a thousand) each looked up among the visible cases (a semi-join by key),
            # not every visible case hashed: the anti-join form estimates the visible cases well.
            parts["dash_visits"] = figures.return_visit_row(visible_petitions(user), period, today)
    if disputes or office_view:
        aggregates = _entry_state_aggregates() | (figures.entry_aggregates(period) if office_view else {})
        parts["dash_entries"] = one_row(visible_entries(user), **aggregates)
        parts["dash_cadence"] = cadence_row(ScreeningCadence.Scope.VILLAGE)
    if office_view:
        rows["dash_categories"] = _category_rows(user, period)
        cases = visible_cases(user)
        parts["dash_cases"] = one_row(cases, **figures.mediation_aggregates(period))
        parts["dash_mediation_visits"] = figures.mediation_visit_row(cases, period)

    def read(menu):
        counts, found = menu.extra, menu.extra_rows
        numbers = {}
        if "dash_cadence" in counts:
            numbers["cadence"] = cadence_from(counts["dash_cadence"], ScreeningCadence.Scope.VILLAGE)
        if "dash_categories" in found:
            numbers["categories"] = _category_chart(found["dash_categories"])
        if open_counts:
            numbers["petition_states"] = _petition_states(menu.open_counts)
        if "dash_entries" in counts:
            numbers["entry_states"] = _entry_states(counts["dash_entries"])
        if office_view:
            numbers["figures"] = figures.build_petition_figures(
                counts["dash_figures"], counts["dash_visits"], targets) + figures.build_dispute_figures(
                counts["dash_entries"], counts["dash_cases"], counts["dash_mediation_visits"], targets)
            numbers["intake"] = _intake_chart(counts["dash_intake"], today)
            numbers["on_time"] = _on_time_chart(counts["dash_on_time"], today)
        return numbers

    return parts, rows, open_counts, read
