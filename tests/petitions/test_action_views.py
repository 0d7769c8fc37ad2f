"""The workflow in the browser's terms: confirmation pages, POST only, 404/403, clear messages."""
import pytest
from django.urls import reverse
from django.utils import timezone

from petitions import workflow
from petitions.models import Petition
from tests.builders import petition_in_state, register_petition

pytestmark = pytest.mark.django_db


def url(name, petition):
    return reverse(f"petitions:{name}", args=[petition.pk])


def test_case_page_offers_only_the_actions_the_user_may_take_now(client, users):
    petition = register_petition(users["clerk"])
    client.force_login(users["clerk"])
    body = client.get(url("detail", petition)).content.decode()
    assert 'data-action="propose_decision"' in body
    assert 'data-action="approve_decision"' not in body
    client.force_login(users["leader"])
    body = client.get(url("detail", petition)).content.decode()
    assert 'data-action="propose_decision"' not in body
    assert 'data-action="supervise"' in body


def test_propose_then_sign_off_through_the_pages(client, users):
    petition = register_petition(users["clerk"])
    client.force_login(users["clerk"])
    page = client.get(url("propose_decision", petition))
    assert page.status_code == 200 and "15" in page.content.decode()
    response = client.post(url("propose_decision", petition), {
        "version": petition.version, "decision": "accept", "reasons": "符合受理条件", "case_class": "1",
    })
    assert response.status_code == 302
    petition.refresh_from_db()
    assert petition.status == Petition.Status.DECISION_REVIEW and petition.case_class == 1
    client.force_login(users["leader"])
    response = client.post(url("approve_decision", petition), {"version": petition.version, "comment": "同意"}, follow=True)
    assert "已完成" in response.content.decode()
    # After signing, the leader is back in 待我审批 (the next item on top), not on the case.
    assert response.redirect_chain[-1][0] == reverse("petitions:queue", args=["sign-offs"])
    petition.refresh_from_db()
    assert petition.status == Petition.Status.ACCEPTED
    assert "受理告知书" in client.get(url("detail", petition)).content.decode()


def test_field_errors_for_bad_input_and_nothing_changes(client, users):
    petition = register_petition(users["clerk"])
    client.force_login(users["clerk"])
    response = client.post(url("propose_decision", petition), {
        "version": petition.version, "decision": "not_accept", "reasons": "不属于信访事项", "case_class": "2",
    })
    assert response.status_code == 200
    assert "法定途径" in response.content.decode()
    petition.refresh_from_db()
    assert petition.status == Petition.Status.REGISTERED


def test_extension_over_the_limit_and_a_second_extension_are_refused(client, users):
    petition = petition_in_state(users, "in_progress")
    client.force_login(users["handler"])
    response = client.post(url("request_extension", petition), {"version": petition.version, "days": 31, "reason": "复杂"})
    assert response.status_code == 200 and "不得超过30日" in response.content.decode()
    response = client.post(url("request_extension", petition), {"version": petition.version, "days": 30, "reason": "复杂"})
    assert response.status_code == 302
    workflow.approve_extension(petition, by=users["leader"])
    petition.refresh_from_db()
    response = client.post(url("request_extension", petition), {"version": petition.version, "days": 5, "reason": "再延"},
                           follow=True)
    assert "只能延长一次" in response.content.decode()
    assert petition.extensions.count() == 1


def test_reply_without_legal_basis_or_opinion_gets_field_errors(client, users):
    petition = petition_in_state(users, "in_progress")
    client.force_login(users["handler"])
    response = client.post(url("submit_reply", petition), {
        "version": petition.version, "request_summary": "诉求", "facts": "事实", "legal_basis": "", "review_note": "复查",
    })
    body = response.content.decode()
    assert response.status_code == 200 and body.count("这个字段是必填项") >= 2
    petition.refresh_from_db()
    assert petition.status == Petition.Status.IN_PROGRESS


