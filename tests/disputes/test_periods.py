"""Period computation: ISO weeks across the year boundary, fortnights from their anchor, half-months."""
import datetime

import pytest
from django.utils import translation

from disputes.periods import (
    PeriodKind,
    parse_period_key,
    period_containing,
    periods_between,
    previous_period,
    recent_periods,
)

D = datetime.date


@pytest.mark.parametrize(
    "day, start, end, iso_year, iso_week",
    [
        (D(2026, 11, 25), D(2026, 11, 23), D(2026, 11, 29), 2026, 48),
        # 2026 starts on a Thursday, so it has 53 ISO weeks; 1 January 2027 still belongs to week 53.
        (D(2027, 1, 1), D(2026, 12, 28), D(2027, 1, 3), 2026, 53),
        (D(2027, 1, 4), D(2027, 1, 4), D(2027, 1, 10), 2027, 1),
        # 31 December 2024 is in week 1 of 2025.
        (D(2024, 12, 31), D(2024, 12, 30), D(2025, 1, 5), 2025, 1),
        # A Sunday closes its week.
        (D(2021, 1, 3), D(2020, 12, 28), D(2021, 1, 3), 2020, 53),
    ],
)
def test_weeks_are_iso_weeks_across_the_year_boundary(day, start, end, iso_year, iso_week):
    period = period_containing(PeriodKind.WEEK, day)
    assert (period.starts_on, period.ends_on) == (start, end)
    assert period.starts_on.weekday() == 0
    with translation.override("en"):
        assert period.label == f"Week {iso_week} of {iso_year}"
    with translation.override("zh-hans"):
        assert period.label == f"{iso_year}年第{iso_week}周"


def test_a_week_spanning_two_years_shows_both_years():
    assert period_containing(PeriodKind.WEEK, D(2027, 1, 1)).dates == "2026.12.28–2027.01.03"
    assert period_containing(PeriodKind.WEEK, D(2026, 11, 25)).dates == "11.23–11.29"


@pytest.mark.parametrize(
    "day, start, end",
    [
        (D(2024, 1, 1), D(2024, 1, 1), D(2024, 1, 14)),  # the anchor starts the first fortnight
        (D(2024, 1, 14), D(2024, 1, 1), D(2024, 1, 14)),
        (D(2024, 1, 15), D(2024, 1, 15), D(2024, 1, 28)),
        (D(2023, 12, 31), D(2023, 12, 18), D(2023, 12, 31)),  # before the anchor: counted backwards
        (D(2026, 11, 25), D(2026, 11, 16), D(2026, 11, 29)),  # 75 whole fortnights after the anchor
    ],
)
def test_fortnights_are_counted_from_the_anchor(day, start, end):
    period = period_containing(PeriodKind.FORTNIGHT, day, anchor=D(2024, 1, 1))
    assert (period.starts_on, period.ends_on) == (start, end)


def test_another_anchor_moves_the_fortnights():
    period = period_containing(PeriodKind.FORTNIGHT, D(2026, 11, 25), anchor=D(2026, 11, 23))
    assert (period.starts_on, period.ends_on) == (D(2026, 11, 23), D(2026, 12, 6))


@pytest.mark.parametrize(
    "day, start, end",
    [
        (D(2026, 11, 15), D(2026, 11, 1), D(2026, 11, 15)),
        (D(2026, 11, 16), D(2026, 11, 16), D(2026, 11, 30)),
        (D(2024, 2, 20), D(2024, 2, 16), D(2024, 2, 29)),  # leap year
        (D(2025, 2, 16), D(2025, 2, 16), D(2025, 2, 28)),
        (D(2026, 12, 31), D(2026, 12, 16), D(2026, 12, 31)),
    ],
)
def test_half_months_split_on_the_fifteenth(day, start, end):
    period = period_containing(PeriodKind.HALF_MONTH, day)
    assert (period.starts_on, period.ends_on) == (start, end)


def test_half_month_and_month_labels():
    with translation.override("zh-hans"):
        assert period_containing(PeriodKind.HALF_MONTH, D(2026, 11, 3)).label == "2026年11月上半月"
        assert period_containing(PeriodKind.HALF_MONTH, D(2026, 11, 23)).label == "2026年11月下半月"
        assert period_containing(PeriodKind.MONTH, D(2026, 2, 10)).ends_on == D(2026, 2, 28)
        assert period_containing(PeriodKind.MONTH, D(2026, 2, 10)).label == "2026年2月"


def test_recent_periods_are_contiguous_oldest_first_and_end_with_the_current_one():
    periods = recent_periods(PeriodKind.WEEK, D(2027, 1, 6), 4)
    assert [p.starts_on for p in periods] == [D(2026, 12, 14), D(2026, 12, 21), D(2026, 12, 28), D(2027, 1, 4)]
    for earlier, later in zip(periods, periods[1:]):
        assert earlier.ends_on + datetime.timedelta(days=1) == later.starts_on
    assert previous_period(periods[0]).ends_on == D(2026, 12, 13)


def test_periods_between_cover_the_dates():
    weeks = periods_between(PeriodKind.WEEK, D(2026, 11, 1), D(2026, 11, 30))
    assert weeks[0].starts_on == D(2026, 10, 26) and weeks[-1].starts_on == D(2026, 11, 30)
    assert len(weeks) == 6


def test_period_keys_round_trip_and_must_start_a_period():
    period = period_containing(PeriodKind.FORTNIGHT, D(2026, 11, 25))
    assert period.key == "fortnight:2026-11-16"
    assert parse_period_key(period.key) == period
    with pytest.raises(ValueError):
        parse_period_key("week:2026-11-25")  # a Wednesday starts no week
    with pytest.raises(ValueError):
        parse_period_key("year:2026-01-01")
    with pytest.raises(ValueError):
        parse_period_key("week:not-a-date")
