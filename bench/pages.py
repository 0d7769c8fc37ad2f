"""Benchmark: every role's pages at N cases — home, dashboard, a case page and each work queue — with
their query counts (issue 16: at most 10 queries a page, whatever the data size).

Usage (creates its own database; never touches db.sqlite3):
    DEBUG=1 .venv/bin/python bench/pages.py --cases 100000                       # SQLite file bench/out/
    DEBUG=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/xinfang_pages \
        .venv/bin/python bench/pages.py --cases 100000                           # PostgreSQL
    ... --explain      # also print EXPLAIN (ANALYZE on PostgreSQL) of the menu's one query and the sign-off queue

The generator writes rows in bulk with a realistic mix of states (issue 16: most cases closed): about
85 % of petitions archived, the rest spread over every open state (recent, so some are overdue), with
their decisions, replies, opinions, return visits, extensions awaiting sign-off, escalations, sent-back
decisions and one registration event per case; mediation cases (one per 20 petitions, most closed, some
opened from a petition) and a screening ledger (one entry per 10 petitions, weekly village rounds).
It is a bench, not the workflow: the rows are consistent enough for every page and figure to read
real proportions.
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
os.environ.setdefault("DATABASE_URL", f"sqlite:///{OUT / 'pages.sqlite3'}")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "1")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, reset_queries, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from disputes.models import (  # noqa: E402  (agreed cases would need agreements: the bench leaves them out)
    DisputeType,
    LedgerEntry,
    MediationCase,
    RiskLevel,
    ScreeningRound,
)
from office.models import EscalationLevel, Person, Staff, TimeLimits, Township, Unit  # noqa: E402
from office.roles import CLERK, COORDINATOR, HANDLER, LEADER, MEDIATOR, ROLE_GROUPS  # noqa: E402
from petitions.models import (  # noqa: E402
    CaseEvent,
    ContentCategory,
    EscalationRequest,
    Extension,
    Petition,
    PetitionParty,
    ReturnVisit,
)

S = Petition.Status
# Share of each state among petitions (the rest is archived): most cases are closed.
OPEN_MIX = [(S.REGISTERED, 1.2), (S.DECISION_REVIEW, 0.6), (S.ACCEPTED, 0.8), (S.ASSIGNED, 2.0),
            (S.IN_PROGRESS, 4.0), (S.REPLY_REVIEW, 0.6), (S.REPLY_APPROVED, 0.4), (S.REPLIED, 2.0),
            (S.EVALUATED, 1.5), (S.VISITED, 0.5), (S.NOT_ACCEPTED, 0.7), (S.FORWARDED, 0.7)]
ROLES = [CLERK, COORDINATOR, LEADER, HANDLER, MEDIATOR]
D = datetime.timedelta


def _user(username, role, township, **staff):
    user, created = get_user_model().objects.get_or_create(username=f"bench{username}")
    if created:
        user.set_password("bench")
        user.save()
        user.groups.add(Group.objects.get(name=ROLE_GROUPS[role]))
        Staff.objects.create(user=user, township=township, **staff)
    return user


def office():
    township, _ = Township.objects.get_or_create(code="pages", defaults={"name": "基准镇", "short_name": "基准"})
    TimeLimits.for_township(township)
    villages = [township.villages.get_or_create(name=f"{i}村", defaults={"sort_order": i})[0] for i in range(12)]
    units = {kind: township.units.get_or_create(kind=kind, defaults={"name": label})[0]
             for kind, label in [(Unit.Kind.CENTER, "综治中心"), (Unit.Kind.JUSTICE, "司法所"), (Unit.Kind.POLICE, "派出所")]}
    rank = {level.rank: level for level in EscalationLevel.objects.all()}
    users = {
        CLERK: _user("clerk", CLERK, township, unit=units[Unit.Kind.CENTER]),
        COORDINATOR: _user("coordinator", COORDINATOR, township, unit=units[Unit.Kind.CENTER]),
        LEADER: _user("leader", LEADER, township, unit=units[Unit.Kind.CENTER], ladder_level=rank[5]),
        HANDLER: _user("handler", HANDLER, township, unit=units[Unit.Kind.JUSTICE]),
        MEDIATOR: _user("mediator", MEDIATOR, township, village=villages[0], ladder_level=rank[1]),
    }
    return township, villages, units, rank, users


def _petition(i, rng, township, villages, units, users, categories, today):
    roll = rng.random() * 100
    status, acc = S.ARCHIVED, 0.0
    for state, share in OPEN_MIX:
        acc += share
        if roll < acc:
            status = state
            break
    closed = status in (S.ARCHIVED, S.NOT_ACCEPTED, S.FORWARDED)
    received = today - D(days=rng.randint(0, 1000) if closed else rng.randint(0, 110))
    p = Petition(
        township=township, year=received.year, sequence=i + 1, number=f"XF-P-{i + 1:07d}",
        channel=rng.choice(Petition.Channel.values), received_on=received, purpose=rng.choice(Petition.Purpose.values),
        category=rng.choice(categories), title=f"事项{i} " + rng.choice(["宅基地", "工资", "征地", "环境", "低保"]),
        request="诉求", decision_due_on=received + D(days=15), village=villages[i % len(villages)],
        registered_by=users[CLERK], status=status, is_repeat=rng.random() < 0.08, confidential=rng.random() < 0.01,
    )
    if status in (S.REGISTERED, S.DECISION_REVIEW):
        p.due_on = p.decision_due_on
        return p
    p.decided_on = received + D(days=rng.randint(1, 18))
    p.decided_by = users[LEADER]
    if status in (S.NOT_ACCEPTED, S.FORWARDED):
        p.archived_on = p.decided_on
        return p
    p.accepted_on = p.decided_on
    p.handling_due_on = p.legal_due_on = p.accepted_on + D(days=60)
    p.assigned_unit = units[Unit.Kind.JUSTICE] if i % 3 else units[Unit.Kind.POLICE]
    p.assigned_on = p.accepted_on
    if status in (S.ACCEPTED, S.ASSIGNED, S.IN_PROGRESS, S.REPLY_REVIEW, S.REPLY_APPROVED):
        p.due_on = p.handling_due_on
        if status == S.ASSIGNED:
            p.return_due_on = p.assigned_on + D(days=7)
            p.due_on = min(p.return_due_on, p.handling_due_on)
        return p
    p.replied_on = p.accepted_on + D(days=rng.randint(10, 70))
    p.evaluation_due_on = p.replied_on + D(days=30)
    if status == S.REPLIED:
        p.due_on = p.evaluation_due_on
        return p
    p.opinion = rng.choice([Petition.Opinion.SATISFIED] * 6 + [Petition.Opinion.BASICALLY] * 3
                           + [Petition.Opinion.DISSATISFIED, Petition.Opinion.NONE])
    p.opinion_on = p.replied_on + D(days=rng.randint(1, 30))
    if status == S.ARCHIVED:
        p.archived_on = p.opinion_on + D(days=30)
    return p


def generate(count):
    """Create up to ``count`` petitions (with relations), count/20 mediation cases and count/10 ledger entries."""
    rng = random.Random(42)
    township, villages, units, rank, users = office()
    categories = list(ContentCategory.objects.all())
    today = timezone.localdate()
    have = Petition.objects.filter(township=township).count()
    batch = 5000
    for start in range(have, count, batch):
        size = min(batch, count - start)
        with transaction.atomic():
            people = Person.objects.bulk_create([
                Person(township=township, name=f"居民{i}", phone=f"13{i:09d}"[:11], village=villages[i % len(villages)],
                       address=f"{i % 12}村{i % 40}组") for i in range(start, start + size)])
            cases = Petition.objects.bulk_create(
                [_petition(i, rng, township, villages, units, users, categories, today) for i in range(start, start + size)])
            PetitionParty.objects.bulk_create([PetitionParty(petition=c, person=p) for c, p in zip(cases, people)])
            now = timezone.now()
            CaseEvent.objects.bulk_create([CaseEvent(petition=c, at=now, actor=users[CLERK], action="register",
                                                     to_status=S.REGISTERED) for c in cases])
            sent_back, extensions, escalations, visits = [], [], [], []
            for c in cases:
                roll = rng.random()
                if c.status == S.REGISTERED and roll < 0.2:
                    sent_back.append(CaseEvent(petition=c, at=now, actor=users[LEADER], action="reject_decision",
                                               from_status=S.DECISION_REVIEW, to_status=S.REGISTERED))
                if c.status == S.IN_PROGRESS and roll < 0.06:
                    extensions.append(Extension(petition=c, days=30, reason="需要调查", old_due_on=c.handling_due_on,
                                                new_due_on=c.handling_due_on + D(days=30), requested_by=users[HANDLER]))
                if c.status == S.IN_PROGRESS and 0.06 <= roll < 0.08:
                    escalations.append(EscalationRequest(petition=c, to_level=rank[5], reason="难以化解",
                                                         requested_by=users[HANDLER]))
                if c.status in (S.EVALUATED, S.VISITED, S.ARCHIVED) and roll < 0.4:
                    due = c.opinion_on + D(days=15)
                    visits.append(ReturnVisit(petition=c, due_on=due, visited_on=None if c.status == S.EVALUATED else due,
                                              visited_by=None if c.status == S.EVALUATED else users[COORDINATOR]))
            CaseEvent.objects.bulk_create(sent_back)
            Extension.objects.bulk_create(extensions)
            EscalationRequest.objects.bulk_create(escalations)
            ReturnVisit.objects.bulk_create(visits)
            _mediation(start // 20, size // 20, rng, township, villages, users, cases, people, today)
            _ledger(start // 10, size // 10, rng, township, villages, users, today)
        print(f"  {start + size} cases", flush=True)
    return users


def _mediation(first, size, rng, township, villages, users, cases, people, today):
    M = MediationCase.Status
    types = list(DisputeType.objects.all())
    rows = []
    for k in range(size):
        i = first + k
        registered = today - D(days=rng.randint(0, 700))
        status = rng.choice([M.ARCHIVED] * 12 + [M.TERMINATED] * 3 + [M.REGISTERED, M.MEDIATING, M.MEDIATING])
        if status in (M.REGISTERED, M.MEDIATING):
            registered = today - D(days=rng.randint(0, 40))
        closed = status in (M.ARCHIVED, M.TERMINATED)
        rows.append(MediationCase(
            township=township, number=f"TJ-P-{i + 1:07d}", year=registered.year, sequence=i + 1,
            committee_village=villages[i % len(villages)], source="application", title=f"纠纷{i}",
            dispute_type=rng.choice(types), facts="事实", status=status, registered_on=registered,
            due_on=registered + D(days=30), closed_on=registered + D(days=20) if closed else None,
            termination="failed" if status == M.TERMINATED else "", registered_by=users[MEDIATOR],
            petition=cases[k] if k % 4 == 0 else None))
    made = MediationCase.objects.bulk_create(rows)
    MediationCase.mediators.through.objects.bulk_create(
        [MediationCase.mediators.through(mediationcase_id=c.pk, user_id=users[MEDIATOR].pk) for c in made[::3]])


def _ledger(first, size, rng, township, villages, users, today):
    types, risks = list(DisputeType.objects.all()), list(RiskLevel.objects.all())
    rounds = {}
    entries = []
    for k in range(size):
        found = today - D(days=rng.randint(0, 700))
        village = villages[(first + k) % len(villages)]
        monday = found - D(days=found.weekday())
        key = (village.pk, monday)
        if key not in rounds:
            rounds[key] = ScreeningRound.objects.get_or_create(
                township=township, village=village, kind="week", starts_on=monday, campaign=None,
                defaults={"ends_on": monday + D(days=6), "due_on": monday + D(days=7), "filed_by": users[MEDIATOR],
                          "filed_at": timezone.now()})[0]
        status = rng.choice([LedgerEntry.Status.RESOLVED] * 8 + [LedgerEntry.Status.IN_PROGRESS,
                                                                   LedgerEntry.Status.UNRESOLVED])
        entries.append(LedgerEntry(
            township=township, village=village, first_round=rounds[key], found_on=found, title=f"排查{first + k}",
            dispute_type=rng.choice(types), facts="事实", risk_level=rng.choice(risks), deadline=found + D(days=30),
            status=status, resolution=LedgerEntry.Resolution.MEDIATED if status == LedgerEntry.Status.RESOLVED else "",
            created_by=users[MEDIATOR], created_at=timezone.now()))
    LedgerEntry.objects.bulk_create(entries)


def timed(client, url, repeat):
    times = []
    for _ in range(repeat):
        reset_queries()
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            response = client.get(url)
            times.append(time.perf_counter() - started)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(times), len(ctx.captured_queries), ctx.captured_queries


def pages_of(role, user, client):
    """(label, url) of the role's home (the dashboard), a case page and each of its queue pages."""
    from reports.queues import work_queues  # one query since issue 16 (menu_counts)

    pages = [("home / dashboard", "/")]
    if role == MEDIATOR:
        case = MediationCase.objects.filter(mediators=user).order_by("-pk").first()
        pages.append(("case page", f"/disputes/mediation/{case.pk}/"))
    else:
        petitions = Petition.objects.filter(township=user.staff.township)
        if role == HANDLER:
            petitions = petitions.filter(assigned_unit=user.staff.unit, status=S.IN_PROGRESS)
        case = petitions.exclude(confidential=True).order_by("-pk").first()
        pages.append(("case page", f"/petitions/{case.pk}/"))
    for queue in work_queues(user, timezone.localdate()):
        pages.append((f"queue {queue.key} ({queue.count})", queue.url.split("#")[0]))
    if user.staff.ladder_level_id:
        pages.append(("escalations to me", "/escalations/"))
    return list(dict.fromkeys(pages))


