"""The mediation transition table, walked whole: every allowed move succeeds and is recorded (one
event, one history row); every other move raises and changes nothing; each move is refused to every
role that may not make it. Then the rules inside the moves."""
import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from disputes.mediation import workflow
from disputes.models import MediationAgreement, MediationCase, MediationEscalation, MediationReturnVisit
from office.documents import documents_of
from office.workflow import StaleStateError, TransitionNotAllowed

from .builders import advance, agreement_data, case_in, draft, oral, register, today

pytestmark = pytest.mark.django_db
S = MediationCase.Status
ALL_STATES = list(S.values)


def _signatures(c, u):
    agreement = MediationAgreement.objects.filter(case=c).first()
    return workflow.record_signatures(
        c, by=u, effective_on=agreement.signed_on if agreement else today(),
        signed_parties=[p.pk for p in agreement.parties.all()] if agreement else [],
        mediator_signed=True, seal_applied=True)


# action -> (roles allowed, how to call it)
ACTIONS = {
    "start": ({"mediator"}, lambda c, u, x: workflow.start_mediation(c, by=u, parties_accept=True)),
    "assign_mediators": ({"mediator", "coordinator"}, lambda c, u, x: workflow.assign_mediators(
        c, by=u, mediators=[x["mediator"]])),
    "record_session": ({"mediator"}, lambda c, u, x: workflow.record_session(
        c, by=u, held_on=today(), place="村委会调解室", attendees="张某、李某、调解员", record="双方陈述了各自意见。")),
    "extend": ({"mediator", "coordinator"}, lambda c, u, x: workflow.extend_mediation(
        c, by=u, days=15, reason="需等待测绘结果", parties_agree=True)),
    "raise_escalation": ({"mediator", "coordinator", "leader"}, lambda c, u, x: workflow.raise_case_escalation(
        c, by=u, reason="涉及多户，村级难以化解")),
    "decide_escalation": ({"leader"}, lambda c, u, x: workflow.decide_case_escalation(
        c.escalations.get(state="pending"), by=u, approve=True, comment="同意")),
    "save_agreement": ({"mediator"}, lambda c, u, x: workflow.save_agreement(c, by=u, data=agreement_data())),
    "finalise_agreement": ({"mediator"}, lambda c, u, x: workflow.finalise_agreement(c, by=u)),
    "correct_agreement": ({"mediator"}, lambda c, u, x: workflow.correct_agreement(
        c, by=u, reason="更正履行地点笔误", data={"performance_place": "青溪村3组争议地块东侧"})),
    "record_oral_agreement": ({"mediator"}, lambda c, u, x: oral(c, u)),
    "record_signatures": ({"mediator"}, lambda c, u, x: _signatures(c, u)),
    "record_performance": ({"mediator"}, lambda c, u, x: workflow.record_performance(
        c, by=u, performance="performed", note="已履行完毕", performed_on=today())),
    "apply_confirmation": ({"mediator", "coordinator"}, lambda c, u, x: workflow.apply_confirmation(
        c, by=u, applied_on=today(), court="青溪人民法庭")),
    "record_confirmation": ({"mediator", "coordinator"}, lambda c, u, x: workflow.record_confirmation(
        c, by=u, result="confirmed", ruling_number="(2026)浙0127民特12号", ruled_on=today())),
    "record_return_visit": ({"mediator", "coordinator"}, lambda c, u, x: workflow.record_return_visit(
        c, by=u, visited_on=today(), method="phone", reached=True, result="已履行", satisfaction="satisfied")),
    "terminate": ({"mediator"}, lambda c, u, x: workflow.terminate_mediation(
        c, by=u, reason="refused", note="被申请人明确拒绝调解", channels_told=True)),
    "transfer_to_police": ({"mediator", "coordinator", "leader"}, lambda c, u, x: workflow.transfer_case_to_police(
        c, by=u, unit=x["police"], note="双方发生肢体冲突，可能引发治安案件")),
    "archive": ({"mediator", "coordinator"}, lambda c, u, x: workflow.archive_case(c, by=u)),
}
assert set(ACTIONS) == set(workflow.TRANSITIONS), "every transition is covered by this test"

