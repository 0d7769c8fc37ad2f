"""The petition workflow: one transition table and one atomic function per step (docs/architecture.md §2).

Article numbers are those of 信访工作条例 (2022).
"""
import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from office import calendar, escalation, followup
from office.casekit import Flow, Ladder, keep
from office.models import TimeLimits, display_name
from office.notify import notify, task_key
from office.roles import HANDLER, LEADER, holders
from office.workflow import StaleStateError, TransitionNotAllowed, WorkflowError

__all__ = ["PermissionDenied", "StaleStateError", "TransitionNotAllowed", "WorkflowError", "TRANSITIONS"]

from . import documents, permissions
from .dossier import queue_dossier
from .models import (
    CaseEvent,
    EscalationRequest,
    Extension,
    MajorReport,
    Petition,
    Reply,
    Supervision,
)

S = Petition.Status
OPEN = set(Petition.OPEN_STATUSES)
HANDLING = set(Petition.HANDLING_STATUSES)

# action: (states it may start from, state it leads to; None = stays, "*" = depends on the decision)
TRANSITIONS = {
    "propose_decision": ({S.REGISTERED}, S.DECISION_REVIEW),
    "approve_decision": ({S.DECISION_REVIEW}, "*"),
    "reject_decision": ({S.DECISION_REVIEW}, S.REGISTERED),
    "assign": ({S.ACCEPTED}, S.ASSIGNED),
    "sign_for": ({S.ASSIGNED}, S.IN_PROGRESS),
    "return_referral": ({S.ASSIGNED}, S.ACCEPTED),
    "add_note": (OPEN, None),
    "supervise": (OPEN - {S.VISITED}, None),
    "record_supervision_result": (OPEN, None),
    "request_extension": ({S.IN_PROGRESS}, None),
    "approve_extension": ({S.IN_PROGRESS, S.REPLY_REVIEW}, None),
    "reject_extension": ({S.IN_PROGRESS, S.REPLY_REVIEW}, None),
    "submit_reply": ({S.IN_PROGRESS}, S.REPLY_REVIEW),
    "approve_reply": ({S.REPLY_REVIEW}, S.REPLY_APPROVED),
    "reject_reply": ({S.REPLY_REVIEW}, S.IN_PROGRESS),
    "serve_reply": ({S.REPLY_APPROVED}, S.REPLIED),
    "record_opinion": ({S.REPLIED}, S.EVALUATED),
    "close_evaluation": ({S.REPLIED}, S.EVALUATED),
    "record_return_visit": ({S.EVALUATED}, S.VISITED),
    "report_back": ({S.REPLIED, S.EVALUATED, S.VISITED}, None),
    "archive": ({S.VISITED, S.NOT_ACCEPTED, S.FORWARDED}, S.ARCHIVED),
    "reopen": ({S.ARCHIVED}, S.ACCEPTED),
    "raise_escalation": (OPEN, None),
    "decide_escalation": (OPEN, None),
    "mark_major": (OPEN, None),
    "report_major": (OPEN, None),
}

DECISION_TARGET = {
    Petition.Decision.ACCEPT: S.ACCEPTED,
    Petition.Decision.NOT_ACCEPT: S.NOT_ACCEPTED,
    Petition.Decision.FORWARD: S.FORWARDED,
}

ACTION_LABELS = {
    "propose_decision": gettext_lazy("Propose a decision"),
    "approve_decision": gettext_lazy("Sign off the decision"),
    "reject_decision": gettext_lazy("Send the decision back"),
    "assign": gettext_lazy("Assign to a unit or village"),
    "sign_for": gettext_lazy("Sign for the case"),
    "return_referral": gettext_lazy("Return the case"),
    "add_note": gettext_lazy("Add a progress note"),
    "supervise": gettext_lazy("Supervise"),
    "record_supervision_result": gettext_lazy("Record the supervision result"),
    "request_extension": gettext_lazy("Request an extension"),
    "approve_extension": gettext_lazy("Approve the extension"),
    "reject_extension": gettext_lazy("Refuse the extension"),
    "submit_reply": gettext_lazy("Submit the written reply"),
    "approve_reply": gettext_lazy("Sign off the reply"),
    "reject_reply": gettext_lazy("Send the reply back"),
    "serve_reply": gettext_lazy("Serve the reply"),
    "record_opinion": gettext_lazy("Record the petitioner's opinion"),
    "close_evaluation": gettext_lazy("Close the opinion window"),
    "record_return_visit": gettext_lazy("Record a return visit"),
    "report_back": gettext_lazy("Report the result to the assigning organ"),
    "archive": gettext_lazy("Archive"),
    "reopen": gettext_lazy("Reopen"),
    "raise_escalation": gettext_lazy("Escalate one level"),
    "decide_escalation": gettext_lazy("Decide the escalation"),
    "mark_major": gettext_lazy("Mark as major or urgent"),
    "report_major": gettext_lazy("Record the report of the major matter"),
}




