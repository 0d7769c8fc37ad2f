"""The case list's search box: route each input to the lookup that answers it by index (docs/architecture.md §
"Search and deep pages").

- a complete case number, phone number or ID number is an exact match, looked up by its index;
- anything else of three characters or more matches the case number or title containing it, the
  cases of the township's people whose name or phone contains it or whose ID number starts with it,
  and the imported case with that 原编号 (digits alone: numbers, phones and ID numbers only);
- one or two characters (a surname, a given name, a word of a title: 王, 建国, 工资) match the names and
  titles containing them, read within the user's township: too short for a trigram index. Measured:
  a contains-scan of one township's names took 135 ms at 100,000 people (bench/README.md); a county's
  townships hold about 50,000 each.

People are looked up first, in one query that returns the list of their case ids: the case query
never ORs a join to people into its own conditions. On PostgreSQL, the ``icontains`` lookups use the
pg_trgm GIN indexes on UPPER(column) of migration 0014; on SQLite the same searches read FTS5 trigram
tables (petitions/text_search.py).
The search only narrows ``queryset``, which is already what the user may see (selectors.visible_petitions).
"""
import re

from django.db import connection
from django.db.models import Q
from django.db.models.expressions import RawSQL

from office.models import Person
from office.validators import PHONE_RE, normalise_id_number, normalise_phone

from . import text_search
from .models import PetitionParty

# More matching cases than this and the case ids stay a subquery rather than a list of parameters.
MAX_IDS = 2000
TRIGRAM = 3  # pg_trgm indexes answer a `contains` of three characters or more
CASE_NUMBER_RE = re.compile(r"^[A-Z]{1,6}-\d{4}-\d{4,}$")
ID_NUMBER_RE = re.compile(r"^\d{17}[\dX]$")


def route(value):
    """Which lookup answers this input: "number", "phone", "id_number" or "partial" (also read by the bench)."""
    if CASE_NUMBER_RE.match(value.upper()):
        return "number"
    if PHONE_RE.match(normalise_phone(value)):
        return "phone"
    if ID_NUMBER_RE.match(normalise_id_number(value)):
        return "id_number"
    return "partial"


def _case_ids(parties, *others):
    """The case ids as a list when they are few (one query, a UNION of index lookups), else None."""
    ids = parties.order_by().values_list("petition_id", flat=True)
    if others:
        # Each part stops at MAX_IDS + 1 rows where the database allows it (PostgreSQL): a title word
        # in 125,000 cases of the county then costs 2,001 index entries, not a hash of all of them.
        limited = connection.features.supports_slicing_ordering_in_compound
        ids = ids[:MAX_IDS + 1] if limited else ids
        ids = ids.union(*(
            other.order_by().values_list("pk", flat=True)[:MAX_IDS + 1] if limited
            else other.order_by().values_list("pk", flat=True) for other in others))
    found = list(ids[:MAX_IDS + 1])
    return found if len(found) <= MAX_IDS else None


def _in(ids, *fallback):
    """``pk IN (ids)``; when there were too many for a list, the conditions themselves (``fallback``)."""
    if ids is not None:
        return Q(pk__in=ids)
    condition = Q(pk__in=[])
    for other in fallback:
        condition |= other
    return condition


def search_petitions(queryset, value, township):
    """Narrow ``queryset`` (visible petitions of ``township``) to the cases matching the search ``value``."""
    value = value.strip()
    if not value:
        return queryset
    kind = route(value)
    people = Person.objects.filter(township=township) if township is not None else Person.objects.all()
    if kind == "number":
        return queryset.filter(number=value.upper())
    if kind == "phone":
        parties = PetitionParty.objects.filter(person__in=people.filter(phone=normalise_phone(value)).values("pk"))
        return queryset.filter(_in(_case_ids(parties), Q(pk__in=parties.values("petition_id"))))
    if kind == "id_number":
        parties = PetitionParty.objects.filter(
            person__in=people.filter(id_number=normalise_id_number(value)).values("pk"))
        return queryset.filter(_in(_case_ids(parties), Q(pk__in=parties.values("petition_id"))))
    # Partial input: the people first (their conditions OR within one table), then the cases.
    if len(value) < TRIGRAM:
        # One or two characters (a surname, a given name, a word of a title: 王, 建国, 工资): too short
        # for a trigram index, so the township's names and titles are read — one township, never the county.
        # A clerk who types 建国 expects 张建国 and 李建国; a prefix lookup alone would lose them.
        # Chinese characters have no case: without letters that do, a plain LIKE finds the same rows without
        # UPPER() on each name and title read (PostgreSQL: 36 → 14 ms for 100,000 names, bench/README.md).
        contains = "icontains" if value.upper() != value.lower() else "contains"
        parties = PetitionParty.objects.filter(
            person__in=people.filter(**{f"name__{contains}": value}).values("pk"))
        in_title = Q(**{f"title__{contains}": value})
        titles = queryset.model.objects.filter(in_title)
        if township is not None:
            titles = titles.filter(township=township)
        ids = _case_ids(parties, titles)
        return queryset.filter(_in(ids, in_title, Q(pk__in=parties.values("petition_id"))))
    digits = normalise_phone(value)
    numeric = digits.replace("-", "").isdigit()
    # Digits are part of a phone, an ID number or a case number, never of a name or a title: leaving
    # those out keeps every condition on an index the planner will pick.
    who = Q(pk__in=[]) if numeric else _inside("person_text", {"name": "icontains"}, value)
    if len(digits) >= 4 and numeric:
        who |= _inside("person_text", {"phone": "contains"}, digits)
    id_number = normalise_id_number(value)
    if len(id_number) >= 6 and id_number[:6].isdigit():
        who |= Q(id_number__startswith=id_number)
    parties = PetitionParty.objects.filter(person__in=people.filter(who).values("pk"))
    imported = queryset.model.objects.filter(imported_from__original_number=value)
    if township is not None:
        imported = imported.filter(township=township)
    # The cases whose number or title contains it, found by their trigram indexes alone: with the
    # township in the same statement PostgreSQL preferred reading the township's 50,000 cases
    # (250 ms at 1M); the case query below keeps the township and the visibility rules.
    fields = {"number": "icontains"} if numeric else {"number": "icontains", "title": "icontains"}
    text = _inside("petition_text", fields, value)
    matching = queryset.model.objects.filter(text)
    if connection.vendor != "postgresql" and township is not None:
        matching = matching.filter(township=township)  # the FTS index holds every township's cases
    ids = _case_ids(parties, imported, matching)
    return queryset.filter(_in(ids, text, Q(pk__in=parties.values("petition_id")), Q(pk__in=imported.values("pk"))))


def _inside(fts, lookups, value):
    """Rows whose columns (``lookups``: {column: "icontains" or "contains"}) contain ``value`` (three
    characters or more), each lookup answered by an index: on PostgreSQL the lookups themselves (pg_trgm
    indexes, migration 0014), on SQLite the FTS5 trigram table ``fts`` (petitions/text_search.py)."""
    if connection.vendor == "sqlite":
        return Q(pk__in=RawSQL(*text_search.contains(fts, list(lookups), value)))
    condition = Q(pk__in=[])
    for column, lookup in lookups.items():
        condition |= Q(**{f"{column}__{lookup}": value})
    return condition
