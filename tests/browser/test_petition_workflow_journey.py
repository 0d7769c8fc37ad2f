"""From registration to archive in the browser, switching between clerk, leader, handler and coordinator."""
import pytest

from petitions.models import Petition
from tests.builders import PASSWORD

from .conftest import act, login, logout

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SIGN_OFFS = "**/petitions/queues/sign-offs/"


def switch(page, username):
    logout(page)
    page.wait_for_url("**/accounts/login/")
    login(page, username, PASSWORD)
    page.wait_for_url(page.base_url + "/")


def test_registration_to_archive(page, users):
    login(page, "clerk", PASSWORD)
    page.wait_for_url(page.base_url + "/")
    page.goto(page.base_url + "/petitions/new/")
    page.fill("#id_people-0-name", "周大伟")
    page.fill("#id_people-0-phone", "13912345678")
    page.fill("#id_p-title", "承包地被占用")
    page.select_option("#id_p-purpose", "seek_solution")
    page.fill("#id_p-request", "请求恢复被占用的承包地。")
    page.click("[data-testid=register]")
    page.wait_for_url("**/petitions/*/")
    case_url = page.url
    petition = Petition.objects.get()

    act(page, case_url, "propose_decision", fields={"reasons": "属本镇职权，符合受理条件。"},
        checks=["input[name=decision][value=accept]"])
    switch(page, "leader")
    # A sign-off takes the leader back to 待我审批, not to the case.
    act(page, case_url, "approve_decision", lands=SIGN_OFFS)
    handler = users["handler"]
    act(page, case_url, "assign", fields={"instruction": "请司法所会同村委会调查处理。"},
        selects={"unit": str(handler.staff.unit_id), "handler": str(handler.pk), "lead_leader": str(users["leader"].pk)})
    switch(page, "handler")
    act(page, case_url, "sign_for")
    act(page, case_url, "submit_reply", fields={"facts": "经查，占地属实。", "legal_basis": "《农村土地承包法》第五十七条。"},
        checks=["input[name=finding][value=support]"])
    switch(page, "leader")
    act(page, case_url, "approve_reply", lands=SIGN_OFFS)
    switch(page, "clerk")
    act(page, case_url, "serve_reply", selects={"method": "in_person"})
    act(page, case_url, "record_opinion", checks=["input[name=opinion][value=satisfied]"])
    switch(page, "coordinator")
    act(page, case_url, "record_return_visit", fields={"result": "已恢复耕种，信访人满意。"},
        checks=["input[name=reached][value='1']"])
    act(page, case_url, "archive")

    assert page.locator("[data-testid=status]").inner_text() == "已归档"
    documents = page.locator("[data-testid=documents]").inner_text()
    assert "受理告知书" in documents and "处理意见书" in documents and "卷宗" in documents
    petition.refresh_from_db()
    assert petition.status == Petition.Status.ARCHIVED
    assert petition.events.count() == 11
