"""The working-day calendar: China's statutory holidays and make-up working days (调休).

The maintained ``chinese_calendar`` package knows each year once the State Council has
published it; ``CalendarOverride`` rows (admin-editable) win over the package, and for a year
the package does not cover we fall back to "Monday–Friday are working days" plus overrides.

信访工作条例 counts limits in calendar days; where a limit ends on a rest day or holiday it
moves to the next working day. The 5-day return of Art 23 counts working days.
"""
import datetime
import time

import chinese_calendar

MAX_SCAN_DAYS = 400  # no real calendar has a year without a working day; stop a bad override loop
# Other server processes see an admin's change to the override table within this many seconds.
OVERRIDE_CACHE_SECONDS = 60
_cache: dict = {"loaded": None, "table": {}}


def _overrides():
    loaded = _cache["loaded"]
    if loaded is None or time.monotonic() - loaded > OVERRIDE_CACHE_SECONDS:
        from .models import CalendarOverride

        _cache["table"] = dict(CalendarOverride.objects.values_list("date", "is_working_day"))
        _cache["loaded"] = time.monotonic()
    return _cache["table"]


def clear_cache():
    """Forget the cached override table (called when an override is saved or deleted)."""
    _cache["loaded"] = None


def package_covers(day):
    """Return True when the holiday package has official data for this date's year."""
    try:
        chinese_calendar.is_workday(day)
    except NotImplementedError:
        return False
    return True


def covered_years():
    """Return (first, last) year that the holiday package covers."""
    years = sorted({d.year for d in chinese_calendar.holidays})
    return years[0], years[-1]


def is_working_day(day):
    """Return True when offices work on this date (overrides, then package, then weekdays)."""
    override = _overrides().get(day)
    if override is not None:
        return override
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        return day.weekday() < 5


def next_working_day(day):
    """Return the day itself if it is a working day, otherwise the first working day after it."""
    for _ in range(MAX_SCAN_DAYS):
        if is_working_day(day):
            return day
        day += datetime.timedelta(days=1)
    raise ValueError("no working day found within %d days" % MAX_SCAN_DAYS)


def add_days(start, days):
    """Add calendar days; a limit ending on a rest day or holiday rolls to the next working day."""
    return next_working_day(start + datetime.timedelta(days=days))


def add_working_days(start, days):
    """Return the date that is ``days`` working days after ``start`` (start itself not counted)."""
    day = start
    counted = 0
    while counted < days:
        day += datetime.timedelta(days=1)
        if is_working_day(day):
            counted += 1
    return day


def add_months(start, months):
    """Add calendar months (clamped to the month's last day), then roll to a working day."""
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    last_day = (datetime.date(year + month // 12, month % 12 + 1, 1) - datetime.timedelta(days=1)).day
    return next_working_day(datetime.date(year, month, min(start.day, last_day)))


def days_left(due, today):
    """Return whole days from today until the due date (negative when overdue)."""
    if due is None:
        return None
    return (due - today).days