ALLOWED = sorted((state, action) for action, (states, _to) in workflow.TRANSITIONS.items() for state in states)


@pytest.fixture
def ctx(users, police):
    return {**users, "police": police}


def build(ctx, state, action=None):
    """A case in ``state`` shaped for the action: at rung 4 (so the leader, rung 5, decides), with a
    pending escalation, a complete draft to finalise, the simple procedure to archive when performed."""
    mediator = ctx["mediator"]
    procedure = "simple" if (state, action) == (S.PERFORMED, "archive") else "standard"
    case = register(mediator, rank=4, procedure=procedure)
    if action != "raise_escalation":
        workflow.raise_case_escalation(case, by=ctx["coordinator"], reason="群众反映强烈")
    if action == "record_confirmation":
        advance(case, mediator, S.PERFORMING)
        workflow.apply_confirmation(case, by=mediator, applied_on=today(), court="青溪人民法庭")
    case = advance(case, mediator, state)
    if action == "finalise_agreement":
        draft(case, mediator)
        case.refresh_from_db()
    return case


def snapshot(case):
    case.refresh_from_db()
    agreement = MediationAgreement.objects.filter(case=case).first()
    return (
        case.status, case.version, case.events.count(), case.history.count(), case.mediators.count(),
        case.sessions.count(), case.due_on, case.ladder_level_id,
        MediationEscalation.objects.filter(case=case).exclude(state="pending").count(),
        agreement and (agreement.history.count(), agreement.document_id),
        MediationReturnVisit.objects.filter(case=case, visited_on__isnull=False).count(),
        len(documents_of(case)),
    )


@pytest.mark.parametrize("state, action", ALLOWED)
def test_every_allowed_move_succeeds_and_is_recorded(ctx, state, action):
    case = build(ctx, state, action)
    assert case.status == state
    roles, call = ACTIONS[action]
    actor = ctx[sorted(roles)[0]]
    events, history = case.events.count(), case.history.count()
    call(case, actor, ctx)
    case.refresh_from_db()
    target = workflow.TRANSITIONS[action][1]
    if target == "*":
        assert case.status == S.PERFORMED
    elif target is None:
        assert case.status == state
    else:
        assert case.status == target
    assert case.events.count() == events + 1, "one timeline event per move"
    event = case.events.last()
    assert event.actor == actor and event.from_status == state and event.to_status == case.status
    assert case.history.count() == history + 1, "one history row per move"
    record = case.history.first()
    assert record.history_user == actor and record.history_change_reason


@pytest.mark.parametrize("state", ALL_STATES)
def test_every_other_move_raises_and_changes_nothing(ctx, state):
    case = build(ctx, state)
    for action, (roles, call) in ACTIONS.items():
        if state in workflow.TRANSITIONS[action][0]:
            continue
        before = snapshot(case)
        with pytest.raises(TransitionNotAllowed) as error:
            call(case, ctx[sorted(roles)[0]], ctx)
        if not isinstance(error.value, workflow.AgreementFinalisedError):
            assert str(S(state).label) in str(error.value), action
        assert snapshot(case) == before, action


@pytest.mark.parametrize("state", ALL_STATES)
def test_every_move_is_refused_to_roles_that_may_not_make_it(ctx, users, state):
    checked = 0
    for action, (roles, call) in ACTIONS.items():
        if state not in workflow.TRANSITIONS[action][0]:
            continue
        case = build(ctx, state, action)
        for role, user in users.items():
            if role in roles:
                continue
            before = snapshot(case)
            with pytest.raises(PermissionDenied):
                call(case, user, ctx)
            assert snapshot(case) == before, (action, role)
            checked += 1
    assert checked > 0 or state == S.ARCHIVED


