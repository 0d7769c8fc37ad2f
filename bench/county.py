"""Benchmark: the county's roll-up (县级汇总, issue 15, docs/domain.md §10) over the townships that
bench/petition_list.py generated (20 townships of 50,000 cases at 1M).

Usage, on a database bench/petition_list.py filled (it adds the county, its users and the ledger once;
a second run reuses them):
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/xinfang_bench .venv/bin/python bench/county.py [--explain]

It puts every bench township under one county (基准县), creates a 县级督办 (``benchcounty``) and a 县级登记员,
marks one case in a hundred as assigned down by the county (交办, the closed ones reported back), files the
villages' weekly screening rounds (a third of the villages have not filed this week) and bulk-creates one
ledger entry per two petitions with a working office's mix (mostly resolved, a sixth still open, some
mediated, transferred or sent to mediation). Then, as the county's supervisor, it times the roll-up (this
month and last), the cases behind a count and behind a figure, and a case page: p50, p95, queries and the
slowest statement. With ``--explain`` (PostgreSQL) it prints EXPLAIN ANALYZE of each of the roll-up's
statements. The county has no search of its own (the township's petition list is the township's).
"""
import argparse
import datetime
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from petition_list import PASSWORD, timed  # noqa: E402  (sets up Django on the same DATABASE_URL)

# isort: split
from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.models import F  # noqa: E402
from django.db.models.functions import Mod  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from disputes.models import DisputeType, LedgerEntry, RiskLevel, ScreeningCadence, ScreeningRound  # noqa: E402
from disputes.periods import period_containing, periods_between  # noqa: E402
from office.calendar import add_days  # noqa: E402
from office.models import County, Staff, Township  # noqa: E402
from office.roles import COUNTY_CLERK, COUNTY_SUPERVISOR, ROLE_GROUPS  # noqa: E402
from petitions.models import Petition  # noqa: E402
from reports import county as county_rollup  # noqa: E402
from reports.figures import Period  # noqa: E402

Status, Resolution = LedgerEntry.Status, LedgerEntry.Resolution
# (status, resolution, share): a working office resolves most disputes; a sixth are still being resolved.
ENTRY_MIX = [
    (Status.RESOLVED, Resolution.MEDIATED, 0.30), (Status.RESOLVED, Resolution.SETTLED, 0.30),
    (Status.RESOLVED, Resolution.OTHER, 0.14), (Status.IN_PROGRESS, "", 0.14), (Status.UNRESOLVED, "", 0.04),
    (Status.TRANSFERRED, "", 0.08),
]
DISPUTES = ["宅基地界址纠纷", "土地承包纠纷", "婚姻家庭纠纷", "邻里纠纷", "劳资纠纷", "山林权属纠纷", "相邻通行纠纷"]


def county_user(username, role, county):
    user, created = get_user_model().objects.get_or_create(username=username)
    if created:
        user.set_password(PASSWORD)
        user.save()
        user.groups.add(Group.objects.get(name=ROLE_GROUPS[role]))
        Staff.objects.create(user=user, county=county)
    return user


def set_up_county():
    """The county over the bench townships, its supervisor and clerk, and the cases it assigned down."""
    county, _ = County.objects.get_or_create(code="benchcounty", defaults={"name": "基准县", "short_name": "基准"})
    townships = Township.objects.filter(code__regex=r"^bench[0-9]+$")
    townships.exclude(county=county).update(county=county)
    supervisor = county_user("benchcounty", COUNTY_SUPERVISOR, county)
    clerk = county_user("benchcountyclerk", COUNTY_CLERK, county)
    if not Petition.objects.filter(registered_by=clerk).exists():
        # One case in a hundred came from the county (交办): the closed ones reported back, the open ones not yet.
        assigned = Petition.objects.annotate(hundredth=Mod("id", 100)).filter(hundredth=0, township__county=county)
        assigned.update(source=Petition.Source.ASSIGNED, source_organ="基准县信访局", registered_by=clerk,
                        source_reference="县交办", source_deadline=F("received_on") + datetime.timedelta(days=30))
        assigned.exclude(status__in=Petition.OPEN_STATUSES).update(
            reported_on=F("received_on") + datetime.timedelta(days=25), report_method=Petition.ReportMethod.DOCUMENT,
            report_summary="已办结，信访人满意。")
    return county, list(townships.order_by("pk")), supervisor


