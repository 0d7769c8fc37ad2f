"""Importing messy screening and mediation ledgers: the exact preview, confirm, again, undo
(docs/domain.md §9)."""
import datetime
import io
from zoneinfo import ZoneInfo

import pytest
import time_machine
from openpyxl import Workbook

from disputes.models import LedgerEntry, MediationCase, ScreeningRound
from disputes.periods import PeriodKind
from disputes.screening.selectors import compliance_board
from ledgerimport import services
from ledgerimport.engine import kind_module, ledger_for
from ledgerimport.models import ImportBatch
from office.models import Person

pytestmark = pytest.mark.django_db
D = datetime.date
NOW = datetime.datetime(2026, 11, 20, 10, tzinfo=ZoneInfo("Asia/Shanghai"))
SERIAL_2024_05_06 = (D(2024, 5, 6) - D(1899, 12, 30)).days


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(NOW, tick=False):
        yield


def workbook(title, top, below, rows, merged=()):
    wb = Workbook()
    ws = wb.active
    ws.append([title])
    ws.append([])
    ws.append(top)
    ws.append(below)
    for cells in merged:
        ws.merge_cells(cells)
    for values in rows:
        ws.append(values)
    ws.append(["合计", None, f"{len([r for r in rows if r])}件"])
    ws.append(["填报单位：青溪镇综治中心"])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


SCREENING_TOP = ["序号", "排查单位", "发现日期", "纠纷名称", "纠纷类别", "细类", "当事人", None, None, "风险等级",
                 "化解期限", "化解状态", "办结日期", "化解结果", "包片干部"]
SCREENING_BELOW = [None, None, None, None, None, None, "姓名", "身份证号码", "电话", None, None, None, None, None, None]
SCREENING_ROWS = [  # sheet rows 5–12
    [1, "青溪村", "2024-3-5", "张三与李四宅基地界址纠纷", "房屋宅基地纠纷", "宅基地纠纷", "张三\n李四",
     "110105194912310038\n", "13812345678\n13912345678", "一般", "2024-04-05", "已化解", "2024.3.20", "双方重新确认界址", "王丽"],
    [2, "柳塘村", "2024/03/06", "拖欠工资", "劳动争议纠纷", "拖欠工资纠纷", "王五", 330127199001011000.0, "13700001111",
     "较大", "2024-04-06", "已化解", "2024-03-30", "", "李强"],
    [],
    [3, "柳塘村", "2024年4月7日", "养殖场异味", "环境纠纷", "", "赵六", None, "13600002222", "一般", "2024-12-31",
     "化解中", None, "", "李强"],
    [4, "镇综治中心", SERIAL_2024_05_06, "征地补偿款分配纠纷", "征地拆迁纠纷", "征地补偿纠纷", "孙七\n周八",
     "330106199003071236\n", None, "重大", "2024-06-30", "未化解", None, "", "王丽"],
    [1, "青溪村", "2024-3-5", "张三与李四宅基地界址纠纷", "房屋宅基地纠纷", "宅基地纠纷", "张三\n李四",
     "110105194912310038\n", "13812345678\n13912345678", "一般", "2024-04-05", "已化解", "2024.3.20", "双方重新确认界址", "王丽"],
    [5, "青溪村", "2024-3-9", "邻里噪音", "邻里纠纷", "", "吴九", None, None, "一般", None, "化解中", None, "", "王丽"],
    [6, "青溪村", "2024-3-12", "借款未还", "合同纠纷", "借款合同纠纷", "张三", "110105194912310038", None, "一般",
     "2024-04-12", "已化解", None, "", "王丽"],
]


def screening_ledger():
    merged = ["A1:O1", "G3:I3"] + [f"{c}3:{c}4" for c in "ABCDEFJKLMNO"]
    return workbook("青溪镇2024年矛盾纠纷排查化解台账", SCREENING_TOP, SCREENING_BELOW, SCREENING_ROWS, merged)


MEDIATION_TOP = ["序号", "案件编号", "登记日期", "调解委员会", "纠纷来源", "纠纷名称", "纠纷类型", "当事人", None, None,
                 "调解结束日期", "调解结果", "协议编号", "协议形式", "生效日期", "履行情况", "回访日期", "调解员"]
