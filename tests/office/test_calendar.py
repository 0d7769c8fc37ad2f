import datetime

import pytest
import time_machine

from office import calendar
from office.models import CalendarOverride
from tests.clock import SHANGHAI

D = datetime.date

pytestmark = pytest.mark.django_db


def test_weekend_is_a_rest_day():
    assert calendar.is_working_day(D(2026, 3, 7)) is False  # Saturday
    assert calendar.is_working_day(D(2026, 3, 9)) is True  # Monday


def test_weekday_holiday_is_a_rest_day():
    assert calendar.is_working_day(D(2026, 2, 17)) is False  # Tuesday, Spring Festival
    assert calendar.is_working_day(D(2026, 10, 2)) is False  # Friday, National Day


def test_make_up_working_saturday():
    assert D(2026, 2, 14).weekday() == 5
    assert calendar.is_working_day(D(2026, 2, 14)) is True


def test_limit_ending_in_spring_festival_rolls_to_first_working_day_after_it():
    # 15 days after 5 Feb is Friday 20 Feb, inside the 15–23 Feb holiday.
    assert calendar.add_days(D(2026, 2, 5), 15) == D(2026, 2, 24)


def test_limit_ending_on_a_working_day_does_not_move():
    assert calendar.add_days(D(2026, 3, 2), 15) == D(2026, 3, 17)


def test_limit_ending_on_national_day_rolls_over_the_make_up_saturday():
    # 60 days after 2 Aug is 1 Oct (holiday to 7 Oct); 8 Oct is the first working day.
    assert calendar.add_days(D(2026, 8, 2), 60) == D(2026, 10, 8)


def test_working_days_across_the_spring_festival():
    # Thu 12 Feb + 3 working days: Fri 13, make-up Sat 14, then Tue 24 after the holiday.
    assert calendar.add_working_days(D(2026, 2, 12), 3) == D(2026, 2, 24)
    assert calendar.add_working_days(D(2026, 3, 2), 5) == D(2026, 3, 9)


def test_add_months_clamps_and_rolls():
    # Clamped to 28 Feb, which is itself a make-up working Saturday.
    assert calendar.add_months(D(2026, 1, 31), 1) == D(2026, 2, 28)
    # 1 Oct is National Day: the first working day after the holiday is 8 Oct.
    assert calendar.add_months(D(2026, 8, 1), 2) == D(2026, 10, 8)
    assert calendar.add_months(D(2026, 3, 10), 3) == D(2026, 6, 10)


def test_a_year_the_package_does_not_cover_falls_back_to_weekdays_and_overrides():
    assert calendar.package_covers(D(2099, 1, 1)) is False
    assert calendar.is_working_day(D(2099, 1, 2)) is True  # Friday
    assert calendar.is_working_day(D(2099, 1, 3)) is False  # Saturday
    CalendarOverride.objects.create(date=D(2099, 1, 1), is_working_day=False, note="元旦")
    CalendarOverride.objects.create(date=D(2099, 1, 2), is_working_day=False, note="元旦")
    CalendarOverride.objects.create(date=D(2099, 1, 3), is_working_day=True, note="调休")
    assert calendar.is_working_day(D(2099, 1, 2)) is False
    assert calendar.is_working_day(D(2099, 1, 3)) is True
    assert calendar.add_days(D(2099, 1, 1), 0) == D(2099, 1, 3)


def test_an_override_wins_over_the_package():
    assert calendar.is_working_day(D(2026, 3, 9)) is True
    CalendarOverride.objects.create(date=D(2026, 3, 9), is_working_day=False, note="local flood day")
    assert calendar.is_working_day(D(2026, 3, 9)) is False


def test_covered_years_and_days_left():
    first, last = calendar.covered_years()
    assert first <= 2026 <= last
    assert calendar.days_left(D(2026, 3, 10), D(2026, 3, 7)) == 3
    assert calendar.days_left(D(2026, 3, 5), D(2026, 3, 7)) == -2
    assert calendar.days_left(None, D(2026, 3, 7)) is None


