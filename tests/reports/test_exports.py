"""Every export opened with openpyxl and checked cell by cell; permission, logging and bad input."""
import datetime
from io import BytesIO

import openpyxl
import pytest
import time_machine
from django.urls import reverse

from office.models import AccessLog
from tests.builders import ID_NUMBERS, petition_in_state, register_petition

pytestmark = pytest.mark.django_db


def workbook(response):
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return openpyxl.load_workbook(BytesIO(response.content))


def merged(ws):
    return {str(r) for r in ws.merged_cells.ranges}


def test_petition_ledger_cell_by_cell(client, users):
    replied = petition_in_state(users, "replied")
    other = register_petition(users["clerk"], title="=HYPERLINK(\"http://x\")", petitioners=[
        {"name": "李四", "id_number": ID_NUMBERS[1], "phone": "13900001111"}])
    client.force_login(users["coordinator"])
    ws = workbook(client.get(reverse("reports:export_petitions"))).active
    assert ws["A1"].value == "青溪镇信访事项台账"
    assert {"A1:Z1", "A2:Z2", "A3:A4", "E3:G3", "L3:M3", "N3:Q3", "R3:U3", "V3:W3"} <= merged(ws)
    assert ws["E3"].value == "信访人" and ws["E4"].value == "姓名" and ws["F4"].value == "身份证号"
    assert ws.freeze_panes == "A5"
    assert ws.page_setup.orientation == "landscape" and ws.print_title_rows == "$3:$4"
    rows = {ws.cell(row=r, column=2).value: r for r in range(5, 7)}
    first = rows[replied.number]
    assert ws.cell(row=first, column=3).value == datetime.datetime.combine(replied.received_on, datetime.time())
    assert ws.cell(row=first, column=3).number_format == "yyyy-mm-dd"
    assert ws.cell(row=first, column=12).value == "受理"
    assert ws.cell(row=first, column=14).value == "司法所"
    assert ws.cell(row=first, column=21).value == "按期"
    assert ws.cell(row=first, column=26).value == "已答复"
    # The coordinator may see personal data: full numbers.
    second = rows[other.number]
    assert ws.cell(row=second, column=6).value == ID_NUMBERS[1]
    # Formula-looking text stays text.
    title = ws.cell(row=second, column=9)
    assert title.value == '=HYPERLINK("http://x")' and title.data_type == "s"
    assert ws.cell(row=7, column=1).value == "合计：2 件"
    assert "填报单位" in ws.cell(row=8, column=1).value
    log = AccessLog.objects.get()
    assert (log.user, log.action, log.row_count) == (users["coordinator"], AccessLog.Action.EXPORT, 2)


def test_petition_ledger_looks_the_same_to_a_user_cell_by_cell(client, users):
    """What the faster sheet writing (office/excel.py TableSheet) must keep: real dates in yyyy-mm-dd,
    the parties' and the title's columns wrapped (one line per party), the other columns neither
    wrapped nor quoted, numbers as numbers, no cell for an empty text, the totals row summing 用时."""
    replied = petition_in_state(users, "replied", petitioners=[
        {"name": "张三", "id_number": ID_NUMBERS[0], "phone": "13800001111"},
        {"name": "李四", "id_number": ID_NUMBERS[1], "phone": "13900002222"}])
    client.force_login(users["coordinator"])
    ws = workbook(client.get(reverse("reports:export_petitions"))).active
    row = 5
    assert ws.cell(row=row, column=2).value == replied.number
    assert ws.cell(row=row, column=5).value == "张三\n李四"
    assert ws.cell(row=row, column=6).value == f"{ID_NUMBERS[0]}\n{ID_NUMBERS[1]}"
    assert ws.cell(row=row, column=7).value == "13800001111\n13900002222"
    for column in (5, 6, 7, 9):  # 姓名, 身份证号, 联系电话, 信访事项
        cell = ws.cell(row=row, column=column)
        assert cell.alignment.wrap_text is True and cell.alignment.vertical == "top", column
    for column in (1, 2, 3, 4, 10, 12, 14, 26):
        cell = ws.cell(row=row, column=column)
        assert not cell.alignment.wrap_text and not cell.quotePrefix, column
    dates = {3: replied.received_on, 13: replied.decided_on, 16: replied.assigned_on, 19: replied.replied_on}
    for column, day in dates.items():
        cell = ws.cell(row=row, column=column)
        assert cell.is_date and cell.number_format == "yyyy-mm-dd", column
        assert cell.value == datetime.datetime.combine(day, datetime.time()), column
    days = ws.cell(row=row, column=20)
    assert days.data_type == "n" and days.value == (replied.replied_on - replied.accepted_on).days
    assert ws.cell(row=row, column=1).value == 1 and ws.cell(row=row, column=1).data_type == "n"
    assert ws.cell(row=row, column=25).value is None  # not archived: no cell
    assert ws.cell(row=row + 1, column=1).value == "合计：1 件"
    assert ws.cell(row=row + 1, column=20).value == days.value
    assert ws.cell(row=row + 1, column=1).font.bold


def test_petition_ledger_respects_the_list_filters_and_masks_without_the_right(client, users, township):
    from django.contrib.auth.models import Permission

    keep = register_petition(users["clerk"], title="宅基地", petitioners=[{"name": "王五", "id_number": ID_NUMBERS[2]}])
    register_petition(users["clerk"], title="工资")
    leader = users["leader"]
    # A leader without the personal-data right gets masked numbers.
    from django.contrib.auth.models import Group

    group = Group.objects.get(name="领导")
    group.permissions.remove(Permission.objects.get(codename="view_personal_data"))
    client.force_login(leader)
    ws = workbook(client.get(reverse("reports:export_petitions"), {"q": "宅基地"})).active
    assert ws.cell(row=5, column=2).value == keep.number
    assert ws.cell(row=6, column=1).value == "合计：1 件"
    assert ws.cell(row=5, column=6).value == "440524********0013"
    assert AccessLog.objects.get().detail["filters"] == {"q": "宅基地"}


