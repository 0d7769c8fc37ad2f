"""Escalation on the ladder (七级调防), written once for every kind of case (docs/domain.md §2.4).

Ranks 1–4 are posts of a village (``EscalationLevel.is_village_post``): the holder in the case's
village decides. Ranks 5–7 are the township's. A case stands at the higher of the rank it was raised
to and the rank of whoever handles it now (a village 1, the township center 5, a unit 6: the area's
``Flow.ladder``); it is raised one rank at a time, passing over only a rank that nobody holds for
it (the request says which and why), and never goes down.

The request is a row of the area's escalation model (a subclass of office.followup.EscalationBase
naming its case link ``CASE_FIELD`` and the case page ``CASE_URL``); both moves go through the area's
case-kit Flow, so they lock, check, save and record exactly like every other move. The people asked
to decide may open the case read-only (``asked``, used by the areas' visibility selectors) and find
it in the queue 提级至我处 (``asked_escalations``, ``pending_count``).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from .casekit import Flow, keep
from .followup import EscalationBase
from .models import EscalationLevel, Village
from .navigation import section_roles
from .notify import complete, notify, task_key
from .onequery import one_row
from .roles import has_role, holders, read_only_refusal, reads_county
from .workflow import TransitionNotAllowed

PENDING = EscalationBase.State.PENDING

# docs/domain.md §2.4: a case starts at the rank of whoever handles it now.
VILLAGE_COMMITTEE_RANK = 1
TOWNSHIP_CENTER_RANK = 5
UNIT_RANK = 6
# The township's leaders on the ladder: 分管第一责任人 and 镇主要领导 (Art 25 reports go to them).
LEADER_RANKS = (5, 7)


def _ladder(flow: Flow):
    if flow.ladder is None:
        raise TypeError(f"{flow.model.__name__} does not escalate")
    return flow.ladder


def current_level(flow: Flow, case, levels: list[EscalationLevel] | None = None) -> EscalationLevel | None:
    """Return the rank the case stands at: the higher of the rank it reached and its handler's (never down)."""
    levels = levels if levels is not None else list(EscalationLevel.objects.order_by("rank"))
    start_rank = _ladder(flow).handler_rank(case)
    start = next((level for level in levels if level.rank >= start_rank), None)
    reached = case.ladder_level
    candidates = [level for level in (start, reached) if level is not None]
    return max(candidates, key=lambda level: level.rank) if candidates else None


def deciders(township, level: EscalationLevel, village_id: int | None):
    """Return who decides an escalation to ``level``: its holders in the village (ranks 1–4) or the township."""
    if level.is_village_post:
        if village_id is None:
            return holders(township=township, ladder_level=level).none()
        return holders(township=township, ladder_level=level, village=village_id)
    return holders(township=township, ladder_level=level)


@dataclass
class Step:
    """Where the next escalation of a case goes: the rank, whose village decides, the ranks passed over."""

    current: EscalationLevel | None
    target: EscalationLevel | None
    village_id: int | None
    passed_over: list[tuple[EscalationLevel, str]] = field(default_factory=list)

    def passed_over_words(self) -> str:
        """The ranks passed over and why, in words (stored on the request and shown on the page)."""
        return "；".join(f"{level}（{why}）" for level, why in self.passed_over)


def next_step(flow: Flow, case) -> Step:
    """Return where the case's next escalation goes: one rank up, passing over ranks nobody holds for it."""
    levels = list(EscalationLevel.objects.order_by("rank"))
    current = current_level(flow, case, levels)
    village_id = _ladder(flow).village_id(case)
    village_name = Village.objects.filter(pk=village_id).values_list("name", flat=True).first() if village_id else ""
    passed: list[tuple[EscalationLevel, str]] = []
    for level in levels:
        if current is not None and level.rank <= current.rank:
            continue
        if deciders(case.township_id, level, village_id).exists():
            return Step(current, level, village_id if level.is_village_post else None, passed)
        if not level.is_village_post:
            why = _("nobody in the township holds this rank")
        elif village_id is None:
            why = _("the case belongs to no village")
        else:
            why = _("%(village)s has nobody at this rank") % {"village": village_name}
        passed.append((level, why))
    return Step(current, None, None, passed)


