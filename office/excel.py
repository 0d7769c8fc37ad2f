"""Excel files for upward reporting (docs/architecture.md §4, docs/domain.md §4): one helper every export reuses.

``write_table`` streams rows into an openpyxl write-only workbook (memory stays flat however
long the ledger) and lays the sheet out the way township reports look: a title row with the
township and period, merged multi-row Chinese headers, real date cells, a frozen header,
column widths, A4 landscape with the header rows repeated on every printed page, an optional
totals row and an optional footer line (unit and date).

Text starting with ``= + - @`` (or a tab or carriage return) is written as a plain string
with Excel's quote-prefix style, so that neither opening nor editing the file ever runs
it as a formula (CSV/formula injection).
"""
import datetime
import io
from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import quote

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import IllegalCharacterError
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.cell_range import CellRange

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
PAPER_A4 = "9"  # ECMA-376 paper size code for A4
CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

_thin = Side(style="thin", color="000000")
BORDER = Border(left=_thin, right=_thin, top=_thin, bottom=_thin)
TITLE_FONT = Font(name="SimSun", size=16, bold=True)
HEADER_FONT = Font(name="SimSun", size=11, bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
CENTRED = Alignment(horizontal="center", vertical="center", wrap_text=True)
WRAPPED = Alignment(vertical="top", wrap_text=True)
LEFT = Alignment(horizontal="left", vertical="center")


@dataclass(frozen=True)
class Column:
    """One column: its header path (top level first), width in characters, and whether to total it.

    Columns next to each other whose paths share a first level get one merged cell over them;
    a path shorter than the deepest one is merged down to the last header row.
    """

    headers: tuple
    width: float = 12
    total: bool = False
    wrap: bool = False


@dataclass(frozen=True)
class ExcelFile:
    content: bytes
    row_count: int


def xlsx_response(content, filename):
    """Return the workbook's bytes as a download named ``filename`` (Chinese kept: RFC 5987 ``filename*``)."""
    response = HttpResponse(content, content_type=CONTENT_TYPE)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def cell_lines(values):
    """One line per value (a case's parties), so the parties' columns line up; no trailing empty lines."""
    return "\n".join(value for value in values if value is not None).rstrip("\n")


def unit_footer(unit_name):
    """The footer line of a report: the reporting unit and today's date."""
    return _("Reporting unit: %(unit)s    Date: %(date)s") % {"unit": unit_name, "date": timezone.localdate().isoformat()}


def header_layout(columns):
    """Return (depth, [(text, first_row, first_col, last_row, last_col)]) for the header block, 1-based
    and relative to the first header row."""
    depth = max(len(column.headers) for column in columns)
    cells = []
    for level in range(depth):
        col = 0
        while col < len(columns):
            path = columns[col].headers
            if len(path) <= level:
                col += 1
                continue
            end = col
            if len(path) > level + 1:
                # A parent header spans every following column under the same parent.
                while end + 1 < len(columns) and columns[end + 1].headers[: level + 1] == path[: level + 1]:
                    end += 1
            last_row = level + 1 if len(path) > level + 1 else depth
            cells.append((path[level], level + 1, col + 1, last_row, end + 1))
            col = end + 1
    return depth, cells


def is_formula_like(value):
    return isinstance(value, str) and value.startswith(FORMULA_TRIGGERS)


def text_cell(ws, value, **style):
    """Return a cell that Excel shows as this exact text, even if it looks like a formula."""
    cell = WriteOnlyCell(ws, value=value)
    if is_formula_like(value):
        cell.data_type = "s"  # openpyxl would otherwise store "=…" as a formula
        cell.quotePrefix = True  # and Excel keeps it text when the cell is edited
    for name, setting in style.items():
        setattr(cell, name, setting)
    return cell


class TableSheet(WriteOnlyWorksheet):
    """openpyxl's streaming sheet, turning a table's plain values into its cells itself.

    ``append`` takes a row of plain values, one per column, and writes nothing for None or empty
    text, dates as real dates (``DATE_FORMAT``; a date and time in local time, ``DATETIME_FORMAT``),
    numbers as numbers, text wrapped in a column marked ``wrap``, and text starting like a formula as
    quote-prefixed text. Header, totals and footer rows hold prepared cells (``text_cell``).

    Why not openpyxl's own conversion: its write-only ``append`` first tries every value as a plain
    cell value, and a prepared (styled) cell fails that with a ValueError whose message formats the
    cell's repr, caught to take the cell as it is. On a 100,000-row ledger (dates, wrapped parties and
    titles) that was a fifth of the export. Here the few styles a table uses (date, date and time,
    wrapped text, text kept as text) are each one cell, styled once and reused for every value of that
    style, as openpyxl reuses its one plain cell: the writer has written a cell before the next is asked
    for. Relies on ``WriteOnlyWorksheet._values_to_row`` (openpyxl 3.1, pinned in pyproject.toml);
    tests/office/test_excel.py reads back every kind of cell.
    """

    def __init__(self, parent, title, columns):
        super().__init__(parent, title)
        self._wrapped_columns = {index for index, column in enumerate(columns, 1) if column.wrap}
        self._plain = WriteOnlyCell(self)
        self._date = self._styled(number_format=DATE_FORMAT)
        self._datetime = self._styled(number_format=DATETIME_FORMAT)
        self._wrapped = self._styled(alignment=WRAPPED)
        self._quoted = self._styled(quotePrefix=True)
        self._wrapped_quoted = self._styled(alignment=WRAPPED, quotePrefix=True)

    def _styled(self, **style):
        cell = WriteOnlyCell(self)
        for name, setting in style.items():
            setattr(cell, name, setting)
        return cell

    def _values_to_row(self, values, row_idx):
        wrapped = self._wrapped_columns
        for col_idx, value in enumerate(values, 1):
            kind = type(value)
            if kind not in _PLAIN_TYPES:
                if value is None:
                    continue
                if isinstance(value, Cell):  # a prepared cell (a header, the totals' label, the footer)
                    value.column, value.row = col_idx, row_idx
                    yield value
                    continue
                value = _plain_value(value)
                kind = type(value)
            if kind is str:
                if not value:
                    continue
                # What openpyxl's Cell.check_string does for a text value: Excel's limit, no control characters.
                value = value[:32767]
                if ILLEGAL_CHARACTERS_RE.search(value):
                    raise IllegalCharacterError(f"{value} cannot be used in worksheets.")
                if value.startswith(FORMULA_TRIGGERS):
                    cell = self._wrapped_quoted if col_idx in wrapped else self._quoted
                    cell._value, cell.data_type = value, "s"  # never a formula
                else:
                    cell = self._wrapped if col_idx in wrapped else self._plain
                    cell._value, cell.data_type = value, "e" if value in ERROR_CODES else "s"
            elif kind is datetime.date:
                cell = self._date
                cell._value, cell.data_type = value, "d"
            elif kind is datetime.datetime:
                cell = self._datetime
                cell._value, cell.data_type = value, "d"
            else:  # int, float, Decimal
                cell = self._plain
                cell._value, cell.data_type = value, "n"
            cell.column = col_idx
            cell.row = row_idx
            yield cell


_PLAIN_TYPES = frozenset((str, datetime.date, int, float, Decimal))


def _plain_value(value):
    """A value of another type as one of ``_PLAIN_TYPES`` or a naive datetime in local time: a
    date and time as the township's clock shows it, a number as a number, anything else (a flag, a
    lazy translation) as its text."""
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value).replace(tzinfo=None)
        return value
    if isinstance(value, datetime.date):
        return datetime.date(value.year, value.month, value.day)
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    if isinstance(value, Decimal):
        return Decimal(value)
    return str.__str__(str(value))  # a plain str: str() of a SafeString is the SafeString


