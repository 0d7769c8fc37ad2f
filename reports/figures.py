"""The figures the office is judged by (docs/domain.md §4): raw counts from conditional aggregates
(read in one query with the rest of the dashboard: reports/selectors.py ``dashboard_numbers``), the rate
computed from them, the formula shown beside it. Each figure's cases are listed by ``petition_cases``,
``dispute_cases`` and ``mediation_cases`` with the very same conditions.

A rate whose denominator is zero is ``None`` ("no data"), never a division by zero.
"""
import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Exists, F, OuterRef, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from disputes.models import LedgerEntry, MediationCase, MediationReturnVisit
from office.onequery import one_row, read_together
from petitions.models import Petition, ReturnVisit

P = Petition.Status
EVALUATED = [Petition.Opinion.SATISFIED, Petition.Opinion.BASICALLY, Petition.Opinion.DISSATISFIED]


@dataclass
class Figure:
    key: str
    label: str
    formula: str
    numerator: int
    denominator: int
    target: Decimal | None = None
    numerator_label: str = ""
    denominator_label: str = ""

    @property
    def rate(self):
        """The rate in per cent with one decimal, or None when nothing counts yet."""
        if not self.denominator:
            return None
        return (Decimal(100) * self.numerator / self.denominator).quantize(Decimal("0.1"), ROUND_HALF_UP)

    @property
    def meets_target(self):
        if self.rate is None or self.target is None:
            return None
        return self.rate >= self.target

    @property
    def gap(self):
        """Points below the target (e.g. 4.5 for 93.5 % against 98 %), or None when at or above it."""
        if self.meets_target is False:
            return self.target - self.rate
        return None


@dataclass(frozen=True)
class Period:
    first: datetime.date
    last: datetime.date

    def as_query(self):
        return f"start={self.first.isoformat()}&end={self.last.isoformat()}"


def _petition_conditions(period, today):
    """Conditions for each petition figure: key -> (denominator Q, numerator Q)."""
    in_period = Q(received_on__range=(period.first, period.last))
    # A case imported from an old ledger without a decision date says nothing about its decision:
    # it counts only once decided (docs/domain.md §9).
    decided_or_due = Q(decided_on__isnull=False) | Q(decision_due_on__lt=today, imported_from__isnull=True)
    reply_due = Q(handling_due_on__range=(period.first, period.last)) & (
        Q(replied_on__isnull=False) | Q(handling_due_on__lt=today)
    )
    replied = Q(replied_on__range=(period.first, period.last))
    evaluated = Q(opinion__in=EVALUATED)
    window_over = Q(opinion=Petition.Opinion.NONE) | Q(status=P.REPLIED, evaluation_due_on__lt=today)
    return {
        # 及时受理率: decided within the 15-day limit, of the cases received whose decision was made or due.
        "timely_decision": (in_period & decided_or_due, in_period & Q(decided_on__lte=F("decision_due_on"))),
        # 按期办结率: replied by the handling due date, of the cases whose reply fell due in the period.
        "on_time_reply": (reply_due, reply_due & Q(replied_on__lte=F("handling_due_on"))),
        # 参评率: evaluated, of evaluated plus window expired without an opinion.
        "evaluation": (replied & (evaluated | window_over), replied & evaluated),
        # 满意率: satisfied or basically satisfied, of those evaluated.
        "satisfaction": (replied & evaluated, replied & Q(opinion__in=EVALUATED[:2])),
        # 重复信访率: repeat petitions, of all received.
        "repeat": (in_period, in_period & Q(is_repeat=True)),
    }


PETITION_FIGURES = [
    ("timely_decision", _("Timely decision rate (及时受理率)"),
     _("petitions received in the period and decided within the decision limit ÷ petitions received in the "
       "period whose decision was made or is past its due date"),
     _("decided in time"), _("decided or due")),
    ("on_time_reply", _("On-time reply rate (按期办结率)"),
     _("replies served by the handling due date ÷ petitions whose handling due date fell in the period "
       "(replied, or past due)"), _("replied on time"), _("fell due")),
    ("evaluation", _("Evaluation rate (参评率)"),
     _("petitions replied to in the period with the petitioner's opinion ÷ those with an opinion plus those "
       "whose opinion window expired without one"), _("evaluated"), _("evaluated or expired")),
    ("satisfaction", _("Satisfaction rate (满意率)"),
     _("petitions replied to in the period rated satisfied or basically satisfied ÷ those rated"),
     _("satisfied or basically"), _("rated")),
    ("repeat", _("Repeat petition rate (重复信访率)"),
     _("repeat petitions received in the period ÷ all petitions received in the period"), _("repeat"),
     _("petitions received")),
]


def _target(targets, key):
    return targets.for_figure(key) if targets is not None else None