FLOW = Flow(
    model=Petition,
    event_model=CaseEvent,
    case_field="petition",
    transitions=TRANSITIONS,
    action_labels=ACTION_LABELS,
    url_name="petitions:detail",
    escalation_model=EscalationRequest,
    ladder=Ladder(village_id=lambda petition: petition.assigned_village_id or petition.village_id,
                  handler_rank=lambda petition: handler_rank(petition)),
    refusals={"decide_escalation": escalation.pending_refusal},
    lock_related=("township",),
    clean_exclude=("number", "intake_token"),
    before_save=lambda petition: refresh_due(petition),
    # The messages each move answers (office/notify.py): asked by the moves that notify with a task.
    clears={
        "propose_decision": ("redo-decision",),
        "approve_decision": ("decision",),
        "reject_decision": ("decision",),
        "sign_for": ("referral",),
        "return_referral": ("referral",),
        "approve_extension": ("extension",),
        "reject_extension": ("extension",),
        "submit_reply": ("redo-reply",),
        "approve_reply": ("reply",),
        "reject_reply": ("reply",),
    },
    always_saved=("status", "due_on", "version"),
    # Read from what the case page's selector prepared (selectors.petition_detail).
    ready={
        "approve_extension": lambda petition: bool(petition.pending_extensions),
        "reject_extension": lambda petition: bool(petition.pending_extensions),
        "record_supervision_result": lambda petition: bool(petition.open_supervisions),
        "request_extension": lambda petition: not petition.has_extension,
        "close_evaluation": lambda petition: opinion_window_expired(petition),
        "raise_escalation": lambda petition: not escalation.pending_of(petition),
        "report_back": lambda petition: petition.source != Petition.Source.DIRECT and not petition.reported_on,
        "mark_major": lambda petition: not petition.is_major,
        "report_major": lambda petition: petition.is_major and not _major_reported(petition),
    },
    rights={
        "propose_decision": permissions.can_propose_decision,
        "approve_decision": permissions.can_approve_decision,
        "reject_decision": permissions.can_approve_decision,
        "assign": permissions.can_assign,
        "sign_for": permissions.can_respond_to_referral,
        "return_referral": permissions.can_respond_to_referral,
        "add_note": permissions.can_add_note,
        "supervise": permissions.can_supervise,
        "record_supervision_result": permissions.can_record_supervision_result,
        "request_extension": permissions.can_request_extension,
        "approve_extension": permissions.can_approve_extension,
        "reject_extension": permissions.can_approve_extension,
        "submit_reply": permissions.can_draft_reply,
        "approve_reply": permissions.can_approve_reply,
        "reject_reply": permissions.can_approve_reply,
        "serve_reply": permissions.can_serve_reply,
        "record_opinion": permissions.can_record_opinion,
        "close_evaluation": permissions.can_record_opinion,
        "record_return_visit": permissions.can_record_return_visit,
        "report_back": permissions.can_archive,
        "archive": permissions.can_archive,
        "reopen": permissions.can_reopen,
        "raise_escalation": permissions.can_raise_escalation,
        "decide_escalation": escalation.may_decide_pending,
        "mark_major": permissions.can_mark_major,
        "report_major": permissions.can_report_major,
    },
)


def handler_rank(petition):
    """The ladder rank of whoever handles the case now (docs/domain.md §2.4): village 1, unit 6, center 5."""
    if petition.assigned_village_id:
        return escalation.VILLAGE_COMMITTEE_RANK
    if petition.assigned_unit_id:
        return escalation.UNIT_RANK
    return escalation.TOWNSHIP_CENTER_RANK


def _today():
    return timezone.localdate()


def _limits(petition):
    return TimeLimits.for_township(petition.township)


def refresh_due(petition):
    """Set ``due_on``, the deadline that matters in the current state (lists sort and filter on it)."""
    status = petition.status
    if status in (S.REGISTERED, S.DECISION_REVIEW):
        due = petition.capped_by_organ(petition.decision_due_on)
    elif status == S.ASSIGNED:
        due = min(d for d in (petition.return_due_on, petition.unit_due_on, petition.handling_due_on) if d)
    elif status == S.IN_PROGRESS:
        due = min(d for d in (petition.unit_due_on, petition.handling_due_on) if d)
    elif status in HANDLING:
        due = petition.handling_due_on
    elif status == S.REPLIED:
        due = petition.evaluation_due_on
    elif status == S.EVALUATED:
        pending = petition.return_visits.filter(visited_on__isnull=True).order_by("due_on").first()
        due = pending.due_on if pending else None
    else:
        due = None
    if status in (S.REPLIED, S.EVALUATED, S.VISITED) and petition.needs_report_back and not petition.reported_on:
        # The result is reported back to the assigning organ by its deadline (Art 22 ¶1 (三)).
        due = petition.capped_by_organ(due)
    petition.due_on = due


def _case_url(petition):
    return reverse("petitions:detail", args=[petition.pk])