def file_rounds(township, filer, today, cadence):
    """Every village's weekly rounds over the 1,000 days the cases span; a third of the villages have not
    filed the current week. Returns {(village id, period start): round id}."""
    periods = periods_between(cadence.kind, today - datetime.timedelta(days=1000), today, cadence.anchor)
    villages = list(township.villages.order_by("sort_order", "pk"))
    have = set(ScreeningRound.objects.filter(township=township, village__isnull=False, campaign__isnull=True)
               .values_list("village_id", "starts_on"))
    rounds = [
        ScreeningRound(township=township, village=village, kind=period.kind, starts_on=period.starts_on,
                       ends_on=period.ends_on, due_on=add_days(period.ends_on, cadence.grace_days), filed_by=filer,
                       filed_at=timezone.make_aware(datetime.datetime.combine(min(period.ends_on, today),
                                                                              datetime.time(17)))
                       if period.ends_on < today else timezone.now())
        for period in periods for index, village in enumerate(villages)
        if (village.pk, period.starts_on) not in have and not (period is periods[-1] and index % 3 == 0)
    ]
    ScreeningRound.objects.bulk_create(rounds, batch_size=2000)
    return {(village_id, starts_on): pk for pk, village_id, starts_on in ScreeningRound.objects.filter(
        township=township, village__isnull=False, campaign__isnull=True).values_list("pk", "village_id", "starts_on")}


def add_entries(township, county, today):
    """One ledger entry per two of the township's petitions, bulk-created (again only what is missing)."""
    wanted = Petition.objects.filter(township=township).count() // 2
    have = LedgerEntry.objects.filter(township=township).count()
    if have >= wanted:
        return 0
    rng = random.Random(township.pk)
    cadence = ScreeningCadence.for_scope(ScreeningCadence.Scope.VILLAGE)
    filer = get_user_model().objects.get(username=f"{township.code}coordinator")
    rounds = file_rounds(township, filer, today, cadence)
    villages = list(township.villages.order_by("sort_order", "pk"))
    types = list(DisputeType.objects.filter(parent__isnull=False)) or list(DisputeType.objects.all())
    risks = list(RiskLevel.objects.order_by("pk"))
    kinds, weights = list(range(len(ENTRY_MIX))), [share for *_rest, share in ENTRY_MIX]
    for start in range(have, wanted, 5000):
        entries = []
        for i in range(start, min(start + 5000, wanted)):
            status, resolution, _share = ENTRY_MIX[rng.choices(kinds, weights)[0]]
            still_open = status in LedgerEntry.OPEN_STATUSES
            found = today - datetime.timedelta(days=rng.randint(0, 120) if still_open else rng.randint(0, 990))
            village = villages[i % len(villages)]
            first_round = rounds.get((village.pk, period_containing(cadence.kind, found, cadence.anchor).starts_on))
            if first_round is None:  # the village that has not filed this week: last week's round
                found -= datetime.timedelta(days=7)
                first_round = rounds[(village.pk, period_containing(cadence.kind, found, cadence.anchor).starts_on)]
            closed = None if still_open else min(today, found + datetime.timedelta(days=rng.randint(1, 30)))
            entries.append(LedgerEntry(
                township=township, village=village, first_round_id=first_round, found_on=found,
                title=f"{DISPUTES[i % len(DISPUTES)]}（{village.name}{i % 40}组）", head_count=2 + i % 5,
                dispute_type=types[i % len(types)], risk_level=risks[0 if i % 10 else min(len(risks) - 1, 1 + i % 2)],
                facts="双方因界址、补偿等发生争执。", deadline=found + datetime.timedelta(days=30), status=status,
                resolution=resolution, closed_on=closed if status != Status.TRANSFERRED else None,
                outcome="已化解。" if status == Status.RESOLVED else "",
                transferred_on=closed if status == Status.TRANSFERRED else None,
                mediation_requested_on=found + datetime.timedelta(days=3) if still_open and i % 4 == 0 else None,
                created_by=filer, created_at=timezone.make_aware(datetime.datetime.combine(found, datetime.time(10))),
            ))
        with transaction.atomic():
            LedgerEntry.objects.bulk_create(entries, batch_size=2000)
    return wanted - have


