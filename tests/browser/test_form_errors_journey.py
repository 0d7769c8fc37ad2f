"""The village mediator on a phone (390 px) files a round with one mistake: the message stands beside the
field, the field is marked, and the page has scrolled to it (not a banner 2,000 px above)."""

import pytest
import time_machine

from disputes.models import ScreeningRound
from tests.builders import PASSWORD

from .conftest import login
from .test_disputes_journey import WEDNESDAY, fill_entry

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

def in_view(page, selector):
    return page.evaluate(
        """(selector) => { const r = document.querySelector(selector).getBoundingClientRect();
                           return r.top >= 0 && r.bottom <= window.innerHeight && r.height > 0; }""",
        selector,
    )

@time_machine.travel(WEDNESDAY, tick=True)
def test_a_round_with_one_error_shows_it_beside_the_field_on_a_phone(phone_page, mediator):
    page = phone_page
    login(page, "mediator", PASSWORD)
    page.wait_for_url(page.base_url + "/")
    page.goto(page.base_url + "/disputes/rounds/new/")
    fill_entry(page, 0, "张某与李某宅基地界址纠纷", "宅基地纠纷", 1, "张三", "李四")
    page.fill("#id_entries-0-facts", "")  # the one mistake: the facts are required
    page.click("[data-testid=file-round-submit]")
    page.wait_for_load_state("load")
    assert not ScreeningRound.objects.exists()

    field = "#id_entries-0-facts"
    message = "#wrap_entries-0-facts .invalid-feedback"
    assert page.locator(message).inner_text() == "这个字段是必填项。"
    assert "is-invalid" in page.get_attribute(field, "class")
    assert page.get_attribute(field, "aria-invalid") == "true"
    assert page.evaluate("document.activeElement.id") == "id_entries-0-facts"
    # Scrolled to it on the 844 px screen (again once everything has loaded, so give the page its load).
    page.wait_for_load_state("networkidle")
    assert in_view(page, field) and in_view(page, message)
    assert page.evaluate("window.scrollY") > 0
    # What was typed is still there; correcting the one field files the round.
    assert page.input_value("#id_entries-0-title") == "张某与李某宅基地界址纠纷"
    page.fill(field, "两户因宅基地界址发生争执。")
    page.click("[data-testid=file-round-submit]")
    page.wait_for_url("**/disputes/rounds/*/")
    assert ScreeningRound.objects.get().found_entries.count() == 1