MEDIATION_BELOW = [None, None, None, None, None, None, None, "申请人", "被申请人", "身份证号", None, None, None, None,
                   None, None, None, None]
MEDIATION_ROWS = [  # sheet rows 5–11
    [1, "青调〔2024〕1号", "2024-3-5", "青溪村人民调解委员会", "当事人申请", "宅基地界址纠纷", "房屋宅基地纠纷 · 宅基地纠纷",
     "张三", "李四", "110105194912310038\n", "2024-03-20", "达成协议", "青调协〔2024〕1号", "书面协议", "2024-03-20",
     "已履行", "2024-05-10", "王丽"],
    [2, "青调〔2024〕2号", "2024/03/08", "镇人民调解委员会", "排查台帐纠纷", "征地补偿款分配", "征地拆迁纠纷",
     "孙七", "周八\n吴九", "", "2024-04-01", "调解不成", "", "", None, "", None, "李强"],
    [],
    [3, "青调〔2024〕3号", "2024年4月7日", "柳塘村", "当事人申请", "借款纠纷", "合同纠纷 · 借款合同纠纷",
     "赵六", "钱十", "", None, "", "", "", None, "", None, "李强"],
    [4, "青调〔2024〕4号", "2024-4-9", "柳塘村", "当事人申请", "赔偿纠纷", "人身损害", "冯一", "陈二", "", "2024-04-20",
     "达成协议", "", "口头协议", "2024-04-20", "部分履行", None, "李强"],
    [5, "青调〔2024〕5号", "2024-4-31", "青溪村", "当事人申请", "赡养纠纷", "婚姻家庭纠纷", "褚三", "卫四", "", None, "",
     "", "", None, "", None, "王丽"],
    [1, "青调〔2024〕1号", "2024-3-5", "青溪村人民调解委员会", "当事人申请", "宅基地界址纠纷", "房屋宅基地纠纷 · 宅基地纠纷",
     "张三", "李四", "110105194912310038\n", "2024-03-20", "达成协议", "青调协〔2024〕1号", "书面协议", "2024-03-20",
     "已履行", "2024-05-10", "王丽"],
]


def mediation_ledger():
    merged = ["A1:R1", "H3:J3"] + [f"{c}3:{c}4" for c in "ABCDEFGKLMNOPQR"]
    return workbook("青溪镇2024年人民调解台账", MEDIATION_TOP, MEDIATION_BELOW, MEDIATION_ROWS, merged)


def start(user, kind, data):
    batch, ledger = services.start(by=user, kind=kind, file_name=f"{kind}.xlsx", data=data)
    assert ledger.needs_mapping()  # 包片干部 / 调解员: columns the system does not know
    mapping = dict(ledger.mapping)
    last = str(len(ledger.layout.columns) - 1)
    assert mapping[last] == ""
    mapping[last] = "-"
    services.set_mapping(batch, by=user, mapping=mapping, remember=False)
    batch.refresh_from_db()
    return batch


def rounding_reason(value):
    return (f"Excel 把这个身份证号存成了数字并作了舍入（{value}），末几位已经丢失。"
            "请把该列设为文本，按身份证重新录入后再导入这一行。")


def test_the_screening_ledger_preview_is_exact(coordinator):
    batch = start(coordinator, "screening", screening_ledger())
    result = ledger_for(batch).preview()
    assert (result.total, result.accepted, result.duplicates, result.skipped_summary) == (7, 2, [(10, 5)], 2)
    assert [(p.row, p.column, p.reason) for p in result.refused] == [
        (6, "当事人/身份证号码", rounding_reason("3.30127E+17")),
        (8, "纠纷类别", "请把这一纠纷类型对应到系统中的类型。"),
        (11, "化解期限", "尚未化解的纠纷须填写化解期限。"),
        (12, "办结日期", "已化解的纠纷须填写办结日期。"),
    ]
    assert result.unknown == {"category": {"环境纠纷": 1}}
    assert Person.objects.count() == 0 and LedgerEntry.objects.count() == 0


