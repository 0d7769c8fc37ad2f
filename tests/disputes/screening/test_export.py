"""The screening ledger export, opened with openpyxl and checked cell by cell."""
import datetime
import io
from urllib.parse import unquote

import pytest
from django.contrib.auth.models import Permission
from openpyxl import load_workbook

from disputes.screening.services import PartyData
from office.models import AccessLog

from ..builders import dispute_type, found_entry, risk

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def entries(mediator, coordinator):
    first = found_entry(
        mediator,
        day=D(2026, 11, 16),
        title="=HYPERLINK(\"http://evil.example\",\"点我\")",
        facts="-1+2 看似公式的说明",
        place="@青溪村",
        head_count=3,
        risk_level=risk("red"),
        may_turn_criminal=True,
        dispute_type=dispute_type("人身损害赔偿纠纷"),
        parties=[
            PartyData(name="张三", id_number="11010519491231002X", phone="13812345678", address="青溪镇青溪村3组18号"),
            PartyData(name="+李四"),
        ],
    )
    second = found_entry(mediator, title="王某与赵某宅基地纠纷", head_count=2)
    township = found_entry(coordinator, title="征地补偿纠纷", head_count=15, risk_level=risk("yellow"))
    return first, second, township


def download(client, query=""):
    response = client.get("/disputes/export/" + query)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return response, load_workbook(io.BytesIO(response.content)).active


def test_the_export_cell_by_cell(client, coordinator, entries):
    first, second, township_entry = entries
    client.force_login(coordinator)
    response, ws = download(client)
    assert "矛盾纠纷排查台账" in unquote(response["Content-Disposition"])
    assert ws.title == "排查台账"
    assert ws["A1"].value == "青溪镇矛盾纠纷排查化解台账"
    assert ws["A2"].value == "乡镇：青溪镇　　统计期间：全部日期"
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert {"A1:Y1", "A2:Y2", "E3:F3", "G3:J3", "N3:P3", "R3:S3", "A3:A4", "D3:D4", "X3:X4", "Y3:Y4"} <= merged
    assert [ws.cell(3, c).value for c in range(1, 8)] == ["序号", "排查单位", "排查日期", "纠纷简况", "纠纷类型", None, "当事人"]
    assert [ws.cell(4, c).value for c in range(5, 11)] == ["类别", "细类", "姓名", "身份证号", "联系电话", "住址"]
    assert ws.freeze_panes == "A5" and ws.print_title_rows == "$3:$4"

    rows = list(ws.iter_rows(min_row=5, max_row=7))
    # Fixed order: by the date found, then by entry.
    assert [row[3].value for row in rows] == [first.title, second.title, township_entry.title]
    row = rows[0]
    assert row[0].value == 1 and row[1].value == "青溪村"
    assert row[2].is_date and row[2].value == datetime.datetime(2026, 11, 22)  # back-filed: the period's end
    assert row[3].value.startswith("=HYPERLINK") and row[3].data_type == "s" and row[3].quotePrefix
    assert row[12].value == "-1+2 看似公式的说明" and row[12].data_type == "s" and row[12].quotePrefix
    assert row[11].value == "@青溪村" and row[11].data_type == "s"
    assert (row[4].value, row[5].value) == ("损害赔偿纠纷", "人身损害赔偿纠纷")
    assert row[6].value == "张三\n+李四"
    assert row[7].value == "11010519491231002X"  # the coordinator may see personal data
    assert row[8].value == "13812345678"
    assert row[10].value == 3 and row[10].data_type == "n"
    assert (row[13].value, row[14].value, row[15].value) == ("重大", "是", None)
    assert row[19].is_date and row[19].value.date() == first.deadline
    assert row[20].value == "化解中"
    assert rows[2][1].value == "镇综治中心"
    assert ws["A8"].value == "合计：3 件" and ws["K8"].value == 3 + 2 + 15
    assert ws["A9"].value == "填报单位：青溪镇综治中心　　填报日期：2026-11-25"


def test_the_export_respects_the_filters_and_is_logged(client, coordinator, entries):
    first, _second, _township = entries
    client.force_login(coordinator)
    _response, ws = download(client, f"?risk={risk('red').pk}&month=2026-11")
    assert ws["A2"].value == "乡镇：青溪镇　　统计期间：2026-11-01 – 2026-11-30"
    assert ws["D5"].value == first.title and ws["A6"].value == "合计：1 件"
    log = AccessLog.objects.get()
    assert (log.user, log.action, log.row_count) == (coordinator, AccessLog.Action.EXPORT, 1)
    assert log.detail["filters"] == {"risk": str(risk("red").pk), "month": "2026-11"}
    assert log.detail["masked"] is False


def test_personal_data_is_masked_without_the_right(client, handler, entries):
    handler.user_permissions.add(Permission.objects.get(codename="export_data"))
    client.force_login(handler)
    _response, ws = download(client)
    assert ws["H5"].value == "110105********002X"
    assert ws["I5"].value == "138****5678"
    assert ws["J5"].value == "青溪镇青溪村****"
    assert AccessLog.objects.get().detail["masked"] is True


def test_a_mediator_exports_only_their_village(client, mediator, entries):
    """Mediators hold no export right by default; given one, they still get only their village."""
    mediator.user_permissions.add(Permission.objects.get(codename="export_data"))
    client.force_login(mediator)
    _response, ws = download(client)
    assert ws["A7"].value == "合计：2 件"


def test_export_needs_the_right(client, mediator):
    client.force_login(mediator)
    assert client.get("/disputes/export/").status_code == 403
    assert not AccessLog.objects.exists()
