"""The mediation pages: login, 404 for an unseen case, 403 for a read-only role, POST only for changes,
masked parties with a logged "show", the forms end to end, and a constant number of queries."""
import pytest
from django.test import override_settings
from django.urls import reverse

from disputes.mediation import workflow
from disputes.models import MediationCase
from office.models import AccessLog
from office.roles import MEDIATOR
from tests.builders import make_user

from .builders import agreement_data, case_in, draft, register, today

pytestmark = pytest.mark.django_db
S = MediationCase.Status


def url(name, case, **kwargs):
    return reverse(f"disputes:{name}", kwargs={"pk": case.pk, **kwargs})


def test_pages_need_a_login(client, mediator):
    case = register(mediator)
    for path in ["/disputes/mediation/", "/disputes/mediation/queue/", url("mediation_detail", case)]:
        response = client.get(path)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_case_of_another_committee_or_township_is_a_404(client, township, other_village, other_township, mediator):
    case = register(mediator)
    for user in (make_user(MEDIATOR, township, village=other_village), make_user(MEDIATOR, other_township)):
        client.force_login(user)
        for name in ("mediation_detail", "mediation_start", "mediation_application_pdf", "mediation_agreement"):
            assert client.get(url(name, case)).status_code == 404, name
    client.force_login(make_user(MEDIATOR, township, village=other_village))
    assert case.number not in client.get("/disputes/mediation/").content.decode()


def test_a_clerk_has_no_mediation_section(client, clerk, mediator):
    case = register(mediator)
    client.force_login(clerk)
    assert client.get("/disputes/mediation/").status_code == 403
    assert client.get(url("mediation_detail", case)).status_code == 403


def test_read_only_roles_see_the_case_but_may_not_act(client, handler, leader, mediator):
    case = register(mediator)
    client.force_login(handler)
    page = client.get(url("mediation_detail", case))
    assert page.status_code == 200 and page.context["can"] == {}
    for name in ("mediation_start", "mediation_terminate", "mediation_agreement", "mediation_record_session"):
        assert client.get(url(name, case)).status_code == 403, name
        assert client.post(url(name, case), {"version": case.version}).status_code == 403, name
    client.force_login(leader)
    assert set(client.get(url("mediation_detail", case)).context["can"]) == {"raise_escalation", "transfer_to_police"}
    case.refresh_from_db()
    assert case.status == S.REGISTERED