def test_the_screening_ledger_imports_into_imported_rounds_again_nothing_undo_nothing(coordinator, township):
    batch = start(coordinator, "screening", screening_ledger())
    from disputes.models import DisputeType

    environment = DisputeType.objects.get(name="环境污染纠纷", parent=None)
    services.set_value_map(batch, by=coordinator, value_map={"category": {"环境纠纷": str(environment.pk)}})
    batch = services.confirm(ImportBatch.objects.get(pk=batch.pk), by=coordinator)
    assert (batch.imported_count, batch.present_count, batch.refused_count) == (3, 1, 3)
    entries = {e.title: e for e in LedgerEntry.objects.filter(township=township)}
    first = entries["张三与李四宅基地界址纠纷"]
    assert (first.found_on, first.status, first.closed_on, first.outcome) == (
        D(2024, 3, 5), LedgerEntry.Status.RESOLVED, D(2024, 3, 20), "双方重新确认界址")
    assert [p.name for p in first.parties.order_by("dispute_party_links__position")] == ["张三", "李四"]
    assert first.dispute_type.name == "宅基地纠纷" and first.village.name == "青溪村"
    center = entries["征地补偿款分配纠纷"]
    assert center.village is None and center.status == LedgerEntry.Status.UNRESOLVED
    assert center.found_on == D(2024, 5, 6) and center.risk_level.name == "重大"
    assert entries["养殖场异味"].dispute_type == environment
    # Each entry sits in its unit's imported round of that month; no imported round is a filed round.
    rounds = ScreeningRound.objects.filter(township=township)
    assert {(r.village.name if r.village else "", r.starts_on, r.kind) for r in rounds} == {
        ("青溪村", D(2024, 3, 1), PeriodKind.IMPORTED), ("柳塘村", D(2024, 4, 1), PeriodKind.IMPORTED),
        ("", D(2024, 5, 1), PeriodKind.IMPORTED)}
    assert all(e.first_round.items.filter(entry=e).exists() for e in entries.values())
    board = compliance_board(township, D(2026, 11, 20))
    assert all(cell.round is None for rows in board.values() for row in rows["rows"] for cell in row.cells)
    assert first.events.get().note == "文件 screening.xlsx，第 5 行。"
    assert Person.objects.filter(township=township).count() == 5  # 张三 once, 李四, 赵六, 孙七, 周八

    again = start(coordinator, "screening", screening_ledger())
    preview = ledger_for(again).preview()
    assert (preview.accepted, [row for row, _n in preview.present]) == (0, [5, 9])

    services.undo(batch, by=coordinator)
    assert LedgerEntry.objects.count() == 0 and ScreeningRound.objects.count() == 0
    assert Person.objects.count() == 0


def test_the_mediation_ledger_preview_is_exact(coordinator):
    batch = start(coordinator, "mediation", mediation_ledger())
    result = ledger_for(batch).preview()
    assert (result.total, result.accepted, result.duplicates, result.skipped_summary) == (6, 3, [(11, 5)], 2)
    assert [(p.row, p.column, p.reason) for p in result.refused] == [
        (9, "纠纷类型", "请把这一纠纷类型对应到系统中的类型。"),
        (10, "登记日期", "“2024-4-31”不是实际存在的日期。"),
    ]
    assert result.unknown == {"dispute_type": {"人身损害": 1}}
    assert MediationCase.objects.count() == 0


