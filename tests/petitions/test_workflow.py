"""The whole transition table: every allowed move succeeds and is recorded; every other move
raises and changes nothing; each move is refused to every role that may not make it."""
import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from office.models import EscalationLevel
from office.roles import HANDLER, LEADER
from office.workflow import TransitionNotAllowed
from petitions import workflow
from petitions.models import EscalationRequest, Extension, Petition, Supervision
from tests.builders import REPLY, advance, make_user, register_petition

pytestmark = pytest.mark.django_db

S = Petition.Status
ALL_STATES = list(S.values)


def today():
    return timezone.localdate()


# action -> (roles allowed to do it, how to call it)
ACTIONS = {
    "propose_decision": ({"clerk", "coordinator"}, lambda p, u, c: workflow.propose_decision(
        p, by=u, decision="accept", reasons="符合受理条件")),
    "approve_decision": ({"leader"}, lambda p, u, c: workflow.approve_decision(p, by=u)),
    "reject_decision": ({"leader"}, lambda p, u, c: workflow.reject_decision(p, by=u, comment="请补充材料")),
    "assign": ({"leader", "coordinator"}, lambda p, u, c: workflow.assign_petition(
        p, by=u, instruction="请司法所办理", lead_leader=c["leader"], unit=c["handler"].staff.unit,
        handler=c["handler"])),
    "sign_for": ({"handler"}, lambda p, u, c: workflow.sign_for_petition(p, by=u)),
    "return_referral": ({"handler"}, lambda p, u, c: workflow.return_referral(p, by=u, reason="不属本单位职责")),
    "add_note": ({"handler", "coordinator", "leader"}, lambda p, u, c: workflow.add_progress_note(
        p, by=u, note="已走访双方当事人")),
    "supervise": ({"coordinator", "leader"}, lambda p, u, c: workflow.supervise_petition(
        p, by=u, kind="reminder", note="请加快办理")),
    "record_supervision_result": ({"coordinator", "leader", "handler"}, lambda p, u, c: workflow.record_supervision_result(
        p.supervisions.first(), by=u, result="已按要求办理")),
    "request_extension": ({"handler", "coordinator"}, lambda p, u, c: workflow.request_extension(
        p, by=u, days=30, reason="需委托测绘")),
    "approve_extension": ({"leader"}, lambda p, u, c: workflow.approve_extension(p, by=u)),
    "reject_extension": ({"leader"}, lambda p, u, c: workflow.reject_extension(p, by=u, comment="无需延期")),
    "submit_reply": ({"handler"}, lambda p, u, c: workflow.submit_reply(p, by=u, **REPLY)),
    "approve_reply": ({"leader"}, lambda p, u, c: workflow.approve_reply(p, by=u)),
    "reject_reply": ({"leader"}, lambda p, u, c: workflow.reject_reply(p, by=u, comment="依据不充分")),
    "serve_reply": ({"handler", "clerk", "coordinator"}, lambda p, u, c: workflow.serve_reply(
        p, by=u, served_on=today(), method="post")),
    "record_opinion": ({"clerk", "coordinator"}, lambda p, u, c: workflow.record_opinion(
        p, by=u, opinion="basically", opinion_on=today())),
    "close_evaluation": ({"clerk", "coordinator"}, lambda p, u, c: workflow.close_evaluation(p, by=u)),
    "record_return_visit": ({"coordinator"}, lambda p, u, c: workflow.record_return_visit(
        p, by=u, visited_on=today(), method="phone", reached=True, result="满意", satisfaction="satisfied")),
    "report_back": ({"clerk", "coordinator"}, lambda p, u, c: workflow.report_back(
        p, by=u, reported_on=today(), method="system", summary="已答复信访人，信访人基本满意。")),
    "archive": ({"clerk", "coordinator"}, lambda p, u, c: workflow.archive_petition(p, by=u)),
    "reopen": ({"leader"}, lambda p, u, c: workflow.reopen_petition(p, by=u, reason="信访人提供新证据")),
    "raise_escalation": ({"coordinator", "leader", "handler"}, lambda p, u, c: workflow.raise_escalation(
        p, by=u, reason="涉及多个部门")),
    # Raised at registration, when the center handles it (rank 5): the unit head at rank 6 decides.
    "decide_escalation": ({"handler"}, lambda p, u, c: workflow.decide_escalation(
        p.escalations.get(state="pending"), by=u, approve=True, comment="同意")),
    "mark_major": ({"clerk", "coordinator", "leader", "handler"}, lambda p, u, c: workflow.mark_major(
        p, by=u, reason="涉及20余户村民")),
    "report_major": ({"leader"}, lambda p, u, c: workflow.report_major(
        p, by=u, reported_at=timezone.now(), to_government=True, to_higher_office=False, method="phone")),
}
assert set(ACTIONS) == set(workflow.TRANSITIONS), "every transition is covered by this test"