def write_table(*, sheet_title, title, subtitle, columns, rows, totals_label=None, footer=None, progress=None):
    """Write one table sheet and return the file's bytes and how many data rows it holds.

    ``rows`` is any iterable of lists (one value per column). ``totals_label`` adds a totals
    row (it may contain ``%(count)s``) summing the columns marked ``total``; ``footer`` adds a
    last line such as the reporting unit and date. ``progress(rows written)`` is called every
    ``PROGRESS_EVERY`` rows (a background export reports it to its progress page; docs/architecture.md §14).
    """
    if progress is not None:
        rows = reporting(rows, progress)
    return write_workbook([Sheet(sheet_title, title, subtitle, columns, rows, totals_label, footer)])


PROGRESS_EVERY = 1000


def reporting(rows, progress, every=None):
    """Yield ``rows`` unchanged, calling ``progress(count)`` every ``every`` rows (``PROGRESS_EVERY``)."""
    every = every or PROGRESS_EVERY
    count = 0
    for row in rows:
        yield row
        count += 1
        if count % every == 0:
            progress(count)


@dataclass
class Sheet:
    """One table of a workbook: what write_table takes, as a value."""

    sheet_title: str
    title: str
    subtitle: str
    columns: list
    rows: object
    totals_label: str | None = None
    footer: str | None = None


