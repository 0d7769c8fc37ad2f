"""Benchmark: the petition list, its searches, filters, queues and deep pages, for every role, at N cases.

Usage (creates its own data; never touches db.sqlite3):
    DEBUG=1 .venv/bin/python bench/petition_list.py --cases 100000                    # SQLite file bench/out/
    DEBUG=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/xinfang_bench \\
        .venv/bin/python bench/petition_list.py --cases 1000000 --townships 20 [--explain]

The cases are spread over ``--townships`` townships (the county of issue 13: 20 of 50,000 at 1M) and
every figure is measured in the first one. States follow a working office: most cases closed
(archived, not accepted, forwarded), the open ones received in the last four months, some overdue;
2 % confidential; a third of the people without an ID number; names of two and three characters.
Each page is requested ``--repeat`` times as a clerk, a coordinator, a leader and a unit handler;
the script prints p50 and p95, the number of queries and the slowest query of the page. With
``--explain`` (PostgreSQL) it prints EXPLAIN ANALYZE of the slowest query of each page.
"""
import argparse
import datetime
import os
import random
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

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

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, reset_queries, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from stdnum.cn import ric  # noqa: E402

from office.models import Person, Staff, TimeLimits, Township, Unit  # noqa: E402
from office.pagination import KeysetPaginator  # noqa: E402
from office.roles import CLERK, COORDINATOR, HANDLER, LEADER, ROLE_GROUPS  # noqa: E402
from petitions import selectors  # noqa: E402
from petitions.filters import PetitionFilter  # noqa: E402
from petitions.models import ContentCategory, Petition, PetitionParty  # noqa: E402

S = Petition.Status
# (state, share): most cases are closed; the open ones spread over the workflow.
STATES = [
    (S.ARCHIVED, 0.78), (S.NOT_ACCEPTED, 0.05), (S.FORWARDED, 0.04), (S.REGISTERED, 0.015),
    (S.DECISION_REVIEW, 0.005), (S.ACCEPTED, 0.02), (S.ASSIGNED, 0.02), (S.IN_PROGRESS, 0.03),
    (S.REPLY_REVIEW, 0.005), (S.REPLY_APPROVED, 0.005), (S.REPLIED, 0.01), (S.EVALUATED, 0.01),
    (S.VISITED, 0.01),
]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰建国志红海"
TITLES = ["宅基地纠纷", "拖欠工资", "征地补偿", "环境污染", "低保评定", "邻里纠纷", "道路修建", "医疗报销"]
PASSWORD = "bench"


def person_name(rng):
    given = rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.7 else "")
    return rng.choice(SURNAMES) + given


def staff_user(username, role, township, unit=None):
    user, created = get_user_model().objects.get_or_create(username=username)
    if created:
        user.set_password(PASSWORD)
        user.save()
        user.groups.add(Group.objects.get(name=ROLE_GROUPS[role]))
        Staff.objects.create(user=user, township=township, unit=unit)
    return user