@pytest.fixture
def handler(township, justice):
    """The 司法所 head holds rank 6 (相关单位责任人) of the ladder."""
    return make_user(HANDLER, township, unit=justice, username="handler", ladder_level=EscalationLevel.objects.get(rank=6))


@pytest.fixture(autouse=True)
def top_leader(township, center):
    """The township's 主要领导 at rank 7, so that a case with a unit can still be escalated."""
    return make_user(LEADER, township, unit=center, username="leader7", ladder_level=EscalationLevel.objects.get(rank=7))


ALLOWED = sorted(
    (state, action) for action, (states, _to) in workflow.TRANSITIONS.items() for state in states
)


def build(users, state, action=None):
    """A case in ``state`` with a supervision and a pending escalation recorded at registration."""
    # A case assigned by a higher organ, for the report-back (上报办理结果).
    organ = {"source": "assigned", "source_organ": "县信访局"} if action == "report_back" else {}
    petition = register_petition(users["clerk"], **organ)
    workflow.supervise_petition(petition, by=users["coordinator"], kind="supervision", note="请按期办理")
    if action != "raise_escalation":
        workflow.raise_escalation(petition, by=users["coordinator"], reason="群众反映强烈")
    petition.refresh_from_db()
    if action in ("approve_extension", "reject_extension"):
        advance(petition, users, S.IN_PROGRESS)
        workflow.request_extension(petition, by=users["handler"], days=20, reason="需要现场测绘")
        if state == S.REPLY_REVIEW:
            workflow.submit_reply(petition, by=users["handler"], **REPLY)
        petition.refresh_from_db()
        return petition
    if state == S.NOT_ACCEPTED:
        return advance(petition, users, state, decision="not_accept")
    if state == S.FORWARDED:
        return advance(petition, users, state, decision="forward")
    return advance(petition, users, state)


def snapshot(petition):
    petition.refresh_from_db()
    return (
        petition.status, petition.version, petition.events.count(), petition.history.count(),
        Supervision.objects.filter(petition=petition, result_at__isnull=False).count(),
        Extension.objects.filter(petition=petition).count(),
        EscalationRequest.objects.filter(petition=petition).exclude(state="pending").count(),
    )


@pytest.mark.parametrize("state, action", ALLOWED)
def test_every_allowed_move_succeeds_and_is_recorded(users, state, action):
    petition = build(users, state, action)
    assert petition.status == state
    roles, call = ACTIONS[action]
    actor = users[sorted(roles)[0]]
    events, history = petition.events.count(), petition.history.count()
    if action == "close_evaluation":
        with time_machine.travel(petition.evaluation_due_on + datetime.timedelta(days=1), tick=False):
            call(petition, actor, users)
    else:
        call(petition, actor, users)
    petition.refresh_from_db()
    target = workflow.TRANSITIONS[action][1]
    if target == "*":
        assert petition.status == S.ACCEPTED
    elif target is None:
        assert petition.status == state
    else:
        assert petition.status == target
    assert petition.events.count() == events + 1
    event = petition.events.last()
    assert event.actor == actor and event.from_status == state and event.to_status == petition.status
    if petition.status != state:
        assert petition.history.count() == history + 1
        assert petition.history.first().history_user == actor


@pytest.mark.parametrize("state", ALL_STATES)
def test_every_other_move_raises_and_changes_nothing(users, state):
    petition = build(users, state)
    for action, (roles, call) in ACTIONS.items():
        if state in workflow.TRANSITIONS[action][0]:
            continue
        before = snapshot(petition)
        with pytest.raises(TransitionNotAllowed) as error:
            call(petition, users[sorted(roles)[0]], users)
        assert str(S(state).label) in str(error.value), action
        assert snapshot(petition) == before, action


@pytest.mark.parametrize("state", [s for s in ALL_STATES if s != S.DECISION_REVIEW])
def test_every_move_is_refused_to_roles_that_may_not_make_it(users, state):
    petition = build(users, state)
    checked = 0
    for action, (roles, call) in ACTIONS.items():
        if state not in workflow.TRANSITIONS[action][0]:
            continue
        for role, user in users.items():
            if role in roles:
                continue
            before = snapshot(petition)
            with pytest.raises(PermissionDenied):
                call(petition, user, users)
            assert snapshot(petition) == before, (action, role)
            checked += 1
    assert checked > 0


def test_decision_review_moves_are_refused_to_other_roles(users):
    petition = build(users, S.DECISION_REVIEW)
    for role, user in users.items():
        if role == "leader":
            continue
        for action in ("approve_decision", "reject_decision"):
            with pytest.raises(PermissionDenied):
                ACTIONS[action][1](petition, user, users)
    assert petition.status == S.DECISION_REVIEW


def test_archived_cases_refuse_every_change_but_reopening(users):
    petition = build(users, S.ARCHIVED)
    refused = [a for a, (states, _to) in workflow.TRANSITIONS.items() if S.ARCHIVED not in states]
    assert set(workflow.TRANSITIONS) - set(refused) == {"reopen"}
    assert workflow.FLOW.possible(petition) == {"reopen"}
