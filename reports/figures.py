"""The figures the office is judged by (docs/domain.md §4): raw counts from a bounded number of
aggregate queries, the rate computed from them, the formula shown beside it.

A rate whose denominator is zero is ``None`` ("no data"), never a division by zero.
"""
import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, F, Q
from django.utils.translation import gettext_lazy as _

from disputes.models import LedgerEntry, MediationCase, MediationReturnVisit
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
    # it counts only once decided (docs/domain.md §8).
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
     _("decided within 15 days ÷ cases received whose decision was made or due"), None,
     _("decided in time"), _("decided or due")),
    ("on_time_reply", _("On-time reply rate (按期办结率)"),
     _("replied by the due date ÷ cases whose reply fell due"), None, _("replied on time"), _("fell due")),
    ("evaluation", _("Evaluation rate (参评率)"),
     _("evaluated ÷ (evaluated + opinion window expired)"), None, _("evaluated"), _("evaluated or expired")),
    ("satisfaction", _("Satisfaction rate (满意率)"),
     _("(satisfied + basically satisfied) ÷ evaluated"), Decimal(96), _("satisfied or basically"), _("evaluated")),
    ("repeat", _("Repeat petition rate (重复信访率)"),
     _("repeat petitions ÷ all petitions received"), None, _("repeat"), _("received")),
]


def petition_figures(petitions, period, today):
    """Return the petition figures for a period over the given (visible) petitions: one aggregate query,
    plus one for return visits."""
    conditions = _petition_conditions(period, today)
    aggregates = {}
    for key, (denominator, numerator) in conditions.items():
        aggregates[f"{key}_d"] = Count("pk", filter=denominator)
        aggregates[f"{key}_n"] = Count("pk", filter=numerator)
    counts = petitions.aggregate(**aggregates)
    figures = [
        Figure(key, label, formula, counts[f"{key}_n"], counts[f"{key}_d"], target, n_label, d_label)
        for key, label, formula, target, n_label, d_label in PETITION_FIGURES
    ]
    in_period = Q(due_on__range=(period.first, period.last))
    visits = ReturnVisit.objects.filter(petition__in=petitions).aggregate(
        due=Count("pk", filter=in_period & (Q(due_on__lte=today) | Q(visited_on__isnull=False))),
        done=Count("pk", filter=in_period & Q(visited_on__isnull=False)),
    )
    figures.append(Figure("return_visit", str(_("Return visit rate (回访率)")),
                          str(_("return visits made ÷ return visits due")), visits["done"], visits["due"], None,
                          str(_("visited")), str(_("due"))))
    return figures


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


def dispute_figures(entries, cases, period, today):
    """Screening and mediation figures for the period (work plan targets: 参调率 and 调解成功率 ≥ 98 %,
    满意率 ≥ 96 %): one aggregate query over ledger entries, one over mediation cases, one over visits."""
    found = Q(found_on__range=(period.first, period.last))
    mediated = found & (Q(mediation_case__isnull=False) | Q(mediation_requested_on__isnull=False))
    resolved = found & Q(status=LedgerEntry.Status.RESOLVED)
    counts = entries.aggregate(
        found=Count("pk", filter=found), mediated=Count("pk", filter=mediated), resolved=Count("pk", filter=resolved)
    )
    ended = Q(closed_on__range=(period.first, period.last))
    outcome = cases.aggregate(
        ended=Count("pk", filter=ended),
        succeeded=Count("pk", filter=ended & ~Q(status=MediationCase.Status.TERMINATED)),
    )
    visits = MediationReturnVisit.objects.filter(
        case__in=cases, visited_on__range=(period.first, period.last)
    ).exclude(satisfaction="").aggregate(
        rated=Count("pk"), satisfied=Count("pk", filter=Q(satisfaction__in=["satisfied", "basically"]))
    )
    return [
        Figure("participation", str(_("Mediation participation rate (参调率)")),
               str(_("disputes mediated ÷ disputes found")), counts["mediated"], counts["found"], Decimal(98),
               str(_("mediated")), str(_("found"))),
        Figure("mediation_success", str(_("Mediation success rate (调解成功率)")),
               str(_("mediations ending in an agreement ÷ mediations ended")), outcome["succeeded"], outcome["ended"],
               Decimal(98), str(_("agreed")), str(_("ended"))),
        Figure("mediation_satisfaction", str(_("Mediation satisfaction rate (满意率)")),
               str(_("(satisfied + basically satisfied) ÷ return visits with a rating")), visits["satisfied"],
               visits["rated"], Decimal(96), str(_("satisfied or basically")), str(_("rated"))),
        Figure("resolution", str(_("Resolution rate (化解率)")),
               str(_("disputes resolved ÷ disputes found")), counts["resolved"], counts["found"], None,
               str(_("resolved")), str(_("found"))),
    ]


DISPUTE_FIGURES = {"participation", "resolution"}
MEDIATION_FIGURES = {"mediation_success", "mediation_satisfaction"}


def dispute_cases(entries, key, period, *, part):
    """The ledger entries behind one dispute figure."""
    found = entries.filter(found_on__range=(period.first, period.last))
    if part == "denominator":
        return found
    if key == "participation":
        return found.filter(Q(mediation_case__isnull=False) | Q(mediation_requested_on__isnull=False))
    return found.filter(status=LedgerEntry.Status.RESOLVED)


def mediation_cases(cases, key, period, *, part):
    """The mediation cases behind one mediation figure."""
    if key == "mediation_success":
        ended = cases.filter(closed_on__range=(period.first, period.last))
        return ended if part == "denominator" else ended.exclude(status=MediationCase.Status.TERMINATED)
    visits = Q(return_visits__visited_on__range=(period.first, period.last)) & ~Q(return_visits__satisfaction="")
    if part == "numerator":
        visits &= Q(return_visits__satisfaction__in=["satisfied", "basically"])
    return cases.filter(visits).distinct()