def decide_refusal(user, escalation: EscalationBase, case) -> str:
    """Return why the user may not decide this escalation ('' when they may): only its rank's holder, for its village."""
    staff = getattr(user, "staff", None)
    if staff is None or not user.is_active or staff.township_id != case.township_id:
        return _("Only the township's staff at the rank asked for decide its escalations.")
    if staff.ladder_level_id != escalation.to_level_id:
        return _("This escalation asks for %(level)s; only a holder of that rank decides it.") % {
            "level": escalation.to_level}
    if escalation.village_id is not None and staff.village_id != escalation.village_id:
        return _("This escalation is for the holder of %(level)s in %(village)s, not in another village.") % {
            "level": escalation.to_level, "village": escalation.village}
    return ""


def can_decide(user, escalation: EscalationBase, case) -> bool:
    """Only a holder of the rank asked for (in the case's village for ranks 1–4) decides: nobody else."""
    return not decide_refusal(user, escalation, case)


def pending_of(case) -> list[EscalationBase]:
    """The case's pending escalations: those its page's selector read (``pending_escalations``), else a query."""
    pending = getattr(case, "pending_escalations", None)
    return list(case.escalations.filter(state=PENDING)) if pending is None else pending


def may_decide_pending(user, case) -> bool:
    """True when the user may decide one of the case's pending escalations (its right on the page)."""
    return any(can_decide(user, escalation, case) for escalation in pending_of(case))


def pending_refusal(user, case) -> str:
    """Why the user may not decide the case's pending escalation (for the 403 page)."""
    pending = pending_of(case)
    if not pending:
        return _("No escalation of this case awaits a decision.")
    return decide_refusal(user, pending[0], case)


# --- who was asked: read access and the queue 提级至我处 -------------------------------------------------

def asked(user) -> Q | None:
    """Return the condition on escalation rows that this user was asked to decide (pending or decided), or None.

    The areas' visibility selectors use it so that the person asked may open the case read-only.
    """
    staff = getattr(user, "staff", None)
    if staff is None or staff.ladder_level_id is None or not user.is_active:
        return None
    village = Q(village__isnull=True)
    if staff.village_id is not None:
        village |= Q(village_id=staff.village_id)
    return Q(to_level_id=staff.ladder_level_id) & village


def is_asked(user, case) -> bool:
    """True when the user was asked to decide an escalation of this case (pending or decided)."""
    condition = asked(user)
    return condition is not None and case.escalations.filter(condition).exists()


def require_section_or_asked(request, section: str, load):
    """Return ``load()`` (the case, or a 404): a user outside the menu section gets it only when asked to decide
    an escalation of it (read-only: every move still checks its own right)."""
    if has_role(request.user, *section_roles(section)) or reads_county(request.user):
        return load()  # the 县级督办 reads the case pages of the county's cases (docs/domain.md §10)
    if asked(request.user) is None:
        raise PermissionDenied(read_only_refusal(request.user))
    case = load()
    if not is_asked(request.user, case):
        raise PermissionDenied
    return case


def escalation_models() -> list[type[EscalationBase]]:
    """Every area's escalation model (petitions, mediation cases)."""
    return [model for model in apps.get_models() if issubclass(model, EscalationBase)]


def _asked_rows(model, user, condition: Q):
    case_field = model.CASE_FIELD  # type: ignore[attr-defined]
    return model._default_manager.filter(condition, **{f"{case_field}__township_id": user.staff.township_id})


def pending_count_rows(user) -> list:
    """One-row querysets (not executed), one per area, each counting (``n``) the escalations awaiting this
    user's decision; [] for a user who holds no rank."""
    condition = asked(user)
    if condition is None:
        return []
    return [one_row(_asked_rows(model, user, condition).filter(state=PENDING), n=Count("pk"))
            for model in escalation_models()]


def pending_count(user) -> int:
    """How many escalations await this user's decision (the count in the menu)."""
    condition = asked(user)
    if condition is None:
        return 0
    rows = [_asked_rows(model, user, condition).filter(state=PENDING).order_by().values("pk")
            for model in escalation_models()]
    return rows[0].union(*rows[1:], all=True).count()  # one query for every area


def asked_escalations(user, *, decided_limit: int = 50) -> tuple[list, list]:
    """Return (pending, decided) escalations this user was asked to decide, each with ``case`` and ``url``.

    Pending oldest first; decided newest first, at most ``decided_limit``. Two queries per area.
    """
    condition = asked(user)
    if condition is None:
        return [], []
    pending: list = []
    decided: list = []
    for model in escalation_models():
        case_field = model.CASE_FIELD  # type: ignore[attr-defined]
        rows = _asked_rows(model, user, condition).select_related(
            case_field, "from_level", "to_level", "village", "requested_by", "decided_by")
        for target, query in ((pending, rows.filter(state=PENDING)),
                              (decided, rows.exclude(state=PENDING).order_by("-decided_at")[:decided_limit])):
            for row in query:
                row.case = getattr(row, case_field)
                row.url = reverse(model.CASE_URL, args=[row.case.pk])  # type: ignore[attr-defined]
                target.append(row)
    pending.sort(key=lambda row: row.requested_at)
    decided.sort(key=lambda row: row.decided_at, reverse=True)
    return pending, decided[:decided_limit]


