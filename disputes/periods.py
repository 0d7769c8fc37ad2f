"""Screening periods: ISO weeks, fortnights counted from an anchor Monday, half-months,
months, and special campaigns (集中排查) with dates of their own (docs/domain.md §3.1).

A period is a plain value (kind, first day, last day); nothing here touches the database.
"""
import calendar as pycalendar
import datetime
from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

# The Monday from which fortnights are counted when no cadence says otherwise.
DEFAULT_ANCHOR = datetime.date(2024, 1, 1)


class PeriodKind(models.TextChoices):
    WEEK = "week", _("Week")
    FORTNIGHT = "fortnight", _("Fortnight")
    HALF_MONTH = "half_month", _("Half-month")
    MONTH = "month", _("Month")
    CAMPAIGN = "campaign", _("Special campaign")
    # The month of a ledger kept before the system, imported (ledgerimport, docs/domain.md §9): it holds
    # the historic entries of one unit and month; no cadence asks for it, so it is never due nor missing.
    IMPORTED = "imported", _("Imported from a ledger")


REGULAR_KINDS = [PeriodKind.WEEK, PeriodKind.FORTNIGHT, PeriodKind.HALF_MONTH, PeriodKind.MONTH]


def _short(day, with_year):
    return f"{day:%Y.%m.%d}" if with_year else f"{day.month}.{day.day}"


@dataclass(frozen=True)
class Period:
    kind: str
    starts_on: datetime.date
    ends_on: datetime.date
    campaign_id: int | None = None
    name: str = ""

    @property
    def key(self):
        """A stable string naming the period in forms and URLs: ``week:2026-11-23``, ``campaign:4``."""
        if self.kind == PeriodKind.CAMPAIGN:
            return f"campaign:{self.campaign_id}"
        return f"{self.kind}:{self.starts_on.isoformat()}"

    @property
    def dates(self):
        """The first and last day, e.g. ``11.23–11.29`` (with years when it spans two)."""
        with_year = self.starts_on.year != self.ends_on.year
        return f"{_short(self.starts_on, with_year)}–{_short(self.ends_on, with_year)}"

    @property
    def label(self):
        """The period's name as the office says it, e.g. 2026年第48周."""
        if self.kind == PeriodKind.WEEK:
            year, week, _weekday = self.starts_on.isocalendar()
            return gettext("Week %(week)s of %(year)s") % {"week": week, "year": year}
        if self.kind == PeriodKind.FORTNIGHT:
            return gettext("Fortnight from %(start)s") % {"start": f"{self.starts_on:%Y.%m.%d}"}
        if self.kind == PeriodKind.HALF_MONTH:
            values = {"year": self.starts_on.year, "month": self.starts_on.month}
            if self.starts_on.day == 1:
                return gettext("First half of %(month)s/%(year)s") % values
            return gettext("Second half of %(month)s/%(year)s") % values
        if self.kind == PeriodKind.MONTH:
            return gettext("%(month)s/%(year)s") % {"year": self.starts_on.year, "month": self.starts_on.month}
        if self.kind == PeriodKind.IMPORTED:
            return gettext("%(month)s/%(year)s, imported from a ledger") % {
                "year": self.starts_on.year, "month": self.starts_on.month}
        return self.name

    def __str__(self):
        return f"{self.label} ({self.dates})"

    def contains(self, day):
        return self.starts_on <= day <= self.ends_on


def period_containing(kind, day, anchor=DEFAULT_ANCHOR):
    """Return the regular period of this kind that contains the day."""
    if kind == PeriodKind.WEEK:
        start = day - datetime.timedelta(days=day.weekday())
        return Period(kind, start, start + datetime.timedelta(days=6))
    if kind == PeriodKind.FORTNIGHT:
        # Floor division also places days before the anchor in the right fortnight.
        start = anchor + datetime.timedelta(days=14 * ((day - anchor).days // 14))
        return Period(kind, start, start + datetime.timedelta(days=13))
    last_day = pycalendar.monthrange(day.year, day.month)[1]
    if kind == PeriodKind.HALF_MONTH:
        if day.day <= 15:
            return Period(kind, day.replace(day=1), day.replace(day=15))
        return Period(kind, day.replace(day=16), day.replace(day=last_day))
    if kind == PeriodKind.MONTH:
        return Period(kind, day.replace(day=1), day.replace(day=last_day))
    raise ValueError(f"{kind!r} is not a regular period kind")


def previous_period(period, anchor=DEFAULT_ANCHOR):
    """Return the regular period just before this one."""
    return period_containing(period.kind, period.starts_on - datetime.timedelta(days=1), anchor)


def recent_periods(kind, today, count, anchor=DEFAULT_ANCHOR):
    """Return the current period and the ``count - 1`` before it, oldest first."""
    periods = [period_containing(kind, today, anchor)]
    while len(periods) < count:
        periods.append(previous_period(periods[-1], anchor))
    return periods[::-1]


def periods_between(kind, first_day, last_day, anchor=DEFAULT_ANCHOR):
    """Return the regular periods that overlap the dates from first_day to last_day, oldest first."""
    periods = []
    period = period_containing(kind, first_day, anchor)
    while period.starts_on <= last_day:
        periods.append(period)
        period = period_containing(kind, period.ends_on + datetime.timedelta(days=1), anchor)
    return periods


def parse_period_key(key, anchor=DEFAULT_ANCHOR):
    """Return the regular period named by a key like ``week:2026-11-23``; ValueError if it names none.

    The date must be the first day of a period of that kind, so a key cannot name a
    period that the cadence would never produce.
    """
    kind, _sep, start = (key or "").partition(":")
    if kind not in REGULAR_KINDS:
        raise ValueError(f"unknown period kind in {key!r}")
    day = datetime.date.fromisoformat(start)
    period = period_containing(kind, day, anchor)
    if period.starts_on != day:
        raise ValueError(f"{key!r} does not start a {kind} period")
    return period
