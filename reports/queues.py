"""Every role's work queues, defined once (issue 12 §1): the menu's 待办 with its counts, the home page
and the daily reminders (reports/reminders.py) all read :func:`work_queues`, so a count, a page and a
reminder cannot disagree, and every queue links only to a page its user may open.

- 登记员: 待提出受理意见 (oldest first), 退回重办, her own overdue and due-soon cases;
- 综治中心: the office's petition queues, its fortnightly round, the township's mediation queues;
- 领导: 待我审批 (what awaits: a decision, an extension, a reply, an escalation), overdue, due soon;
- 承办人: 交办本单位, overdue, due soon; anyone on the ladder: 提级至我处;
- 调解员: 报送本期排查, their mediation cases, agreements awaiting signatures, confirmation windows closing.

One query, whatever the numbers (``menu_counts``): the petition queues, the mediation queues, the open
tasks, the escalations to decide and this period's round are read side by side (office/onequery.py).
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from disputes.mediation import selectors as mediation
from disputes.models import ScreeningCadence, ScreeningRound
from disputes.periods import recent_periods
from disputes.screening import permissions as screening_permissions
from disputes.screening import services as screening
from office.escalation import pending_count_rows
from office.models import TimeLimits
from office.notify import open_task_row
from office.onequery import one_row, read_together
from office.roles import COORDINATOR, MEDIATOR, has_role
from petitions.selectors import QUEUE_LABELS, queue_count_row

MEDIATION_LABELS = {
    "mediating": _("Cases being mediated"),
    "past-limit": _("Mediation past its time limit"),
    "signatures": _("Agreements awaiting signatures"),
    "windows": _("Judicial confirmation windows closing"),
}
# Where each mediation queue is on the mediation queue page.
MEDIATION_ANCHORS = {"mediating": "queue-due", "past-limit": "queue-due", "signatures": "queue-signatures",
                     "windows": "queue-windows"}


@dataclass(frozen=True)
class WorkQueue:
    key: str
    label: str
    url: str
    count: int
    urgent: bool = False  # shown in red while it holds anything

    @property
    def button(self) -> bool:
        """A queue that is one thing to do (file this period's round) is shown as a button."""
        return self.key == "round"


def current_round_due(user, today):
    """(period, round or None) of the unit the user files for, or None when the user files no round."""
    files, village = screening_permissions.filing_village(user)
    if not files:
        return None
    cadence = screening.cadence_for(village)
    period = recent_periods(cadence.kind, today, 1, cadence.anchor)[0]
    return period, screening.find_round(user.staff.township, village, period)


def _date(value):
    """A date read through a raw cursor (SQLite returns text)."""
    return datetime.date.fromisoformat(value) if isinstance(value, str) else value


@dataclass
class MenuCounts:
    """Everything the menu counts for one user: the work queues, the open tasks (消息) and the
    escalations awaiting their decision (提级至我处; None for a user who holds no rank)."""

    queues: list[WorkQueue]
    open_tasks: int
    escalations_to_me: int | None
    extra: dict = field(default_factory=dict)  # the page's own parts read in the same query
    extra_rows: dict = field(default_factory=dict)
    open_counts: dict = field(default_factory=dict)  # the page's own counts over the open petitions


def cadence_row(scope):
    """One-row queryset (not executed) reading the stored cadence of a scope (at most one: scope is unique)."""
    return one_row(ScreeningCadence.objects.filter(scope=scope), stored=Count("pk"), kind=Max("kind"),
                   anchor=Max("anchor"), grace_days=Max("grace_days"))


def cadence_from(counts, scope):
    """The cadence read by ``cadence_row`` (the defaults when none is stored), as ScreeningCadence.for_scope."""
    if counts["stored"]:
        return ScreeningCadence(scope=scope, kind=counts["kind"], anchor=_date(counts["anchor"]),
                                grace_days=counts["grace_days"])
    return ScreeningCadence(scope=scope, kind=ScreeningCadence.DEFAULT_KINDS[scope])


def menu_counts(user, today, extra=None, extra_rows=None, open_counts=None) -> MenuCounts:
    """The user's queues with their counts, open tasks and escalations to decide: one query in all
    (office/onequery.py), whatever the numbers, touching only open cases (issue 16 §3). ``extra``: a
    page's own one-row parts ({name: queryset}) read in the same query (the dashboard's figures), and
    ``extra_rows`` its small many-row parts (office/onequery.py). ``open_counts``: the page's own
    aggregates over the visible open petitions ({name: aggregate}, the dashboard's states), counted in the
    same pass over the open cases as the queues (``MenuCounts.open_counts``)."""
    staff = getattr(user, "staff", None)
    # The county's staff have no work queue of a township (docs/domain.md §10).
    if staff is None or staff.township_id is None or not user.is_active:
        counts, rows = read_together(extra or {}, extra_rows) if extra or extra_rows else ({}, {})
        return MenuCounts([], 0, None, counts, rows, {})
    soon = TimeLimits.for_township(staff.township).due_soon_days
    parts = {"tasks": open_task_row(user), **(extra or {})}
    slugs, petition_row = queue_count_row(user, today, soon, open_counts)
    if petition_row is not None:
        parts["petitions"] = petition_row
    mediates = has_role(user, MEDIATOR, COORDINATOR) and user.has_perm("disputes.view_mediationcase")
    if mediates:
        parts["mediation"] = mediation.queue_count_row(user, today)
    escalation_rows = pending_count_rows(user)
    for index, row in enumerate(escalation_rows):
        parts[f"escalations{index}"] = row
    files, village = screening_permissions.filing_village(user)
    rows = dict(extra_rows or {})
    if files:
        scope = ScreeningCadence.Scope.VILLAGE if village is not None else ScreeningCadence.Scope.TOWNSHIP
        parts["cadence"] = cadence_row(scope)
        # The unit's regular rounds whose dates include today (one, or none): is one of them the current period's?
        rows["rounds"] = ScreeningRound.objects.filter(
            township_id=staff.township_id, village=village, campaign__isnull=True, starts_on__lte=today,
            ends_on__gte=today).order_by().values("kind", "starts_on")
    counts, found = read_together(parts, rows)
    queues = []
    if files:
        cadence = cadence_from(counts["cadence"], scope)
        period = recent_periods(cadence.kind, today, 1, cadence.anchor)[0]
        filed = any(row["kind"] == period.kind and _date(row["starts_on"]) == period.starts_on
                    for row in found["rounds"])
        if not filed:
            queues.append(WorkQueue("round", str(_("File this period's round")), reverse("disputes:round_new"), 1))
    queues += [
        WorkQueue(slug, str(QUEUE_LABELS[slug]), reverse("petitions:queue", args=[slug]),
                  counts["petitions"][slug.replace("-", "_")], urgent=slug == "overdue")
        for slug in slugs
    ]
    if mediates:
        base = reverse("disputes:mediation_queue")
        queues += [
            WorkQueue(key, str(MEDIATION_LABELS[key]), f"{base}#{MEDIATION_ANCHORS[key]}",
                      counts["mediation"][key.replace("-", "_")], urgent=key in ("past-limit", "windows"))
            for key in MEDIATION_LABELS
        ]
    escalations = (sum(counts[f"escalations{i}"]["n"] for i in range(len(escalation_rows)))
                   if escalation_rows else None)
    return MenuCounts(queues, counts["tasks"]["n"], escalations, {name: counts[name] for name in extra or {}},
                      {name: found[name] for name in extra_rows or {}},
                      {name: counts["petitions"][name] for name in open_counts or {}})


def menu_counts_for(request, extra=None, extra_rows=None, open_counts=None) -> MenuCounts:
    """The request's menu counts, read once: the first caller (the dashboard, with its ``extra`` parts, or
    the context processor) runs the query; later callers get the same result."""
    counts = getattr(request, "_menu_counts", None)
    if counts is None:
        counts = request._menu_counts = menu_counts(request.user, timezone.localdate(), extra, extra_rows,
                                                    open_counts)
    return counts


def work_queues(user, today) -> list[WorkQueue]:
    """The user's work queues in menu order, with their counts (one query: ``menu_counts``)."""
    return menu_counts(user, today).queues