def _leaders(petition):
    return holders(LEADER, township=petition.township)


def _unit_handlers(petition):
    if petition.handler_id:
        return [petition.handler]
    # A case is referred to one unit or one village, never both (assign_petition).
    return holders(HANDLER, township=petition.township,
                   unit=petition.assigned_unit_id, village=petition.assigned_village_id)


# --- decision (Art 22) ----------------------------------------------------------------------


@transaction.atomic
def propose_decision(petition, *, by, decision, reasons, lawful_channel="", forward_to="", case_class=None,
                     expected_version=None):
    """Propose to accept, not accept (naming the lawful channel) or forward; a leader signs off."""
    petition = FLOW.lock(petition, "propose_decision", by, expected_version)
    decision = Petition.Decision(decision)
    if decision == Petition.Decision.NOT_ACCEPT and not lawful_channel.strip():
        raise ValidationError({"lawful_channel": _("Name the lawful channel the petitioner should take.")})
    if decision == Petition.Decision.FORWARD and not forward_to.strip():
        raise ValidationError({"forward_to": _("Name the organ the case is forwarded to.")})
    from_status = petition.status
    petition.status = S.DECISION_REVIEW
    petition.proposed_decision = decision
    petition.proposal_note = reasons
    petition.lawful_channel = lawful_channel if decision == Petition.Decision.NOT_ACCEPT else ""
    petition.forward_to = forward_to if decision == Petition.Decision.FORWARD else ""
    if case_class:
        petition.case_class = case_class
    FLOW.save(petition, by, "propose_decision",
          ["proposed_decision", "proposal_note", "lawful_channel", "forward_to", "case_class"],
          from_status=from_status, note=f"{decision.label}：{reasons}")
    notify(_leaders(petition), _("%(number)s: a decision awaits your sign-off.") % {"number": petition.number},
           _case_url(petition), task=task_key(petition, "decision"))
    return petition


@transaction.atomic
def approve_decision(petition, *, by, comment="", expected_version=None):
    """Sign off the proposed decision and issue its written notice (受理 / 不予受理 / 转送告知书)."""
    petition = FLOW.lock(petition, "approve_decision", by, expected_version)
    from_status = petition.status
    today = _today()
    petition.status = DECISION_TARGET[petition.proposed_decision]
    petition.decided_on = today
    petition.decided_by = by
    fields = ["decided_on", "decided_by"]
    if petition.status == S.ACCEPTED:
        # Art 34: handle and reply within 60 days of acceptance.
        petition.accepted_on = today
        petition.set_handling_due(calendar.add_days(today, _limits(petition).handling_days, petition.township))
        fields += ["accepted_on", "legal_due_on", "handling_due_on"]
    FLOW.save(petition, by, "approve_decision", fields, from_status=from_status, note=comment)
    documents.issue_decision_notice(petition, by=by)
    return petition


@transaction.atomic
def reject_decision(petition, *, by, comment, expected_version=None):
    """Send the proposal back to be decided again, with the leader's comment."""
    petition = FLOW.lock(petition, "reject_decision", by, expected_version)
    if not comment.strip():
        raise ValidationError({"comment": _("Say why the proposal is sent back.")})
    from_status = petition.status
    petition.status = S.REGISTERED
    FLOW.save(petition, by, "reject_decision", [], from_status=from_status, note=comment)
    notify([petition.registered_by],
           _("%(number)s: the proposed decision was sent back: %(comment)s") % {"number": petition.number,
                                                                                "comment": comment},
           _case_url(petition), task=task_key(petition, "redo-decision"))
    return petition


# --- referral (交办) and the unit's answer (Art 23) --------------------------------------------


def check_not_complained_about(petition, *, unit=None, village=None, handler=None, lead_leader=None):
    """Refuse to put the case in the hands of whom it complains about (信访工作条例 Art 46): the unit,
    the village committee or named staff, nor anyone of that unit or village."""
    if unit is not None and unit.pk == petition.complained_unit_id:
        raise ValidationError(_("A case cannot be referred to the unit it complains about."))
    if village is not None and village.pk == petition.complained_village_id:
        raise ValidationError(_("A case cannot be referred to the village committee it complains about."))
    named = set(petition.complained_staff.values_list("pk", flat=True))
    for field, person in (("handler", handler), ("lead_leader", lead_leader)):
        if person is None:
            continue
        staff = getattr(person, "staff", None)
        if person.pk in named or (staff is not None and (
            (staff.unit_id and staff.unit_id == petition.complained_unit_id)
            or (staff.village_id and staff.village_id == petition.complained_village_id)
        )):
            raise ValidationError({field: _("%(name)s is complained about in this case and may not handle it.")
                                   % {"name": display_name(person)}})


