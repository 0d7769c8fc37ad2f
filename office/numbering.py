"""Gap-free numbering, written once: petition numbers (XF-<year>-<0001>), mediation case numbers
(TJ-…), agreement numbers per committee and document numbers (文号) per township, kind and year
(docs/domain.md §2.1, §3.2, §3.3, §6).

Each area keeps its own counter table (a subclass of ``CounterBase`` with its unique key) and
numbers through ``next_number``. The counter row stays locked until the caller's transaction
ends, so two people numbering at once wait for each other, and a step that fails after taking
a number rolls the number back with it: no gaps, no number taken twice.
"""
from django.db import models

from .models import Township


class CounterBase(models.Model):
    """The last number issued under one key (a township and year, and whatever the area adds)."""

    township = models.ForeignKey(Township, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        abstract = True


class DocumentCounter(CounterBase):
    """Last document number (文号) issued per township, kind of document and year."""

    kind = models.CharField(max_length=40)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["township", "kind", "year"], name="document_counter_unique")]


def next_number(counter_model, **key):
    """Return the next number of the counter row with this key, creating it and locking it until commit."""
    return reserve_numbers(counter_model, 1, **key)


def reserve_numbers(counter_model, count, **key):
    """Take ``count`` consecutive numbers at once (a ledger import) and return the first of them."""
    counter_model.objects.get_or_create(**key)
    # Must run inside the caller's transaction: select_for_update refuses to run outside one.
    counter = counter_model.objects.select_for_update().get(**key)
    first = counter.last_number + 1
    counter.last_number += count
    counter.save(update_fields=["last_number"])
    return first


def release_numbers(counter_model, first, last, **key):
    """Give back the numbers ``first``…``last`` (an import undone) when none was issued after them;
    return False, changing nothing, when one was (the numbers stay gap-free either way)."""
    counter = counter_model.objects.select_for_update().get(**key)
    if counter.last_number != last:
        return False
    counter.last_number = first - 1
    counter.save(update_fields=["last_number"])
    return True
