"""Browser journeys: Playwright (the pip package) driving Debian's Chromium, never a downloaded one."""
import os

import pytest
from django.db import connections
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

# Playwright's sync API runs an event loop in this thread; Django's ORM calls made by the
# test itself (building data) are still plain synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


@pytest.fixture(autouse=True)
def _reference(reference_data):
    """Journeys run in transactions that flush the tables: reseed groups, ladder and lists first."""


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    assert os.path.exists(CHROMIUM), f"{CHROMIUM} not found: apt-get install chromium"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _watch_csp(page):
    """Collect what the Content-Security-Policy refused on the page (the journey fails on any)."""
    refused = []
    page.on("console", lambda msg: refused.append(msg.text) if "Content Security Policy" in msg.text else None)
    return refused


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(30000)
    page = context.new_page()
    page.base_url = live_server.url
    refused = _watch_csp(page)
    yield page
    context.close()
    # On PostgreSQL a connection left open by the live server's threads stalls teardown.
    connections.close_all()
    assert not refused, refused


@pytest.fixture
def phone_page(browser, live_server):
    context = browser.new_context(
        locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    context.set_default_timeout(30000)
    page = context.new_page()
    page.base_url = live_server.url
    refused = _watch_csp(page)
    yield page
    context.close()
    connections.close_all()
    assert not refused, refused


def login(page, username, password):
    """Log in through the real login form."""
    page.goto(page.base_url + "/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")


def act(page, petition_url, action, fields=None, checks=None, selects=None, lands=None):
    """One step of the workflow through the case page's action form: open it, fill, confirm, land on
    ``lands`` (the case page by default) with the 已完成 message."""
    page.goto(petition_url)
    page.click(f"[data-action={action}]")
    page.wait_for_selector("[data-testid=action-form]")
    for name, value in (fields or {}).items():
        page.fill(f"[name={name}]", value)
    for name, value in (selects or {}).items():
        page.select_option(f"[name={name}]", value)
    for selector in checks or []:
        page.check(selector)
    page.click("[data-testid=confirm]")
    page.wait_for_url(lands or petition_url)
    assert "已完成" in page.locator("[data-testid=messages]").inner_text()


def logout(page):
    """Log out through the user menu (POST).

    On a loaded machine a click can land before Bootstrap's script has wired the menu, or while the
    phone menu is still unfolding: wait for each step to show before the next.
    """
    page.wait_for_load_state("load")
    toggler = page.locator(".navbar-toggler")
    if toggler.is_visible():
        toggler.click()
        page.locator(".navbar-collapse.show").wait_for()
    button = page.locator("[data-testid=logout]")
    for _attempt in range(3):
        if not button.is_visible():
            page.click("[data-testid=user-menu]")
        try:
            button.wait_for(state="visible", timeout=5000)
            break
        except PlaywrightTimeoutError:
            continue
    button.click()
    # Let the logout finish before the next navigation, or the two race.
    page.wait_for_url("**/accounts/login/**")
