"""The leader opens the dashboard, follows the 按期办结率 number to its cases, and downloads the 月报."""
import datetime
from zoneinfo import ZoneInfo

import openpyxl
import pytest
import time_machine

from petitions import workflow
from tests.builders import PASSWORD, REPLY, advance, register_petition

from .conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_leader_follows_the_on_time_rate_to_its_cases_and_downloads_the_monthly_report(page, users, tmp_path):
    from django.utils import timezone

    today = timezone.localdate()
    # A case accepted about three months ago and replied in time: its reply fell due weeks ago.
    start = today - datetime.timedelta(days=90)
    with time_machine.travel(datetime.datetime.combine(start, datetime.time(10), tzinfo=ZoneInfo("Asia/Shanghai")),
                             tick=False):
        on_time = register_petition(users["clerk"], received_on=start, title="按期答复的案件")
        advance(on_time, users, "in_progress")
        workflow.submit_reply(on_time, by=users["handler"], **REPLY)
        workflow.approve_reply(on_time, by=users["leader"])
        workflow.serve_reply(on_time, by=users["clerk"], served_on=start, method="post")
    on_time.refresh_from_db()
    due = on_time.handling_due_on
    assert due < today

    login(page, "leader", PASSWORD)
    page.wait_for_url(page.base_url + "/")
    page.fill("[data-testid=period-form] [name=start]", (due - datetime.timedelta(days=3)).isoformat())
    page.fill("[data-testid=period-form] [name=end]", due.isoformat())
    page.click("[data-testid=period-form] button")
    page.wait_for_url("**/?*start=*")
    rate = page.locator("[data-testid=rate-on_time_reply]")
    assert rate.inner_text() == "100.0%"
    rate.click()
    page.wait_for_selector("[data-testid=figure-cases]")
    assert "按期办结率" in page.locator("[data-testid=figure-title]").inner_text()
    assert on_time.number in page.locator("[data-testid=figure-cases]").inner_text()

    page.goto(page.base_url + "/reports/")
    page.fill("#monthly-month", f"{due:%Y-%m}")
    with page.expect_download() as download_info:
        page.click("[data-testid=export-monthly]")
    download = download_info.value
    assert download.suggested_filename.startswith("月报-")
    target = tmp_path / "monthly.xlsx"
    download.save_as(target)
    workbook = openpyxl.load_workbook(target)
    assert "按信访形式" in workbook.sheetnames
