"""Every role's work queues, defined once (issue 12 §1): the menu's 待办 with its counts, the home page
and the daily reminders (reports/reminders.py) all read :func:`work_queues`, so a count, a page and a
reminder cannot disagree, and every queue links only to a page its user may open.

- 登记员: 待提出受理意见 (oldest first), 退回重办, her own overdue and due-soon cases;
- 综治中心: the office's petition queues, its fortnightly round, the township's mediation queues;
- 领导: 待我审批 (what awaits: a decision, an extension, a reply, an escalation), overdue, due soon;
- 承办人: 交办本单位, overdue, due soon; anyone on the ladder: 提级至我处;
- 调解员: 报送本期排查, their mediation cases, agreements awaiting signatures, confirmation windows closing.

A constant number of queries, whatever the numbers: one aggregate for the petitions, one for the
mediation cases, two for this period's round.
"""
from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from disputes.mediation import selectors as mediation
from disputes.periods import recent_periods
from disputes.screening import permissions as screening_permissions
from disputes.screening import services as screening
from office.models import TimeLimits
from office.roles import COORDINATOR, MEDIATOR, has_role
from petitions.selectors import queue_counts

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


def _round_queue(user, today):
    """报送本期排查 while the unit the user files for has no round for the current period."""
    due = current_round_due(user, today)
    if due is None or due[1] is not None:
        return []
    return [WorkQueue("round", str(_("File this period's round")), reverse("disputes:round_new"), 1)]


def _mediation_queues(user, today):
    if not has_role(user, MEDIATOR, COORDINATOR) or not user.has_perm("disputes.view_mediationcase"):
        return []
    counts = mediation.queue_counts(user, today)
    base = reverse("disputes:mediation_queue")
    return [
        WorkQueue(key, str(MEDIATION_LABELS[key]), f"{base}#{MEDIATION_ANCHORS[key]}", counts[key],
                  urgent=key in ("past-limit", "windows"))
        for key in MEDIATION_LABELS
    ]


def work_queues(user, today) -> list[WorkQueue]:
    """The user's work queues in menu order, with their counts."""
    staff = getattr(user, "staff", None)
    if staff is None or staff.township_id is None or not user.is_active:
        return []  # the county's staff have no work queue of a township (docs/domain.md §10)
    soon = TimeLimits.for_township(staff.township).due_soon_days
    queues = _round_queue(user, today)
    queues += [
        WorkQueue(slug, str(label), reverse("petitions:queue", args=[slug]), count, urgent=slug == "overdue")
        for slug, label, count in queue_counts(user, today, soon)
    ]
    return queues + _mediation_queues(user, today)
