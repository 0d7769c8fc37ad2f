import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from office.models import Person
from petitions import services
from petitions.models import CaseEvent, Petition
from tests.builders import ID_NUMBERS, petition_data, register_petition

pytestmark = pytest.mark.django_db


def test_registration_numbers_the_case_and_computes_the_decision_due_date(clerk):
    petition = register_petition(clerk, received_on=datetime.date(2026, 2, 5))
    assert petition.number == "XF-2026-0001"
    assert petition.status == Petition.Status.REGISTERED
    # 15 days after 5 Feb ends inside the Spring Festival holiday: the first working day after it.
    assert petition.decision_due_on == datetime.date(2026, 2, 24)
    assert petition.due_on == petition.decision_due_on
    second = register_petition(clerk, received_on=datetime.date(2026, 3, 2))
    assert second.number == "XF-2026-0002"
    event = petition.events.get()
    assert (event.action, event.actor, event.to_status) == (CaseEvent.Action.REGISTERED, clerk, "registered")
    assert petition.history.count() == 1


def test_numbers_are_per_township_and_year(clerk, outsider):
    register_petition(clerk, received_on=datetime.date(2025, 12, 30))
    assert register_petition(clerk).number.endswith("-0001")
    assert register_petition(outsider).number.endswith("-0001")
    assert Petition.objects.filter(year=2025).get().number == "XF-2025-0001"


def test_a_report_is_confidential_and_in_the_statutory_class(clerk):
    petition = register_petition(clerk, purpose=Petition.Purpose.REPORT)
    assert petition.confidential is True
    assert petition.statutory_class == Petition.StatutoryClass.REPORT


def test_same_person_is_reused_by_id_number_and_repeat_is_flagged_and_linked(clerk):
    first = register_petition(clerk)
    second = register_petition(
        clerk, petitioners=[{"name": "张三", "id_number": ID_NUMBERS[0].lower(), "address": "青溪村3组"}]
    )
    assert Person.objects.count() == 1
    assert Person.objects.get().address == "青溪村3组"  # a blank field was filled, nothing overwritten
    assert second.is_repeat is True
    assert list(second.related_cases.all()) == [first]
    assert "XF-" in second.events.get().note


def test_repeat_by_phone_is_shown_not_refused(clerk):
    register_petition(clerk, petitioners=[{"name": "李四", "phone": "13900001111"}])
    people = services.Person.objects.filter(phone="13900001111")
    from petitions.selectors import matching_people

    assert list(matching_people(clerk.staff.township, phone="13900001111")) == list(people)
    second = register_petition(clerk, petitioners=[{"name": "李四", "phone": "13900001111"}])
    # Without an ID number a new person record is made; the clerk links earlier cases by hand.
    assert second.pk and second.is_repeat is False


def test_more_than_five_representatives_is_refused_and_nothing_saved(clerk):
    people = [{"name": f"代表{i}", "is_representative": True} for i in range(6)]
    with pytest.raises(ValidationError):
        services.register_petition(
            by=clerk, data=petition_data(is_group=True, head_count=30), petitioners=people
        )
    assert Petition.objects.count() == 0 and Person.objects.count() == 0


def test_only_registering_roles_may_register(handler, leader):
    for user in (handler, leader):
        with pytest.raises(PermissionDenied):
            register_petition(user)


def test_the_same_intake_token_registers_once(clerk):
    import uuid

    token = uuid.uuid4()
    first, created = services.register_petition(
        by=clerk, data=petition_data(), petitioners=[{"name": "王五"}], intake_token=token
    )
    again, created_again = services.register_petition(
        by=clerk, data=petition_data(), petitioners=[{"name": "王五"}], intake_token=token
    )
    assert created and not created_again and first == again
    assert Petition.objects.count() == 1


def test_edit_registration_is_recorded_and_refused_after_a_stale_read(clerk):
    petition = register_petition(clerk)
    services.update_registration(
        petition, by=clerk, data={"title": "新标题", "received_on": datetime.date(2026, 2, 5)}, version=1
    )
    petition.refresh_from_db()
    assert petition.title == "新标题" and petition.version == 2
    assert petition.decision_due_on == datetime.date(2026, 2, 24)
    assert petition.history.count() == 2
    assert petition.events.filter(action=CaseEvent.Action.EDITED).exists()
    with pytest.raises(services.StaleEditError):
        services.update_registration(petition, by=clerk, data={"title": "覆盖"}, version=1)
    petition.refresh_from_db()
    assert petition.title == "新标题"


def test_received_date_in_the_future_is_refused():
    with pytest.raises(ValidationError):
        services.check_received_on(timezone.localdate() + datetime.timedelta(days=1))
