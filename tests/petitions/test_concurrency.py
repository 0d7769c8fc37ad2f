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


def test_two_people_moving_the_same_case_at_once_one_wins(users):
    from office.workflow import WorkflowError
    from petitions import workflow
    from tests.builders import petition_in_state

    petition = petition_in_state(users, "decision_review")
    results = []
    barrier = threading.Barrier(2)

    def act(call):
        try:
            barrier.wait()
            call()
            results.append("ok")
        except WorkflowError as error:
            results.append(str(error))
        finally:
            connections.close_all()

    version = petition.version
    approve = threading.Thread(target=act, args=(lambda: workflow.approve_decision(
        petition, by=users["leader"], expected_version=version),))
    reject = threading.Thread(target=act, args=(lambda: workflow.reject_decision(
        petition, by=users["leader"], comment="退回重议", expected_version=version),))
    approve.start(); reject.start(); approve.join(); reject.join()
    assert sorted(results)[0] == "ok" and results.count("ok") == 1
    assert any("已被他人更新" in r for r in results)
    petition.refresh_from_db()
    assert petition.events.filter(action__in=["approve_decision", "reject_decision"]).count() == 1
