import pytest

from tests.builders import PASSWORD

from .conftest import login, logout

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_clerk_logs_in_sees_the_menu_and_logs_out(page, clerk):
    login(page, "clerk", PASSWORD)
    page.wait_for_url(page.base_url + "/")
    menu = page.locator("[data-testid=menu]")
    assert menu.get_by_text("信访").is_visible()
    assert menu.get_by_text("统计报表").count() == 0
    assert "青溪镇" in page.locator(".navbar-brand").inner_text()
    logout(page)
    page.wait_for_url("**/accounts/login/")
    assert page.locator("button[type=submit]").inner_text() == "登录"


def test_wrong_password_shows_the_chinese_error(page, clerk):
    login(page, "clerk", "not-the-password")
    error = page.locator("[data-testid=login-error]")
    error.wait_for()
    assert "用户名或密码错误" in error.inner_text()