@transaction.atomic
def assign_petition(petition, *, by, instruction, lead_leader, unit=None, village=None, handler=None,
                    unit_due_on=None, expected_version=None):
    """Refer the case to a unit or village with the leader's instruction, a 包案领导 and a deadline."""
    petition = FLOW.lock(petition, "assign", by, expected_version)
    if bool(unit) == bool(village):
        raise ValidationError(_("Assign the case to one unit or one village."))
    check_not_complained_about(petition, unit=unit, village=village, handler=handler, lead_leader=lead_leader)
    if petition.confidential and handler is None:
        # Only a named handler may open a confidential case (selectors.visible_petitions).
        raise ValidationError({"handler": _("A confidential case is referred to a named handler.")})
    if not instruction.strip():
        raise ValidationError({"instruction": _("Write the leader's instruction (批示).")})
    if unit_due_on and unit_due_on > petition.handling_due_on:
        raise ValidationError(
            {"unit_due_on": _("The unit deadline must fall within the legal limit (%(due)s).")
             % {"due": petition.handling_due_on}}
        )
    if unit_due_on and unit_due_on < _today():
        raise ValidationError({"unit_due_on": _("The unit deadline cannot be in the past.")})
    if handler is not None:
        staff = getattr(handler, "staff")
        if staff is None or (unit and staff.unit_id != unit.pk) or (village and staff.village_id != village.pk):
            raise ValidationError({"handler": _("The handler must work in the unit or village assigned.")})
    from_status = petition.status
    today = _today()
    petition.status = S.ASSIGNED
    petition.assigned_unit, petition.assigned_village, petition.handler = unit, village, handler
    petition.instruction = instruction
    petition.lead_leader = lead_leader
    petition.assigned_on = today
    # Art 23: a unit that is not competent returns the case within 5 working days of receipt.
    petition.return_due_on = calendar.add_working_days(today, _limits(petition).unit_return_working_days,
                                                      petition.township)
    petition.unit_due_on = unit_due_on or petition.handling_due_on
    FLOW.save(petition, by, "assign",
          ["assigned_unit", "assigned_village", "handler", "instruction", "lead_leader", "assigned_on",
           "return_due_on", "unit_due_on"],
          from_status=from_status, note=f"{unit or village}：{instruction}")
    notify(_unit_handlers(petition), _("%(number)s was referred to you: sign for it or return it by %(due)s.")
           % {"number": petition.number, "due": petition.return_due_on}, _case_url(petition),
           task=task_key(petition, "referral"))
    return petition


@transaction.atomic
def sign_for_petition(petition, *, by, expected_version=None):
    """The unit signs for the referred case (签收): it is now in progress."""
    petition = FLOW.lock(petition, "sign_for", by, expected_version)
    from_status = petition.status
    petition.status = S.IN_PROGRESS
    petition.signed_on = _today()
    if petition.handler_id is None:
        petition.handler = by
    return FLOW.save(petition, by, "sign_for", ["signed_on", "handler"], from_status=from_status)


@transaction.atomic
def return_referral(petition, *, by, reason, expected_version=None):
    """Send a referred case back with reasons (退回); a return after 5 working days is allowed but flagged."""
    petition = FLOW.lock(petition, "return_referral", by, expected_version)
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reasons for returning the case.")})
    from_status = petition.status
    late = _today() > petition.return_due_on
    note = reason + ("\n" + _("Returned late: the limit was %(due)s.") % {"due": petition.return_due_on} if late else "")
    unit = petition.assigned_unit or petition.assigned_village
    petition.status = S.ACCEPTED
    petition.return_count += 1
    petition.assigned_unit = petition.assigned_village = petition.handler = None
    petition.return_due_on = petition.signed_on = None
    petition.unit_due_on = None
    FLOW.save(petition, by, "return_referral",
          ["return_count", "assigned_unit", "assigned_village", "handler", "return_due_on", "signed_on",
           "unit_due_on"],
          from_status=from_status, note=f"{unit}：{note}")
    return petition


# --- while in progress ----------------------------------------------------------------------


@transaction.atomic
def add_progress_note(petition, *, by, note):
    """Record investigation or handling progress on the timeline."""
    petition = FLOW.lock(petition, "add_note", by)
    if not note.strip():
        raise ValidationError({"note": _("Write the note.")})
    FLOW.record(petition, by, "add_note", note=note)
    return petition


@transaction.atomic
def record_mediation_outcome(petition, *, by, note):
    """Note on the timeline how the mediation opened from this case ended (agreement or termination).

    Called by the mediation workflow; its mediators may write it even when they could not add an
    ordinary progress note. Allowed while the case is open, like a progress note.
    """
    petition = FLOW.lock(petition, "add_note", by, right=permissions.can_record_mediation_outcome)
    if not note.strip():
        raise ValidationError({"note": _("Write the note.")})
    FLOW.record(petition, by, "mediation_outcome", note=note)
    return petition


