"""A shared office PC: the idle warning, the timeout, and the form's input put back after logging in again."""
import pytest

from tests.builders import PASSWORD

from .conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _idle_for(page, minutes):
    """Pretend the last activity of this browser was ``minutes`` ago (the page checks every 5 s)."""
    page.evaluate(f"localStorage.setItem('session-seen', String(Date.now() - {minutes} * 60000))")


def test_idle_warning_timeout_and_typed_input_kept_in_the_tab(page, clerk, coordinator):
    login(page, "clerk", PASSWORD)
    page.wait_for_url(page.base_url + "/")
    page.goto(page.base_url + "/petitions/new/")
    page.fill("#id_p-title", "工厂拖欠工资")
    page.fill("#id_p-request", "请求督促企业支付拖欠的三个月工资。")

    warning = page.locator("[data-testid=session-warning]")
    assert warning.is_hidden()
    _idle_for(page, 29.5)
    warning.wait_for(state="visible", timeout=10000)
    warning.locator("[data-keep-session]").click()
    warning.wait_for(state="hidden", timeout=10000)

    _idle_for(page, 31)
    page.wait_for_url("**/accounts/login/?next=*idle=1", timeout=15000)
    assert "未操作" in page.locator("[data-testid=idle-logout]").inner_text()
    login_url = page.url
    page.fill("#id_username", "clerk")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/petitions/new/")
    assert page.input_value("#id_p-title") == "工厂拖欠工资"
    assert page.input_value("#id_p-request") == "请求督促企业支付拖欠的三个月工资。"
    assert page.locator("[data-testid=input-restored]").is_visible()

    # Another user logging in in the same tab does not get the clerk's input.
    page.fill("#id_p-title", "另一件事")
    _idle_for(page, 31)
    page.wait_for_url("**/accounts/login/**", timeout=15000)
    assert page.url.split("?")[0] == login_url.split("?")[0]
    page.fill("#id_username", "coordinator")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/petitions/new/")
    assert page.input_value("#id_p-title") == ""


def test_the_administrator_pages_run_under_the_content_security_policy(page, admin_user, clerk):
    login(page, "admin", PASSWORD)
    page.wait_for_url(page.base_url + "/**")
    for path in ["/admin/", f"/admin/auth/user/{clerk.pk}/change/", "/admin/office/staff/",
                 "/accounts/lockouts/", "/accounts/changes/"]:
        page.goto(page.base_url + path)
        page.wait_for_load_state("load")
    # The page fixture fails the test on any refusal the browser reports.