def petition_period_rows(petitions, period):
    """The petitions any petition figure of the period can count: received, due for reply or replied in the
    period (every condition of ``_petition_conditions`` requires one of the three). Each is a range on an
    index (township, date), so the figures read the period's rows, not the township's history."""
    dates = (period.first, period.last)
    return petitions.filter(Q(received_on__range=dates) | Q(handling_due_on__range=dates)
                            | Q(replied_on__range=dates))


def petition_aggregates(period, today):
    """{name: conditional count} of every petition figure's numerator and denominator, to be read in one
    aggregate with other figures (reports/selectors.py ``dashboard_numbers``)."""
    aggregates = {}
    for key, (denominator, numerator) in _petition_conditions(period, today).items():
        aggregates[f"{key}_d"] = Count("pk", filter=denominator)
        aggregates[f"{key}_n"] = Count("pk", filter=numerator)
    return aggregates


def return_visit_row(petitions, period, today):
    """One-row queryset (not executed): the return visits due in the period (``due``) and made (``done``)."""
    # Only the period's visits are read (index returnvisit_due), each then checked against the visible
    # petitions by key. As `petition__in=petitions`, SQLite read every visible petition of the township
    # and looked up its visits (74 → 8 ms at 100k, bench/README.md).
    visits = ReturnVisit.objects.filter(Exists(petitions.filter(pk=OuterRef("petition_id"))),
                                        due_on__range=(period.first, period.last))
    return one_row(visits, due=Count("pk", filter=Q(due_on__lte=today) | Q(visited_on__isnull=False)),
                   done=Count("pk", filter=Q(visited_on__isnull=False)))


def build_petition_figures(counts, visits, targets=None):
    """The petition figures from the counts read (``petition_aggregates``, ``return_visit_row``)."""
    figures = [
        Figure(key, str(label), str(formula), counts[f"{key}_n"], counts[f"{key}_d"], _target(targets, key),
               str(n_label), str(d_label))
        for key, label, formula, n_label, d_label in PETITION_FIGURES
    ]
    figures.append(Figure("return_visit", str(_("Return visit rate (回访率)")),
                          str(_("return visits due in the period and made ÷ return visits due in the period "
                                "(made, or past their due date)")), visits["done"], visits["due"],
                          _target(targets, "return_visit"), str(_("visits made")),
                          str(pgettext_lazy("return visits", "visits due"))))
    return figures


def petition_figures(petitions, period, today, targets=None):
    """Return the petition figures for a period over the given (visible) petitions: one query.
    ``targets``: the township's office.models.Targets (None: no targets)."""
    counts, _rows = read_together({"petitions": one_row(petition_period_rows(petitions, period),
                                                        **petition_aggregates(period, today)),
                                   "visits": return_visit_row(petitions, period, today)})
    return build_petition_figures(counts["petitions"], counts["visits"], targets)


# The two figures that count return visits, not cases: their lists show one row per visit, so a case
# visited twice in the period (1 and 3 months after closing) is two rows, as it is two in the figure.
VISIT_FIGURES = {"return_visit": "visits", "mediation_satisfaction": "mediation_visits"}


def visit_rows(key, *, petitions, cases, period, today, part):
    """The return visits behind a visit figure's numerator or denominator, with the same conditions as
    ``return_visit_row`` and ``mediation_visit_row``; ``petitions`` / ``cases``: what the user may see."""
    numerator = part == "numerator"
    if key == "return_visit":
        visits = ReturnVisit.objects.filter(due_on__range=(period.first, period.last),
                                            petition__in=petitions.order_by().values("pk"))
        visits = visits.filter(Q(visited_on__isnull=False) if numerator
                               else Q(due_on__lte=today) | Q(visited_on__isnull=False))
        return visits.select_related("petition").order_by("-due_on", "-pk")
    visits = MediationReturnVisit.objects.filter(
        case__in=cases.order_by().values("pk"), visited_on__range=(period.first, period.last)).exclude(satisfaction="")
    if numerator:
        visits = visits.filter(satisfaction__in=["satisfied", "basically"])
    return visits.select_related("case").order_by("-visited_on", "-pk")


def petition_cases(petitions, key, period, today, *, part):
    """The cases behind one figure: ``part`` is "numerator" or "denominator"."""
    if key == "return_visit":
        visits = ReturnVisit.objects.filter(due_on__range=(period.first, period.last))
        if part == "numerator":
            visits = visits.filter(visited_on__isnull=False)
        else:
            visits = visits.filter(Q(due_on__lte=today) | Q(visited_on__isnull=False))
        return petitions.filter(pk__in=visits.values("petition_id"))
    if key not in dict((k, None) for k, *_rest in PETITION_FIGURES):
        raise KeyError(key)
    denominator, numerator = _petition_conditions(period, today)[key]
    return petitions.filter(numerator if part == "numerator" else denominator)


# A dispute found on the ledger entered mediation (参调): a mediation case was opened or requested for it,
# or it was resolved by mediation during screening (the village committee mediated it, 调解化解).
ENTERED_MEDIATION = (
    Q(mediation_case__isnull=False) | Q(mediation_requested_on__isnull=False)
    | Q(status=LedgerEntry.Status.RESOLVED, resolution=LedgerEntry.Resolution.MEDIATED)
)

