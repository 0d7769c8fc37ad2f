"""Filing rounds through the service: zero reports, entries, bad input, lateness, carry-over."""
import datetime
from unittest import mock

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from disputes.models import EntryEvent, LedgerEntry, RoundEntry, ScreeningRound
from disputes.periods import PeriodKind, period_containing
from disputes.screening import services
from disputes.screening.services import CarryOverUpdate, FilingError, PartyData, RoundExistsError
from disputes.screening.workflow import transfer_entry_to_police
from office.models import Person
from office.roles import MEDIATOR
from tests.builders import make_user

from ..builders import at, current_period, entry_data, file_round, found_entry, risk

pytestmark = pytest.mark.django_db
Status = LedgerEntry.Status
D = datetime.date


@pytest.fixture
def mediator2(township, other_village):
    return make_user(MEDIATOR, township, village=other_village, username="mediator2")


def test_a_zero_report_is_a_round_with_no_entries(mediator, village):
    screening_round = file_round(mediator, zero=True)
    assert screening_round.zero_report
    assert screening_round.village == village
    assert (screening_round.kind, screening_round.starts_on, screening_round.ends_on) == (
        PeriodKind.WEEK,
        D(2026, 11, 23),
        D(2026, 11, 29),
    )
    assert not screening_round.items.exists()
    assert screening_round.history.count() == 1
    assert screening_round.history.get().history_change_reason == "报送排查情况"


def test_filing_entries_links_parties_to_shared_people_and_records_the_finding(mediator, village):
    data = entry_data(
        parties=[
            PartyData(name="张三", id_number="11010519491231002x", phone="138 1234 5678", address="青溪村3组18号"),
            PartyData(name="李四"),
        ]
    )
    screening_round = file_round(mediator, entries=[data, entry_data()])
    entries = list(screening_round.found_entries.order_by("pk"))
    assert len(entries) == 2
    entry = entries[0]
    assert entry.status == Status.IN_PROGRESS
    assert entry.found_on == D(2026, 11, 25)
    # The township's mediation limit (30 days) from the day found, moved off a rest day.
    assert entry.deadline == D(2026, 12, 25)
    people = [link.person for link in entry.party_links.all()]
    assert [p.name for p in people] == ["张三", "李四"]
    assert people[0].id_number == "11010519491231002X" and people[0].phone == "13812345678"
    assert people[0].village == village
    event = entry.events.get()
    assert (event.action, event.actor, event.round, event.to_status) == (
        EntryEvent.Action.FOUND,
        mediator,
        screening_round,
        Status.IN_PROGRESS,
    )
    assert entry.history.get().history_user == mediator
    assert RoundEntry.objects.get(round=screening_round, entry=entry).is_carry_over is False


def test_a_party_seen_before_is_the_same_person(mediator, township):
    person = Person.objects.create(township=township, name="张三", id_number="11010519491231002X")
    entry = found_entry(mediator, parties=[PartyData(name="张三", id_number="11010519491231002X", phone="13912345678")])
    assert entry.party_links.get().person == person
    person.refresh_from_db()
    assert person.phone == "13912345678"  # filled in, since it was blank


def test_a_second_round_for_the_same_unit_and_period_is_refused_naming_the_first(mediator):
    first = file_round(mediator, zero=True)
    with pytest.raises(RoundExistsError) as error:
        file_round(mediator)
    assert error.value.existing == first
    assert "已报送" in error.value.message
    assert ScreeningRound.objects.count() == 1 and not LedgerEntry.objects.exists()


def test_the_database_refuses_a_duplicate_that_slipped_past_the_check(mediator):
    """Two people filing the same round at the same moment: the unique constraint decides."""
    first = file_round(mediator, zero=True)
    with mock.patch.object(services, "find_round", side_effect=[None, first]):
        with pytest.raises(RoundExistsError) as error:
            file_round(mediator, zero=True)
    assert error.value.existing == first
    assert ScreeningRound.objects.count() == 1