def test_changes_happen_only_on_post(client, mediator):
    case = register(mediator)
    client.force_login(mediator)
    page = client.get(url("mediation_start", case))
    assert page.status_code == 200 and "action-form" in page.content.decode()
    case.refresh_from_db()
    assert case.status == S.REGISTERED and case.events.count() == 1
    response = client.post(url("mediation_start", case), {"version": case.version, "parties_accept": "on"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == S.MEDIATING


def test_a_refusing_party_is_shown_the_terminate_path(client, mediator):
    case = register(mediator)
    client.force_login(mediator)
    page = client.post(url("mediation_start", case), {"version": case.version})
    assert page.status_code == 200
    assert "第十七条" in page.content.decode() or "Art 17" in page.content.decode()
    case.refresh_from_db()
    assert case.status == S.REGISTERED


def test_a_stale_page_is_refused_with_a_message(client, mediator):
    case = register(mediator)
    client.force_login(mediator)
    old = case.version
    workflow.start_mediation(case, by=mediator, parties_accept=True)
    response = client.post(url("mediation_record_session", case), {
        "version": old, "held_on": today().isoformat(), "place": "村委会", "attendees": "双方", "record": "陈述"},
        follow=True)
    assert "已被他人更新" in response.content.decode() or "changed this case" in response.content.decode()
    assert not case.sessions.exists()


def test_parties_are_masked_until_shown_and_showing_is_logged(client, mediator, handler):
    case = register(mediator)
    person = case.party_links.first().person
    client.force_login(mediator)
    body = client.get(url("mediation_detail", case)).content.decode()
    assert person.id_number not in body and person.id_number[:6] in body
    assert not AccessLog.objects.exists()
    body = client.post(url("mediation_show_personal", case)).content.decode()
    assert person.id_number in body
    log = AccessLog.objects.get()
    assert log.user == mediator and log.action == "show_personal" and case.number in log.target
    client.force_login(handler)
    body = client.post(url("mediation_show_personal", case)).content.decode()
    assert person.id_number not in body, "a handler has no right to full personal data"
    assert AccessLog.objects.count() == 1


def test_a_get_reveals_no_personal_data_and_logs_nothing(client, mediator):
    case = register(mediator)
    person = case.party_links.first().person
    client.force_login(mediator)
    body = client.get(url("mediation_detail", case) + "?personal=1").content.decode()
    assert person.id_number not in body and person.id_number[:6] in body
    assert client.get(url("mediation_show_personal", case)).status_code == 405
    assert not AccessLog.objects.exists()


def test_showing_is_logged_like_a_petition(client, mediator):
    case = register(mediator)
    client.force_login(mediator)
    client.post(url("mediation_show_personal", case))
    people = [link.person_id for link in case.party_links.all()]
    assert AccessLog.objects.get().detail == {"mediation_case": case.pk, "people": people}


def test_register_a_case_through_the_form(client, mediator, village):
    from disputes.models import DisputeType

    client.force_login(mediator)
    page = client.get("/disputes/mediation/new/")
    assert page.status_code == 200
    assert [c[0] for c in page.context["form"].fields["committee"].choices] == [str(village.pk)]
    kind = DisputeType.objects.get(name="相邻关系纠纷")
    data = {
        "committee": str(village.pk), "source": "application", "title": "王某与赵某排水纠纷", "dispute_type": kind.pk,
        "facts": "赵某砌墙堵塞排水沟。", "claims": "请求疏通排水沟。", "case_class": "1", "procedure": "standard",
        "mediators": [mediator.pk], "ladder_level": "",
        "parties-TOTAL_FORMS": "2", "parties-INITIAL_FORMS": "0", "parties-MIN_NUM_FORMS": "2",
        "parties-MAX_NUM_FORMS": "12",
        "parties-0-role": "applicant", "parties-0-name": "王五", "parties-0-id_number": "11010519491231002X",
        "parties-0-phone": "13812345678", "parties-0-ethnicity": "汉族",
        "parties-1-role": "respondent", "parties-1-name": "赵六", "parties-1-ethnicity": "汉族",
    }
    response = client.post("/disputes/mediation/new/", data)
    case = MediationCase.objects.get(title="王某与赵某排水纠纷")
    assert response.status_code == 302 and response["Location"] == url("mediation_detail", case)
    assert case.number == f"TJ-{today().year}-0001" and case.committee_village == village
    assert [(link.role, link.person.name) for link in case.party_links.all()] == [("applicant", "王五"), ("respondent", "赵六")]
    assert list(case.mediators.all()) == [mediator]
    # A mediator registers for their own committee only.
    data["committee"] = "township"
    assert client.post("/disputes/mediation/new/", data).status_code == 200
    assert MediationCase.objects.count() == 1


def test_both_sides_are_needed(client, mediator, village):
    client.force_login(mediator)
    data = {
        "committee": str(village.pk), "source": "application", "title": "纠纷", "dispute_type": "",
        "facts": "事实", "case_class": "1", "procedure": "simple", "mediators": [mediator.pk],
        "parties-TOTAL_FORMS": "2", "parties-INITIAL_FORMS": "0", "parties-MIN_NUM_FORMS": "2",
        "parties-MAX_NUM_FORMS": "12",
        "parties-0-role": "applicant", "parties-0-name": "王五", "parties-1-role": "applicant", "parties-1-name": "赵六",
    }
    page = client.post("/disputes/mediation/new/", data)
    assert page.status_code == 200 and not MediationCase.objects.exists()
    assert page.context["parties"].non_form_errors()


def agreement_post(case, agreement=None, **overrides):
    values = agreement_data(**overrides)
    data = {
        "version": case.version,
        **{k: v for k, v in values.items() if k not in ("terms", "performance_deadline", "signed_on")},
        "terms": "\n".join(f"{i}. {t}" for i, t in enumerate(values["terms"], start=1)),
        "performance_deadline": values["performance_deadline"].isoformat(),
        "signed_on": values["signed_on"].isoformat(),
    }
    links = list(case.party_links.select_related("person"))
    data.update({"parties-TOTAL_FORMS": str(len(links)), "parties-INITIAL_FORMS": str(len(links))})
    for i, link in enumerate(links):
        person = link.person
        data.update({f"parties-{i}-person": person.pk, f"parties-{i}-name": person.name, f"parties-{i}-sex": person.sex,
                     f"parties-{i}-ethnicity": person.ethnicity, f"parties-{i}-birth_date": person.birth_date.isoformat(),
                     f"parties-{i}-id_number": person.id_number, f"parties-{i}-address": person.address,
                     f"parties-{i}-phone": person.phone})
    return data


def test_draft_finalise_and_refuse_editing_with_the_offer_of_a_new_version(client, mediator):
    case = case_in(mediator, S.MEDIATING)
    client.force_login(mediator)
    assert client.get(url("mediation_agreement", case)).status_code == 200
    assert AccessLog.objects.filter(action="show_personal", user=mediator).count() == 1, "the form shows full data"
    data = agreement_post(case)
    data["next"] = "finalise"
    response = client.post(url("mediation_agreement", case), data)
    assert response["Location"] == url("mediation_finalise_agreement", case)
    agreement = case.agreement
    assert agreement.terms[0].startswith("李四于") and len(agreement.terms) == 3, "typed numbering is dropped"
    page = client.get(url("mediation_finalise_agreement", case))
    assert page.context["missing"] == []
    draft_pdf = client.get(url("mediation_draft_pdf", case))
    assert draft_pdf["Content-Type"] == "application/pdf"
    case.refresh_from_db()
    assert client.post(url("mediation_finalise_agreement", case), {"version": case.version}).status_code == 302
    case.refresh_from_db()
    agreement.refresh_from_db()
    assert case.status == S.AGREED and agreement.number.endswith("人调字第1号")

    response = client.get(url("mediation_agreement", case), follow=True)
    message = response.content.decode()
    assert "offer-correction" in message and url("mediation_correct", case) in message
    response = client.post(url("mediation_agreement", case), agreement_post(case), follow=True)
    assert "offer-correction" in response.content.decode()
    assert client.get(url("mediation_draft_pdf", case))["Location"] == url(
        "mediation_document", case, document_id=agreement.document_id)

    data = agreement_post(case, performance_place="青溪村3组争议地块东侧")
    data["reason"] = "更正履行地点"
    assert client.post(url("mediation_correct", case), data).status_code == 302
    agreement.refresh_from_db()
    assert agreement.document.version == 2 and agreement.document.supersedes.version == 1


def test_finalising_an_incomplete_agreement_lists_what_is_missing(client, mediator):
    case = case_in(mediator, S.MEDIATING)
    draft(case, mediator, disputed_matters="", performance_place="")
    client.force_login(mediator)
    case.refresh_from_db()
    page = client.post(url("mediation_finalise_agreement", case), {"version": case.version})
    assert page.status_code == 200
    body = page.content.decode()
    errors = page.context["form"].non_field_errors()
    assert len(errors) == 2 and all(item in body for item in errors)
    case.refresh_from_db()
    assert case.status == S.MEDIATING and case.agreement.number == ""


def test_the_agreement_pdf_needs_the_right_to_personal_data(client, mediator, handler, coordinator):
    case = case_in(mediator, S.AGREED)
    document = case.agreement.document
    client.force_login(handler)
    assert client.get(url("mediation_document", case, document_id=document.pk)).status_code == 403
    client.force_login(coordinator)
    response = client.get(url("mediation_document", case, document_id=document.pk))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert AccessLog.objects.get(user=coordinator).detail["sha256"] == document.sha256


def test_application_and_return_visit_pdfs(client, mediator, handler):
    case = case_in(mediator, S.VISITED)
    client.force_login(mediator)
    for path in (url("mediation_application_pdf", case),
                 url("mediation_visit_pdf", case, visit_id=case.return_visits.get().pk)):
        response = client.get(path)
        assert response.status_code == 200 and response.content.startswith(b"%PDF")
    client.force_login(handler)
    assert client.get(url("mediation_application_pdf", case)).status_code == 200
    assert not AccessLog.objects.filter(user=handler).exists(), "a masked print is not logged"


def test_the_queue_lists_what_needs_doing(client, mediator, coordinator):
    due = register(mediator)
    agreed = case_in(mediator, S.AGREED)
    performing = case_in(mediator, S.PERFORMING, case_class=1)
    client.force_login(mediator)
    page = client.get("/disputes/mediation/queue/")
    assert page.status_code == 200
    assert [c.pk for c in page.context["due"]] == [due.pk]
    assert [c.pk for c in page.context["signatures"]] == [agreed.pk]
    assert [c.pk for c in page.context["performing"]] == [performing.pk]
    assert [c.pk for c in page.context["windows"]] == [performing.pk]
    assert [v.case_id for v in page.context["visits"]] == [performing.pk]
    other = make_user(MEDIATOR, mediator.staff.township, village=mediator.staff.village)
    client.force_login(other)
    assert client.get("/disputes/mediation/queue/").context["due"] == [], "a mediator's queue holds their own cases"
    client.force_login(coordinator)
    assert len(client.get("/disputes/mediation/queue/").context["due"]) == 1


@override_settings(LIST_PAGE_SIZE=2)
def test_each_queue_section_shows_its_first_page_and_pages_on_its_own(client, mediator):
    cases = [register(mediator, title=f"纠纷{i}") for i in range(5)]
    MediationCase.objects.filter(pk__in=[c.pk for c in cases]).update(due_on=cases[0].due_on)  # one due date
    client.force_login(mediator)
    queue = client.get("/disputes/mediation/queue/")
    assert [c.pk for c in queue.context["due"]] == [cases[0].pk, cases[1].pk]
    assert queue.context["totals"]["due"] == 5
    assert 'href="?section=due"' in queue.content.decode()
    seen, response = [], client.get("/disputes/mediation/queue/", {"section": "due"})
    while True:
        page = response.context["page"]
        seen += [c.pk for c in page]
        if not page.has_next():
            break
        response = client.get("/disputes/mediation/queue/", {"section": "due", "cursor": page.next_cursor})
        assert 'data-testid="queue-signatures"' not in response.content.decode()
    assert seen == [c.pk for c in cases]
    forged = client.get("/disputes/mediation/queue/", {"section": "due", "cursor": "x"})
    assert [c.pk for c in forged.context["page"]] == [cases[0].pk, cases[1].pk]


def test_the_list_filters_and_searches(client, coordinator, mediator):
    register(mediator, title="王某排水纠纷")
    case_in(mediator, S.TERMINATED, title="李某借款纠纷")
    client.force_login(coordinator)
    page = client.get("/disputes/mediation/?q=排水")
    assert [c.title for c in page.context["page"].object_list] == ["王某排水纠纷"]
    page = client.get("/disputes/mediation/?status=terminated")
    assert [c.title for c in page.context["page"].object_list] == ["李某借款纠纷"]
    page = client.get(f"/disputes/mediation/?committee={mediator.staff.village_id}&sort=-due")
    assert page.context["page"].paginator.count == 2


def grow(mediator, n):
    """n more cases: one mediating with a session, one with an agreement in effect."""
    for _ in range(n):
        case = case_in(mediator, S.MEDIATING)
        workflow.record_session(case, by=mediator, held_on=today(), place="村委会", attendees="双方", record="陈述")
        case_in(mediator, S.PERFORMING)


PAGES = [
    # The session, the user with staff, roles and permissions (office/auth.py) and the menu's counts in one
    # query (reports/queues.py) are part of every page; the number does not grow with the data.
    ("list", "/disputes/mediation/", "coordinator", 11),
    ("list of a mediator", "/disputes/mediation/", "mediator", 10),
    ("filtered list", "/disputes/mediation/?q=纠纷&status=performing&sort=due", "coordinator", 11),
    ("queue", "/disputes/mediation/queue/", "mediator", 8),
    ("a queue section", "/disputes/mediation/queue/?section=due", "mediator", 6),
]


@pytest.mark.parametrize("name, path, role, queries", PAGES, ids=[p[0] for p in PAGES])
def test_pages_run_a_constant_number_of_queries(name, path, role, queries, request, client, mediator,
                                               django_assert_num_queries):
    client.force_login(request.getfixturevalue(role))
    grow(mediator, 1)
    with django_assert_num_queries(queries):
        assert client.get(path).status_code == 200
    grow(mediator, 4)
    with django_assert_num_queries(queries):
        assert client.get(path).status_code == 200


def test_the_case_page_runs_a_constant_number_of_queries(client, mediator, leader, django_assert_num_queries):
    from disputes.mediation.services import CaseParty
    from tests.builders import valid_id_number

    from .builders import advance

    def busy_case(parties, sessions, seed):
        people = [CaseParty(role="applicant" if i < parties // 2 else "respondent", name=f"当事人{seed + i}",
                            id_number=valid_id_number(seed + i), phone="13812345678", address=f"青溪村{i}组")
                  for i in range(parties)]
        case = register(mediator, people=people, rank=4)
        workflow.start_mediation(case, by=mediator, parties_accept=True)
        for i in range(sessions):
            workflow.record_session(case, by=mediator, held_on=today(), place=f"地点{i}", attendees="各方", record="陈述")
        escalation = workflow.raise_case_escalation(case, by=mediator, reason="难以化解")
        workflow.decide_case_escalation(escalation, by=leader, approve=True, comment="同意")
        workflow.extend_mediation(case, by=mediator, days=10, reason="等待鉴定", parties_agree=True)
        case.refresh_from_db()
        return advance(case, mediator, S.PERFORMING)

    small, big = busy_case(2, 1, 100), busy_case(8, 6, 200)
    assert big.party_links.count() == 8 and big.events.count() == small.events.count() + 5
    client.force_login(mediator)
    client.get(url("mediation_detail", small))  # warm the content-type cache
    with django_assert_num_queries(7):  # the menu's counts in one query, the case and all under it in one
        assert client.get(url("mediation_detail", small)).status_code == 200
    with django_assert_num_queries(7):  # the menu's counts in one query, the case and all under it in one
        assert client.get(url("mediation_detail", big)).status_code == 200