# --- the statutory fallback for a year the package does not know (docs/domain.md §2.2) ---------


def test_new_year_and_national_day_2027_are_rest_days_without_any_override():
    assert calendar.package_covers(D(2027, 1, 1)) is False
    assert not CalendarOverride.objects.exists()
    assert calendar.is_working_day(D(2027, 1, 1)) is False  # Friday, 元旦
    assert calendar.is_working_day(D(2027, 10, 1)) is False  # Friday, 国庆
    # A limit ending on New Year's Day moves to Monday 4 January; 5 working days skip it too.
    assert calendar.add_days(D(2026, 12, 2), 30) == D(2027, 1, 4)
    assert calendar.add_working_days(D(2026, 12, 31), 1) == D(2027, 1, 4)


def test_lunar_statutory_holidays_come_from_the_holidays_package():
    days = calendar.statutory_holidays(2027)
    assert {D(2027, 2, 5), D(2027, 2, 6), D(2027, 2, 7), D(2027, 2, 8)} <= days  # 春节: 除夕 to 初三
    assert D(2027, 6, 9) in days and D(2027, 9, 15) in days  # 端午, 中秋
    assert calendar.is_working_day(D(2027, 2, 5)) is False


def test_dates_of_an_unknown_year_are_provisional_until_its_schedule_is_entered():
    from office.models import CalendarYear

    assert calendar.is_provisional(D(2026, 6, 1)) is False
    assert calendar.is_provisional(D(2027, 6, 1)) is True
    CalendarYear.objects.create(year=2027, note="国办发明电〔2026〕号")
    assert calendar.is_provisional(D(2027, 6, 1)) is False


def test_the_missing_schedule_is_flagged_from_1_november_of_the_year_before():
    from office.checks import check_calendar_year
    from office.models import CalendarYear

    assert calendar.missing_schedule_year(D(2026, 10, 31)) is None
    assert calendar.missing_schedule_year(D(2026, 11, 1)) == 2027
    with time_machine.travel(datetime.datetime(2026, 11, 2, 9, tzinfo=SHANGHAI), tick=False):
        assert [w.id for w in check_calendar_year(None)] == ["office.W003"]
        CalendarYear.objects.create(year=2027)
        calendar.clear_cache()
        assert check_calendar_year(None) == []


def test_banner_for_the_center_and_administrators_only(client, coordinator, clerk, admin_user):
    with time_machine.travel(datetime.datetime(2026, 11, 2, 9, tzinfo=SHANGHAI), tick=False):
        client.force_login(coordinator)
        assert b'data-testid="calendar-banner"' in client.get("/").content
        client.force_login(admin_user)
        assert b'data-testid="calendar-banner"' in client.get("/").content
        client.force_login(clerk)
        assert b'data-testid="calendar-banner"' not in client.get("/").content
    with time_machine.travel(datetime.datetime(2026, 10, 2, 9, tzinfo=SHANGHAI), tick=False):
        client.force_login(coordinator)
        assert b'data-testid="calendar-banner"' not in client.get("/").content


def test_a_year_the_county_entered_clears_the_warning_for_its_own_staff_too():
    """A 县级管理员 records the coming year for the county; the county's own staff (no township) stop seeing
    the warning, and only that county's do."""
    from office.models import CalendarYear
    from tests.builders import two_counties

    county_a, county_b, a1, _a2, _b1 = two_counties()
    CalendarYear.objects.create(year=2027, county=county_a)
    calendar.clear_cache()
    assert calendar.missing_schedule_year(D(2026, 11, 2), None, county_a.pk) is None
    assert calendar.missing_schedule_year(D(2026, 11, 2), a1) is None
    assert calendar.missing_schedule_year(D(2026, 11, 2), None, county_b.pk) == 2027
    assert calendar.missing_schedule_year(D(2026, 11, 2)) == 2027