@transaction.atomic
def supervise_petition(petition, *, by, kind, note, new_deadline=None):
    """Record a reminder, supervision or posted supervision, optionally with a new unit deadline."""
    petition = FLOW.lock(petition, "supervise", by)
    if not note.strip():
        raise ValidationError({"note": _("Write what is asked of the unit.")})
    fields = []
    if new_deadline:
        if new_deadline < _today():
            raise ValidationError({"new_deadline": _("The new deadline cannot be in the past.")})
        if petition.handling_due_on and new_deadline > petition.handling_due_on:
            raise ValidationError({"new_deadline": _("The new deadline must fall within the legal limit (%(due)s).")
                                   % {"due": petition.handling_due_on}})
        petition.unit_due_on = new_deadline
        fields.append("unit_due_on")
    record = Supervision(petition=petition, kind=kind, note=note, new_deadline=new_deadline, created_by=by)
    record._history_user = by
    record.save()
    kind_label = Supervision.Kind(kind).label
    if fields:
        FLOW.save(petition, by, "supervise", fields, from_status=petition.status, note=f"{kind_label}：{note}")
    else:
        FLOW.record(petition, by, "supervise", note=f"{kind_label}：{note}")
    if petition.assigned_unit_id or petition.assigned_village_id:
        notify(_unit_handlers(petition), f"{petition.number} {kind_label}：{note}"[:300], _case_url(petition))
    return record


@transaction.atomic
def record_supervision_result(supervision, *, by, result):
    """Record what the unit did about a supervision record."""
    petition = FLOW.lock(supervision.petition, "record_supervision_result", by)
    supervision = Supervision.objects.select_for_update().get(pk=supervision.pk)
    if supervision.result_at:
        raise TransitionNotAllowed(_("The result of this supervision is already recorded."))
    if not result.strip():
        raise ValidationError({"result": _("Write the result.")})
    supervision.result, supervision.result_at, supervision.result_by = result, timezone.now(), by
    supervision._history_user = by
    supervision.save(update_fields=["result", "result_at", "result_by"])
    FLOW.record(petition, by, "supervision_result", note=result)
    return supervision


# --- extension (Art 34: once, at most 30 days, approved by a leader, reason told to the petitioner) --


@transaction.atomic
def request_extension(petition, *, by, days, reason, expected_version=None):
    """Ask a leader to extend the handling limit once, by at most the configured 30 days."""
    petition = FLOW.lock(petition, "request_extension", by, expected_version)
    limit = _limits(petition).extension_max_days
    if petition.extensions.exclude(state=Extension.State.REJECTED).exists():
        raise TransitionNotAllowed(_("The handling limit can be extended only once (信访工作条例 Art 34)."))
    if not 1 <= days <= limit:
        raise ValidationError({"days": _("An extension is at most %(limit)d days (信访工作条例 Art 34).") % {"limit": limit}})
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason: it is told to the petitioner.")})
    extension = Extension(
        petition=petition, days=days, reason=reason, requested_by=by, old_due_on=petition.legal_due_on,
        new_due_on=calendar.add_days(petition.legal_due_on, days, petition.township),
    )
    extension._history_user = by
    extension.save()
    FLOW.record(petition, by, "request_extension", note=_("%(days)d days: %(reason)s") % {"days": days, "reason": reason})
    notify(_leaders(petition), _("%(number)s: an extension awaits your sign-off.") % {"number": petition.number},
           _case_url(petition), task=task_key(petition, "extension"))
    return extension


def _pending_extension(petition):
    extension = petition.extensions.select_for_update().filter(state=Extension.State.PENDING).first()
    if extension is None:
        raise TransitionNotAllowed(_("There is no extension awaiting sign-off."))
    return extension


@transaction.atomic
def approve_extension(petition, *, by, comment="", expected_version=None):
    """Approve the pending extension: the handling limit moves and the 延期告知书 is issued."""
    petition = FLOW.lock(petition, "approve_extension", by, expected_version)
    extension = _pending_extension(petition)
    extension.state, extension.decided_by, extension.decided_at = Extension.State.APPROVED, by, timezone.now()
    extension.comment = comment
    extension._history_user = by
    extension.save(update_fields=["state", "decided_by", "decided_at", "comment"])
    old_due = petition.handling_due_on
    petition.set_handling_due(extension.new_due_on)
    fields = ["legal_due_on", "handling_due_on"]
    if petition.unit_due_on and petition.unit_due_on == old_due:
        petition.unit_due_on = petition.handling_due_on
        fields.append("unit_due_on")
    FLOW.save(petition, by, "approve_extension", fields, from_status=petition.status,
          note=_("Extended to %(due)s: %(reason)s") % {"due": extension.new_due_on, "reason": extension.reason})
    documents.issue_extension_notice(petition, extension, by=by)
    return extension


@transaction.atomic
def reject_extension(petition, *, by, comment, expected_version=None):
    """Refuse the pending extension with a comment; the limit stays."""
    petition = FLOW.lock(petition, "reject_extension", by, expected_version)
    if not comment.strip():
        raise ValidationError({"comment": _("Say why the extension is refused.")})
    extension = _pending_extension(petition)
    extension.state, extension.decided_by, extension.decided_at = Extension.State.REJECTED, by, timezone.now()
    extension.comment = comment
    extension._history_user = by
    extension.save(update_fields=["state", "decided_by", "decided_at", "comment"])
    FLOW.record(petition, by, "reject_extension", note=comment)
    return extension


