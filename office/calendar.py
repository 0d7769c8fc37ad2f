"""The working-day calendar: China's statutory holidays and make-up working days (调休).

The maintained ``chinese_calendar`` package knows each year once the State Council has
published it; ``CalendarOverride`` rows (admin-editable; the deployment's, a county's, a township's: the
most specific wins, office/setup.py) win over the package. For a year the
package does not cover, the statutory holidays (元旦, 春节, 清明, 劳动节, 端午, 中秋, 国庆, computed
by the ``holidays`` package, lunar dates included) and weekends are rest days. Dates computed
that way are provisional until the year's official schedule is entered (a ``CalendarYear`` row)
or the package is upgraded (docs/domain.md §2.2).

信访工作条例 counts limits in calendar days; where a limit ends on a rest day or holiday it
moves to the next working day. The 5-day return of Art 23 counts working days.
"""
import datetime
import functools
import time

import chinese_calendar
import holidays

MAX_SCAN_DAYS = 400  # no real calendar has a year without a working day; stop a bad override loop
# Other server processes see an admin's change to the override table within this many seconds.
OVERRIDE_CACHE_SECONDS = 60
_cache: dict = {"loaded": None, "overrides": [], "years": [], "tables": {}}


def _load():
    """Every override and entered year with its owner: two small queries a minute per process, whatever
    the number of requests (docs/architecture.md §15)."""
    loaded = _cache["loaded"]
    if loaded is None or time.monotonic() - loaded > OVERRIDE_CACHE_SECONDS:
        from .models import CalendarOverride, CalendarYear

        _cache["overrides"] = list(CalendarOverride.objects.all())
        _cache["years"] = list(CalendarYear.objects.all())
        _cache["tables"] = {}
        _cache["loaded"] = time.monotonic()
    return _cache


def _table(township, county_id=None):
    """The overrides and entered years in force in a township (None: the deployment's own only), merged by
    the one rule of office/setup.py: the township's override of a date wins over its county's, which wins
    over the deployment's. Kept per township and county until the cache is reloaded."""
    from .setup import merge

    cache = _load()
    # Without a township (a county's own staff): the deployment's and that county's rows.
    township_id, county_id = (township.pk, township.county_id) if township is not None else (None, county_id)
    table = cache["tables"].get((township_id, county_id))
    if table is None:

        def in_force(row):
            return (row.county_id is None and row.township_id is None
                    or township_id is not None and row.township_id == township_id
                    or county_id is not None and row.county_id == county_id)

        table = {
            "overrides": {row.date: row.is_working_day for row in merge(filter(in_force, cache["overrides"]))},
            "years": {row.year for row in cache["years"] if in_force(row)},
        }
        cache["tables"][(township_id, county_id)] = table
    return table


def _overrides(township=None):
    return _table(township)["overrides"]


def clear_cache():
    """Forget the cached overrides and entered years (called when one is saved or deleted)."""
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


# From this day of the year before, administrators and the center are warned that the coming
# year's official schedule is missing (docs/domain.md §2.2).
WARN_FROM = (11, 1)


@functools.lru_cache(maxsize=16)
def statutory_holidays(year):
    """Return the statutory holidays of a year (全国年节及纪念日放假办法), without the State Council's bridges."""
    return frozenset(holidays.China(years=year, observed=False))


def is_provisional(day, township=None, county_id=None):
    """Return True when this date's year is known neither to the package nor from an entered schedule (the
    township's, its county's, the deployment's; ``county_id`` without a township: a county's own staff)."""
    return day is not None and not package_covers(day) and day.year not in _table(township, county_id)["years"]


def is_working_day(day, township=None):
    """Return True when offices work on this date in the township (its overrides, then its county's, then
    the deployment's, then the package, then the statutory fallback). ``township``: a Township or None."""
    override = _overrides(township).get(day)
    if override is not None:
        return override
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        return day.weekday() < 5 and day not in statutory_holidays(day.year)


def missing_schedule_year(today, township=None, county_id=None):
    """Return the year whose official schedule should be entered now, or None.

    From 1 November the coming year counts; the current year always does.
    """
    years = [today.year]
    if (today.month, today.day) >= WARN_FROM:
        years.append(today.year + 1)
    for year in years:
        if is_provisional(datetime.date(year, 1, 1), township, county_id):
            return year
    return None


def next_working_day(day, township=None):
    """Return the day itself if it is a working day, otherwise the first working day after it."""
    for _ in range(MAX_SCAN_DAYS):
        if is_working_day(day, township):
            return day
        day += datetime.timedelta(days=1)
    raise ValueError("no working day found within %d days" % MAX_SCAN_DAYS)


def add_days(start, days, township=None):
    """Add calendar days; a limit ending on a rest day or holiday rolls to the next working day."""
    return next_working_day(start + datetime.timedelta(days=days), township)


def add_working_days(start, days, township=None):
    """Return the date that is ``days`` working days after ``start`` (start itself not counted)."""
    day = start
    counted = 0
    while counted < days:
        day += datetime.timedelta(days=1)
        if is_working_day(day, township):
            counted += 1
    return day


def add_months(start, months, township=None):
    """Add calendar months (clamped to the month's last day), then roll to a working day."""
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    last_day = (datetime.date(year + month // 12, month % 12 + 1, 1) - datetime.timedelta(days=1)).day
    return next_working_day(datetime.date(year, month, min(start.day, last_day)), township)


def days_left(due, today):
    """Return whole days from today until the due date (negative when overdue)."""
    if due is None:
        return None
    return (due - today).days