def test_archived_cases_refuse_every_change(ctx):
    assert not [a for a, (states, _to) in workflow.TRANSITIONS.items() if S.ARCHIVED in states]


def test_a_stale_page_is_refused(mediator):
    case = register(mediator)
    version = case.version
    workflow.start_mediation(case, by=mediator, parties_accept=True, expected_version=version)
    with pytest.raises(StaleStateError):
        workflow.record_session(case, by=mediator, held_on=today(), place="村委会", attendees="双方",
                                record="陈述", expected_version=version)


def test_a_party_who_refuses_takes_the_terminate_path_not_an_agreement(mediator):
    case = register(mediator)
    with pytest.raises(ValidationError) as error:
        workflow.start_mediation(case, by=mediator, parties_accept=False)
    assert "第十七条" in str(error.value) or "Art 17" in str(error.value)
    case.refresh_from_db()
    assert case.status == S.REGISTERED
    with pytest.raises(ValidationError):
        workflow.terminate_mediation(case, by=mediator, reason="refused", note="拒绝调解", channels_told=False)
    workflow.terminate_mediation(case, by=mediator, reason="refused", note="被申请人明确拒绝调解", channels_told=True)
    case.refresh_from_db()
    assert case.status == S.TERMINATED and case.channels_told and case.termination == "refused"
    assert not MediationAgreement.objects.filter(case=case).exists()


def test_a_party_who_refuses_to_sign_ends_the_mediation(mediator):
    case = case_in(mediator, S.AGREED)
    agreement = case.agreement
    with pytest.raises(ValidationError) as error:
        workflow.record_signatures(case, by=mediator, effective_on=today(),
                                   signed_parties=[agreement.parties.first().pk], mediator_signed=True,
                                   seal_applied=True)
    assert "signed_parties" in error.value.error_dict
    workflow.terminate_mediation(case, by=mediator, reason="refused", note="被申请人拒绝在协议上签字", channels_told=True)
    case.refresh_from_db()
    assert case.status == S.TERMINATED
    assert case.agreement.effective_on is None


def test_escalation_goes_one_level_at_a_time_and_only_the_next_level_signs_off(mediator, leader, coordinator):
    case = register(mediator, rank=4)
    escalation = workflow.raise_case_escalation(case, by=mediator, reason="村级难以化解")
    assert escalation.to_level.rank == 5
    with pytest.raises(TransitionNotAllowed):
        workflow.raise_case_escalation(case, by=coordinator, reason="再升一级")
    with pytest.raises(PermissionDenied):
        workflow.decide_case_escalation(escalation, by=coordinator, approve=True)
    workflow.decide_case_escalation(escalation, by=leader, approve=True, comment="同意由镇分管领导牵头")
    case.refresh_from_db()
    assert case.ladder_level.rank == 5
    assert case.events.last().action == "approve_escalation"


def test_extension_needs_both_parties_consent(mediator):
    case = register(mediator)
    due = case.due_on
    assert (due - case.registered_on).days >= 30
    with pytest.raises(ValidationError):
        workflow.extend_mediation(case, by=mediator, days=15, reason="等待测绘", parties_agree=False)
    workflow.extend_mediation(case, by=mediator, days=15, reason="等待测绘", parties_agree=True)
    case.refresh_from_db()
    assert case.due_on > due and case.extended


def test_transfer_to_police_needs_a_police_station_of_the_township(mediator, justice, police):
    case = register(mediator)
    with pytest.raises(ValidationError):
        workflow.transfer_case_to_police(case, by=mediator, unit=justice, note="涉嫌故意伤害")
    workflow.transfer_case_to_police(case, by=mediator, unit=police, note="涉嫌故意伤害")
    case.refresh_from_db()
    assert case.status == S.TERMINATED and case.termination == "transferred" and case.transferred_to == police


