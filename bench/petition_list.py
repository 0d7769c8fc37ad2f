"""Benchmark: the petition list and search at N cases, beside the raw SQL of the same queries.

Usage (creates its own database; never touches db.sqlite3):
    DEBUG=1 .venv/bin/python bench/petition_list.py --cases 100000                 # SQLite file bench/out/
    DEBUG=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/xinfang_bench \
        .venv/bin/python bench/petition_list.py --cases 100000                     # PostgreSQL
"""
import argparse
import datetime
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
OUT = ROOT / "bench" / "out"
OUT.mkdir(parents=True, exist_ok=True)
os.environ.setdefault("DATABASE_URL", f"sqlite:///{OUT / 'bench.sqlite3'}")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "1")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import Group  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, reset_queries, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from stdnum.cn import ric  # noqa: E402

from office.models import Person, Staff, TimeLimits, Township  # noqa: E402
from office.roles import CLERK, ROLE_GROUPS  # noqa: E402
from petitions.models import ContentCategory, Petition, PetitionParty  # noqa: E402


def generate(count):
    """Create ``count`` realistic cases with one or two petitioners each, in bulk."""
    rng = random.Random(42)
    township, _ = Township.objects.get_or_create(code="bench", defaults={"name": "基准镇", "short_name": "基准"})
    TimeLimits.for_township(township)
    villages = [township.villages.get_or_create(name=f"{i}村")[0] for i in range(12)]
    from django.contrib.auth import get_user_model

    user, created = get_user_model().objects.get_or_create(username="benchclerk")
    if created:
        user.set_password("bench")
        user.save()
        user.groups.add(Group.objects.get(name=ROLE_GROUPS[CLERK]))
        Staff.objects.create(user=user, township=township)
    have = Petition.objects.filter(township=township).count()
    categories = list(ContentCategory.objects.all())
    today = datetime.date.today()
    batch = 5000
    for start in range(have, count, batch):
        size = min(batch, count - start)
        with transaction.atomic():
            people = []
            for i in range(start, start + size):
                body = f"330127{1950 + (i // 1000) % 50}{1 + (i // 50000) % 12:02d}{1 + (i // 600000) % 28:02d}{i % 1000:03d}"
                people.append(Person(
                    township=township, name=f"居民{i}", phone=f"13{i:09d}"[:11],
                    id_number=body + ric.calc_check_digit(body + "0") if i % 3 else "",
                    village=villages[i % len(villages)], address=f"{i % 12}村{i % 40}组",
                ))
            people = Person.objects.bulk_create(people)
            cases = []
            for offset, i in enumerate(range(start, start + size)):
                received = today - datetime.timedelta(days=rng.randint(0, 1000))
                cases.append(Petition(
                    township=township, year=received.year, sequence=i + 1, number=f"XF-B-{i + 1:07d}",
                    channel=rng.choice(Petition.Channel.values), received_on=received,
                    purpose=rng.choice(Petition.Purpose.values), category=rng.choice(categories),
                    title=f"事项{i} " + rng.choice(["宅基地", "工资", "征地", "环境", "低保"]),
                    request="诉求", decision_due_on=received + datetime.timedelta(days=15),
                    due_on=received + datetime.timedelta(days=15), village=villages[i % len(villages)],
                    registered_by=user,
                ))
            cases = Petition.objects.bulk_create(cases)
            PetitionParty.objects.bulk_create(
                [PetitionParty(petition=c, person=p) for c, p in zip(cases, people)]
            )
        print(f"  {start + size} cases", flush=True)
    return user


def timed(client, url, repeat):
    times, sql = [], []
    for _ in range(repeat):
        reset_queries()  # DEBUG keeps a bounded log; a full one breaks the capture's arithmetic
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            response = client.get(url)
            times.append(time.perf_counter() - started)
        assert response.status_code == 200, response.status_code
        # The same statements executed bare, to separate the database from Django's share.
        raw_started = time.perf_counter()
        with connection.cursor() as cursor:
            for query in ctx.captured_queries:
                cursor.execute(query["sql"])
                if cursor.description is not None:
                    cursor.fetchall()
        sql.append(time.perf_counter() - raw_started)
    return statistics.median(times), statistics.median(sql), len(ctx.captured_queries)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=100000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    print(f"database: {connection.vendor}; generating up to {args.cases} cases")
    user = generate(args.cases)
    with connection.cursor() as cursor:
        # As autovacuum (PostgreSQL) or a periodic ANALYZE (SQLite) would after a bulk load.
        cursor.execute("ANALYZE")
    client = Client()
    client.force_login(user)
    phone = f"13{args.cases // 2:09d}"[:11]
    for label, url in [
        ("list, first page", "/petitions/"),
        ("list, page 200 sorted by due date", "/petitions/?ordering=due_on&page=200"),
        ("search by phone", f"/petitions/?q={phone}"),
        ("search by name", f"/petitions/?q=居民{args.cases // 3}"),
        ("search by title word", "/petitions/?q=宅基地"),
        ("filter overdue", "/petitions/?overdue=true"),
    ]:
        page, raw, queries = timed(client, url, args.repeat)
        print(f"{label:38s} page {page * 1000:7.1f} ms   raw SQL {raw * 1000:7.1f} ms   ({queries} queries)")


if __name__ == "__main__":
    main()