# --- the written reply (Art 32–34) ------------------------------------------------------------


@transaction.atomic
def submit_reply(petition, *, by, request_summary, facts, finding, legal_basis, review_note="",
                 expected_version=None):
    """The handler submits the written reply (处理意见书) for a leader's sign-off."""
    petition = FLOW.lock(petition, "submit_reply", by, expected_version)
    errors = {}
    for name, value in [("request_summary", request_summary), ("facts", facts), ("legal_basis", legal_basis)]:
        if not (value or "").strip():
            errors[name] = _("This field is required.")
    if finding not in Reply.Finding.values:
        errors["finding"] = _("Choose the opinion.")
    if errors:
        raise ValidationError(errors)
    reply, _created = Reply.objects.get_or_create(
        petition=petition,
        defaults={"request_summary": request_summary, "facts": facts, "finding": finding,
                  "legal_basis": legal_basis, "review_note": review_note, "drafted_by": by,
                  "drafted_at": timezone.now()},
    )
    reply.request_summary, reply.facts, reply.finding = request_summary, facts, finding
    reply.legal_basis, reply.review_note = legal_basis, review_note
    reply.drafted_by, reply.drafted_at = by, timezone.now()
    reply.approved_by = reply.approved_at = None
    reply._history_user = by
    reply.save()
    from_status = petition.status
    petition.status = S.REPLY_REVIEW
    FLOW.save(petition, by, "submit_reply", [], from_status=from_status, note=reply.get_finding_display())
    notify(_leaders(petition), _("%(number)s: a written reply awaits your sign-off.") % {"number": petition.number},
           _case_url(petition), task=task_key(petition, "reply"))
    return reply


@transaction.atomic
def approve_reply(petition, *, by, comment="", expected_version=None):
    """A leader signs off the written reply; it can then be served."""
    petition = FLOW.lock(petition, "approve_reply", by, expected_version)
    if not petition.township.review_organ:
        # The reply names the organ that reviews it (Art 35); it is set once per township.
        raise TransitionNotAllowed(_(
            "The next-higher organ that reviews this township's replies is not set (系统管理 › townships): "
            "the reply cannot name it (信访工作条例 Art 35)."))
    reply = petition.reply
    reply.approved_by, reply.approved_at = by, timezone.now()
    reply._history_user = by
    reply.save(update_fields=["approved_by", "approved_at"])
    from_status = petition.status
    petition.status = S.REPLY_APPROVED
    return FLOW.save(petition, by, "approve_reply", [], from_status=from_status, note=comment)


@transaction.atomic
def reject_reply(petition, *, by, comment, expected_version=None):
    """Send the reply back to the handler with the leader's comment."""
    petition = FLOW.lock(petition, "reject_reply", by, expected_version)
    if not comment.strip():
        raise ValidationError({"comment": _("Say what to change in the reply.")})
    from_status = petition.status
    petition.status = S.IN_PROGRESS
    FLOW.save(petition, by, "reject_reply", [], from_status=from_status, note=comment)
    notify(_unit_handlers(petition), _("%(number)s: the reply was sent back: %(comment)s")
           % {"number": petition.number, "comment": comment}, _case_url(petition),
           task=task_key(petition, "redo-reply"))
    return petition


@transaction.atomic
def serve_reply(petition, *, by, served_on, method, expected_version=None):
    """Serve the signed-off reply: the 处理意见书 is issued and stored; the opinion window opens."""
    petition = FLOW.lock(petition, "serve_reply", by, expected_version)
    if served_on > _today():
        raise ValidationError({"served_on": _("The date served cannot be in the future.")})
    if petition.accepted_on and served_on < petition.accepted_on:
        raise ValidationError({"served_on": _("The reply cannot be served before the case was accepted.")})
    limits = _limits(petition)
    from_status = petition.status
    petition.status = S.REPLIED
    petition.replied_on = served_on
    petition.reply_method = method
    petition.evaluation_due_on = calendar.add_days(served_on, limits.evaluation_window_days, petition.township)
    late = petition.handling_due_on and served_on > petition.handling_due_on
    FLOW.save(petition, by, "serve_reply", ["replied_on", "reply_method", "evaluation_due_on"], from_status=from_status,
          note=Petition.ServeMethod(method).label + (" · " + _("after the limit") if late else ""))
    documents.issue_reply(petition, by=by)
    return petition


# --- the petitioner's opinion and the return visit --------------------------------------------


def _schedule_visit(petition, by):
    return followup.schedule_return_visit(petition, petition.replied_on, by)


