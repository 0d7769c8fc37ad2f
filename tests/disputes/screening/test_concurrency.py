"""Two people at once, on PostgreSQL: one round per unit and period, one move per entry at a time."""
import threading

import pytest
from django.db import connection, connections

from disputes.models import EntryEvent, LedgerEntry, ScreeningRound
from disputes.screening import workflow
from disputes.screening.services import RoundExistsError
from disputes.screening.workflow import TransitionNotAllowed

from ..builders import file_round, found_entry

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks and concurrent writers need PostgreSQL"),
]


def race(*jobs):
    """Run the jobs in threads released together; return what each returned or raised."""
    barrier = threading.Barrier(len(jobs))
    results = [None] * len(jobs)

    def run(index, job):
        try:
            barrier.wait()
            results[index] = job()
        except Exception as error:  # the test inspects what was raised
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return results


def test_two_filings_of_the_same_round_make_one(mediator):
    results = race(lambda: file_round(mediator, zero=True), lambda: file_round(mediator, zero=True))
    assert ScreeningRound.objects.count() == 1
    assert sum(isinstance(r, ScreeningRound) for r in results) == 1
    assert sum(isinstance(r, RoundExistsError) for r in results) == 1


def test_two_people_resolving_one_entry_at_once_resolve_it_once(mediator, coordinator):
    entry = found_entry(mediator)
    results = race(
        lambda: workflow.resolve_entry(entry, by=mediator, note="已和解", how="settled"),
        lambda: workflow.resolve_entry(entry, by=coordinator, note="双方签订协议", how="settled"),
    )
    assert sum(isinstance(r, LedgerEntry) for r in results) == 1
    assert sum(isinstance(r, TransitionNotAllowed) for r in results) == 1
    entry.refresh_from_db()
    assert entry.events.exclude(action=EntryEvent.Action.FOUND).count() == 1
    assert entry.history.count() == 2