# --- the two moves -----------------------------------------------------------------------------------

def _escalation_model(flow: Flow) -> type[EscalationBase]:
    model = flow.escalation_model
    if model is None or not issubclass(model, EscalationBase):
        raise TypeError(f"{flow.model.__name__} does not escalate")
    return model


def raise_escalation(flow: Flow, case, *, by, reason: str, expected_version: int | None = None,
                     extra_fields: dict | None = None, case_changes: dict | None = None) -> EscalationBase:
    """Ask to raise the case one rank; only the holders of that rank for the case are told, and one decides.

    ``extra_fields`` go on the request row (a petition's 重大紧急 flag); ``case_changes`` are set on
    the case in the same save (Art 25: a major matter is flagged at once, whatever the decision).
    """
    case = flow.lock(case, "raise_escalation", by, expected_version)
    model = _escalation_model(flow)
    if model._default_manager.filter(**{flow.case_field: case, "state": PENDING}).exists():
        raise TransitionNotAllowed(_("An escalation of this case already awaits sign-off."))
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for escalating.")})
    step = next_step(flow, case)
    if step.target is None:
        if step.passed_over:
            raise TransitionNotAllowed(_("Nobody holds a rank above %(level)s for this case: %(passed)s.") % {
                "level": step.current, "passed": step.passed_over_words()})
        raise TransitionNotAllowed(_("The case is already at the top of the ladder."))
    passed = step.passed_over_words()
    escalation = keep(model(**{flow.case_field: case}, from_level=step.current, to_level=step.target,
                            village_id=step.village_id, passed_over=passed, reason=reason, requested_by=by,
                            **(extra_fields or {})), by, reason=flow.labels("raise_escalation"))
    for name, value in (case_changes or {}).items():
        setattr(case, name, value)
    note = _("to level %(level)s: %(reason)s") % {"level": step.target, "reason": reason}
    if passed:
        note += " · " + _("passed over: %(passed)s") % {"passed": passed}
    flow.save(case, by, "raise_escalation", list(case_changes or ()), from_status=case.status, note=note)
    notify(deciders(case.township_id, step.target, step.village_id),
           _("%(number)s: an escalation to your level awaits your decision.") % {"number": case.number},
           reverse(flow.url_name, args=[case.pk]), task=task_key(case, "escalation"))
    return escalation


def decide_escalation(flow: Flow, escalation: EscalationBase, *, by, approve: bool, comment: str = ""):
    """Approve (the case moves up to the rank asked for) or refuse the escalation, with a comment.

    The requester is told the decision.
    """
    def right(user, locked):
        refusal = decide_refusal(user, escalation, locked)
        if refusal:
            raise PermissionDenied(refusal)
        return True

    case = flow.lock(getattr(escalation, flow.case_field), "decide_escalation", by, right=right)
    escalation = _escalation_model(flow)._default_manager.select_for_update().get(pk=escalation.pk)
    if escalation.state != PENDING:
        raise TransitionNotAllowed(_("This escalation was already decided."))
    if not approve and not comment.strip():
        raise ValidationError({"comment": _("Say why the escalation is refused.")})
    escalation.state = EscalationBase.State.APPROVED if approve else EscalationBase.State.REJECTED
    escalation.decided_by, escalation.decided_at, escalation.comment = by, timezone.now(), comment
    keep(escalation, by, ["state", "decided_by", "decided_at", "comment"], reason=flow.labels("decide_escalation"))
    fields = []
    if approve:
        case.ladder_level = escalation.to_level
        fields.append("ladder_level")
    flow.save(case, by, "decide_escalation", fields, from_status=case.status,
              note=f"{escalation.to_level}：{comment}" if approve else comment,
              event="approve_escalation" if approve else "reject_escalation")
    complete([task_key(case, "escalation")])  # the deciders' message is answered, whoever decided
    words = (_("%(number)s: the escalation to %(level)s was approved.") if approve
             else _("%(number)s: the escalation to %(level)s was refused."))
    notify([escalation.requested_by], words % {"number": case.number, "level": escalation.to_level},
           reverse(flow.url_name, args=[case.pk]))
    return escalation
