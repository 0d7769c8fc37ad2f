"""The shared Excel helper: layout, merged headers, real dates, formula-looking text kept as text."""
import datetime
import io

import pytest
from openpyxl import load_workbook

from office.excel import Column, header_layout, write_table

COLUMNS = [
    Column(("序号",), 6),
    Column(("当事人", "姓名"), 10),
    Column(("当事人", "电话"), 14),
    Column(("日期",), 12),
    Column(("人数",), 8, total=True),
    Column(("说明",), 30, wrap=True),
]


def build(rows, **options):
    options.setdefault("totals_label", "合计：%(count)s 件")
    options.setdefault("footer", "填报单位：青溪镇综治中心　填报日期：2026-11-25")
    excel = write_table(
        sheet_title="台账", title="青溪镇测试台账", subtitle="统计期间：2026-11", columns=COLUMNS, rows=rows, **options
    )
    return excel, load_workbook(io.BytesIO(excel.content)).active


def test_header_layout_merges_parents_across_and_leaves_down():
    depth, cells = header_layout(COLUMNS)
    assert depth == 2
    assert ("当事人", 1, 2, 1, 3) in cells  # across the two party columns
    assert ("序号", 1, 1, 2, 1) in cells and ("说明", 1, 6, 2, 6) in cells  # down both header rows
    assert ("姓名", 2, 2, 2, 2) in cells


def test_the_sheet_layout():
    excel, ws = build([[1, "张三", "13812345678", datetime.date(2026, 11, 25), 2, "x"]])
    assert excel.row_count == 1
    assert ws.title == "台账"
    assert ws["A1"].value == "青溪镇测试台账" and ws["A2"].value == "统计期间：2026-11"
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert {"A1:F1", "A2:F2", "B3:C3", "A3:A4", "D3:D4", "E3:E4", "F3:F4"} <= merged
    assert [ws.cell(3, c).value for c in range(1, 7)] == ["序号", "当事人", None, "日期", "人数", "说明"]
    assert [ws.cell(4, c).value for c in (2, 3)] == ["姓名", "电话"]
    assert ws.freeze_panes == "A5"
    assert ws.print_title_rows == "$3:$4"
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1
    assert ws.column_dimensions["B"].width == 10 and ws.column_dimensions["F"].width == 30


def test_dates_are_dates_and_numbers_numbers():
    aware = datetime.datetime(2026, 11, 25, 2, 30, tzinfo=datetime.timezone.utc)
    _excel, ws = build([[1, "张三", "", datetime.date(2026, 11, 25), 2, aware]])
    date_cell = ws["D5"]
    assert date_cell.is_date and date_cell.value == datetime.datetime(2026, 11, 25)
    assert date_cell.number_format == "yyyy-mm-dd"
    assert ws["F5"].value == datetime.datetime(2026, 11, 25, 10, 30)  # shown in Beijing time
    assert ws["A5"].value == 1 and ws["A5"].data_type == "n"
    assert ws["C5"].value is None


@pytest.mark.parametrize("text", ["=HYPERLINK(\"http://evil\",\"点我\")", "+86 138", "-1+2", "@SUM(A1)", "=1+1"])
def test_text_that_looks_like_a_formula_stays_text(text):
    _excel, ws = build([[1, text, text, None, 1, text]])
    for cell in (ws["B5"], ws["C5"], ws["F5"]):
        assert cell.value == text
        assert cell.data_type == "s"
        assert cell.quotePrefix is True


def test_ordinary_text_is_not_quote_prefixed():
    _excel, ws = build([[1, "张三", "13812345678", None, 1, "正常"]])
    assert ws["B5"].quotePrefix is False


def test_totals_row_and_footer_line():
    excel, ws = build([[1, "a", "", None, 2, ""], [2, "b", "", None, 5, ""], [3, "c", "", None, None, ""]])
    assert excel.row_count == 3
    assert ws["A8"].value == "合计：3 件" and ws["E8"].value == 7 and ws["B8"].value is None
    assert ws["A9"].value.startswith("填报单位：青溪镇综治中心")
    assert "A9:F9" in {str(r) for r in ws.merged_cells.ranges}
    assert "青溪镇综治中心" in ws.oddFooter.left.text and ws.oddFooter.center.text == "&P / &N"


def test_without_totals_or_footer():
    _excel, ws = build([[1, "a", "", None, 2, ""]], totals_label=None, footer=None)
    assert ws.max_row == 5


def test_a_footer_with_an_ampersand_prints_it():
    _excel, ws = build([], footer="A&B")
    assert ws.oddFooter.left.text == "A&&B"