def test_invalid_filter_gives_the_form_errors_not_a_500_and_logs_nothing(client, users):
    client.force_login(users["coordinator"])
    response = client.get(reverse("reports:export_petitions"), {"received_from": "tomorrow"})
    assert response.status_code == 400 and "输入一个有效的日期" in response.content.decode()
    response = client.get(reverse("reports:export_monthly"), {"month": "2026-13"})
    assert response.status_code == 400 and "YYYY-MM" in response.content.decode()
    assert not AccessLog.objects.exists()


def test_a_role_without_the_export_right_gets_403_and_nothing_is_logged(client, users):
    for role in ("clerk", "handler", "mediator"):
        client.force_login(users[role])
        for name in ("export_petitions", "export_monthly", "export_year_review", "export_annual"):
            assert client.get(reverse(f"reports:{name}")).status_code == 403
    assert not AccessLog.objects.exists()


# Mid-month and mid-year: on the first day of a month or a year the cases built "today" and
# the weeks "so far" would fall in another period than the report asked for.
MID_NOVEMBER = datetime.datetime(2026, 11, 18, 10, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))


@time_machine.travel(MID_NOVEMBER, tick=True)
def test_monthly_report_by_channel_with_totals_and_an_empty_month(client, users):
    petition_in_state(users, "accepted")
    register_petition(users["clerk"], channel="letter")
    client.force_login(users["leader"])
    today = datetime.date.today()
    wb = workbook(client.get(reverse("reports:export_monthly"), {"month": f"{today:%Y-%m}"}))
    assert wb.sheetnames[:4] == ["按信访形式", "按信访目的", "按内容分类", "按村"]
    ws = wb["按信访形式"]
    assert ws["B3"].value == "收到件数" and ws["C3"].value == "受理决定" and ws["C4"].value == "受理"
    by_channel = {ws.cell(row=r, column=1).value: r for r in range(5, 10)}
    assert ws.cell(row=by_channel["来访"], column=2).value == 1 and ws.cell(row=by_channel["来访"], column=3).value == 1
    assert ws.cell(row=by_channel["来信"], column=2).value == 1 and ws.cell(row=by_channel["来信"], column=6).value == 1
    assert ws.cell(row=10, column=1).value == "合计" and ws.cell(row=10, column=2).value == 2
    # A month with no data: headers and zero totals.
    wb = workbook(client.get(reverse("reports:export_monthly"), {"month": "2020-01"}))
    ws = wb["按信访形式"]
    assert ws["B3"].value == "收到件数" and ws.cell(row=10, column=2).value == 0
    assert wb["矛盾纠纷"]["A3"].value == "纠纷类型"


@time_machine.travel(MID_NOVEMBER, tick=True)
def test_year_review_and_annual_report(client, users):
    petition_in_state(users, "assigned")
    client.force_login(users["coordinator"])
    year = datetime.date.today().year
    ws = workbook(client.get(reverse("reports:export_year_review"), {"year": year})).active
    assert ws["A3"].value == "村" and ws["B3"].value == "排查报送" and ws["B4"].value == "应报"
    villages = [ws.cell(row=r, column=1).value for r in range(5, 7)]
    assert villages == ["青溪村", "柳塘村"]
    assert ws.cell(row=5, column=2).value >= 1  # weeks of the year so far
    wb = workbook(client.get(reverse("reports:export_annual"), {"year": year}))
    stats = wb["统计"]
    values = {stats.cell(row=r, column=1).value: stats.cell(row=r, column=2).value for r in range(4, 16)}
    assert values["收到信访事项"] == 1 and values["交办"] == 1
    assert AccessLog.objects.filter(action=AccessLog.Action.EXPORT).count() == 2


def test_mediation_ledger_cell_by_cell(client, users):
    from tests.disputes.mediation.builders import S, case_in

    performed = case_in(users["mediator"], S.PERFORMED)
    terminated = case_in(users["mediator"], S.TERMINATED)
    client.force_login(users["coordinator"])
    ws = workbook(client.get(reverse("reports:export_mediation"))).active
    assert ws["A1"].value == "青溪镇人民调解台账"
    assert ws["H3"].value == "当事人" and ws["H4"].value == "申请人" and ws["P3"].value == "调解协议"
    rows = {ws.cell(row=r, column=2).value: r for r in (5, 6)}
    done = rows[performed.number]
    assert ws.cell(row=done, column=15).value == "达成协议"
    assert ws.cell(row=done, column=16).value == performed.agreement.number
    assert ws.cell(row=done, column=18).number_format == "yyyy-mm-dd"
    assert ws.cell(row=done, column=20).value == "已履行"
    assert ws.cell(row=done, column=10).value.count("\n") == 1  # two parties, full numbers for the coordinator
    assert ws.cell(row=rows[terminated.number], column=15).value == "调解不成（第二十六条）"
    assert ws.cell(row=7, column=1).value == "合计：2 件"
    assert AccessLog.objects.get().row_count == 2
    client.force_login(users["clerk"])
    assert client.get(reverse("reports:export_mediation")).status_code == 403
