"""One rule for "is this the same person" in every area (office/people.py, docs/domain.md §2.1)."""
import pytest
from django.core.exceptions import ValidationError

from office.models import Person
from office.people import find_or_create_person, matching_people

pytestmark = pytest.mark.django_db

ID = "11010519491231002X"


def test_the_same_id_number_is_the_same_person_and_only_blanks_are_filled(township, village):
    first = find_or_create_person(township, name="张三", id_number=ID, phone="13812345678")
    again = find_or_create_person(township, name="张三", id_number="110105 19491231002x", phone="13900001111",
                                  address="青溪村3组", village=village)
    assert again == first and Person.objects.count() == 1
    again.refresh_from_db()
    assert (again.phone, again.address, again.village) == ("13812345678", "青溪村3组", village)


def test_a_name_and_phone_without_an_id_number_make_a_new_record(township):
    first = find_or_create_person(township, name="李四", phone="13900001111")
    second = find_or_create_person(township, name="李四", phone="139 0000 1111")
    assert first != second
    assert set(matching_people(township, phone="13900001111")) == {first, second}  # offered, never merged


def test_the_chosen_person_is_used_and_must_be_of_the_township(township, other_township):
    chosen = find_or_create_person(township, name="王五")
    assert find_or_create_person(township, person=chosen, name="王五", id_number=ID) == chosen
    chosen.refresh_from_db()
    assert chosen.id_number == ID
    with pytest.raises(ValidationError):
        find_or_create_person(other_township, person=chosen)
    with pytest.raises(ValidationError):
        find_or_create_person(township, name=" ")


def test_the_case_village_places_a_new_record_only(township, village):
    known = find_or_create_person(township, name="赵六", id_number=ID)
    assert find_or_create_person(township, name="赵六", id_number=ID, case_village=village).village is None
    assert find_or_create_person(township, name="钱七", case_village=village).village == village
    assert known.village is None


def test_the_default_ethnicity_was_never_recorded(township):
    person = find_or_create_person(township, name="孙八", id_number=ID)
    assert person.ethnicity == "汉族"
    person = find_or_create_person(township, name="孙八", id_number=ID, ethnicity="回族")
    assert person.ethnicity == "回族"
    assert find_or_create_person(township, name="孙八", id_number=ID, ethnicity="汉族").ethnicity == "回族"
