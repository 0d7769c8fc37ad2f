"""Time the screening-ledger export and the shared Excel helper.

    DATABASE_URL=sqlite:////tmp/bench.sqlite3 .venv/bin/python bench/disputes_export.py 5000

Builds a township whose villages file back-dated weekly rounds (through the real service) until
there are N ledger entries, then times the export of the whole ledger, and the helper alone on
100,000 synthetic rows of 15 columns. Not part of the test run.
"""
import datetime
import os
import resource
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "1")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402


def main(count):
    call_command("migrate", verbosity=0)
    from disputes.models import DisputeType, LedgerEntry, RiskLevel
    from disputes.periods import PeriodKind, period_containing
    from disputes.screening.exports import export_ledger
    from disputes.screening.selectors import with_list_relations
    from disputes.screening.services import EntryData, PartyData, file_round
    from office.excel import Column, write_table
    from office.models import Village
    from office.roles import MEDIATOR
    from tests.builders import make_township, make_user

    township = make_township(name=f"基准镇{time.time_ns()}", short_name="基准", villages=())
    types = list(DisputeType.objects.filter(parent__isnull=False))
    risks = list(RiskLevel.objects.all())
    per_round, made, week = 10, 0, 0
    started = time.perf_counter()
    while made < count:
        village = Village.objects.create(township=township, name=f"村{week}", sort_order=week)
        chair = make_user(MEDIATOR, township, village=village)
        monday = datetime.date(2026, 1, 5) - datetime.timedelta(weeks=week)
        entries = [
            EntryData(
                title=f"纠纷{made + i}",
                dispute_type=types[(made + i) % len(types)],
                risk_level=risks[(made + i) % len(risks)],
                facts="=SUM(A1) 双方因琐事争执。" if i == 0 else "双方因琐事争执。",
                parties=[PartyData(name=f"甲{made + i}", phone="13812345678"), PartyData(name=f"乙{made + i}")],
            )
            for i in range(min(per_round, count - made))
        ]
        file_round(by=chair, village=village, period=period_containing(PeriodKind.WEEK, monday), entries=entries)
        made += len(entries)
        week += 1
    print(f"built {made} entries through file_round in {time.perf_counter() - started:.1f} s")

    entries = with_list_relations(LedgerEntry.objects.filter(township=township)).order_by("found_on", "pk")
    started = time.perf_counter()
    excel = export_ledger(entries, township=township, period_text="全部", unit_name="基准镇综治中心", masked=True)
    print(f"ledger export: {excel.row_count} rows, {len(excel.content) / 1e6:.1f} MB in {time.perf_counter() - started:.2f} s")

    columns = [Column((f"列{i // 5}", f"子列{i}"), 12) for i in range(15)]
    rows = ([n, "文本", datetime.date(2026, 11, 25), "=1+1", *range(11)] for n in range(100_000))
    started = time.perf_counter()
    excel = write_table(sheet_title="s", title="t", subtitle="p", columns=columns, rows=rows, totals_label="合计")
    print(f"helper: 100,000 rows × 15 columns in {time.perf_counter() - started:.1f} s, {len(excel.content) / 1e6:.1f} MB")
    print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5000)
