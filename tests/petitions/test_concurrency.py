"""Numbering under concurrency: clerks registering at the same moment get gap-free numbers."""
import threading

import pytest
from django.db import connection, connections

from petitions.models import Petition
from tests.builders import register_petition

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL; CI runs it there"),
]


def test_parallel_intake_gives_distinct_consecutive_numbers(clerk, township):
    threads, per_thread = 8, 25
    errors = []
    barrier = threading.Barrier(threads)

    def work(index):
        try:
            barrier.wait()
            for j in range(per_thread):
                register_petition(clerk, petitioners=[{"name": f"并发{index}-{j}"}])
        except Exception as error:  # reported below; a thread must not die silently
            errors.append(error)
        finally:
            connections.close_all()

    workers = [threading.Thread(target=work, args=(i,)) for i in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert errors == []
    sequences = sorted(Petition.objects.filter(township=township).values_list("sequence", flat=True))
    assert sequences == list(range(1, threads * per_thread + 1))
    numbers = set(Petition.objects.values_list("number", flat=True))
    assert len(numbers) == threads * per_thread
