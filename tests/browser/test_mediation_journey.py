"""A village mediator, on a phone (390 × 844), takes a dispute from the screening ledger to a signed
agreement: opens the mediation case from the ledger entry, starts it, drafts the agreement, finalises
it, downloads the stored PDF, and records the signatures — and the ledger entry is resolved."""
import datetime
from io import BytesIO

import pytest
from django.utils import timezone
from pypdf import PdfReader

from disputes.models import LedgerEntry, MediationCase
from disputes.screening.services import PartyData
from tests.builders import PASSWORD, valid_id_number
from tests.disputes.builders import found_entry

from .conftest import login
from .test_disputes_journey import fits_the_phone

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_from_a_ledger_entry_to_a_downloaded_agreement(phone_page, mediator):
    entry = found_entry(mediator, title="张三与李四宅基地界址纠纷", parties=[
        PartyData(name="张三", id_number=valid_id_number(7), phone="13812345678", address="青溪村3组12号"),
        PartyData(name="李四", id_number=valid_id_number(8), phone="13987654321", address="青溪村3组14号"),
    ])
    page = phone_page
    login(page, "mediator", PASSWORD)
    page.wait_for_url(page.base_url + "/")
    page.goto(f"{page.base_url}/disputes/entries/{entry.pk}/")
    assert fits_the_phone(page)
    page.click("[data-testid=open-mediation]")
    page.wait_for_url(f"**/disputes/entries/{entry.pk}/open-mediation/")
    assert fits_the_phone(page)
    page.fill("#id_claims", "请求确认界址，拆除越界围墙。")
    page.click("[data-testid=register]")
    page.wait_for_url("**/disputes/mediation/*/")
    case = MediationCase.objects.get()
    assert case.ledger_entry_id == entry.pk
    assert fits_the_phone(page)

    page.click("[data-action=start]")
    page.check("#id_parties_accept")
    page.click("[data-testid=confirm]")
    page.wait_for_url(f"**/disputes/mediation/{case.pk}/")
    assert page.locator("[data-testid=mediation-status]").first.get_attribute("data-status") == "mediating"

    page.click("[data-action=save_agreement]")
    page.wait_for_url(f"**/disputes/mediation/{case.pk}/agreement/")
    assert fits_the_phone(page)
    assert page.locator("[data-testid=agreement-party]").count() == 2
    deadline = timezone.localdate() + datetime.timedelta(days=20)
    page.fill("#id_disputed_matters", "围墙是否越界及拆除费用的承担。")
    page.fill("#id_responsibilities", "李四越界砌墙负主要责任。")
    page.fill("#id_terms", "1. 李四拆除越界围墙。\n2. 张三承担拆除费用800元。")
    page.fill("#id_performance_manner", "李四自行拆除，张三现金支付。")
    page.fill("#id_performance_place", "青溪村3组争议地块")
    page.fill("#id_performance_deadline", deadline.isoformat())
    page.click("[data-testid=save-and-finalise]")
    page.wait_for_url(f"**/disputes/mediation/{case.pk}/finalise-agreement/")
    assert page.locator("[data-testid=missing]").count() == 0
    page.click("[data-testid=confirm]")
    page.wait_for_url(f"**/disputes/mediation/{case.pk}/")
    number = page.locator("[data-testid=agreement-number]").inner_text().strip()
    assert number == f"({timezone.localdate().year})青溪村人调字第1号"

    href = page.locator("[data-testid=agreement-pdf]").get_attribute("href")
    response = page.request.get(page.base_url + href)
    assert response.ok and response.headers["content-type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(BytesIO(response.body())).pages).replace(" ", "").replace("\n", "")
    assert number in text and "张三" in text and "李四" in text and valid_id_number(7) in text
    assert f"{deadline.year}年{deadline.month}月{deadline.day}日" in text and "草稿" not in text

    page.click("[data-action=record_signatures]")
    for box in page.locator("input[name=signed_parties]").all():
        box.check()
    page.check("#id_mediator_signed")
    page.check("#id_seal_applied")
    page.click("[data-testid=confirm]")
    page.wait_for_url(f"**/disputes/mediation/{case.pk}/")
    assert page.locator("[data-testid=mediation-status]").first.get_attribute("data-status") == "performing"
    page.click("[data-testid=linked-entry]")
    page.wait_for_url(f"**/disputes/entries/{entry.pk}/")
    assert LedgerEntry.objects.get(pk=entry.pk).status == "resolved"
    assert "已化解" in page.locator("body").inner_text()

    # The lists the mediator works from fit the phone too.
    for path in ("/disputes/mediation/", "/disputes/mediation/queue/"):
        page.goto(page.base_url + path)
        assert fits_the_phone(page), path
    assert page.locator("[data-testid=queue-performing]").inner_text().count(number) == 1
