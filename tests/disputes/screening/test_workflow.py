"""The ledger entry's transition table, walked whole; rights and guards of each move."""
import pytest
from django.core.exceptions import PermissionDenied

from disputes.models import EntryEvent, LedgerEntry
from disputes.screening import workflow
from disputes.screening.workflow import TRANSITIONS, TransitionNotAllowed, WorkflowError
from office.models import Unit
from tests.builders import make_user

from ..builders import entry_in, found_entry

pytestmark = pytest.mark.django_db
Status = LedgerEntry.Status


def run(action, entry, user, police):
    """Call the one workflow function of an action."""
    note = "说明"
    if action == "resolve":
        return workflow.resolve_entry(entry, by=user, note=note, how="settled")
    if action == "mark_unresolved":
        return workflow.mark_entry_unresolved(entry, by=user, note=note)
    if action == "transfer_to_police":
        return workflow.transfer_entry_to_police(entry, by=user, unit=police, note=note)
    if action == "refer_to_meeting":
        return workflow.refer_entry_to_meeting(entry, by=user, note=note)
    if action == "request_mediation":
        return workflow.request_mediation(entry, by=user, note=note)
    raise AssertionError(action)


def snapshot(entry):
    entry.refresh_from_db()
    return (entry.status, entry.history.count(), entry.events.count(), entry.closed_on, entry.transferred_to_id)


@pytest.mark.parametrize("action", sorted(TRANSITIONS))
@pytest.mark.parametrize("status", list(Status))
def test_every_move_of_the_table(action, status, mediator, coordinator, police):
    entry = entry_in(status, filer=mediator, router=coordinator)
    sources, target = TRANSITIONS[action]
    before = snapshot(entry)
    if status in sources:
        moved = run(action, entry, coordinator, police)
        assert moved.status == target
        after = snapshot(entry)
        assert after[0] == target
        assert after[1] == before[1] + 1, "one history row per move"
        assert after[2] == before[2] + 1, "one timeline event per move"
        event = entry.events.last()
        assert (event.actor, event.from_status, event.to_status, event.note) == (coordinator, status, target, "说明")
        record = entry.history.first()
        assert record.history_user == coordinator and record.history_change_reason
    else:
        with pytest.raises(TransitionNotAllowed) as error:
            run(action, entry, coordinator, police)
        assert str(Status(status).label) in error.value.message
        assert snapshot(entry) == before


def test_resolving_records_the_day_and_the_outcome(mediator):
    entry = found_entry(mediator)
    entry = workflow.resolve_entry(entry, by=mediator, note="  双方和解  ", how="settled")
    assert entry.closed_on.isoformat() == "2026-11-25"
    assert entry.outcome == "双方和解"
    assert entry.events.last().action == EntryEvent.Action.RESOLVED


def test_a_note_is_required(mediator):
    entry = found_entry(mediator)
    with pytest.raises(WorkflowError):
        workflow.resolve_entry(entry, by=mediator, note="   ", how="settled")
    entry.refresh_from_db()
    assert entry.status == Status.IN_PROGRESS


def test_routing_is_for_township_roles(mediator, coordinator, leader, police):
    entry = found_entry(mediator)
    with pytest.raises(PermissionDenied):
        workflow.transfer_entry_to_police(entry, by=mediator, unit=police, note="x")
    with pytest.raises(PermissionDenied):
        workflow.refer_entry_to_meeting(entry, by=mediator, note="x")
    workflow.refer_entry_to_meeting(entry, by=leader, note="涉及人数多")
    workflow.transfer_entry_to_police(entry, by=coordinator, unit=police, note="涉嫌犯罪")


@pytest.mark.parametrize("role", ["handler", "clerk", "outsider"])
def test_read_only_and_foreign_users_cannot_close(request, role, mediator):
    entry = found_entry(mediator)
    with pytest.raises(PermissionDenied):
        workflow.resolve_entry(entry, by=request.getfixturevalue(role), note="x", how="settled")


def test_a_mediator_of_another_village_cannot_close(mediator, township, other_village):
    from office.roles import MEDIATOR

    other = make_user(MEDIATOR, township, village=other_village)
    entry = found_entry(mediator)
    with pytest.raises(PermissionDenied):
        workflow.resolve_entry(entry, by=other, note="x", how="settled")


def test_transfer_goes_to_a_police_station_of_the_township(mediator, coordinator, justice, other_township):
    entry = found_entry(mediator)
    foreign = Unit.objects.create(township=other_township, name="白石派出所", kind=Unit.Kind.POLICE)
    for unit in (justice, foreign):
        with pytest.raises(WorkflowError):
            workflow.transfer_entry_to_police(entry, by=coordinator, unit=unit, note="x")
    entry.refresh_from_db()
    assert entry.status == Status.IN_PROGRESS and entry.transferred_to is None


def test_meeting_and_mediation_are_requested_once(mediator, coordinator):
    entry = found_entry(mediator)
    workflow.refer_entry_to_meeting(entry, by=coordinator, note="群体性")
    with pytest.raises(WorkflowError):
        workflow.refer_entry_to_meeting(entry, by=coordinator, note="again")
    workflow.request_mediation(entry, by=mediator, note="转调解")
    with pytest.raises(WorkflowError):
        workflow.request_mediation(entry, by=mediator, note="again")
    entry.refresh_from_db()
    assert entry.meeting_referred_on and entry.mediation_requested_on
    assert entry.status == Status.IN_PROGRESS


def test_the_meeting_takes_on_an_unresolved_dispute_again(mediator, coordinator):
    entry = entry_in(Status.UNRESOLVED, filer=mediator, router=coordinator)
    entry = workflow.refer_entry_to_meeting(entry, by=coordinator, note="提请专题会议")
    assert entry.status == Status.IN_PROGRESS


def test_allowed_actions_follow_the_table(mediator, coordinator):
    entry = found_entry(mediator)
    assert workflow.allowed_actions(entry) == set(TRANSITIONS)
    resolved = workflow.resolve_entry(entry, by=mediator, note="已化解", how="settled")
    assert workflow.allowed_actions(resolved) == set()
