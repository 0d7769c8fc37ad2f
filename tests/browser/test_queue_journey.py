"""The leader clears 待我审批 item by item (issue 12 §1): open the next item, sign, land back in the
queue with the next one on top, until the queue is empty."""
import pytest

from petitions.models import Petition
from tests.builders import PASSWORD, advance, petition_in_state, register_petition

from .conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_leader_clears_the_sign_off_queue_item_by_item(page, users):
    decision = advance(register_petition(users["clerk"]), users, "decision_review")
    replies = [petition_in_state(users, "reply_review") for _ in range(2)]
    expected = {decision.pk, *(p.pk for p in replies)}

    login(page, "leader", PASSWORD)
    page.wait_for_url(page.base_url + "/")
    page.click("[data-testid=queues]")
    page.click("[data-queue=sign-offs]")
    page.wait_for_url("**/petitions/queues/sign-offs/")
    signed = []
    for left in (3, 2, 1):
        rows = page.locator("[data-testid=petition-table] tbody tr")
        assert rows.count() == left
        awaits = page.locator("[data-testid=next-item] [data-testid=awaits]").inner_text()
        assert awaits in ("受理意见待批", "答复待审签")
        page.click("[data-testid=open-next]")
        page.wait_for_url("**/petitions/*/")
        action = "approve_decision" if awaits == "受理意见待批" else "approve_reply"
        signed.append(int(page.url.rstrip("/").rsplit("/", 1)[1]))
        page.click(f"[data-action={action}]")
        page.wait_for_selector("[data-testid=action-form]")
        page.click("[data-testid=confirm]")
        page.wait_for_url("**/petitions/queues/sign-offs/")
        assert "已完成" in page.locator("[data-testid=messages]").inner_text()
    assert page.locator("[data-testid=petition-table] tbody tr").inner_text().strip() == "没有符合条件的信访事项。"
    assert set(signed) == expected
    assert not Petition.objects.filter(status__in=[Petition.Status.DECISION_REVIEW, Petition.Status.REPLY_REVIEW]).exists()