def test_a_stale_page_is_told_the_case_changed(client, users):
    petition = register_petition(users["clerk"])
    stale_version = petition.version
    workflow.propose_decision(petition, by=users["coordinator"], decision="accept", reasons="符合")
    client.force_login(users["clerk"])
    response = client.post(url("propose_decision", petition), {
        "version": stale_version, "decision": "accept", "reasons": "符合", "case_class": "2",
    }, follow=True)
    assert "已被他人更新" in response.content.decode()
    assert petition.events.filter(action="propose_decision").count() == 1


def test_action_not_allowed_in_this_state_is_a_clear_message_not_a_500(client, users):
    petition = petition_in_state(users, "accepted")
    client.force_login(users["clerk"])
    response = client.post(url("propose_decision", petition), {
        "version": petition.version, "decision": "accept", "reasons": "符合", "case_class": "2",
    }, follow=True)
    assert response.status_code == 200
    assert "不能“提出受理意见”" in response.content.decode()


def test_changes_are_post_only_404_for_unseen_403_for_read_only(client, users, outsider):
    petition = register_petition(users["clerk"])
    client.force_login(users["clerk"])
    response = client.get(url("propose_decision", petition))
    assert response.status_code == 200  # the confirmation page
    assert petition.events.count() == 1  # a GET changes nothing
    client.force_login(outsider)
    assert client.get(url("propose_decision", petition)).status_code == 404
    assert client.post(url("propose_decision", petition), {}).status_code == 404
    client.force_login(users["leader"])
    assert client.get(url("propose_decision", petition)).status_code == 403
    assert client.post(url("propose_decision", petition), {"version": 1}).status_code == 403


def test_archived_case_offers_no_change(client, users):
    petition = petition_in_state(users, "archived")
    client.force_login(users["clerk"])
    body = client.get(url("detail", petition)).content.decode()
    assert "已归档：只读" in body
    assert 'data-action="' not in body
    assert "修改登记信息" not in body
    response = client.post(url("add_note", petition), {"version": petition.version, "note": "x"})
    assert response.status_code == 403
    client.force_login(users["leader"])
    body = client.get(url("detail", petition)).content.decode()
    assert 'data-action="reopen"' in body


def test_issued_documents_are_served_from_storage_unchanged(client, users, settings):
    from office.documents import documents_of

    petition = petition_in_state(users, "accepted")
    document = documents_of(petition).get()
    client.force_login(users["clerk"])
    response = client.get(reverse("petitions:download_document", args=[petition.pk, document.pk]))
    from office.pdf import sha256_of

    assert response.status_code == 200 and sha256_of(response.content) == document.sha256


def test_queues_list_the_right_cases_with_counts_in_the_menu(client, users):
    overdue = register_petition(users["clerk"], received_on=timezone.localdate() - timezone.timedelta(days=40))
    fresh = register_petition(users["clerk"])
    review = petition_in_state(users, "reply_review")
    client.force_login(users["coordinator"])
    body = client.get(reverse("petitions:queue", args=["overdue"])).content.decode()
    assert overdue.title in body and fresh.number not in body
    body = client.get(reverse("petitions:queue", args=["reply-signoff"])).content.decode()
    assert review.number in body and overdue.number not in body
    assert 'data-queue="awaiting-decision"' in body
    client.force_login(users["leader"])
    body = client.get(reverse("petitions:queue", args=["sign-offs"])).content.decode()
    assert review.number in body
    assert client.get(reverse("petitions:queue", args=["returned"])).status_code == 404  # not a leader's queue


def test_referral_notifies_the_handler_after_commit(users, django_capture_on_commit_callbacks):
    from office.models import Notification

    petition = petition_in_state(users, "accepted")
    with django_capture_on_commit_callbacks(execute=True):
        workflow.assign_petition(petition, by=users["leader"], instruction="请办理", lead_leader=users["leader"],
                                 unit=users["handler"].staff.unit, handler=users["handler"])
    note = Notification.objects.get(user=users["handler"])
    assert petition.number in note.text and note.url == url("detail", petition)