# A mediation case that ended without being mediated: a party refused before it began (人民调解法 Art 17)
# or it was transferred to the police (Art 25). Neither is a failed mediation.
NOT_MEDIATED = Q(termination__in=[MediationCase.Termination.REFUSED, MediationCase.Termination.TRANSFERRED])


def mediation_outcomes(period):
    """(cases actually mediated that ended in the period, of which ended in an agreement) as conditions on
    MediationCase. A case "ends" on the day its agreement takes effect or the day it is terminated."""
    ended = Q(closed_on__range=(period.first, period.last)) & ~NOT_MEDIATED
    return ended, ended & ~Q(status=MediationCase.Status.TERMINATED)


def entry_aggregates(period):
    """{name: conditional count} of the screening figures over ledger entries."""
    found = Q(found_on__range=(period.first, period.last))
    return {"found": Count("pk", filter=found), "mediated": Count("pk", filter=found & ENTERED_MEDIATION),
            "resolved": Count("pk", filter=found & Q(status=LedgerEntry.Status.RESOLVED))}


def mediation_aggregates(period):
    """{name: conditional count} of the mediation outcome figure over mediation cases."""
    ended, agreed = mediation_outcomes(period)
    return {"ended": Count("pk", filter=ended), "succeeded": Count("pk", filter=agreed)}


def mediation_visit_row(cases, period):
    """One-row queryset (not executed): visits made in the period with a rating, and those satisfied."""
    return one_row(
        MediationReturnVisit.objects.filter(case__in=cases, visited_on__range=(period.first, period.last))
        .exclude(satisfaction=""),
        rated=Count("pk"), satisfied=Count("pk", filter=Q(satisfaction__in=["satisfied", "basically"])))


def dispute_figures(entries, cases, period, today, targets=None):
    """Screening and mediation figures for the period, in one query (docs/domain.md §4)."""
    counts, _rows = read_together({
        "entries": one_row(entries, **entry_aggregates(period)),
        "cases": one_row(cases, **mediation_aggregates(period)),
        "visits": mediation_visit_row(cases, period),
    })
    return build_dispute_figures(counts["entries"], counts["cases"], counts["visits"], targets)


def build_dispute_figures(counts, outcome, visits, targets=None):
    """The screening and mediation figures from the counts read (``entry_aggregates``, ``mediation_aggregates``,
    ``mediation_visit_row``)."""
    return [
        Figure("participation", str(_("Mediation participation rate (参调率)")),
               str(_("disputes found in the period that entered mediation (a mediation case opened or requested, or "
                     "resolved by mediation during screening) ÷ disputes found in the period")),
               counts["mediated"], counts["found"], _target(targets, "participation"),
               str(_("entered mediation")), str(_("disputes found"))),
        Figure("mediation_success", str(_("Mediation success rate (调解成功率)")),
               str(_("mediation cases whose agreement took effect in the period ÷ mediation cases actually mediated "
                     "that ended in the period (not counting a party's refusal before mediation, Art 17, or a "
                     "transfer to the police)")),
               outcome["succeeded"], outcome["ended"], _target(targets, "mediation_success"),
               str(_("agreements")), str(_("actually mediated"))),
        Figure("mediation_satisfaction", str(_("Mediation satisfaction rate (满意率)")),
               str(_("return visits made in the period rated satisfied or basically satisfied ÷ return visits made "
                     "in the period with a rating")), visits["satisfied"],
               visits["rated"], _target(targets, "mediation_satisfaction"), str(_("satisfied or basically")),
               str(_("rated"))),
        Figure("resolution", str(_("Resolution rate (化解率)")),
               str(_("disputes found in the period and resolved ÷ disputes found in the period")),
               counts["resolved"], counts["found"], _target(targets, "resolution"),
               str(_("resolved")), str(_("disputes found"))),
    ]


DISPUTE_FIGURES = {"participation", "resolution"}
MEDIATION_FIGURES = {"mediation_success", "mediation_satisfaction"}


def dispute_cases(entries, key, period, *, part):
    """The ledger entries behind one dispute figure."""
    found = entries.filter(found_on__range=(period.first, period.last))
    if part == "denominator":
        return found
    if key == "participation":
        return found.filter(ENTERED_MEDIATION).distinct()
    return found.filter(status=LedgerEntry.Status.RESOLVED)


def mediation_cases(cases, key, period, *, part):
    """The mediation cases behind one mediation figure."""
    if key == "mediation_success":
        ended, agreed = mediation_outcomes(period)
        return cases.filter(agreed if part == "numerator" else ended)
    visits = Q(return_visits__visited_on__range=(period.first, period.last)) & ~Q(return_visits__satisfaction="")
    if part == "numerator":
        visits &= Q(return_visits__satisfaction__in=["satisfied", "basically"])
    return cases.filter(visits).distinct()
