import pytest

from petitions.models import Petition
from tests.builders import ID_NUMBERS, PASSWORD

from .conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_clerk_registers_a_letter_with_two_petitioners_and_finds_it_by_the_second_phone(page, clerk, tmp_path):
    scan = tmp_path / "来信扫描.pdf"
    scan.write_bytes(b"%PDF-1.4\n%%EOF\n")
    login(page, "clerk", PASSWORD)
    page.wait_for_url(page.base_url + "/")
    page.goto(page.base_url + "/petitions/new/")
    page.select_option("#id_p-channel", "letter")
    # Group-visit fields are for visits only.
    assert page.locator("#id_p-is_group").is_hidden()
    page.fill("#id_people-0-name", "赵六")
    page.fill("#id_people-0-id_number", ID_NUMBERS[1])
    page.fill("#id_people-0-phone", "13700001234")
    page.click("[data-testid=add-petitioner]")
    page.fill("#id_people-1-name", "钱七")
    page.fill("#id_people-1-phone", "13600005678")
    page.fill("#id_p-title", "工厂拖欠工资")
    page.select_option("#id_p-purpose", "seek_solution")
    page.fill("#id_p-request", "请求督促企业支付拖欠的三个月工资。")
    page.set_input_files("#id_a-files", str(scan))
    page.click("[data-testid=register]")
    page.wait_for_url("**/petitions/*/")
    assert "XF-" in page.locator("[data-testid=case-number]").inner_text()
    assert "来信扫描.pdf" in page.locator("[data-testid=attachments]").inner_text()
    petition = Petition.objects.get()
    assert [p.person.name for p in petition.parties.all()] == ["赵六", "钱七"]

    page.goto(page.base_url + "/petitions/")
    page.fill("input[name=q]", "13600005678")
    page.click("[data-testid=filters] button[type=submit]")
    # Wait for the search's page to load: counting rows straight after the click can read the page
    # half-parsed (CI saw 0 rows once).
    page.wait_for_url("**/petitions/?q=13600005678*")
    rows = page.locator("[data-testid=petition-table] tbody tr")
    assert rows.count() == 1
    assert petition.number in rows.first.inner_text()
    assert "136****5678" in rows.first.inner_text()


def test_typing_a_known_id_number_shows_the_earlier_open_case(page, clerk):
    from tests.builders import register_petition

    earlier = register_petition(clerk)
    login(page, "clerk", PASSWORD)
    page.wait_for_url(page.base_url + "/")
    page.goto(page.base_url + "/petitions/new/")
    page.fill("#id_people-0-id_number", ID_NUMBERS[0])
    cases = page.locator("[data-testid=lookup-cases]")
    cases.wait_for()
    assert earlier.number in cases.inner_text()
    assert "重复信访" in cases.inner_text()