def test_the_mediation_ledger_keeps_its_committees_dates_results_and_agreements(coordinator, township, users):
    from disputes.mediation.selectors import mediator_queue
    from disputes.models import DisputeType

    batch = start(coordinator, "mediation", mediation_ledger())
    injury = DisputeType.objects.get(name="人身损害赔偿纠纷")
    services.set_value_map(batch, by=coordinator, value_map={"dispute_type": {"人身损害": str(injury.pk)}})
    batch = services.confirm(ImportBatch.objects.get(pk=batch.pk), by=coordinator)
    assert (batch.imported_count, batch.present_count, batch.refused_count) == (4, 1, 1)
    cases = {c.title: c for c in MediationCase.objects.filter(township=township)}
    S = MediationCase.Status
    agreed = cases["宅基地界址纠纷"]
    assert (agreed.number, agreed.status, agreed.registered_on, agreed.closed_on) == (
        "TJ-2024-0001", S.ARCHIVED, D(2024, 3, 5), D(2024, 3, 20))
    assert agreed.committee_village.name == "青溪村" and agreed.dispute_type.name == "宅基地纠纷"
    assert (agreed.agreement.number, agreed.agreement.effective_on, agreed.agreement.performance_status) == (
        "青调协〔2024〕1号", D(2024, 3, 20), "performed")
    assert agreed.return_visits.get().visited_on == D(2024, 5, 10)
    assert agreed.events.get().note == "文件 mediation.xlsx，第 5 行。 原编号：青调〔2024〕1号。"
    failed = cases["征地补偿款分配"]
    assert (failed.committee_village, failed.status, failed.termination) == (None, S.TERMINATED, "failed")
    assert [(link.person.name, link.role) for link in failed.party_links.order_by("position")] == [
        ("孙七", "applicant"), ("周八", "respondent"), ("吴九", "respondent")]
    assert cases["借款纠纷"].status == S.REGISTERED and cases["借款纠纷"].due_on > D(2024, 4, 7)
    oral = cases["赔偿纠纷"]
    assert (oral.status, oral.agreement.form, oral.agreement.performance_status) == (S.PERFORMING, "oral", "partial")
    assert oral.agreement.confirmation_due_on is None
    # The closed ones are in no queue; the open ones are work still to do.
    queue = mediator_queue(users["coordinator"], D(2026, 11, 20))
    queued = {c.pk for key in ("due", "signatures", "performing", "windows") for c in queue[key]}
    assert agreed.pk not in queued and failed.pk not in queued and not queue["visits"]

    again = start(coordinator, "mediation", mediation_ledger())
    preview = ledger_for(again).preview()
    assert (preview.accepted, [row for row, _n in preview.present]) == (0, [5, 6, 8])

    services.undo(batch, by=coordinator)
    assert MediationCase.objects.count() == 0 and Person.objects.count() == 0
    from disputes.models import MediationCounter
    assert MediationCounter.objects.get(township=township, series="case", year=2024).last_number == 0


@pytest.mark.parametrize("kind", ["screening", "mediation"])
def test_each_blank_template_is_the_export_layout_and_imports_its_example_row(client, coordinator, township, kind):
    import openpyxl
    from django.urls import reverse

    client.force_login(coordinator)
    page = client.get(reverse("ledgerimport:index")).content.decode()
    assert reverse("ledgerimport:template", args=[kind]) in page
    response = client.get(reverse("ledgerimport:template", args=[kind]))
    ws = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert ws["G3" if kind == "screening" else "H3"].value == "当事人"
    batch, ledger = services.start(by=coordinator, kind=kind, file_name="模板.xlsx", data=response.content)
    assert not ledger.needs_mapping()
    preview = ledger.preview()
    assert (preview.accepted, preview.refused) == (1, [])
    services.confirm(batch, by=coordinator)
    model = LedgerEntry if kind == "screening" else MediationCase
    assert model.objects.get().parties.count() == 2


@pytest.mark.parametrize("kind, ledger, model, count, read", [
    ("screening", screening_ledger, LedgerEntry, 2, 7), ("mediation", mediation_ledger, MediationCase, 3, 6)])
def test_the_command_line_takes_each_kind(tmp_path, coordinator, township, capsys, kind, ledger, model, count, read):
    from django.core.management import call_command

    from ledgerimport.engine import save_mapping

    path = tmp_path / f"{kind}.xlsx"
    path.write_bytes(ledger())
    save_mapping(ledger_for(start(coordinator, kind, ledger())))  # the mapping the browser saved for this shape
    ImportBatch.objects.all().delete()
    call_command("import_ledger", str(path), kind=kind, township=township.code)
    out = capsys.readouterr()
    assert f"{count} imported" in out.out
    # One reading: the report of what was read and refused comes after the progress bar.
    assert f"{read} rows read: {count} to import" in out.out and f"{read}/" in out.err
    assert model.objects.count() == count


