"""Is this the same person? One rule for petition intake, the screening ledger, mediation and any
import (docs/domain.md §2.1): a person is one ``office.models.Person`` record however many cases
they bring, in whichever area.

- ``find_or_create_person`` decides when a case is saved: the record the user chose (from the
  lookup), else the record with the same ID number, else a new record. Only the ID number
  identifies a person without asking: two people share a name, and a family shares a phone.
- ``find_or_create_people`` is the same decision for many rows of a ledger import, where nobody
  is there to choose from the lookup: there, without an ID number, the same name and the same
  phone are the same person.
- ``matching_people`` is the wider lookup shown while someone types (same ID number, same phone,
  or same name in the same village). It only offers records to choose; it never merges.
"""
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext as _

from .models import Person
from .validators import normalise_id_number, normalise_phone

# What a form, a ledger row or a spreadsheet row may say about a person, besides choosing one.
DETAILS = ("name", "sex", "ethnicity", "birth_date", "id_number", "phone", "address", "village")


def find_or_create_person(township, *, person=None, name="", sex="", ethnicity="", birth_date=None,
                          id_number="", phone="", address="", village=None, case_village=None):
    """Return the chosen person, else the township's person with this ID number, else a new one.

    Details the record lacks are filled in from what was given; what another case recorded is
    never overwritten. The model's default ethnicity counts as lacking, since nobody recorded it.
    ``case_village`` is where the case is (a ledger entry's village, a mediation committee's):
    a new record without a ``village`` of its own is put there, an existing one is left alone.
    """
    if person is not None and person.township_id != township.pk:
        raise ValidationError(_("A party belongs to another township."))
    if person is None and not (name or "").strip():
        raise ValidationError(_("Enter each party's name."))
    id_number, phone = normalise_id_number(id_number), normalise_phone(phone)
    if person is None and id_number:
        person = Person.objects.filter(township=township, id_number=id_number).first()
    given = {
        "name": name, "sex": sex, "ethnicity": ethnicity, "birth_date": birth_date, "id_number": id_number,
        "phone": phone, "address": address, "village": village,
    }
    given = {field: value for field, value in given.items() if value not in (None, "")}
    if person is None:
        person = Person(township=township, **{"village": case_village, **given})
    else:
        changed = [field for field, value in given.items() if _lacks(person, field, value)]
        if not changed:
            return person
        for field in changed:
            setattr(person, field, given[field])
    person.full_clean()
    person.save()
    return person


def find_or_create_people(township, rows, *, by=None, reason=""):
    """``find_or_create_person`` for many rows at once (a ledger import), with the same rule.

    ``rows`` are dicts of DETAILS with ``case_village``. Same ID number, else (no ID number) same
    name and phone, is the same person: among the rows and in the township's records, found with
    two queries. People found are completed as ``find_or_create_person`` completes them; new people
    are validated like a form's and written in one bulk insert with their history rows.
    Returns (people in the order of ``rows``, the new ones).
    """
    from simple_history.utils import bulk_create_with_history

    keys = [_key(row) for row in rows]
    ids = {key[1] for key in keys if key and key[0] == "id"}
    phones = {key[2] for key in keys if key and key[0] == "name"}
    known: dict[tuple, Person] = {
        ("id", p.id_number): p for p in Person.objects.filter(township=township, id_number__in=ids)}
    for p in Person.objects.filter(township=township, phone__in=phones, id_number="").order_by("pk"):
        known.setdefault(("name", p.name, p.phone), p)
    people, new = [], []
    for key, row in zip(keys, rows):
        row = dict(row)
        row["id_number"], row["phone"] = normalise_id_number(row.get("id_number")), normalise_phone(row.get("phone"))
        person = known.get(key) if key else None
        if person is None:
            if not (row.get("name") or "").strip():
                raise ValidationError(_("Enter each party's name."))
            given = {field: row[field] for field in DETAILS if row.get(field) not in (None, "")}
            person = Person(township=township, **{"village": row.get("case_village"), **given})
            # The township and village are the caller's own records; uniqueness is the lookup above.
            person.full_clean(exclude=["township", "village"], validate_unique=False, validate_constraints=False)
            new.append(person)
            if key:
                known[key] = person
        elif person.pk is not None:
            details = {field: row[field] for field in DETAILS if field in row}
            person = find_or_create_person(township, person=person, **details)
        people.append(person)
    if new:
        bulk_create_with_history(new, Person, batch_size=500, default_user=by, default_change_reason=reason)
        if any(p.pk is None for p in new):
            raise RuntimeError("the database returned no keys for the new people")
    return people, new


def _key(row):
    id_number = normalise_id_number(row.get("id_number"))
    if id_number:
        return ("id", id_number)
    phone = normalise_phone(row.get("phone"))
    return ("name", (row.get("name") or "").strip(), phone) if phone else None


def _lacks(person, field, value):
    model_field = Person._meta.get_field(field)
    assert isinstance(model_field, models.Field)
    current = getattr(person, model_field.attname)  # village_id: no query for the village
    if field == "ethnicity" and current == model_field.default:
        return value != current
    return current in (None, "")


def matching_people(township, *, id_number="", phone="", name="", village_id=None, among=None):
    """Return people who may be this person: same ID number, same phone, or same name in the village.

    ``among`` narrows the search to the people the user may see (petitions/selectors.py
    ``lookup_people``)."""
    condition = Q()
    if id_number:
        condition |= Q(id_number=id_number)
    if phone:
        condition |= Q(phone=phone)
    if name and village_id:
        condition |= Q(name=name, village_id=village_id)
    if not condition:
        return Person.objects.none()
    people = Person.objects.all() if among is None else among
    return people.filter(township=township).filter(condition).select_related("village")[:10]