def generate(count, townships):
    """Create ``count`` cases over ``townships`` townships with one petitioner each, in bulk."""
    rng = random.Random(42)
    today = datetime.date.today()
    categories = list(ContentCategory.objects.all())
    states, weights = zip(*STATES)
    per_township = count // townships
    first = None
    for t in range(townships):
        township, _ = Township.objects.get_or_create(
            code=f"bench{t}", defaults={"name": f"基准{t}镇", "short_name": f"基准{t}"})
        TimeLimits.for_township(township)
        villages = [township.villages.get_or_create(name=f"{i}村")[0] for i in range(12)]
        units = [Unit.objects.get_or_create(township=township, name=name)[0] for name in ("司法所", "派出所", "国土所")]
        clerk = staff_user(f"bench{t}clerk", CLERK, township)
        staff_user(f"bench{t}coordinator", COORDINATOR, township)
        staff_user(f"bench{t}leader", LEADER, township)
        staff_user(f"bench{t}handler", HANDLER, township, unit=units[0])
        first = first or township
        have = Petition.objects.filter(township=township).count()
        started = time.perf_counter()
        batch = 5000
        for start in range(have, per_township, batch):
            size = min(batch, per_township - start)
            with transaction.atomic():
                people, cases = [], []
                for i in range(start, start + size):
                    n = t * per_township + i
                    body = f"330127{1950 + (n // 1000) % 50}{1 + (n // 50000) % 12:02d}{1 + (n // 600000) % 28:02d}{n % 1000:03d}"
                    people.append(Person(
                        township=township, name=person_name(rng), phone=f"13{n:09d}"[:11],
                        id_number=body + ric.calc_check_digit(body + "0") if n % 3 else "",
                        village=villages[i % len(villages)], address=f"{i % 12}村{i % 40}组",
                    ))
                    state = rng.choices(states, weights)[0]
                    closed = state in (S.ARCHIVED, S.NOT_ACCEPTED, S.FORWARDED)
                    received = today - datetime.timedelta(days=rng.randint(0, 1000) if closed else rng.randint(0, 120))
                    referred = state in (S.ASSIGNED, S.IN_PROGRESS) or (closed and rng.random() < 0.3)
                    cases.append(Petition(
                        township=township, year=received.year, sequence=i + 1, number=f"XF-{received.year}-{i + 1:06d}",
                        channel=rng.choice(Petition.Channel.values), received_on=received, status=state,
                        purpose=rng.choice(Petition.Purpose.values), category=rng.choice(categories),
                        title=f"{rng.choice(TITLES)}（{villages[i % 12].name}{i % 40}组）",
                        request="诉求", decision_due_on=received + datetime.timedelta(days=15),
                        due_on=received + datetime.timedelta(days=60), village=villages[i % len(villages)],
                        registered_by=clerk, confidential=rng.random() < 0.02,
                        assigned_unit=rng.choice(units) if referred else None,
                    ))
                people = Person.objects.bulk_create(people, batch_size=1000)
                cases = Petition.objects.bulk_create(cases, batch_size=1000)
                PetitionParty.objects.bulk_create(
                    [PetitionParty(petition=c, person=p) for c, p in zip(cases, people)], batch_size=2000)
            if (start + size) % 50000 == 0 or start + size == per_township:
                print(f"  township {t}: {start + size} cases ({time.perf_counter() - started:.0f} s)", flush=True)
    return first


def clone_townships(source, townships):
    """PostgreSQL: copy the first township's people, cases and parties to the other townships with
    server-side INSERT … SELECT (minutes instead of hours through the ORM on this machine)."""
    per_township = Petition.objects.filter(township=source).count()
    for t in range(1, townships):
        township, _ = Township.objects.get_or_create(
            code=f"bench{t}", defaults={"name": f"基准{t}镇", "short_name": f"基准{t}"})
        TimeLimits.for_township(township)
        for i in range(12):
            township.villages.get_or_create(name=f"{i}村")
        for name in ("司法所", "派出所", "国土所"):
            Unit.objects.get_or_create(township=township, name=name)
        clerk = staff_user(f"bench{t}clerk", CLERK, township)
        staff_user(f"bench{t}coordinator", COORDINATOR, township)
        staff_user(f"bench{t}leader", LEADER, township)
        staff_user(f"bench{t}handler", HANDLER, township, unit=township.units.get(name="司法所"))
        if Petition.objects.filter(township=township).count() >= per_township:
            continue
        started = time.perf_counter()
        with transaction.atomic(), connection.cursor() as cursor:
            def copy(model, overrides, where, joins=""):
                columns = [f.column for f in model._meta.concrete_fields if not f.primary_key]
                select = [overrides.get(c, f"s.{c}") for c in columns]
                cursor.execute(
                    f"INSERT INTO {model._meta.db_table} ({', '.join(columns)}) SELECT {', '.join(select)} "
                    f"FROM {model._meta.db_table} s {joins} WHERE {where} ORDER BY s.id")
            village = ("(SELECT v2.id FROM office_village v1 JOIN office_village v2 ON v2.name = v1.name "
                       f"AND v2.township_id = {township.pk} WHERE v1.id = s.village_id)")
            copy(Person, {
                "township_id": str(township.pk), "village_id": village,
                "phone": f"'1' || {3 + t % 7} || lpad(((substr(s.phone, 3)::bigint + {t * 7919}) % 1000000000)::text, 9, '0')",
            }, f"s.township_id = {source.pk}")
            unit = ("(SELECT u2.id FROM office_unit u1 JOIN office_unit u2 ON u2.name = u1.name "
                    f"AND u2.township_id = {township.pk} WHERE u1.id = s.assigned_unit_id)")
            copy(Petition, {"township_id": str(township.pk), "village_id": village, "assigned_unit_id": unit,
                            "registered_by_id": str(clerk.pk), "intake_token": "NULL"},
                 f"s.township_id = {source.pk}")

            # Fresh statistics, or the planner expects a few rows and joins the ranks by nested loop.
            cursor.execute("ANALYZE office_person, petitions_petition")

            def ranked(table, township_id, alias):
                return (f"(SELECT id, row_number() OVER (ORDER BY id) AS rn FROM {table} "
                        f"WHERE township_id = {township_id}) {alias}")
            # The copies went in in id order: the n-th copy is the copy of the n-th original.
            copy(PetitionParty, {"petition_id": "pn.id", "person_id": "qn.id"}, "TRUE", joins=(
                f"JOIN {ranked('petitions_petition', source.pk, 'po')} ON po.id = s.petition_id "
                f"JOIN {ranked('petitions_petition', township.pk, 'pn')} ON pn.rn = po.rn "
                f"JOIN {ranked('office_person', source.pk, 'qo')} ON qo.id = s.person_id "
                f"JOIN {ranked('office_person', township.pk, 'qn')} ON qn.rn = qo.rn"))
        print(f"  township {t}: copied in {time.perf_counter() - started:.0f} s", flush=True)


