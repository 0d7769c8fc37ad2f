"""Importing a messy petition ledger: header, mapping, the exact preview, confirm, again, undo (docs/domain.md §9)."""
import datetime
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from ledgerimport import services
from ledgerimport.engine import Ledger, LedgerError, ledger_for
from ledgerimport.models import ImportBatch, ImportedPerson, SavedMapping
from office.models import Person
from petitions.models import CaseEvent, Petition, PetitionCounter
from petitions.selectors import queue_conditions
from tests.ledgerimport.builders import csv_bytes, messy_ledger, simple_rows, xls_bytes

pytestmark = pytest.mark.django_db
D = datetime.date
NOW = datetime.datetime(2026, 11, 20, 10, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(NOW, tick=False):
        yield


def start(user, data, name="台账.xlsx", kind="petitions"):
    return services.start(by=user, kind=kind, file_name=name, data=data)


def mapped_messy(user):
    batch, ledger = start(user, messy_ledger())
    assert ledger.needs_mapping()  # 经办人 is not a column the system knows
    mapping = dict(ledger.mapping)
    mapping["9"] = "-"
    services.set_mapping(batch, by=user, mapping=mapping, remember=True)
    batch.refresh_from_db()
    return batch


def test_the_header_is_found_under_the_title_and_read_as_two_rows(coordinator):
    batch, ledger = start(coordinator, messy_ledger())
    assert (ledger.layout.first_header_row, ledger.layout.last_header_row) == (3, 4)
    assert ledger.layout.columns == ["序号", "来访日期", "信访人/姓名", "信访人/身份证号码", "信访人/电话", "所在村",
                                     "反映问题", "问题类别", "答复日期", "经办人"]
    assert ledger.mapping == {"0": "-", "1": "received_on", "2": "names", "3": "id_numbers", "4": "phones",
                              "5": "village", "6": "title", "7": "category", "8": "replied_on", "9": ""}
    assert ledger.mapping_problems() == []


def test_the_preview_lists_every_row_exactly(coordinator):
    batch = mapped_messy(coordinator)
    result = ledger_for(batch).preview()
    assert result.total == 7
    assert result.accepted == 4
    assert result.duplicates == [(10, 5)]
    assert result.present == []
    assert result.skipped_summary == 2
    assert [(p.row, p.column, p.reason) for p in result.refused] == [
        (7, "信访人/身份证号码", "Excel 把这个身份证号存成了数字并作了舍入（3.30127E+17），末几位已经丢失。"
                             "请把该列设为文本，按身份证重新录入后再导入这一行。"),
        (11, "来访日期", "“2024-13-01”不是实际存在的日期。"),
    ]
    assert result.refused_rows == 2
    assert result.unknown == {"category": {"邻里琐事": 1}}
    assert [number for number, _values in result.sample] == [5, 8, 9, 12]
    first = result.sample[0][1]
    assert first["received_on"] == D(2024, 3, 5) and first["replied_on"] == D(2024, 4, 10)
    assert result.sample[2][1]["received_on"] == D(2024, 3, 10)  # an Excel serial date
    assert result.sample[1][1]["received_on"] == D(2024, 3, 7)  # 2024年3月7日
    # Nothing is written by a preview.
    assert Petition.objects.count() == 0 and Person.objects.count() == 0


def test_confirm_imports_historic_cases_and_people_once(coordinator, township):
    batch = mapped_messy(coordinator)
    services.set_value_map(batch, by=coordinator, value_map={"category": {"邻里琐事": str(
        __import__("petitions.models").models.ContentCategory.objects.get(name="房屋宅基地").pk)}})
    batch.refresh_from_db()
    batch = services.confirm(batch, by=coordinator)
    assert (batch.state, batch.imported_count, batch.present_count, batch.refused_count) == ("imported", 4, 1, 2)
    cases = list(Petition.objects.filter(township=township).order_by("sequence"))
    assert [(c.number, c.received_on, c.status, c.replied_on) for c in cases] == [
        ("XF-2024-0001", D(2024, 3, 5), "archived", D(2024, 4, 10)),
        ("XF-2024-0002", D(2024, 3, 7), "registered", None),
        ("XF-2024-0003", D(2024, 3, 10), "archived", D(2024, 5, 1)),
        ("XF-2024-0004", D(2024, 3, 12), "archived", D(2024, 4, 1)),
    ]
    assert cases[1].category.name == "房屋宅基地"  # the unknown category, mapped
    assert cases[0].village.name == "青溪村" and cases[0].category.name == "城乡建设"
    assert all(c.due_on is None for c in cases)
    # Three people: 赵六 twice (same name and phone, no ID number) is one person.
    people = Person.objects.filter(township=township).order_by("pk")
    assert [(p.name, p.id_number, p.phone) for p in people] == [
        ("张三", "110105194912310038", "13812345678"), ("王五", "440524198001010013", "13700001111"),
        ("赵六", "", "13600002222")]
    assert cases[2].parties.get().person == cases[3].parties.get().person
    event = CaseEvent.objects.get(petition=cases[0])
    assert event.get_action_display() == "由台账导入"
    assert event.note == "文件 台账.xlsx，第 5 行。"
    assert PetitionCounter.objects.get(township=township, year=2024).last_number == 4
    assert ImportedPerson.objects.filter(batch=batch).count() == 3
    assert SavedMapping.objects.filter(township=township).count() == 1


def test_import_again_creates_nothing_and_undo_leaves_nothing(coordinator, township):
    batch = services.confirm(mapped_messy(coordinator), by=coordinator)
    again, ledger = start(coordinator, messy_ledger())
    assert not ledger.needs_mapping()  # the mapping saved for this shape of sheet
    result = ledger.preview()
    assert (result.accepted, [row for row, _n in result.present]) == (0, [5, 8, 9, 12])
    again = services.confirm(again, by=coordinator)
    assert (again.imported_count, again.present_count) == (0, 5)
    assert Petition.objects.count() == 4 and Person.objects.count() == 3

    services.undo(batch, by=coordinator)
    batch.refresh_from_db()
    assert batch.state == "undone" and batch.undone_by == coordinator
    assert Petition.objects.count() == 0 and Person.objects.count() == 0
    assert PetitionCounter.objects.get(township=township, year=2024).last_number == 0
    # Listed in 导入记录 with who, file, hash and counts.
    assert ImportBatch.objects.exclude(state="draft").count() == 2


def test_undo_is_refused_once_a_case_was_worked_on(coordinator, township):
    from petitions import workflow

    batch = services.confirm(mapped_messy(coordinator), by=coordinator)
    registered = Petition.objects.get(status="registered")
    workflow.propose_decision(registered, by=coordinator, decision="accept", reasons="符合受理条件")
    with pytest.raises(LedgerError, match="XF-2024-0002"):
        services.undo(batch, by=coordinator)
    assert Petition.objects.count() == 4


def test_people_already_in_the_system_are_linked_not_copied(coordinator, clerk, township):
    from tests.builders import register_petition

    earlier = register_petition(clerk, petitioners=[{"name": "张三", "id_number": "110105194912310038",
                                                     "phone": "13812345678"}])
    batch, ledger = start(coordinator, csv_bytes(simple_rows(), "utf-8"), name="台账.csv")
    services.confirm(batch, by=coordinator)
    imported = Petition.objects.exclude(pk=earlier.pk).order_by("received_on").first()
    assert imported.parties.get().person == earlier.parties.get().person
    # Numbers: the imported 2024 cases in 2024's sequence, the new case in its own year's.
    assert imported.number == "XF-2024-0001"


def test_imported_closed_cases_are_in_no_queue_and_no_reminder(coordinator, users, township):
    from reports import reminders

    services.confirm(mapped_messy(coordinator), by=coordinator)
    closed = Petition.objects.filter(status="archived")
    assert closed.count() == 3
    for user in users.values():
        for slug, condition in queue_conditions(user, datetime.date(2026, 11, 20), 3).items():
            assert not closed.filter(condition).exists(), slug
    assert not Petition.objects.filter(queue_conditions(coordinator, D(2026, 11, 20), 3)["overdue"]).exists()
    texts = " ".join(item[-2] for reminder in reminders.collect(D(2026, 11, 20)) for item in reminder.items)
    assert not any(number in texts for number in closed.values_list("number", flat=True))


def test_gb18030_csv_and_xls(coordinator, township):
    rows = simple_rows()
    for data, name in [(csv_bytes(rows, "gb18030"), "台账.csv"), (xls_bytes(
            [rows[0]] + [[D(2024, 3, 5)] + rows[1][1:]] + [rows[2]]), "台账.xls")]:
        batch, ledger = start(coordinator, data, name=name)
        assert not ledger.needs_mapping(), ledger.columns
        result = ledger.preview()
        assert result.accepted == 2 and not result.refused, result.refused
        assert [v["received_on"] for _n, v in result.sample] == [D(2024, 3, 5), D(2024, 3, 7)]
        assert result.sample[0][1]["names"] == ["张三"]
    assert ledger.format == "xls"
    assert Ledger(csv_bytes(rows, "gb18030"), "petitions", township).format == "csv"


@pytest.mark.parametrize("data, message", [
    (b"%PDF-1.4 \x00\x01 binary", "不是电子表格"),
    (b"", "文件是空的"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "EncryptedPackage".encode("utf-16-le") + b"\x00" * 600, "密码"),
    (b"a,b\n1,2\n", "没有找到表头"),
    (b"PK\x03\x04 not really a zip", "已损坏"),
])
def test_bad_files_are_refused_with_a_reason_and_nothing_written(coordinator, data, message):
    with pytest.raises(LedgerError, match=message):
        start(coordinator, data)
    assert ImportBatch.objects.count() == 0 and Petition.objects.count() == 0


def test_an_empty_sheet_a_large_file_and_another_kind_of_ledger(coordinator, township, client):
    from tests.ledgerimport.builders import xlsx_bytes

    with pytest.raises(LedgerError, match="工作表是空的"):
        start(coordinator, xlsx_bytes([]))
    with pytest.raises(LedgerError, match="20 MB"):
        start(coordinator, b"x" * (30 * 1024 * 1024))
    screening = xlsx_bytes([["序号", "排查单位", "排查日期", "纠纷简况", "当事人", "风险等级"],
                            [1, "青溪村", "2024-3-5", "邻里纠纷", "张三", "一般"]])
    with pytest.raises(LedgerError, match="矛盾纠纷排查台[帐账]，不是信访台账"):
        start(coordinator, screening)
    client.force_login(coordinator)
    response = client.post(reverse("ledgerimport:index"), {
        "kind": "petitions", "file": SimpleUploadedFile("排查.xlsx", screening)})
    assert re.search("矛盾纠纷排查台[帐账]，不是信访台账", response.content.decode())
    assert ImportBatch.objects.count() == 0


def test_a_failure_half_way_leaves_no_partial_batch(coordinator, township, monkeypatch):
    from ledgerimport import petitions as petition_rows

    batch = mapped_messy(coordinator)
    original = petition_rows.Writer.write
    calls = []

    def failing(self, rows):
        calls.append(len(rows))
        original(self, rows)
        raise RuntimeError("disk full")

    monkeypatch.setattr(petition_rows.Writer, "write", failing)
    with pytest.raises(RuntimeError):
        services.confirm(batch, by=coordinator)
    batch.refresh_from_db()
    assert calls and batch.state == "draft"
    assert Petition.objects.count() == 0 and Person.objects.count() == 0
    assert not PetitionCounter.objects.filter(last_number__gt=0).exists()


def test_only_administrators_and_the_center_may_import(client, users):
    for role, allowed in [("clerk", False), ("leader", False), ("handler", False), ("coordinator", True),
                          ("admin", True)]:
        client.force_login(users[role])
        assert client.get(reverse("ledgerimport:index")).status_code == (200 if allowed else 403), role


def test_the_pages_walk_through_an_import(client, coordinator, township):
    client.force_login(coordinator)
    response = client.post(reverse("ledgerimport:index"), {
        "kind": "petitions", "file": SimpleUploadedFile("台账.xlsx", messy_ledger())})
    batch = ImportBatch.objects.get()
    assert response["Location"] == reverse("ledgerimport:mapping", args=[batch.pk])
    page = client.get(response["Location"]).content.decode()
    assert "信访人/身份证号码" in page and "经办人" in page
    form = {f"col_{i}": key for i, key in ledger_for(batch).mapping.items() if key != "-"}
    form["col_9"] = ""
    response = client.post(reverse("ledgerimport:mapping", args=[batch.pk]), form)
    assert response["Location"] == reverse("ledgerimport:preview", args=[batch.pk])
    page = client.get(response["Location"]).content.decode()
    assert "3.30127E+17" in page and "邻里琐事" in page and "第 10 行与第 5 行相同" in page
    response = client.post(reverse("ledgerimport:confirm", args=[batch.pk]))
    assert response["Location"] == reverse("ledgerimport:batch", args=[batch.pk])
    assert Petition.objects.count() == 4
    page = client.get(reverse("ledgerimport:batches")).content.decode()
    assert "台账.xlsx" in page and batch.__class__.objects.get().sha256[:10] in page
    client.post(reverse("ledgerimport:undo", args=[batch.pk]))
    assert Petition.objects.count() == 0


def test_the_blank_template_is_the_export_layout_with_an_example_row(client, coordinator, township):
    import io

    import openpyxl

    client.force_login(coordinator)
    response = client.get(reverse("ledgerimport:template", args=["petitions"]))
    ws = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert ws["E3"].value == "信访人" and ws["E4"].value == "姓名"
    assert ws["E5"].value == "张三"
    batch, ledger = start(coordinator, response.content, name="模板.xlsx")
    assert not ledger.needs_mapping()
    assert ledger.preview().accepted == 1


def test_the_command_line_imports_with_a_progress_bar(tmp_path, coordinator, township, capsys):
    from django.core.management import call_command

    path = tmp_path / "台账.csv"
    path.write_bytes(csv_bytes(simple_rows(), "gb18030"))
    call_command("import_ledger", str(path), kind="petitions", township=township.code, dry_run=True)
    assert Petition.objects.count() == 0 and ImportBatch.objects.count() == 0
    call_command("import_ledger", str(path), kind="petitions", township=township.code)
    out = capsys.readouterr()
    assert "2 imported" in out.out and "2/2 rows" in out.err
    assert Petition.objects.count() == 2
    assert ImportBatch.objects.get().created_by == coordinator


def test_figures_count_imported_cases_only_where_their_dates_allow(coordinator, township, clerk):
    from reports.figures import Period, petition_figures
    from tests.builders import register_petition

    services.confirm(mapped_messy(coordinator), by=coordinator)
    with time_machine.travel(datetime.datetime(2024, 3, 8, 10, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        native = register_petition(clerk, received_on=D(2024, 3, 8))  # undecided past its due date: late
    figures = {f.key: f for f in petition_figures(Petition.objects.all(), Period(D(2024, 3, 1), D(2024, 3, 31)),
                                                  D(2026, 11, 20))}
    # No imported row says when it was decided: only the case registered here counts, as late.
    assert (figures["timely_decision"].numerator, figures["timely_decision"].denominator) == (0, 1)
    assert figures["repeat"].denominator == 5
    assert native.pk


def test_a_new_petition_by_someone_with_an_open_imported_case_is_a_repeat(coordinator, clerk, township):
    from tests.builders import register_petition

    services.confirm(mapped_messy(coordinator), by=coordinator)
    open_case = Petition.objects.get(status="registered")  # 王五's, no reply in the sheet
    new = register_petition(clerk, petitioners=[{"name": "王五", "id_number": "440524198001010013"}])
    assert new.is_repeat and list(new.related_cases.all()) == [open_case]


def test_the_import_records_page_runs_the_same_queries_however_many_batches(client, coordinator, township):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(coordinator)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("ledgerimport:batches")).status_code == 200
        return len(queries)

    services.confirm(start(coordinator, csv_bytes(simple_rows(), "utf-8"), name="a.csv")[0], by=coordinator)
    one = count()
    for name in ("b.csv", "c.csv"):
        services.confirm(start(coordinator, csv_bytes(simple_rows(), "utf-8"), name=name)[0], by=coordinator)
    assert count() == one
