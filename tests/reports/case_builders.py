"""A petition and a mediation case with everything their pages show, and the people who open them:
every role of the township, the 县级督办, and those asked to decide an escalation (issue 16)."""
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from disputes.mediation import workflow as mediation
from office.models import County, EscalationLevel
from office.roles import COUNTY_SUPERVISOR, HANDLER, ROLE_GROUPS
from petitions import services, workflow
from tests.builders import PASSWORD, advance, petition_data, valid_id_number
from tests.disputes.mediation.builders import advance as advance_case
from tests.disputes.mediation.builders import parties, register


def county_supervisor(township):
    """The 县级督办 of the township's county (docs/domain.md §10)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from office.models import Staff

    county = township.county or County.objects.create(name="清河县", short_name="清河", code="qinghe")
    if township.county_id is None:
        township.county = county
        township.save()
    user = get_user_model().objects.create_user(username="county", password=PASSWORD)
    user.groups.add(Group.objects.get(name=ROLE_GROUPS[COUNTY_SUPERVISOR]))
    Staff.objects.create(user=user, county=county)
    return user


def petition_decider(township, police):
    """The police station's head at rank 6 (相关单位责任人): sees the case only because asked to decide."""
    from tests.builders import make_user

    return make_user(HANDLER, township, unit=police, username="decider",
                     ladder_level=EscalationLevel.objects.get(rank=6))


def mediation_decider(township, village):
    """A rank-2 post of the case's village: sees the case only because asked to decide its escalation."""
    from tests.builders import make_user

    return make_user(HANDLER, township, village=village, username="village2",
                     ladder_level=EscalationLevel.objects.get(rank=2))


def full_petition(users, decider, n=0, related=()):
    """A case with several petitioners, attachments, a related case, a supervision and its result, a
    refused and a pending escalation, an approved extension, progress notes, the reply, the opinion and
    the return visit (every section of the case page)."""
    people = [{"name": f"全{n}-{j}", "id_number": valid_id_number(500 + n * 10 + j), "phone": f"1370000{n:02d}{j:02d}"}
              for j in range(3)]
    petition, _ = services.register_petition(by=users["clerk"], data=petition_data(title=f"全面{n}"),
                                             petitioners=people, related=list(related))
    for i in range(2):
        services.add_attachment(petition, by=users["clerk"], kind="letter", upload=SimpleUploadedFile(
            f"{i}.pdf", b"%PDF-1.4 x", content_type="application/pdf"))
    workflow.supervise_petition(petition, by=users["coordinator"], kind="supervision", note="请按期办理")
    refused = workflow.raise_escalation(petition, by=users["coordinator"], reason="涉及多个部门")
    workflow.decide_escalation(refused, by=decider, approve=False, comment="由中心继续办理")
    workflow.raise_escalation(petition, by=users["coordinator"], reason="群众反映强烈")
    petition.refresh_from_db()
    advance(petition, users, "in_progress")
    workflow.request_extension(petition, by=users["handler"], days=20, reason="需要现场测绘")
    petition.refresh_from_db()
    workflow.approve_extension(petition, by=users["leader"])
    petition.refresh_from_db()
    workflow.add_progress_note(petition, by=users["handler"], note="已走访双方当事人")
    workflow.record_supervision_result(petition.supervisions.first(), by=users["handler"], result="已按要求办理")
    petition.refresh_from_db()
    advance(petition, users, "visited")
    return petition


def full_mediation(mediator, decider, leader, n=0):
    """A mediation case with parties, sessions, a signed written agreement, its performance and return
    visit, a refused and a pending escalation, documents and history."""
    case = register(mediator, people=parties(100 + n))
    advance_case(case, mediator, "mediating")
    for day in range(2):
        mediation.record_session(case, by=mediator, held_on=timezone.localdate(), place="村委会",
                                 attendees="双方当事人", record=f"第{day + 1}次调解")
        case.refresh_from_db()
    refused = mediation.raise_case_escalation(case, by=mediator, reason="村级难以化解")
    mediation.decide_case_escalation(refused, by=decider, approve=False, comment="继续调解")
    case.refresh_from_db()
    mediation.raise_case_escalation(case, by=mediator, reason="再请村里协调")
    case.refresh_from_db()
    advance_case(case, mediator, "performed")
    return case


__all__ = ["full_mediation", "full_petition", "county_supervisor", "mediation_decider", "petition_decider"]