@transaction.atomic
def record_opinion(petition, *, by, opinion, opinion_on, expected_version=None):
    """Record 满意 / 基本满意 / 不满意; a dissatisfied petitioner is told of the 30-day review right (Art 35)."""
    petition = FLOW.lock(petition, "record_opinion", by, expected_version)
    if opinion not in (Petition.Opinion.SATISFIED, Petition.Opinion.BASICALLY, Petition.Opinion.DISSATISFIED):
        raise ValidationError({"opinion": _("Choose the petitioner's opinion.")})
    if opinion_on > _today() or opinion_on < petition.replied_on:
        raise ValidationError({"opinion_on": _("The date must lie between the reply and today.")})
    from_status = petition.status
    petition.status = S.EVALUATED
    petition.opinion, petition.opinion_on = opinion, opinion_on
    fields = ["opinion", "opinion_on"]
    note = Petition.Opinion(opinion).label
    if opinion == Petition.Opinion.DISSATISFIED:
        petition.review_due_on = calendar.add_days(petition.replied_on, _limits(petition).review_request_days,
                                                       petition.township)
        fields.append("review_due_on")
        note += " · " + _("review may be requested from the next-higher organ by %(due)s") % {"due": petition.review_due_on}
    _schedule_visit(petition, by)
    return FLOW.save(petition, by, "record_opinion", fields, from_status=from_status, note=note)


@transaction.atomic
def close_evaluation(petition, *, by, expected_version=None):
    """Record that no opinion came within the window (it counts as not evaluated)."""
    petition = FLOW.lock(petition, "close_evaluation", by, expected_version)
    if _today() <= petition.evaluation_due_on:
        raise TransitionNotAllowed(
            _("The opinion window is open until %(due)s.") % {"due": petition.evaluation_due_on}
        )
    from_status = petition.status
    petition.status = S.EVALUATED
    petition.opinion = Petition.Opinion.NONE
    _schedule_visit(petition, by)
    return FLOW.save(petition, by, "close_evaluation", ["opinion"], from_status=from_status)


@transaction.atomic
def record_return_visit(petition, *, by, visited_on, method, reached, result, satisfaction="",
                        expected_version=None):
    """Record the scheduled return visit: method, whether the person was reached, result, satisfaction."""
    return followup.record_return_visit(
        FLOW, petition, by=by, visited_on=visited_on, method=method, reached=reached, result=result,
        satisfaction=satisfaction, expected_version=expected_version, to_status=S.VISITED,
        since=lambda case: case.replied_on, since_message=_("The date must lie between the reply and today."),
        none_message=_("No return visit is scheduled for this case."),
    )


# --- archive and reopen ---------------------------------------------------------------------


@transaction.atomic
def report_back(petition, *, by, reported_on, method, summary, expected_version=None):
    """Record the result reported to the organ that assigned or forwarded the case (上报办理结果) and
    issue the 信访事项办理情况报告 (Art 22 ¶1 (三): 反馈结果，提交办结报告)."""
    petition = FLOW.lock(petition, "report_back", by, expected_version)
    if petition.source == Petition.Source.DIRECT:
        raise TransitionNotAllowed(_("Only a case assigned or forwarded by a higher organ reports its result back."))
    if petition.reported_on:
        raise TransitionNotAllowed(_("The result has already been reported on %(day)s.") % {"day": petition.reported_on})
    errors = {}
    if reported_on is None or not petition.replied_on <= reported_on <= _today():
        errors["reported_on"] = _("The date must lie between the reply and today.")
    if method not in Petition.ReportMethod.values:
        errors["method"] = _("Choose how the result was reported.")
    if not (summary or "").strip():
        errors["summary"] = _("Say what was reported: what was done and the result.")
    if errors:
        raise ValidationError(errors)
    petition.reported_on, petition.report_method, petition.report_summary = reported_on, method, summary
    late = petition.source_deadline and reported_on > petition.source_deadline
    note = _("Reported to %(organ)s on %(day)s.") % {"organ": petition.source_organ, "day": reported_on}
    if late:
        note += " " + _("After the deadline set by that organ (%(due)s).") % {"due": petition.source_deadline}
    FLOW.save(petition, by, "report_back", ["reported_on", "report_method", "report_summary"],
              from_status=petition.status, note=note)
    documents.issue_report_back(petition, by=by)
    return petition


@transaction.atomic
def archive_petition(petition, *, by, expected_version=None):
    """Archive the case (read-only from then on) and queue its dossier (一人一案), which a background job
    renders and stores (petitions/dossier.py; docs/architecture.md §14)."""
    petition = FLOW.lock(petition, "archive", by, expected_version)
    if petition.needs_report_back and petition.status == S.VISITED and not petition.reported_on:
        raise TransitionNotAllowed(_(
            "This case was assigned by %(organ)s: report the result back to it (上报办理结果) before archiving."
        ) % {"organ": petition.source_organ})
    from_status = petition.status
    petition.status = S.ARCHIVED
    petition.archived_on = _today()
    FLOW.save(petition, by, "archive", ["archived_on"], from_status=from_status)
    queue_dossier(petition, by=by)
    return petition


