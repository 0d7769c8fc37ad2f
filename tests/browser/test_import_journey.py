"""The coordinator imports an old petition ledger: upload, map one column by hand, confirm, see the cases."""
import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from petitions.models import Petition
from tests.builders import PASSWORD
from tests.ledgerimport.builders import messy_ledger

from .conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_coordinator_imports_a_ledger_mapping_one_column_by_hand(page, coordinator, tmp_path):
    ledger = tmp_path / "2024年信访台账.xlsx"
    ledger.write_bytes(messy_ledger(title_column="来访事由摘要"))  # a column name nobody taught the system
    with time_machine.travel(datetime.datetime(2026, 11, 20, 10, tzinfo=ZoneInfo("Asia/Shanghai"))):
        login(page, "coordinator", PASSWORD)
        page.wait_for_url(page.base_url + "/")
        page.click("text=导入台账")
        page.select_option("#id_kind", "petitions")
        page.set_input_files("#id_file", str(ledger))
        page.click("text=上传并检查")
        page.wait_for_url("**/mapping/")
        page.select_option("select[data-column=来访事由摘要]", "title")
        page.click("text=核对各行")
        page.wait_for_url("**/preview/")
        refused = page.locator("[data-testid=refused]").inner_text()
        assert "3.30127E+17" in refused and "2024-13-01" in refused
        assert page.locator("[data-testid=count-accepted]").inner_text() == "4"
        assert "邻里琐事" in page.locator("[data-testid=unknown-values]").inner_text()
        page.click("[data-testid=confirm-import]")
        page.wait_for_url("**/batches/*/")
        assert "已导入" in page.locator("[data-testid=batch-state]").inner_text()
        page.click("[data-testid=open-list]")
        page.wait_for_url("**/petitions/")
        table = page.locator("[data-testid=petition-table]").inner_text()
        for number in ("XF-2024-0001", "XF-2024-0002", "XF-2024-0003", "XF-2024-0004"):
            assert number in table
        assert "村道损坏无人修" in table
    assert Petition.objects.count() == 4