def explain(users):
    """EXPLAIN (ANALYZE on PostgreSQL) of the leader's menu query and sign-off queue."""
    client = Client()
    client.force_login(users[LEADER])
    for label, url in [("leader's sign-off queue", "/petitions/queues/sign-offs/"), ("leader's case page", None)]:
        if url is None:
            url = f"/petitions/{Petition.objects.exclude(confidential=True).order_by('-pk').first().pk}/"
        _t, _n, queries = timed(client, url, 1)
        slowest = []
        with connection.cursor() as cursor:
            for query in queries:
                started = time.perf_counter()
                cursor.execute(query["sql"])
                if cursor.description is not None:
                    cursor.fetchall()
                slowest.append((time.perf_counter() - started, query["sql"]))
        slowest.sort(reverse=True)
        print(f"\n== {label}: slowest statements")
        for took, sql in slowest[:3]:
            print(f"-- {took * 1000:.1f} ms: {sql[:160]}")
            prefix = "EXPLAIN (ANALYZE, BUFFERS) " if connection.vendor == "postgresql" else "EXPLAIN QUERY PLAN "
            with connection.cursor() as cursor:
                cursor.execute(prefix + sql)
                for row in cursor.fetchall():
                    print("   ", " ".join(str(c) for c in row))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=100000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--explain", action="store_true")
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    print(f"database: {connection.vendor}; generating up to {args.cases} cases")
    users = generate(args.cases)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # as autovacuum (PostgreSQL) or a periodic ANALYZE (SQLite) would
    print(f"{'role':12s} {'page':42s} {'median':>9s} {'queries':>8s}")
    for role in ROLES:
        client = Client()
        client.force_login(users[role])
        for label, url in pages_of(role, users[role], client):
            took, queries, _captured = timed(client, url, args.repeat)
            print(f"{role:12s} {label:42s} {took * 1000:7.1f} ms {queries:8d}", flush=True)
    if args.explain:
        explain(users)


if __name__ == "__main__":
    main()
