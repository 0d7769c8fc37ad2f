"""Document numbers (文号) under concurrency: distinct and gap-free per township, kind and year (PostgreSQL)."""
import threading

import pytest
from django.db import connection, connections, transaction

from office.documents import take_document_number

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL; CI runs it there"),
]


def test_parallel_issues_get_distinct_gap_free_numbers_per_kind(township):
    threads, per_thread = 6, 10
    taken, errors = [], []
    barrier = threading.Barrier(threads)

    def work(index):
        try:
            barrier.wait()
            for j in range(per_thread):
                kind = "acceptance_notice" if (index + j) % 2 else "extension_notice"
                with transaction.atomic():
                    taken.append((kind, take_document_number(township, kind, 2026)))
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            connections.close_all()

    workers = [threading.Thread(target=work, args=(i,)) for i in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert errors == []
    for kind, prefix in [("acceptance_notice", "青信受"), ("extension_notice", "青信延")]:
        numbers = sorted(int(n[len(prefix) + 6:-1]) for k, n in taken if k == kind)
        assert numbers == list(range(1, len(numbers) + 1))
        assert all(n.startswith(f"{prefix}〔2026〕") for k, n in taken if k == kind)