def write_workbook(sheets):
    """Write several table sheets into one workbook; the row count is that of the first sheet."""
    wb = Workbook(write_only=True)
    counts = [_write_sheet(wb, sheet) for sheet in sheets]
    buffer = io.BytesIO()
    wb.save(buffer)
    return ExcelFile(buffer.getvalue(), counts[0] if counts else 0)


def _write_sheet(wb, sheet):
    sheet_title, title, subtitle, columns = sheet.sheet_title, sheet.title, sheet.subtitle, sheet.columns
    rows, totals_label, footer = sheet.rows, sheet.totals_label, sheet.footer
    ws = TableSheet(wb, sheet_title[:31], columns)
    wb._add_sheet(ws)  # what wb.create_sheet does, with the table's own sheet class
    width = len(columns)
    last_letter = get_column_letter(width)
    for index, column in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(index)].width = column.width

    depth, header_cells = header_layout(columns)
    first_header_row, last_header_row = 3, 2 + depth
    ws.freeze_panes = f"A{last_header_row + 1}"
    ws.print_title_rows = f"{first_header_row}:{last_header_row}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = PAPER_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.oddFooter.center.text = "&P / &N"

    ws.merged_cells.add(CellRange(f"A1:{last_letter}1"))
    ws.append([text_cell(ws, title, font=TITLE_FONT, alignment=CENTRED)])
    ws.merged_cells.add(CellRange(f"A2:{last_letter}2"))
    ws.append([text_cell(ws, subtitle, alignment=LEFT)])

    grid = [[None] * width for _ in range(depth)]
    for text, top, left, bottom, right in header_cells:
        grid[top - 1][left - 1] = str(text)  # lazy translations become plain text
        if (top, left) != (bottom, right):
            ws.merged_cells.add(
                CellRange(min_row=top + 2, min_col=left, max_row=bottom + 2, max_col=right)
            )
    for values in grid:
        # Every cell of the block gets the border, so merged ranges print framed.
        ws.append(
            [text_cell(ws, value, font=HEADER_FONT, fill=HEADER_FILL, alignment=CENTRED, border=BORDER) for value in values]
        )

    totals: list = [0] * width
    totalled = [index for index, column in enumerate(columns) if column.total]
    count = 0
    for row in rows:
        if type(row) is not list:
            row = list(row)  # a tuple or a generator
        if len(row) > width:
            row = row[:width]
        for index in totalled:
            value = row[index] if index < len(row) else None
            if isinstance(value, (int, float, Decimal)):
                totals[index] += value
        ws.append(row)  # TableSheet turns the values into dates, numbers and (wrapped) text
        count += 1

    tail_row = last_header_row + count + 1
    if totals_label is not None:
        label = totals_label % {"count": count} if "%(count)" in totals_label else totals_label
        line = [text_cell(ws, label, font=HEADER_FONT)]
        line += [totals[i] if columns[i].total else None for i in range(1, width)]
        ws.append(line)
        tail_row += 1
    if footer:
        ws.merged_cells.add(CellRange(f"A{tail_row}:{last_letter}{tail_row}"))
        ws.append([text_cell(ws, footer, alignment=LEFT)])
        ws.oddFooter.left.text = footer.replace("&", "&&")
    return count
