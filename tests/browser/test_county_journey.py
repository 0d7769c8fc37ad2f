"""交办 down, 上报 up (docs/domain.md §10, issue 15) in the browser: the county's clerk registers a petition for
a township as 上级交办 with a deadline; the township's clerk finds it in 待提出受理意见 marked 上级交办 and
proposes; the leader signs; the middle of the workflow runs through the services; the township's clerk
reports the result back (上报办理结果); the county sees the report on the case page and the roll-up no
longer counts the case as 县级交办未反馈."""
import datetime

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from office.models import County, Staff
from office.roles import COUNTY_CLERK, ROLE_GROUPS
from petitions.models import Petition
from tests.builders import PASSWORD, advance

from .conftest import act, login, logout

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def switch(page, username, lands="/"):
    logout(page)
    login(page, username, PASSWORD)
    page.wait_for_url(page.base_url + lands)


def test_the_county_assigns_a_petition_down_and_the_townships_report_back_closes_it(page, township, users):
    county = County.objects.create(name="清河县", short_name="清河", code="qinghe")
    township.county = county
    township.save()
    county_clerk = get_user_model().objects.create_user(username="countyclerk", password=PASSWORD)
    county_clerk.groups.add(Group.objects.get(name=ROLE_GROUPS[COUNTY_CLERK]))
    Staff.objects.create(user=county_clerk, county=county)
    today = timezone.localdate()
    deadline = today + datetime.timedelta(days=20)

    # The county's clerk: 县级汇总 → 交办, the township, the deadline, the petition.
    login(page, "countyclerk", PASSWORD)
    page.wait_for_url(page.base_url + "/county/")  # the county's staff land on 县级汇总
    page.click("[data-testid=county-assign]")
    page.wait_for_url("**/county/assign/")
    page.select_option("#id_township", str(township.pk))
    page.select_option("#id_source", "assigned")
    page.fill("#id_source_reference", "GJXF-2026-000777")
    page.fill("#id_source_deadline", deadline.isoformat())
    page.select_option("#id_channel", "letter")
    page.fill("#id_title", "村道损毁无人维修")
    page.fill("#id_request", "请求尽快修复村道。")
    page.fill("#id_name", "周大伟")
    page.click("form[method=post] button.btn-primary")
    page.wait_for_url("**/petitions/*/")
    petition = Petition.objects.get(source_reference="GJXF-2026-000777")
    assert petition.township == township and petition.source_deadline == deadline
    assert "清河县信访局" in page.content()
    page.goto(page.base_url + "/county/")
    assigned = page.locator(f"[data-testid=count-{township.pk}-assigned]")
    assert assigned.inner_text() == "1"

    # The township's clerk: 待提出受理意见 shows it as 上级交办 with the county's deadline; the clerk proposes.
    switch(page, "clerk")
    page.goto(page.base_url + "/petitions/queues/to-decide/")
    row = page.locator("tr", has=page.locator(f"a:text-is('{petition.number}')"))
    badge = row.locator("[data-testid=from-higher-organ]")
    assert "上级交办" in badge.inner_text() and deadline.strftime("%m-%d") in badge.inner_text()
    row.locator(f"a:text-is('{petition.number}')").click()
    page.wait_for_url(f"**/petitions/{petition.pk}/")
    case_url = page.url
    act(page, case_url, "propose_decision", fields={"reasons": "属本镇职权，符合受理条件。"},
        checks=["input[name=decision][value=accept]"])

    # The township's leader signs the decision.
    switch(page, "leader")
    act(page, case_url, "approve_decision", lands="**/petitions/queues/sign-offs/")

    # The middle of the workflow (assign, sign for, reply, approve, serve) through the services.
    petition.refresh_from_db()
    advance(petition, users, "replied")

    # The township's clerk reports the result back to the county.
    switch(page, "clerk")
    act(page, case_url, "report_back", fields={"summary": "村道已修复，信访人满意。"},
        selects={"method": "document"})

    # The county: the report on the case page, and the roll-up no longer counts the case.
    switch(page, "countyclerk", lands="/county/")
    assert page.locator(f"[data-testid=count-{township.pk}-assigned]").inner_text() == "0"
    page.goto(case_url)
    report = page.locator("[data-testid=report-back]").inner_text()
    assert "村道已修复，信访人满意。" in report and "清河县信访局" in report
    petition.refresh_from_db()
    assert petition.reported_on == today
