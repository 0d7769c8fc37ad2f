"""Reading one cell as a date, an ID number, a phone number or a list, the way offices type them
(docs/domain.md §9). Each reader returns the value or raises ``CellError`` with the reason in Chinese;
the checks themselves are the forms' (office/validators.py)."""
import datetime
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from office.validators import normalise_id_number, normalise_phone, validate_id_number, validate_phone

from .reading import cell_text

EXCEL_EPOCH = datetime.date(1899, 12, 30)
DATE_RE = re.compile(r"^(\d{4})\s*[-./年]\s*(\d{1,2})\s*[-./月]\s*(\d{1,2})\s*日?(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?$")
COMPACT_DATE_RE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
SCIENTIFIC_RE = re.compile(r"^\d(\.\d+)?[eE]\+?\d+$")
SPLIT_RE = re.compile(r"\s*(?:\r?\n|、|；|;)\s*")


class CellError(Exception):
    """The cell cannot be read; the message says why."""


def parse_date(value):
    """A date from a date cell, an Excel serial number, or text such as 2024-3-5, 2024.3.5,
    2024/03/05, 2024年3月5日 or 20240305."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if 1 <= value < 2958466:  # Excel's serial dates: 1900-01-01 … 9999-12-31
            return EXCEL_EPOCH + datetime.timedelta(days=int(value))
        raise CellError(_("“%(value)s” is not a date.") % {"value": cell_text(value)})
    text = cell_text(value)
    match = DATE_RE.match(text) or COMPACT_DATE_RE.match(text)
    if match is None and re.fullmatch(r"\d{5}(\.0+)?", text):
        return parse_date(float(text))
    if match is None:
        raise CellError(_("“%(value)s” is not a date: write it as 2024-3-5, 2024/03/05 or 2024年3月5日.") % {"value": text})
    try:
        return datetime.date(*(int(part) for part in match.groups()))
    except ValueError as error:
        raise CellError(_("“%(value)s” is not a date that exists.") % {"value": text}) from error


def split_lines(value):
    """The values of a cell holding one line per person (a case's parties)."""
    if value is None:
        return []
    if not isinstance(value, str):
        return [value]
    return [part for part in SPLIT_RE.split(value.strip()) if part]


def parse_id_number(value):
    """A 居民身份证号 checked by GB 11643; one that Excel stored as a number is refused, since Excel
    keeps 15 significant digits and has replaced the last ones with zeros."""
    rounded = _("Excel stored this ID number as a number and rounded it (%(value)s): its last digits are lost. "
                "Format the column as text, type the number again from the ID card and import the row again.")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        shown = f"{value:.5E}" if isinstance(value, float) and value >= 1e15 else cell_text(value)
        raise CellError(rounded % {"value": shown})
    text = normalise_id_number(cell_text(value))
    if SCIENTIFIC_RE.match(text):
        raise CellError(rounded % {"value": text})
    try:
        validate_id_number(text)
    except ValidationError as error:
        if re.fullmatch(r"\d{15}000", text):
            raise CellError(rounded % {"value": text}) from error
        raise CellError(" ".join(error.messages)) from error
    return text


def parse_phone(value):
    text = normalise_phone(cell_text(value))
    try:
        validate_phone(text)
    except ValidationError as error:
        raise CellError(" ".join(error.messages)) from error
    return text