def pages(townships, today):
    first = townships[0]
    last_month = (today.replace(day=1) - datetime.timedelta(days=1)).strftime("%Y-%m")
    case = Petition.objects.filter(township=first, confidential=False).order_by("pk")[1000]
    return [
        ("roll-up, this month", "/county/"),
        ("roll-up, last month", f"/county/?month={last_month}"),
        ("township list: open cases", f"/county/townships/{first.pk}/open/"),
        ("township list: open, page 50", f"/county/townships/{first.pk}/open/?page=50"),
        ("township list: overdue", f"/county/townships/{first.pk}/overdue/"),
        ("township list: 县级交办未反馈", f"/county/townships/{first.pk}/assigned/"),
        ("figure cases: 及时受理率 denominator", f"/county/townships/{first.pk}/timely_decision/?part=denominator"),
        ("figure cases: 参调率 numerator", f"/county/townships/{first.pk}/participation/?month={last_month}"),
        ("case page", f"/petitions/{case.pk}/"),
    ]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--explain", action="store_true", help="EXPLAIN ANALYZE the roll-up's statements")
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    if not Township.objects.filter(code="bench0").exists():
        sys.exit("No bench townships here: run bench/petition_list.py on this database first.")
    started = time.perf_counter()
    today = timezone.localdate()
    county, townships, supervisor = set_up_county()
    added = sum(add_entries(township, county, today) for township in townships)
    if added:
        with connection.cursor() as cursor:
            # As autovacuum would after a bulk load: fresh statistics, and (PostgreSQL) the visibility map
            # that lets the open counts come from petition_open_counts alone (an index-only scan).
            cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    print(f"database: {connection.vendor}; {len(townships)} townships, "
          f"{Petition.objects.filter(township__county=county).count()} petitions, "
          f"{LedgerEntry.objects.filter(township__county=county).count()} ledger entries "
          f"({added} added); ready in {time.perf_counter() - started:.0f} s")
    client = Client()
    client.force_login(supervisor)
    print(f"{'page':40s} {'p50':>8s} {'p95':>8s} {'queries':>8s} {'slowest':>9s}")
    for label, url in pages(townships, today):
        client.get(url)  # warm caches (content types, templates)
        p50, p95, queries, _sql, captured = timed(client, url, args.repeat)
        slowest = max(float(q["time"]) for q in captured)
        print(f"{label:40s} {p50 * 1000:6.1f}ms {p95 * 1000:6.1f}ms {queries:8d} {slowest * 1000:7.1f}ms", flush=True)
    if args.explain and connection.vendor == "postgresql":
        period = Period(today.replace(day=1), today)
        from office.auth import StaffBackend

        signed_in = StaffBackend().get_user(supervisor.pk)  # as a request reads the user (office/auth.py)
        with CaptureQueriesContext(connection) as captured:
            county_rollup.rollup(signed_in, period, today)
        with connection.cursor() as cursor:
            for query in captured.captured_queries:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + query["sql"])
                print(f"\n-- {query['sql'][:160]}…\n    " + "\n    ".join(row[0] for row in cursor.fetchall()))


if __name__ == "__main__":
    main()
