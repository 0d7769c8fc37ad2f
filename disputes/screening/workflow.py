"""The ledger entry's states and one function per move (docs/architecture.md §2).

Routing rule of the work plan (docs/domain.md §3.1): ordinary civil disputes go to village or
township mediation; public-order or criminal matters are transferred to 派出所; large,
group or sudden disputes go to a township special meeting (专题会议).
"""
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from office.casekit import Flow
from office.models import Unit
from office.workflow import TransitionNotAllowed, WorkflowError

from ..models import EntryEvent, LedgerEntry
from . import permissions

__all__ = ["FLOW", "TRANSITIONS", "TransitionNotAllowed", "WorkflowError"]

Status = LedgerEntry.Status


# action: (the states it may start from, the state it leads to)
TRANSITIONS = {
    "resolve": ({Status.IN_PROGRESS, Status.UNRESOLVED, Status.TRANSFERRED}, Status.RESOLVED),
    "mark_unresolved": ({Status.IN_PROGRESS, Status.TRANSFERRED}, Status.UNRESOLVED),
    "transfer_to_police": ({Status.IN_PROGRESS, Status.UNRESOLVED}, Status.TRANSFERRED),
    # The township takes the dispute on: it is being resolved again, by the meeting.
    "refer_to_meeting": ({Status.IN_PROGRESS, Status.UNRESOLVED}, Status.IN_PROGRESS),
    "request_mediation": ({Status.IN_PROGRESS, Status.UNRESOLVED}, Status.IN_PROGRESS),
}

# The history's change reason of each move: the words its timeline event shows.
ACTION_LABELS = {
    "resolve": EntryEvent.Action.RESOLVED.label,
    "mark_unresolved": EntryEvent.Action.UNRESOLVED.label,
    "transfer_to_police": EntryEvent.Action.TRANSFERRED.label,
    "refer_to_meeting": EntryEvent.Action.MEETING.label,
    "request_mediation": EntryEvent.Action.MEDIATION_REQUESTED.label,
}




FLOW = Flow(
    model=LedgerEntry,
    event_model=EntryEvent,
    case_field="entry",
    transitions=TRANSITIONS,
    action_labels=ACTION_LABELS,
    url_name="disputes:entry_detail",
    lock_related=("township",),
    # Taken once: the page stops offering them when their date is set (the move refuses too).
    ready={
        "refer_to_meeting": lambda entry: not entry.meeting_referred_on,
        "request_mediation": lambda entry: not entry.mediation_requested_on,
    },
    rights={
        "resolve": permissions.can_close_entry,
        "mark_unresolved": permissions.can_close_entry,
        "transfer_to_police": permissions.can_route_entry,
        "refer_to_meeting": permissions.can_route_entry,
        "request_mediation": permissions.can_request_mediation,
    },
)


def allowed_actions(entry):
    """Return the names of the moves the table allows from the entry's current state."""
    return FLOW.possible(entry)


def _today(at):
    return timezone.localdate(at or timezone.now())


def _move(entry, *, by, action, event, note, at, changes=None, screening_round=None, guard=None,
          expected_version=None):
    """Lock the entry and check it (the case kit), apply the move, and record it in history and timeline."""
    at = at or timezone.now()
    entry = FLOW.lock(entry, action, by, expected_version)
    if guard:
        guard(entry)
    if not (note or "").strip():
        raise WorkflowError(gettext("Write a note saying why."))
    previous = entry.status
    entry.status = TRANSITIONS[action][1]
    for field, value in (changes or {}).items():
        setattr(entry, field, value)
    return FLOW.save(entry, by, action, list(changes or {}), from_status=previous, note=note.strip(), event=event,
                     at=at, round=screening_round)


@transaction.atomic
def resolve_entry(entry, *, by, note, how, at=None, screening_round=None, expected_version=None):
    """Mark a dispute resolved (已化解), saying how it was settled: ``how`` is a
    LedgerEntry.Resolution (调解化解 counts as mediated for 参调率, docs/domain.md §4)."""
    if how not in LedgerEntry.Resolution.values:
        raise WorkflowError(gettext("Say how the dispute was resolved: by mediation, by the parties themselves, or otherwise."))
    return _move(
        entry,
        expected_version=expected_version,
        by=by,
        action="resolve",
        event=EntryEvent.Action.RESOLVED,
        note=note,
        at=at,
        screening_round=screening_round,
        changes={"closed_on": _today(at), "outcome": note.strip(), "resolution": how},
    )


@transaction.atomic
def mark_entry_unresolved(entry, *, by, note, at=None, screening_round=None, expected_version=None):
    """Record that a dispute could not be resolved so far (未化解); it stays on the ledger."""
    return _move(
        entry,
        expected_version=expected_version,
        by=by,
        action="mark_unresolved",
        event=EntryEvent.Action.UNRESOLVED,
        note=note,
        at=at,
        screening_round=screening_round,
        changes={"outcome": note.strip()},
    )


@transaction.atomic
def transfer_entry_to_police(entry, *, by, unit, note, at=None, expected_version=None):
    """Hand a public-order or criminal matter to the township's police station (移交派出所)."""

    def guard(locked):
        if unit.kind != Unit.Kind.POLICE or unit.township_id != locked.township_id or not unit.is_active:
            raise WorkflowError(gettext("Choose a police station of this township."))

    return _move(
        entry,
        expected_version=expected_version,
        by=by,
        action="transfer_to_police",
        event=EntryEvent.Action.TRANSFERRED,
        note=note,
        at=at,
        guard=guard,
        changes={"transferred_to": unit, "transferred_on": _today(at)},
    )


def _once(field, message):
    """A guard for a step taken once: its date field must still be empty."""

    def guard(locked):
        done_on = getattr(locked, field)
        if done_on:
            raise WorkflowError(str(message) % {"date": done_on.isoformat()})

    return guard


@transaction.atomic
def refer_entry_to_meeting(entry, *, by, note, at=None, expected_version=None):
    """Put a large, group or sudden dispute before a township special meeting (专题会议)."""
    return _move(
        entry,
        expected_version=expected_version,
        by=by,
        action="refer_to_meeting",
        event=EntryEvent.Action.MEETING,
        note=note,
        at=at,
        guard=_once("meeting_referred_on", _("This dispute was already referred to a special meeting on %(date)s.")),
        changes={"meeting_referred_on": _today(at)},
    )


@transaction.atomic
def request_mediation(entry, *, by, note, at=None, expected_version=None):
    """Record that the dispute goes to people's mediation (人民调解).

    The mediation case is opened from the entry by disputes.mediation.services.open_from_entry,
    which links it back; when the mediation ends the entry follows (resolved, unresolved, transferred).
    """
    return _move(
        entry,
        expected_version=expected_version,
        by=by,
        action="request_mediation",
        event=EntryEvent.Action.MEDIATION_REQUESTED,
        note=note,
        at=at,
        guard=_once("mediation_requested_on", _("Mediation was already requested for this dispute on %(date)s.")),
        changes={"mediation_requested_on": _today(at)},
    )
