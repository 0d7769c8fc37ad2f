"""Escalation on the ladder (七级调防), written once for every kind of case (docs/domain.md §2.4).

A case is raised one rank at a time; only a person who holds the rank asked for decides. The
request is a row of the area's escalation model (a subclass of office.followup.EscalationBase
with a link named like the area's case field); both moves go through the area's case-kit Flow,
so they lock, check, save and record exactly like every other move.
"""
from __future__ import annotations

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from .casekit import Flow, keep
from .followup import EscalationBase
from .models import EscalationLevel
from .notify import notify
from .roles import holders
from .workflow import TransitionNotAllowed

PENDING = EscalationBase.State.PENDING


def next_rank(current: EscalationLevel | None) -> EscalationLevel | None:
    """Return the rank a case moves to from ``current`` (the first rank for a case with none)."""
    return current.next_level() if current else EscalationLevel.objects.order_by("rank").first()


def can_decide(user, escalation: EscalationBase, case) -> bool:
    """Only a person at the rank asked for decides: nobody skips a rank, nobody decides for another."""
    staff = getattr(user, "staff", None)
    return (
        staff is not None
        and staff.township_id == case.township_id
        and staff.ladder_level_id is not None
        and staff.ladder_level_id == escalation.to_level_id
    )


def pending_of(case) -> list[EscalationBase]:
    """The case's pending escalations: those its page's selector read (``pending_escalations``), else a query."""
    pending = getattr(case, "pending_escalations", None)
    return list(case.escalations.filter(state=PENDING)) if pending is None else pending


def may_decide_pending(user, case) -> bool:
    """True when the user may decide one of the case's pending escalations (its right on the page)."""
    pending = pending_of(case)
    return any(can_decide(user, escalation, case) for escalation in pending)


def _escalation_model(flow: Flow) -> type[EscalationBase]:
    model = flow.escalation_model
    if model is None or not issubclass(model, EscalationBase):
        raise TypeError(f"{flow.model.__name__} does not escalate")
    return model


def raise_escalation(flow: Flow, case, *, by, reason: str, expected_version: int | None = None,
                     extra_fields: dict | None = None, case_changes: dict | None = None) -> EscalationBase:
    """Ask to raise the case one rank; the holders of that rank are told and one of them decides.

    ``extra_fields`` go on the request row (a petition's 重大紧急 flag); ``case_changes`` are set on
    the case in the same save (Art 25: a major matter is flagged at once, whatever the decision).
    """
    case = flow.lock(case, "raise_escalation", by, expected_version)
    model = _escalation_model(flow)
    if model._default_manager.filter(**{flow.case_field: case, "state": PENDING}).exists():
        raise TransitionNotAllowed(_("An escalation of this case already awaits sign-off."))
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for escalating.")})
    current = case.ladder_level
    target = next_rank(current)
    if target is None:
        raise TransitionNotAllowed(_("The case is already at the top of the ladder."))
    escalation = keep(model(**{flow.case_field: case}, from_level=current, to_level=target, reason=reason,
                            requested_by=by, **(extra_fields or {})), by, reason=flow.labels("raise_escalation"))
    for name, value in (case_changes or {}).items():
        setattr(case, name, value)
    flow.save(case, by, "raise_escalation", list(case_changes or ()), from_status=case.status,
              note=_("to level %(level)s: %(reason)s") % {"level": target, "reason": reason})
    notify(holders(township=case.township, ladder_level=target),
           _("%(number)s: an escalation to your level awaits your decision.") % {"number": case.number},
           reverse(flow.url_name, args=[case.pk]))
    return escalation


def decide_escalation(flow: Flow, escalation: EscalationBase, *, by, approve: bool, comment: str = ""):
    """Approve (the case moves up to the rank asked for) or refuse the escalation, with a comment."""
    case = flow.lock(getattr(escalation, flow.case_field), "decide_escalation", by,
                     right=lambda user, locked: can_decide(user, escalation, locked))
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
    return escalation
