"""Benchmark: the 100,000-row petition ledger export against a bare openpyxl write-only loop.

Usage (reuses the database bench/petition_list.py generates):
    DEBUG=1 .venv/bin/python bench/petition_export.py --cases 100000
    DEBUG=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/xinfang_bench .venv/bin/python bench/petition_export.py
Reports both times, their ratio (goal ≤ 1.5×) and the export's peak memory (goal < 150 MB).
"""
import argparse
import io
import resource
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from django.core.management import call_command  # noqa: E402
from openpyxl import Workbook  # noqa: E402
from petition_list import connection, generate  # noqa: E402  (sets up Django and the bench database)

from petitions.exports import export_petition_ledger, petition_ledger_rows  # noqa: E402
from petitions.models import Petition  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=100000)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    user = generate(args.cases)
    township = user.staff.township
    petitions = Petition.objects.filter(township=township)
    print(f"database: {connection.vendor}; {petitions.count()} petitions")

    def export():
        return export_petition_ledger(petitions, township=township, period_text="全部", unit_name="基准", masked=True)

    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    excel = export()
    export_seconds = time.perf_counter() - started
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    tracemalloc.start()  # a second run, traced (tracing slows it, so it is not the timed one)
    export()
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    import datetime

    rows = list(petition_ledger_rows(petitions.order_by("received_on", "sequence"), masked=True,
                                     today=datetime.date.today()))
    started = time.perf_counter()
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("bare")
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    bare_seconds = time.perf_counter() - started

    print(f"export (query, rows, styled sheet): {export_seconds:6.1f} s, {excel.row_count} rows, "
          f"{len(excel.content) / 1e6:.1f} MB file")
    print(f"bare openpyxl write-only loop:      {bare_seconds:6.1f} s (same rows, already in memory)")
    print(f"ratio: {export_seconds / bare_seconds:.2f}×")
    print(f"export peak Python memory (tracemalloc): {peak / 1e6:.0f} MB; process max RSS before the export "
          f"{rss_before / 1024:.0f} MB, after {rss_after / 1024:.0f} MB")


if __name__ == "__main__":
    main()