def test_a_future_period_is_refused(mediator, village):
    next_week = period_containing(PeriodKind.WEEK, D(2026, 11, 30))
    with pytest.raises(FilingError) as error:
        file_round(mediator, period=next_week, zero=True)
    assert "不能提前报送" in error.value.message
    assert not ScreeningRound.objects.exists()


def test_a_round_with_neither_zero_report_nor_entries_is_refused(mediator):
    with pytest.raises(FilingError) as error:
        file_round(mediator, entries=[])
    assert "零报告" in error.value.message
    assert not ScreeningRound.objects.exists()


def test_a_zero_report_with_entries_is_refused(mediator):
    with pytest.raises(FilingError):
        file_round(mediator, zero=True, entries=[entry_data()])
    assert not ScreeningRound.objects.exists()


def test_a_mediator_cannot_file_for_another_village(mediator, other_village):
    with pytest.raises(PermissionDenied):
        file_round(mediator, village=other_village, zero=True)
    assert not ScreeningRound.objects.exists()


@pytest.mark.parametrize("role", ["coordinator", "leader", "handler", "clerk"])
def test_only_the_village_mediator_files_a_village_round(request, role, village):
    user = request.getfixturevalue(role)
    with pytest.raises(PermissionDenied):
        file_round(user, village=village, zero=True)


def test_the_township_round_is_fortnightly_and_filed_by_township_staff(coordinator, mediator, township):
    screening_round = file_round(coordinator, zero=True)
    assert screening_round.village is None
    assert (screening_round.kind, screening_round.starts_on, screening_round.ends_on) == (
        PeriodKind.FORTNIGHT,
        D(2026, 11, 16),
        D(2026, 11, 29),
    )
    with pytest.raises(PermissionDenied):
        services.file_round(by=mediator, village=None, period=current_period(None), zero_report=True)


def test_a_period_of_the_wrong_kind_is_refused(mediator):
    with pytest.raises(FilingError):
        file_round(mediator, period=period_containing(PeriodKind.MONTH, D(2026, 11, 1)), zero=True)


def test_an_entry_without_risk_level_fails_model_validation_and_nothing_is_filed(mediator):
    with pytest.raises(ValidationError) as error:
        file_round(mediator, entries=[entry_data(risk_level=None)])
    assert "risk_level" in error.value.message_dict
    assert not ScreeningRound.objects.exists()  # the whole round rolled back


def test_rounds_filed_after_their_due_day_are_late(mediator):
    last_week = period_containing(PeriodKind.WEEK, D(2026, 11, 16))
    # Due on the period's last day (Sunday 22nd) plus one day: Monday the 23rd; today is the 25th.
    late = file_round(mediator, period=last_week, zero=True)
    assert late.due_on == D(2026, 11, 23)
    assert late.is_late
    on_time = file_round(mediator, zero=True)
    assert on_time.due_on == D(2026, 11, 30)
    assert not on_time.is_late


def test_the_due_day_moves_past_a_holiday(mediator):
    # The week ending Sunday 2026-09-27 falls due on Monday the 28th, a working day…
    week = period_containing(PeriodKind.WEEK, D(2026, 9, 21))
    assert file_round(mediator, period=week, zero=True).due_on == D(2026, 9, 28)
    # …the week ending Sunday 2026-10-04 falls due in the National Day holiday (1–7 Oct).
    week = period_containing(PeriodKind.WEEK, D(2026, 9, 28))
    assert file_round(mediator, period=week, zero=True).due_on == D(2026, 10, 8)