def test_wrapped_columns_wrap_and_the_others_do_not():
    _excel, ws = build([[1, "张三\n李四", "13812345678", datetime.date(2026, 11, 25), 2, "第一行\n第二行"],
                        [2, "王五", "", None, 3, "=1+1"]])
    assert ws["F5"].alignment.wrap_text is True and ws["F5"].alignment.vertical == "top"
    assert ws["F5"].value == "第一行\n第二行" and ws["F5"].quotePrefix is False
    # Formula-looking text in a wrapped column: wrapped and kept as text.
    assert ws["F6"].alignment.wrap_text is True and ws["F6"].quotePrefix is True and ws["F6"].data_type == "s"
    for coordinate in ("A5", "B5", "C5", "D5", "E5", "B6", "E6"):
        assert not ws[coordinate].alignment.wrap_text, coordinate


def test_no_style_leaks_from_one_cell_to_the_next():
    # The sheet reuses one cell per style: a number after a date, or text after wrapped or quoted text,
    # must come out plain.
    columns = [Column(("日期",)), Column(("数",)), Column(("说明",), wrap=True), Column(("文字",)), Column(("数2",))]
    excel = write_table(sheet_title="s", title="t", subtitle="p", columns=columns, rows=[
        [datetime.date(2026, 1, 2), 5, "=x", "+1", 2.5],
        [7, datetime.date(2026, 1, 3), "普通", "普通", datetime.datetime(2026, 1, 4, 8, 5)],
    ])
    ws = load_workbook(io.BytesIO(excel.content)).active
    assert ws["A4"].number_format == "yyyy-mm-dd" and ws["B4"].number_format == "General"
    assert ws["C4"].quotePrefix and ws["D4"].quotePrefix and not ws["D4"].alignment.wrap_text
    assert ws["A5"].value == 7 and ws["A5"].number_format == "General"
    assert ws["B5"].number_format == "yyyy-mm-dd"
    assert ws["C5"].alignment.wrap_text and not ws["C5"].quotePrefix
    assert not ws["D5"].quotePrefix and not ws["D5"].alignment.wrap_text
    assert ws["E4"].value == 2.5 and ws["E5"].number_format == "yyyy-mm-dd hh:mm"
    assert ws["E5"].value == datetime.datetime(2026, 1, 4, 8, 5)


def test_other_values_are_written_as_their_plain_kind():
    from decimal import Decimal

    from django.utils.safestring import mark_safe
    from django.utils.translation import gettext_lazy

    _excel, ws = build([[1, mark_safe("张三"), gettext_lazy("late"), None, Decimal("2.5"), True]])
    assert ws["B5"].value == "张三" and ws["C5"].value == "逾期"
    assert ws["E5"].value == 2.5 and ws["E5"].data_type == "n"
    assert ws["F5"].value == "True" and ws["F5"].data_type == "s"
    assert ws["E6"].value == 2.5  # the totals row sums the Decimal


def test_a_row_longer_than_the_columns_is_cut_to_them():
    _excel, ws = build([[1, "a", "", None, 2, "", "extra"]])
    assert ws["G5"].value is None


def test_styled_cells_never_take_openpyxl_s_error_path(monkeypatch):
    # openpyxl's write-only append tries a prepared cell as a value, formats a ValueError with the cell's
    # repr and catches it: a fifth of a 100,000-row export (bench/README.md). The table's own sheet class
    # writes its cells without that detour.
    from openpyxl.cell.cell import Cell

    def refuse(cell):
        raise AssertionError("a cell went through openpyxl's error path")

    monkeypatch.setattr(Cell, "__repr__", refuse)
    excel, _ws = build([[1, "张三\n李四", "=x", datetime.date(2026, 11, 25), 2, "长文字"]] * 3)
    assert excel.row_count == 3


def test_text_is_checked_as_openpyxl_checks_it():
    from openpyxl.utils.exceptions import IllegalCharacterError

    _excel, ws = build([[1, "长" * 40000, "", None, 1, "长" * 40000]])
    assert len(ws["B5"].value) == 32767 and len(ws["F5"].value) == 32767  # Excel's limit for a cell
    with pytest.raises(IllegalCharacterError):
        build([[1, "a\x01b", "", None, 1, ""]])


def test_rows_may_be_tuples_or_generators():
    excel, ws = build([(1, "a", "", None, 2, ""), (value for value in [2, "b", "", None, 3, ""])])
    assert excel.row_count == 2 and ws["B6"].value == "b" and ws["E7"].value == 5
