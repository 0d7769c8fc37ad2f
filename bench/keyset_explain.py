"""EXPLAIN ANALYZE of a list's page 1 and a deep page, by OFFSET (as before keyset pages) and by keyset
cursor (office/pagination.py), for each sort of the petition list and a few queues. Read-only: it never
migrates; the indexes of a migration not yet applied there are tried inside a transaction rolled back.
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/xinfang_1m .venv/bin/python bench/keyset_explain.py \\
        [--depth 200] [--try-indexes]
The database is one bench/petition_list.py generated (its first township, "bench0", and its users).
"""
import argparse
import os
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "1")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from office.models import TimeLimits  # noqa: E402
from office.pagination import KeysetPaginator  # noqa: E402
from petitions import selectors  # noqa: E402
from petitions.filters import PetitionFilter  # noqa: E402

# The indexes the keyset sorts read (petitions/migrations, "keyset"): tried here before they exist.
INDEXES = [
    "CREATE INDEX petition_due_key ON petitions_petition (township_id, COALESCE(due_on, '9999-12-31'::date), id)",
    "CREATE INDEX petition_status_due_key ON petitions_petition (township_id, status, COALESCE(due_on, '9999-12-31'::date), id)",
    "CREATE INDEX petition_open_due_key ON petitions_petition (township_id, COALESCE(due_on, '9999-12-31'::date), received_on, id)"
    " WHERE status IN ('registered', 'decision_review', 'accepted', 'assigned', 'in_progress', 'reply_review',"
    " 'reply_approved', 'replied', 'evaluated', 'visited')",
]


class Rollback(Exception):
    pass


def explain(sql, params):
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
        lines = [row[0] for row in cursor.fetchall()]
    took = float(re.search(r"Execution Time: ([\d.]+)", lines[-1]).group(1))
    return took, lines


def lists(depth):
    users = get_user_model().objects
    clerk, coordinator = users.get(username="bench0clerk"), users.get(username="bench0coordinator")
    today = timezone.localdate()
    soon = TimeLimits.for_township(clerk.staff.township).due_soon_days
    for label, user, params, queue in [
        ("list, newest first", clerk, {}, None),
        ("list, by due date", clerk, {"ordering": "due_on"}, None),
        ("list, by due date, latest first", clerk, {"ordering": "-due_on"}, None),
        ("list, in progress by due date", clerk, {"status": "in_progress", "ordering": "due_on"}, None),
        ("queue: overdue (coordinator)", coordinator, {}, "overdue"),
        ("queue: to decide (clerk)", clerk, {}, "to-decide"),
    ]:
        if queue:
            rows = selectors.queue_petitions(user, queue, today, soon)
        else:
            rows = selectors.petition_list(user).order_by("-received_on", "-sequence", "-pk")
        found = PetitionFilter(params or None, queryset=rows, township=user.staff.township)
        rows = found.qs if params else rows
        # In progress is 3 % of the township (60 pages at 1M), a queue fewer: their deep page is nearer.
        yield label, rows, depth if not (queue or "status" in params) else max(2, min(depth, 10 if queue else 50))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--depth", type=int, default=200, help="the deep page's number")
    parser.add_argument("--try-indexes", action="store_true", help="create INDEXES in a transaction rolled back")
    parser.add_argument("--plans", action="store_true", help="print the plans, not only the times")
    args = parser.parse_args()
    assert connection.vendor == "postgresql"
    size = settings.LIST_PAGE_SIZE
    try:
        with transaction.atomic():
            if args.try_indexes:
                with connection.cursor() as cursor:
                    for statement in INDEXES:
                        cursor.execute(statement)
                    cursor.execute("ANALYZE petitions_petition")
            print(f"{'list':36s} {'page':>5s} {'OFFSET':>10s} {'keyset':>10s}")
            for label, rows, depth in lists(args.depth):
                paginator = KeysetPaginator(rows, size)
                ordered = paginator.ordered()
                for number in (1, depth):
                    offset_sql = rows[(number - 1) * size:number * size].query.sql_with_params()
                    offset_ms, offset_plan = explain(*offset_sql)
                    if number == 1:
                        keyset = ordered[:size + 1]
                    else:
                        before = list(ordered[(number - 1) * size - 1:(number - 1) * size])
                        if not before:
                            print(f"{label:36s} {number:5d}  (the list has fewer pages)")
                            continue
                        values = [key.value(before[0]) for key in paginator.keys]
                        keyset = ordered.filter(paginator._beyond(values, False))[:size + 1]
                    keyset_ms, keyset_plan = explain(*keyset.query.sql_with_params())
                    print(f"{label:36s} {number:5d} {offset_ms:8.2f}ms {keyset_ms:8.2f}ms", flush=True)
                    if args.plans:
                        print("    OFFSET:\n      " + "\n      ".join(offset_plan))
                        print("    keyset:\n      " + "\n      ".join(keyset_plan))
            raise Rollback
    except Rollback:
        pass


if __name__ == "__main__":
    main()