def test_an_open_entry_carries_over_with_its_age_and_is_resolved_in_the_next_round(mediator):
    with time_machine.travel(at(2026, 11, 18), tick=False):
        entry = found_entry(mediator)
    assert entry.found_on == D(2026, 11, 18)

    this_week = file_round(mediator, zero=True)
    item = this_week.items.get()
    assert item.entry == entry and item.is_carry_over and item.status == Status.IN_PROGRESS
    assert item.age_days == 7  # found on the 18th, round filed on the 25th

    with time_machine.travel(at(2026, 12, 2), tick=False):
        next_week = file_round(
            mediator, zero=True, updates=[CarryOverUpdate(entry.pk, "resolved", "双方签订和解协议", "mediated")]
        )
    entry.refresh_from_db()
    assert entry.status == Status.RESOLVED
    assert entry.closed_on == D(2026, 12, 2) and entry.outcome == "双方签订和解协议"
    assert LedgerEntry.objects.count() == 1  # the one entry, never retyped
    item = next_week.items.get()
    assert item.status == Status.RESOLVED and item.note == "双方签订和解协议"
    resolved = entry.events.get(action=EntryEvent.Action.RESOLVED)
    assert resolved.round == next_week and resolved.from_status == Status.IN_PROGRESS
    assert entry.history.count() == 2

    with time_machine.travel(at(2026, 12, 9), tick=False):
        after = file_round(mediator, zero=True)
    assert not after.items.exists()  # resolved: no longer carried


def test_an_unresolved_entry_keeps_carrying_over_but_a_transferred_one_does_not(mediator, coordinator, police):
    with time_machine.travel(at(2026, 11, 11), tick=False):
        stuck = found_entry(mediator)
        moved = found_entry(mediator, day=D(2026, 11, 2))  # back-filed for an earlier week
    with time_machine.travel(at(2026, 11, 18), tick=False):
        file_round(mediator, zero=True, updates=[CarryOverUpdate(stuck.pk, "unresolved", "一方拒绝调解")])
        transfer_entry_to_police(moved, by=coordinator, unit=police, note="涉嫌寻衅滋事")
    screening_round = file_round(mediator, zero=True)
    items = list(screening_round.items.all())
    assert [(i.entry, i.status) for i in items] == [(stuck, Status.UNRESOLVED)]


def test_an_update_for_an_entry_not_carried_over_is_refused(mediator):
    entry = found_entry(mediator)  # found this week: not carried into this week's round
    with pytest.raises(FilingError):
        file_round(
            mediator,
            period=period_containing(PeriodKind.WEEK, D(2026, 11, 16)),
            zero=True,
            updates=[CarryOverUpdate(entry.pk, "resolved", "已化解", "mediated")],
        )
    assert ScreeningRound.objects.count() == 1


def test_back_filing_an_old_period_does_not_carry_later_disputes(mediator):
    found_entry(mediator)  # this week
    earlier = file_round(mediator, period=period_containing(PeriodKind.WEEK, D(2026, 11, 9)), zero=True)
    assert not earlier.items.exists()


def test_carry_over_stays_within_the_unit(mediator, mediator2, coordinator):
    with time_machine.travel(at(2026, 11, 18), tick=False):
        found_entry(mediator)
        file_round(coordinator, entries=[entry_data(risk_level=risk("red"))], day=D(2026, 11, 2))
    assert not file_round(mediator2, zero=True).items.exists()
    assert file_round(mediator, zero=True).items.count() == 1
    assert file_round(coordinator, zero=True).items.count() == 1  # the township's own dispute


def test_a_special_campaign_takes_one_round_per_unit(mediator, coordinator):
    campaign = services.start_campaign(
        by=coordinator, name="元旦前集中排查", starts_on=D(2026, 11, 20), ends_on=D(2026, 11, 30)
    )
    screening_round = file_round(mediator, period=campaign.period, zero=True)
    assert screening_round.campaign == campaign and screening_round.kind == PeriodKind.CAMPAIGN
    assert not screening_round.is_late
    with pytest.raises(RoundExistsError):
        file_round(mediator, period=campaign.period, zero=True)
    file_round(mediator, zero=True)  # the regular week is separate


def test_only_coordinators_start_campaigns(mediator):
    with pytest.raises(PermissionDenied):
        services.start_campaign(by=mediator, name="x", starts_on=D(2026, 11, 1), ends_on=D(2026, 11, 2))