def test_performance_partly_or_in_default_is_noted_and_the_case_stays(mediator):
    case = case_in(mediator, S.PERFORMING)
    workflow.record_performance(case, by=mediator, performance="partial", note="已拆除围墙，费用未付")
    workflow.record_performance(case, by=mediator, performance="defaulted", note="张三拒绝支付费用")
    case.refresh_from_db()
    assert case.status == S.PERFORMING
    assert case.agreement.performance_status == "defaulted"
    assert "已拆除围墙" in case.agreement.performance_note and "拒绝支付" in case.agreement.performance_note


def test_return_visit_is_due_by_class_after_the_agreement(mediator):
    from office.followup import return_visit_due

    case = case_in(mediator, S.PERFORMING, case_class=3)
    visit = case.return_visits.get()
    assert visit.due_on == return_visit_due(case.township, case.agreement.effective_on, 3)
    assert visit.due_on >= case.agreement.effective_on + datetime.timedelta(days=180)


def test_the_simple_procedure_has_no_return_visit_and_archives_when_performed(mediator):
    case = case_in(mediator, S.PERFORMED, procedure="simple", form="oral")
    assert not case.return_visits.exists()
    with pytest.raises(TransitionNotAllowed):
        workflow.record_return_visit(case, by=mediator, visited_on=today(), method="phone", reached=True, result="好")
    workflow.archive_case(case, by=mediator)
    case.refresh_from_db()
    assert case.status == S.ARCHIVED


def test_a_standard_case_is_visited_before_it_is_archived(mediator):
    case = case_in(mediator, S.PERFORMED)
    with pytest.raises(TransitionNotAllowed):
        workflow.archive_case(case, by=mediator)


def test_judicial_confirmation_within_30_days_of_effect(mediator, frozen_now):
    case = case_in(mediator, S.PERFORMING)
    agreement = case.agreement
    assert agreement.confirmation_due_on >= agreement.effective_on + datetime.timedelta(days=30)
    late = agreement.confirmation_due_on + datetime.timedelta(days=1)
    frozen_now.move_to(datetime.datetime.combine(late, datetime.time(10)).astimezone())
    with pytest.raises(ValidationError) as error:
        workflow.apply_confirmation(case, by=mediator, applied_on=late, court="青溪人民法庭")
    assert "applied_on" in error.value.error_dict
    workflow.apply_confirmation(case, by=mediator, applied_on=agreement.confirmation_due_on, court="青溪人民法庭")
    with pytest.raises(TransitionNotAllowed):
        workflow.apply_confirmation(case, by=mediator, applied_on=agreement.confirmation_due_on, court="青溪人民法庭")
    workflow.record_confirmation(case, by=mediator, result="confirmed", ruling_number="(2026)浙0127民特3号",
                                 ruled_on=late)
    agreement.refresh_from_db()
    assert agreement.confirmation_result == "confirmed" and agreement.confirmation_court == "青溪人民法庭"


def test_an_oral_agreement_only_when_writing_is_waived_and_performance_immediate(mediator):
    case = case_in(mediator, S.MEDIATING)
    for waived, immediate in [(False, True), (True, False)]:
        with pytest.raises(ValidationError):
            workflow.record_oral_agreement(case, by=mediator, agreed_on=today(), terms=["当场赔偿200元"],
                                           writing_waived=waived, immediate_performance=immediate)
    agreement = oral(case, mediator)
    case.refresh_from_db()
    assert case.status == S.PERFORMING
    assert agreement.form == "oral" and agreement.number == "" and agreement.effective_on == today()
    assert agreement.parties.count() == 2, "an oral agreement is still registered with its parties"
    assert not documents_of(case).exists()


def test_drafts_are_saved_incomplete_but_the_deadline_never_precedes_signing(mediator):
    case = case_in(mediator, S.MEDIATING)
    workflow.save_agreement(case, by=mediator, data={"facts": "仅有事实"})
    with pytest.raises(ValidationError) as error:
        draft(case, mediator, performance_deadline=today() - datetime.timedelta(days=1))
    assert "performance_deadline" in error.value.error_dict
    assert MediationAgreement.objects.get(case=case).performance_deadline is None
