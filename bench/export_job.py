"""Benchmark: how long a 100,000-row petition ledger export holds the request, in the request and as a job.

Usage (reuses the database bench/petition_list.py generates; never touches db.sqlite3):
    DEBUG=1 .venv/bin/python bench/export_job.py --cases 100000
Prints the request time of the immediate export (the old way), the request time when the export is
queued as a background job (docs/architecture.md §14), and the job's own time in the worker.
"""
import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from django.core.management import call_command  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from petition_list import connection, generate  # noqa: E402  (sets up Django and the bench database)


def _models():
    from django.contrib.auth.models import Group

    from jobs.models import Job
    from office.models import Staff
    from office.roles import COORDINATOR, ROLE_GROUPS

    return Group, Job, Staff, COORDINATOR, ROLE_GROUPS


def coordinator(township):
    from django.contrib.auth import get_user_model

    Group, _job, Staff, COORDINATOR, ROLE_GROUPS = _models()
    user, created = get_user_model().objects.get_or_create(username="benchcoordinator")
    if created:
        user.groups.add(Group.objects.get(name=ROLE_GROUPS[COORDINATOR]))
        Staff.objects.create(user=user, township=township)
    return user


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=100000)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    township = generate(args.cases, 1)
    client = Client()
    client.force_login(coordinator(township))
    print(f"database: {connection.vendor}; {args.cases} petitions")

    with override_settings(EXPORT_TASK_ROWS=10**9):
        started = time.perf_counter()
        response = client.get("/reports/export/petitions/")
        immediate = time.perf_counter() - started
    assert response.status_code == 200, response.status_code
    print(f"in the request (before): {immediate:.1f} s, {len(response.content) / 1e6:.1f} MB")

    started = time.perf_counter()
    response = client.get("/reports/export/petitions/")
    queued = time.perf_counter() - started
    assert response.status_code == 302, response.status_code
    job = _models()[1].objects.latest("pk")
    print(f"queued as job {job.pk} (after): the request took {queued * 1000:.0f} ms")

    started = time.perf_counter()
    call_command("db_worker", batch=True, reload=False, startup_delay=False, verbosity=0)
    job.refresh_from_db()
    print(f"the worker: {time.perf_counter() - started:.1f} s, job {job.status}, {job.row_count} rows")
    started = time.perf_counter()
    download = client.get(f"/jobs/{job.pk}/download/")
    content = b"".join(download.streaming_content)
    print(f"download: {(time.perf_counter() - started) * 1000:.0f} ms, {len(content) / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
