"""Reading a spreadsheet someone kept by hand (docs/domain.md §9): .xlsx, .xls or .csv, row by row.

``open_sheet`` recognises the file by its content, never by its name, and yields the first sheet's
rows as plain values with their sheet row numbers, without holding the file's rows in memory
(openpyxl's read-only reader, xlrd, the csv module). A file that cannot be read raises
``UnreadableFile`` with the reason in the user's words.
"""
import csv
import datetime
import io
import zipfile
from dataclasses import dataclass

from django.utils.translation import gettext as _

MAX_BYTES = 20 * 1024 * 1024
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
# The directory entry an encrypted Office file keeps its real workbook under (UTF-16 name).
ENCRYPTED = "EncryptedPackage".encode("utf-16-le")


class UnreadableFile(Exception):
    """The file is not a spreadsheet this system can read; the message says why."""


@dataclass
class Sheet:
    format: str  # "xlsx", "xls" or "csv"
    rows: object  # iterator of (sheet row number, [values])
    encoding: str = ""
    size: int | None = None  # the number of rows the file says it has, where it says (a progress bar's end)


def open_sheet(data: bytes) -> Sheet:
    if len(data) > MAX_BYTES:
        raise UnreadableFile(_("The file is larger than %(size)s MB. Split the ledger by year and import each part.")
                             % {"size": MAX_BYTES // (1024 * 1024)})
    if not data.strip():
        raise UnreadableFile(_("The file is empty."))
    if data.startswith(OLE_MAGIC):
        if ENCRYPTED in data[:65536] or ENCRYPTED in data:
            raise UnreadableFile(_("The file is protected by a password. Open it, remove the password, save it and upload it again."))
        return Sheet("xls", *_xls_rows(data))
    if data.startswith(ZIP_MAGIC):
        return Sheet("xlsx", *_xlsx_rows(data))
    return _csv_sheet(data)


def _xlsx_rows(data):
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise UnreadableFile(_("The file is not an Excel workbook (.xlsx), or it is damaged.")) from error
    sheet = workbook.worksheets[0] if workbook.worksheets else None
    if sheet is None:
        raise UnreadableFile(_("The workbook has no sheet."))
    return _close_after(workbook, ((number, list(values)) for number, values in
                                   enumerate(sheet.iter_rows(values_only=True), start=1))), "", sheet.max_row


def _close_after(workbook, rows):
    try:
        yield from rows
    finally:
        workbook.close()


def _xls_rows(data):
    import xlrd

    try:
        book = xlrd.open_workbook(file_contents=data, on_demand=True)
    except xlrd.XLRDError as error:
        if "encrypt" in str(error).lower():
            raise UnreadableFile(_("The file is protected by a password. Open it, remove the password, save it and upload it again.")) from error
        raise UnreadableFile(_("The file is not an Excel workbook (.xls), or it is damaged.")) from error
    except Exception as error:  # xlrd raises assorted errors on a damaged file
        raise UnreadableFile(_("The file is not an Excel workbook (.xls), or it is damaged.")) from error
    if book.nsheets == 0:
        raise UnreadableFile(_("The workbook has no sheet."))
    sheet = book.sheet_by_index(0)

    def rows():
        for index in range(sheet.nrows):
            values = []
            for cell in sheet.row(index):
                if cell.ctype == xlrd.XL_CELL_DATE:
                    try:
                        values.append(xlrd.xldate_as_datetime(cell.value, book.datemode))
                    except (ValueError, OverflowError):
                        values.append(cell.value)
                elif cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
                    values.append(None)
                else:
                    values.append(cell.value)
            yield index + 1, values

    return rows(), "", sheet.nrows


def _csv_sheet(data):
    if b"\x00" in data[:4096]:
        raise UnreadableFile(_("The file is not a spreadsheet: upload an Excel file (.xlsx, .xls) or a CSV file."))
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise UnreadableFile(_("The file is not a spreadsheet: upload an Excel file (.xlsx, .xls) or a CSV file."))
    sample = text[:8192]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",\t;")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    if delimiter not in sample:
        raise UnreadableFile(_("The file is not a spreadsheet: upload an Excel file (.xlsx, .xls) or a CSV file."))
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    return Sheet("csv", ((number, [value if value != "" else None for value in row])
                         for number, row in enumerate(reader, start=1)), encoding=encoding.replace("-sig", ""),
                 size=len(text.splitlines()))


def is_blank(value):
    return value is None or (isinstance(value, str) and not value.strip())


def cell_text(value):
    """The cell as text the way a person reads it (a whole number without ".0")."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat(sep=" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value).strip()