@transaction.atomic
def reopen_petition(petition, *, by, reason, expected_version=None):
    """Reopen an archived case (a leader, with a reason): it returns to be routed again."""
    petition = FLOW.lock(petition, "reopen", by, expected_version)
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for reopening.")})
    from_status = petition.status
    petition.status = S.ACCEPTED
    petition.archived_on = None
    petition.assigned_unit = petition.assigned_village = petition.handler = None
    today = _today()
    petition.set_handling_due(calendar.add_days(today, _limits(petition).handling_days, petition.township))
    return FLOW.save(petition, by, "reopen",
                 ["archived_on", "assigned_unit", "assigned_village", "handler", "legal_due_on", "handling_due_on"],
                 from_status=from_status, note=reason)


# --- escalation on the ladder (docs/domain.md §2.4; Art 25 for major matters) -----------------------


@transaction.atomic
def raise_escalation(petition, *, by, reason, is_major=False, expected_version=None):
    """Ask to raise the case one rank; only the holders of that rank for the case may approve (no skipping)."""
    flag = is_major and not petition.is_major
    request = escalation.raise_escalation(
        FLOW, petition, by=by, reason=reason, expected_version=expected_version,
        extra_fields={"is_major": is_major},
        # Art 25: a major matter is flagged at once, whatever the sign-off decides.
        case_changes={"is_major": True, "major_flagged_at": timezone.now()} if flag else None,
    )
    if flag:
        notify_major(request.petition, reason)
    return request


@transaction.atomic
def decide_escalation(pending, *, by, approve, comment=""):
    """Approve (the case moves up one level) or refuse the escalation, with a comment."""
    return escalation.decide_escalation(FLOW, pending, by=by, approve=approve, comment=comment)


# --- major or urgent matters (重大、紧急, Art 25) -------------------------------------------------------

def notify_major(petition, reason=""):
    """Tell the township's leaders and the center at once (Art 25); their home page shows it until reported."""
    text = _("%(number)s is a major or urgent matter (信访工作条例 Art 25): report it at once to the party "
             "committee and government.") % {"number": petition.number}
    if reason:
        text += " " + reason
    notify(permissions.major_recipients(petition.township_id), text, reverse("petitions:detail", args=[petition.pk]))


def _major_reported(petition):
    try:
        return petition.major_report is not None
    except MajorReport.DoesNotExist:
        return False


@transaction.atomic
def mark_major(petition, *, by, reason, expected_version=None):
    """Mark the case major or urgent (Art 25): the leaders and the center are told at once."""
    petition = FLOW.lock(petition, "mark_major", by, expected_version)
    if petition.is_major:
        raise TransitionNotAllowed(_("The case is already marked major or urgent."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the matter is major or urgent.")})
    petition.is_major, petition.major_flagged_at = True, timezone.now()
    FLOW.save(petition, by, "mark_major", ["is_major", "major_flagged_at"], from_status=petition.status, note=reason)
    notify_major(petition, reason)
    return petition


@transaction.atomic
def report_major(petition, *, by, reported_at, to_government, to_higher_office, method, note="",
                 expected_version=None):
    """Record that a leader reported the major matter (Art 25): to whom, when and how; the banner then clears."""
    petition = FLOW.lock(petition, "report_major", by, expected_version)
    if _major_reported(petition):
        raise TransitionNotAllowed(_("The report of this major matter is already recorded."))
    if not (to_government or to_higher_office):
        raise ValidationError({"to_government": _(
            "Say whom it was reported to: the party committee and government of this level (Art 25 ¶1), "
            "the petition office one level up (Art 25 ¶2), or both.")})
    if reported_at is None or reported_at > timezone.now():
        raise ValidationError({"reported_at": _("The time of the report cannot be in the future.")})
    if petition.major_flagged_at and reported_at < petition.major_flagged_at - datetime.timedelta(days=1):
        raise ValidationError({"reported_at": _("The report cannot precede the day the matter was marked major.")})
    report = keep(MajorReport(petition=petition, reported_at=reported_at, to_government=to_government,
                              to_higher_office=to_higher_office, method=method, note=note, reported_by=by),
                  by, reason=FLOW.labels("report_major"), clean=True)
    fields = []
    if not petition.is_major:
        petition.is_major, petition.major_flagged_at = True, reported_at
        fields = ["is_major", "major_flagged_at"]
    FLOW.save(petition, by, "report_major", fields, from_status=petition.status,
              note=_("%(at)s, %(method)s, to %(whom)s. %(note)s") % {
                  "at": timezone.localtime(reported_at).strftime("%Y-%m-%d %H:%M"),
                  "method": report.get_method_display(), "whom": report.recipients(), "note": note})
    return report


def opinion_window_expired(petition, today=None):
    """True when a replied case's opinion window has ended without an opinion."""
    today = today or _today()
    return petition.status == S.REPLIED and petition.evaluation_due_on and today > petition.evaluation_due_on