def list_queries(captured):
    """The list's own statements (its count, its page, the search's id lookup): they carry a LIMIT and
    read petitions, where the session, user and menu queries (an aggregate with FILTER) do not."""
    return [q for q in captured if "LIMIT" in q["sql"] and "FILTER (WHERE" not in q["sql"] and (
        "petitions_petition" in q["sql"] or "petitions_petitionparty" in q["sql"]) and "django_session" not in q["sql"]]


def timed(client, url, repeat):
    times, sql = [], []
    for _ in range(repeat):
        reset_queries()  # DEBUG keeps a bounded log; a full one breaks the capture's arithmetic
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            response = client.get(url)
            times.append(time.perf_counter() - started)
        assert response.status_code == 200, (url, response.status_code)
        sql.append(sum(float(q["time"]) for q in list_queries(ctx.captured_queries)))
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    return statistics.median(times), p95, len(ctx.captured_queries), statistics.median(sql), ctx.captured_queries


def deep_page(township, role, params, number):
    """The link to page ``number`` as 199 "next" links lead to it: the keyset cursor of the row before it."""
    user = get_user_model().objects.get(username=f"{township.code}{role}")
    rows = selectors.petition_list(user).order_by("-received_on", "-sequence", "-pk")
    if params:
        rows = PetitionFilter(params, queryset=rows, township=township).qs
    paginator = KeysetPaginator(rows, settings.LIST_PAGE_SIZE)
    before = paginator.ordered()[(number - 1) * settings.LIST_PAGE_SIZE - 1]
    return "/petitions/?" + urlencode({**params, "cursor": paginator.cursor(before, "n", number)})


