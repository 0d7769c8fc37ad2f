"""Undoing an import, shared by the three kinds (docs/domain.md §9): which cases were worked on since,
giving their numbers back without a gap, deleting them with history, and the people only they named."""
from django.db import transaction
from django.db.models import Count, ProtectedError, Q
from django.utils.translation import gettext as _

from office.models import Person
from office.numbering import release_numbers


def worked_on(cases):
    """The cases someone has worked on since the import (a move, an edit, a note)."""
    return cases.annotate(moves=Count("events")).filter(Q(version__gt=1) | Q(moves__gt=1))


def give_numbers_back(cases, counter, **key):
    """Release each year's numbers the cases hold; False (nothing released in that year) when numbers
    were issued after them there, since giving them back would leave a gap."""
    spans = {}
    for year, sequence in cases.values_list("year", "sequence"):
        low, high = spans.get(year, (sequence, sequence))
        spans[year] = (min(low, sequence), max(high, sequence))
    return all(release_numbers(counter, low, high, year=year, **key) for year, (low, high) in sorted(spans.items()))


def delete_cases(cases, by):
    for case in cases:
        case._history_user = by
        case._change_reason = _("Import undone")
        case.delete()


def delete_people(batch):
    """Remove the people the batch created that no case refers to any more."""
    created = Person.objects.filter(pk__in=batch.people.values("person"), petition_parties__isnull=True,
                                    mediation_party_links__isnull=True, dispute_party_links__isnull=True)
    for person in created:
        try:
            with transaction.atomic():
                person.delete()
        except ProtectedError:
            continue  # referred to elsewhere since: kept