def test_imported_closed_disputes_are_in_no_reminder_and_no_round_before_go_live_is_missing(coordinator, township):
    from disputes.models import DisputeType
    from reports import reminders

    screening = start(coordinator, "screening", screening_ledger())
    services.set_value_map(screening, by=coordinator, value_map={"category": {"环境纠纷": str(
        DisputeType.objects.get(name="环境污染纠纷", parent=None).pk)}})
    services.confirm(ImportBatch.objects.get(pk=screening.pk), by=coordinator)
    services.confirm(start(coordinator, "mediation", mediation_ledger()), by=coordinator)
    township.go_live_on = D(2026, 11, 16)
    township.save(update_fields=["go_live_on"])
    closed_cases = MediationCase.objects.filter(status__in=["archived", "terminated"])
    closed = ([e.title for e in LedgerEntry.objects.exclude(status__in=LedgerEntry.OPEN_STATUSES)]
              + [c.number for c in closed_cases])
    assert len(closed) == 3
    texts = " ".join(item[-2] for reminder in reminders.collect(D(2026, 11, 20)) for item in reminder.items)
    assert not any(title in texts for title in closed)
    assert "2024年" not in texts  # no round of 2024 is missing: the township went live in November 2026


@pytest.mark.parametrize("kind, ledger, unknown, word, model, count", [
    ("screening", screening_ledger, "环境纠纷", "环境污染纠纷", LedgerEntry, 3),
    ("mediation", mediation_ledger, "人身损害", "损害赔偿纠纷 · 人身损害赔偿纠纷", MediationCase, 4),
])
def test_the_pages_walk_through_a_dispute_ledger(client, coordinator, township, kind, ledger, unknown, word, model,
                                                   count):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    client.force_login(coordinator)
    response = client.post(reverse("ledgerimport:index"), {"kind": kind, "file": SimpleUploadedFile("台账.xlsx", ledger())})
    batch = ImportBatch.objects.get()
    assert response["Location"] == reverse("ledgerimport:mapping", args=[batch.pk])
    mapping = ledger_for(batch).mapping
    form = {f"col_{i}": key for i, key in mapping.items() if key not in ("-", "")}
    response = client.post(reverse("ledgerimport:mapping", args=[batch.pk]), form)
    assert response["Location"] == reverse("ledgerimport:preview", args=[batch.pk])
    page = client.get(response["Location"]).content.decode()
    assert unknown in page and word in page  # the unknown type, and the system's type to map it to
    key = "category" if kind == "screening" else "dispute_type"
    option = next(value for value, label in kind_module(kind).lookup_options(key, township) if label == word)
    client.post(reverse("ledgerimport:value_map", args=[batch.pk]), {f"map:{key}:{unknown}": option})
    response = client.post(reverse("ledgerimport:confirm", args=[batch.pk]))
    assert response["Location"] == reverse("ledgerimport:batch", args=[batch.pk])
    assert model.objects.count() == count
    page = client.get(response["Location"]).content.decode()
    first = model.objects.order_by("pk").first()
    detail = "disputes:entry_detail" if kind == "screening" else "disputes:mediation_detail"
    assert reverse(detail, args=[first.pk]) in page
    assert client.get(reverse(detail, args=[first.pk])).status_code == 200
    if kind == "screening":
        round_page = client.get(reverse("disputes:round_detail", args=[first.first_round.pk])).content.decode()
        assert "2024年3月（由台账导入）" in round_page


def test_each_imported_case_has_its_history_row(coordinator, township):
    from petitions.models import Petition
    from tests.ledgerimport.builders import simple_rows, xlsx_bytes

    batch, _ledger = services.start(by=coordinator, kind="petitions", file_name="台账.xlsx", data=xlsx_bytes(simple_rows()))
    services.confirm(batch, by=coordinator)
    services.confirm(start(coordinator, "mediation", mediation_ledger()), by=coordinator)
    for model in (Petition, MediationCase):
        for case in model.objects.all():
            record = case.history.get()
            assert (record.history_type, record.history_user, record.history_change_reason) == (
                "+", coordinator, "由台账导入")
            assert record.history_date == NOW and record.title == case.title and record.status == case.status
