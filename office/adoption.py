"""Starting mid-year without being punished for it (docs/domain.md §9, "Deadlines of imported cases").

A case brought in from a ledger kept before the system keeps the dates the sheet recorded, its
deadline among them. An open one is work still to do, but the days before the township took the
system up are not the system's to count: its deadline counts from the day it came into the system
(``counts_from``: the import's day, or the go-live date when that is later). This module is the one
place that rule is written, for the pages (``counted_deadline``) and for the queries (``past_due``).
"""
import datetime

from django.db.models import Q


def adoption_day(township, imported_on: datetime.date) -> datetime.date:
    """The day an imported case becomes the system's work: the day of the import, or the township's
    go-live date (Township.go_live_on) if that is later."""
    go_live = getattr(township, "go_live_on", None)
    return max(imported_on, go_live) if go_live else imported_on


def counted_deadline(deadline, counts_from):
    """The deadline the system holds a case to: its own, but never before the day it came into the system
    (``counts_from`` is empty for a case recorded in the system, whose deadline counts as it is)."""
    if deadline is None or counts_from is None:
        return deadline
    return max(deadline, counts_from)


def past_due(field, today, counts_from="counts_from"):
    """``counted_deadline(field, counts_from) < today`` as a query condition."""
    return Q(**{f"{field}__lt": today}) & (Q(**{f"{counts_from}__isnull": True}) | Q(**{f"{counts_from}__lt": today}))
