"""The awkward days the suite must pass on, and the switch that moves the whole session's clock.

Set ``TEST_TODAY`` to an ISO date (``2026-09-30``) or to one of the names below and every test
runs as if that were today (10:00 in Asia/Shanghai, the clock ticking from there), through
time-machine. A test that needs a particular weekday or date still travels to it itself; this
switch exists to catch the tests and the code that quietly assume one.

``python -m tests.clock pick`` prints the day CI uses for its extra run: the list rotates by the
real date, so every day in it comes round within a week of CI runs.
"""
import datetime
import sys
import zoneinfo

ENV = "TEST_TODAY"
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")

AWKWARD_DAYS = {
    "monday": datetime.date(2026, 11, 30),
    "sunday": datetime.date(2026, 11, 29),
    # The last working day before the National Day holiday (1–7 October).
    "national-day-eve": datetime.date(2026, 9, 30),
    # The last day of a year: ISO weeks, months and the year all end; the next year's limits
    # fall in a year the holiday package may not know yet.
    "new-years-eve": datetime.date(2026, 12, 31),
    "leap-day": datetime.date(2028, 2, 29),
}


def _first_uncovered_day():
    """1 January of the first year the holiday package does not know (weekdays plus overrides)."""
    import chinese_calendar

    return datetime.date(max(chinese_calendar.holidays).year + 1, 1, 1)


# chinese-calendar 1.11 covers 2004–2026, so today this is 2027-01-01.
AWKWARD_DAYS["uncovered-year"] = _first_uncovered_day()


def resolve(value):
    """Return the date named by ``value`` (a name above or an ISO date), or None when empty."""
    value = (value or "").strip()
    if not value:
        return None
    if value in AWKWARD_DAYS:
        return AWKWARD_DAYS[value]
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        names = ", ".join(AWKWARD_DAYS)
        raise SystemExit(f"{ENV}={value!r} is neither an ISO date nor one of: {names}") from None


def moment(day):
    """Return the aware datetime the session starts at on ``day`` (mid-morning, office hours)."""
    return datetime.datetime.combine(day, datetime.time(10, 0), tzinfo=SHANGHAI)


def pick(today=None):
    """Return the name of the awkward day for a CI run on ``today``: it rotates daily and is never
    today itself (that run is the ordinary one)."""
    today = today or datetime.date.today()
    names = [name for name, day in AWKWARD_DAYS.items() if day != today]
    return names[today.toordinal() % len(names)]


if __name__ == "__main__":
    if sys.argv[1:] == ["pick"]:
        print(pick())
    elif sys.argv[1:] == ["names"]:
        print(" ".join(AWKWARD_DAYS))
    else:
        raise SystemExit("usage: python -m tests.clock pick|names")
