"""Validators for Chinese identity numbers and phone numbers."""
import datetime
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum import exceptions as stdnum_errors
from stdnum.cn import ric

PHONE_RE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8}(-\d{1,6})?)$")


def normalise_id_number(value):
    """Return the ID number without spaces, with an upper-case X check digit."""
    return re.sub(r"\s+", "", value or "").upper()


def validate_id_number(value):
    """Check a 居民身份证号 against GB 11643: length, birth date and check digit (python-stdnum)."""
    number = normalise_id_number(value)
    if not re.fullmatch(r"\d{17}[\dX]", number):
        raise ValidationError(
            _("An ID number has 18 characters: 17 digits and a final digit or X."), code="id_length"
        )
    # The GB 11643 check digit and the birth date. python-stdnum's full validate() also refuses
    # region codes missing from its table; a real person must never be refused for that.
    if number[-1] != ric.calc_check_digit(number):
        raise ValidationError(
            _("The check digit of this ID number is wrong: please check each digit."), code="id_checksum"
        )
    try:
        birth_date = ric.get_birth_date(number)
    except stdnum_errors.InvalidComponent:
        birth_date = None
    if birth_date is None or birth_date.year < 1880 or birth_date > datetime.date.today():
        raise ValidationError(_("The birth date in this ID number is impossible."), code="id_birth_date")


def normalise_phone(value):
    """Return the phone number without spaces."""
    return re.sub(r"\s+", "", value or "")


def validate_phone(value):
    """Accept an 11-digit mobile number or a landline with area code (e.g. 0571-6000123)."""
    if not PHONE_RE.match(normalise_phone(value)):
        raise ValidationError(
            _("Enter an 11-digit mobile number or a landline with its area code, e.g. 0571-6000123."),
            code="phone",
        )


def sex_from_id_number(value):
    """Return the sex a 18-digit ID number implies ("M" or "F"), or "" when it implies none.

    GB 11643: the 17th digit is odd for men, even for women.
    """
    value = (value or "").strip()
    if len(value) != 18 or not value[16].isdigit():
        return ""
    return "M" if int(value[16]) % 2 else "F"