def pages(township):
    """(role, label, url) of every page measured; the search inputs are real rows of the township."""
    people = Person.objects.filter(township=township).order_by("pk")
    middle = people[people.count() // 2]
    two = people.filter(name__regex=r"^..$").first() if connection.vendor == "postgresql" else next(
        p for p in people[:200] if len(p.name) == 2)
    three = next(p for p in people[:200] if len(p.name) == 3)
    case = Petition.objects.filter(township=township).order_by("pk")[Petition.objects.filter(township=township).count() // 3]
    with_id = people.exclude(id_number="")[100]
    rows = [
        (CLERK, "list, first page", "/petitions/"),
        (CLERK, "list, page 200 (newest first)", deep_page(township, CLERK, {}, 200)),
        (CLERK, "list, page 200 by due date", deep_page(township, CLERK, {"ordering": "due_on"}, 200)),
        (CLERK, "search: full phone", f"/petitions/?q={middle.phone}"),
        (CLERK, "search: ID number", f"/petitions/?q={with_id.id_number}"),
        (CLERK, "search: case number", f"/petitions/?q={case.number}"),
        (CLERK, "search: name, 2 characters", f"/petitions/?q={two.name}"),
        (CLERK, "search: name, 3 characters", f"/petitions/?q={three.name}"),
        (CLERK, "search: title word", "/petitions/?q=征地补偿"),
        (CLERK, "search: part of a phone (7 digits)", f"/petitions/?q={middle.phone[2:9]}"),
        (CLERK, "filter: overdue", "/petitions/?overdue=true"),
        (CLERK, "filter: in progress, by due date", "/petitions/?status=in_progress&ordering=due_on"),
        (CLERK, "filter: channel + village", f"/petitions/?channel=letter&village={middle.village_id}"),
        (CLERK, "queue: to decide", "/petitions/queues/to-decide/"),
        (COORDINATOR, "list, first page", "/petitions/"),
        (COORDINATOR, "queue: overdue", "/petitions/queues/overdue/"),
        (COORDINATOR, "queue: awaiting decision", "/petitions/queues/awaiting-decision/"),
        (COORDINATOR, "queue: opinions", "/petitions/queues/opinions/"),
        (COORDINATOR, "search: name, 3 characters", f"/petitions/?q={three.name}"),
        (LEADER, "list, first page", "/petitions/"),
        (LEADER, "queue: sign-offs", "/petitions/queues/sign-offs/"),
        (LEADER, "search: full phone", f"/petitions/?q={middle.phone}"),
        (HANDLER, "list, first page", "/petitions/"),
        (HANDLER, "list, page 20 by due date", deep_page(township, HANDLER, {"ordering": "due_on"}, 20)),
        (HANDLER, "queue: referred", "/petitions/queues/referred/"),
        (HANDLER, "search: name, 2 characters", f"/petitions/?q={two.name}"),
    ]
    # The case page for every role (issue 16: under 60 ms): an open case, and for the unit's handler one
    # referred to their unit.
    open_case = Petition.objects.filter(township=township, status=S.IN_PROGRESS).order_by("pk").first() or case
    referred = Petition.objects.filter(
        township=township, assigned_unit__staff__user__username=f"{township.code}{HANDLER}").order_by("-pk").first()
    rows += [(role, "case page", f"/petitions/{open_case.pk}/") for role in (CLERK, COORDINATOR, LEADER)]
    if referred is not None:
        rows.append((HANDLER, "case page", f"/petitions/{referred.pk}/"))
    return rows


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=100000)
    parser.add_argument("--townships", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--only", default="", help="measure only the pages whose label contains this")
    parser.add_argument("--explain", action="store_true", help="EXPLAIN ANALYZE the slowest query of each page")
    parser.add_argument("--reuse", action="store_true",
                        help="measure the cases already in the database (of an earlier run) instead of generating")
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    if args.reuse and Petition.objects.exists():
        township = Township.objects.get(code="bench0")
        print(f"database: {connection.vendor}; measuring the {Petition.objects.count()} cases already there")
    elif args.townships > 1 and connection.vendor == "postgresql":
        print(f"database: {connection.vendor}; generating {args.cases} cases in {args.townships} townships")
        township = generate(args.cases // args.townships, 1)
        clone_townships(township, args.townships)
    else:
        print(f"database: {connection.vendor}; generating {args.cases} cases in {args.townships} township(s)")
        township = generate(args.cases, args.townships)
    print(f"ready in {time.perf_counter() - started:.0f} s")
    with connection.cursor() as cursor:
        # As autovacuum (PostgreSQL) or a periodic ANALYZE (SQLite) would after a bulk load.
        cursor.execute("ANALYZE")
    clients = {}
    for role in (CLERK, COORDINATOR, LEADER, HANDLER):
        clients[role] = Client()
        clients[role].force_login(get_user_model().objects.get(username=f"{township.code}{role}"))
    print(f"{'role':12s} {'page':38s} {'p50':>8s} {'p95':>8s} {'queries':>8s} {'list SQL':>9s} {'slowest (any)':>14s}")
    for role, label, url in pages(township):
        if args.only not in label:
            continue
        clients[role].get(url)  # warm caches (content types, templates)
        p50, p95, queries, sql, captured = timed(clients[role], url, args.repeat)
        slowest = max(captured, key=lambda q: float(q["time"]))
        print(f"{role:12s} {label:38s} {p50 * 1000:6.1f}ms {p95 * 1000:6.1f}ms {queries:8d} {sql * 1000:7.1f}ms "
              f"{float(slowest['time']) * 1000:12.1f}ms", flush=True)
        if args.explain and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                for query in list_queries(captured):
                    cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + query["sql"])
                    print("    " + "\n    ".join(row[0] for row in cursor.fetchall()))


if __name__ == "__main__":
    main()
