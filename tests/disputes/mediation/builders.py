"""Builders for mediation cases: every state is reached through the real workflow functions."""
import datetime
import itertools

from django.utils import timezone

from disputes.mediation import services, workflow
from disputes.models import MediationCase
from office.models import EscalationLevel
from tests.builders import valid_id_number

from ..builders import dispute_type

_seq = itertools.count(1)
S = MediationCase.Status

TERMS = ["李四于2026年12月10日前拆除越界围墙1.2米。", "张三承担拆除费用的一半，计人民币800元。", "双方今后友好相处，不再因此事发生争执。"]


def today():
    return timezone.localdate()


def parties(n=None):
    """An applicant and a respondent with everything an agreement states (valid ID numbers)."""
    n = n or next(_seq)
    return [
        services.CaseParty(role="applicant", name=f"张{n}", id_number=valid_id_number(2 * n), phone="13812345678",
                           address="青溪村3组12号", ethnicity="汉族"),
        services.CaseParty(role="respondent", name=f"李{n}", id_number=valid_id_number(2 * n + 1),
                           phone="13987654321", address="青溪村3组14号", ethnicity="回族"),
    ]


def case_data(mediators, *, village=None, rank=1, **overrides):
    values = {
        "committee_village": village,
        "title": "张某与李某宅基地界址纠纷",
        "dispute_type": dispute_type(),
        "facts": "两户因翻建房屋对宅基地界址各执一词。",
        "claims": "请求确认界址并拆除越界围墙。",
        "place": "青溪村3组",
        "mediators": list(mediators),
        "case_class": 1,
        "procedure": MediationCase.Procedure.STANDARD,
        "source": MediationCase.Source.APPLICATION,
        "ladder_level": EscalationLevel.objects.get(rank=rank),
    }
    values.update(overrides)
    return services.CaseData(**values)


def register(mediator, *, by=None, people=None, **overrides):
    """Register a case of the mediator's village committee, mediated by them."""
    village = overrides.pop("village", mediator.staff.village)
    return services.register_case(
        by=by or mediator, data=case_data([mediator], village=village, **overrides), parties=people or parties()
    )


def performance_deadline():
    """Ten days after signing (today): a deadline never before the signing date, whatever today is."""
    return today() + datetime.timedelta(days=10)


def agreement_data(**overrides):
    data = {
        "facts": "张三与李四系邻居。李四翻建房屋时所砌围墙越过界址1.2米。",
        "disputed_matters": "围墙是否越界及拆除费用的承担。",
        "responsibilities": "李四越界砌墙负主要责任；张三未及时提出异议负次要责任。",
        "terms": list(TERMS),
        "performance_manner": "李四自行拆除，张三现金支付费用。",
        "performance_place": "青溪村3组争议地块",
        "performance_deadline": performance_deadline(),
        "signed_on": today(),
    }
    data.update(overrides)
    return data


def draft(case, mediator, **overrides):
    return workflow.save_agreement(case, by=mediator, data=agreement_data(**overrides))


def sign(case, mediator):
    agreement = case.agreement
    return workflow.record_signatures(
        case, by=mediator, effective_on=agreement.signed_on, signed_parties=[p.pk for p in agreement.parties.all()],
        mediator_signed=True, seal_applied=True,
    )


def oral(case, mediator):
    return workflow.record_oral_agreement(
        case, by=mediator, agreed_on=today(), terms=["李四当场赔偿张三损失200元。"], writing_waived=True,
        immediate_performance=True,
    )


def advance(case, mediator, state, *, form="written"):
    """Move a case along the main path to ``state`` (terminated: from mediating) with real transitions."""
    steps = {
        S.REGISTERED: lambda c: workflow.start_mediation(c, by=mediator, parties_accept=True),
        S.MEDIATING: (lambda c: (draft(c, mediator), workflow.finalise_agreement(c, by=mediator)))
        if form == "written" else (lambda c: oral(c, mediator)),
        S.AGREED: lambda c: sign(c, mediator),
        S.PERFORMING: lambda c: workflow.record_performance(
            c, by=mediator, performance="performed", note="围墙已拆除，费用已付清。", performed_on=today()),
        S.PERFORMED: lambda c: workflow.record_return_visit(
            c, by=mediator, visited_on=today(), method="in_person", reached=True, result="协议已履行，双方满意。",
            satisfaction="satisfied") if c.is_standard else workflow.archive_case(c, by=mediator),
        S.VISITED: lambda c: workflow.archive_case(c, by=mediator),
    }
    guard = 0
    while case.status != state:
        if state == S.TERMINATED and case.status == S.MEDIATING:
            workflow.terminate_mediation(case, by=mediator, reason="failed", note="双方分歧过大。", channels_told=True)
        else:
            steps[case.status](case)
        case.refresh_from_db()
        guard += 1
        assert guard < 12, f"cannot reach {state}"
    return case


def case_in(mediator, state, *, form="written", **overrides):
    """Register a case and take it to ``state`` through the real transitions."""
    return advance(register(mediator, **overrides), mediator, state, form=form)
