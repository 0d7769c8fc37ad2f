"""The village mediator files on a phone (390 × 844): a round with two disputes this week, a zero
report the next week; the coordinator sees both on the compliance board."""
import datetime

import pytest
import time_machine
from django.utils import timezone

from disputes.models import LedgerEntry, ScreeningRound
from tests.builders import PASSWORD

from .conftest import login, logout

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fits_the_phone(page):
    """No sideways scrolling at 390 px."""
    return page.evaluate("document.documentElement.scrollWidth") <= 390


def fill_entry(page, index, title, dispute_type, risk_position, party1, party2=""):
    prefix = f"#id_entries-{index}-"
    page.fill(prefix + "title", title)
    page.select_option(prefix + "dispute_type", label=dispute_type)
    page.check(f"{prefix}risk_level_{risk_position}")
    page.fill(prefix + "facts", f"{title}：双方争执不下。")
    page.fill(prefix + "party1_name", party1)
    if party2:
        page.fill(prefix + "party2_name", party2)


# A Wednesday: a week later (also a Wednesday) last week's round is past its grace day (the
# week ends on Sunday, one grace day follows), so a village that has not filed shows as missing.
# On a Monday that moment would be the grace day itself and the round still pending.
WEDNESDAY = datetime.datetime(2026, 11, 18, 10, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))


@time_machine.travel(WEDNESDAY, tick=True)
def test_mediator_files_two_disputes_then_a_zero_report_and_the_coordinator_sees_both(
    phone_page, mediator, coordinator
):
    page = phone_page
    login(page, "mediator", PASSWORD)
    page.wait_for_url(page.base_url + "/")
    page.goto(page.base_url + "/disputes/")
    assert fits_the_phone(page)
    page.click("[data-testid=file-round]")
    page.wait_for_url("**/disputes/rounds/new/")
    assert fits_the_phone(page)

    fill_entry(page, 0, "张某与李某宅基地界址纠纷", "宅基地纠纷", 1, "张三", "李四")
    page.fill("#id_entries-0-party1_phone", "13812345678")
    page.click("[data-testid=add-entry]")
    page.locator("#id_entries-1-title").wait_for()
    assert page.locator("[data-testid=entry-form]").count() == 2
    fill_entry(page, 1, "王某等人追讨工资纠纷", "拖欠工资纠纷", 2, "王五")
    page.fill("#id_entries-1-head_count", "8")
    page.check("#id_entries-1-may_become_group")
    page.click("[data-testid=file-round-submit]")
    page.wait_for_url("**/disputes/rounds/*/")
    assert "新发现纠纷 2 件" in page.locator("[data-testid=messages]").inner_text()
    assert page.locator("[data-testid=new-entries] [data-testid=entry-card]").count() == 2
    assert fits_the_phone(page)
    first = ScreeningRound.objects.get()
    assert not first.zero_report and first.found_entries.count() == 2
    assert LedgerEntry.objects.get(title="王某等人追讨工资纠纷").may_become_group
    logout(page)

    with time_machine.travel(timezone.now() + datetime.timedelta(days=7), tick=True):
        login(page, "mediator", PASSWORD)
        page.wait_for_url(page.base_url + "/")
        page.goto(page.base_url + "/disputes/rounds/new/")
        # Last week's two disputes are carried over, still being worked on.
        assert page.locator("[data-testid=carry-over]").count() == 2
        page.click("[data-testid=zero-report]")
        page.click("[data-testid=confirm-zero]")  # one confirmation
        page.wait_for_url("**/disputes/rounds/*/")
        assert page.locator("[data-testid=zero-report-flag]").is_visible()
        assert page.locator("[data-testid=carried-entries] [data-testid=entry-card]").count() == 2
        second = ScreeningRound.objects.exclude(pk=first.pk).get()
        assert second.zero_report and second.starts_on == first.starts_on + datetime.timedelta(days=7)
        logout(page)

        login(page, "coordinator", PASSWORD)
        page.wait_for_url(page.base_url + "/")
        page.goto(page.base_url + "/disputes/compliance/")
        assert fits_the_phone(page)  # the grid scrolls inside its own box
        row = page.locator("[data-testid=village-grid] tr[data-unit=青溪村] td")
        # Newest first: next week's zero report, then this week's round.
        assert row.nth(0).get_attribute("data-state") == "on_time zero"
        assert "零报告" in row.nth(0).inner_text()
        assert row.nth(1).get_attribute("data-state") == "on_time"
        other = page.locator("[data-testid=village-grid] tr[data-unit=柳塘村] td")
        assert other.nth(1).get_attribute("data-state") == "missing"
        assert "柳塘村" in page.locator("[data-testid=to-chase]").inner_text()
        row.nth(1).locator("a").click()
        page.wait_for_url(f"**/disputes/rounds/{first.pk}/")
        assert page.locator("[data-testid=new-entries] [data-testid=entry-card]").count() == 2
        page.locator("[data-testid=new-entries] [data-testid=entry-card]").first.click()
        page.wait_for_url("**/disputes/entries/*/")
        assert fits_the_phone(page)
        assert page.locator("[data-testid=entry-actions] a").count() >= 4
