import pytest
from django.core.exceptions import ValidationError

from office import masking
from office.models import Person
from office.validators import validate_id_number, validate_phone


@pytest.mark.parametrize("number", ["11010519491231002X", "11010519491231002x", "110105 19491231 002X"])
def test_valid_id_numbers_including_the_x_check_digit(number):
    validate_id_number(number)


@pytest.mark.parametrize(
    "number, code",
    [
        ("110105194912310021", "id_checksum"),  # wrong check digit
        ("110105194913310021", "id_birth_date"),  # month 13
        ("1101051949123100", "id_length"),  # too short
        ("11010519491231002XX", "id_length"),
        ("1101051949123100A2", "id_length"),
    ],
)
def test_invalid_id_numbers_say_why_in_chinese(number, code):
    with pytest.raises(ValidationError) as error:
        validate_id_number(number)
    assert error.value.code == code


def test_bad_birth_date_message_is_chinese():
    with pytest.raises(ValidationError) as error:
        validate_id_number("110105194913310021")
    assert "出生日期" in str(error.value.messages[0])


@pytest.mark.parametrize("phone", ["13812345678", "0571-6000123", "057186001234"])
def test_valid_phones(phone):
    validate_phone(phone)


@pytest.mark.parametrize("phone", ["1381234567", "23812345678", "abc", "12345"])
def test_invalid_phones(phone):
    with pytest.raises(ValidationError):
        validate_phone(phone)


def test_masking():
    assert masking.mask_id_number("11010519491231002X") == "110105********002X"
    assert masking.mask_phone("13812345678") == "138****5678"
    assert masking.mask_phone("0571-6000123") == "0571-***0123"
    assert masking.mask_address("青溪镇青溪村3组18号") == "青溪镇青溪村****"
    assert masking.mask_name("张三丰") == "张**"
    assert masking.mask_id_number("") == ""


@pytest.mark.django_db
def test_person_clean_normalises_and_derives_birth_date_and_sex(township):
    person = Person(township=township, name="李四", id_number="11010519491231002x", phone="138 1234 5678")
    person.full_clean()
    assert person.id_number == "11010519491231002X"
    assert person.phone == "13812345678"
    assert str(person.birth_date) == "1949-12-31"
    assert person.sex == Person.Sex.FEMALE  # 17th digit 2 is even
