"""Benchmark: the 100,000-row petition ledger export against a bare openpyxl write-only loop.

Usage (reuses the database bench/petition_list.py generates):
    DEBUG=1 .venv/bin/python bench/petition_export.py --cases 100000
    DEBUG=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/xinfang_bench .venv/bin/python bench/petition_export.py
Reports both times (median of --runs, in alternation), their ratio (goal ≤ 1.5×) and the export's peak
memory (goal < 150 MB). The bare baseline is written out in ``bare()`` below: a write-only workbook,
the same rows prebuilt in memory appended one by one, saved; no styles, headers or totals.
"""
import argparse
import datetime
import gc
import io
import os
import resource
import statistics
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
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-memory", action="store_true", help="skip the traced (slow) run that measures memory")
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    township = generate(args.cases, 1)  # one township of --cases (existing cases are kept, not regenerated)
    petitions = Petition.objects.filter(township=township)
    print(f"database: {connection.vendor}; {petitions.count()} petitions")

    def export():
        return export_petition_ledger(petitions, township=township, period_text="全部", unit_name="基准", masked=True)

    # The bare baseline's rows: the export's own values, built once and kept in memory, with the
    # empty text the export leaves out (no cell) left out here too, so both write the same cells.
    rows = [[None if value == "" else value for value in row]
            for row in petition_ledger_rows(petitions.order_by("received_on", "sequence"), masked=True,
                                            today=datetime.date.today())]
    # As config/wsgi.py does in a web worker: what is loaded now (Django, and here the 100,000 rows
    # above) is frozen out of the garbage collector, so that neither side pays for walking the
    # other's objects in its collections.
    gc.collect()
    gc.freeze()

    def bare():
        """The plainest fast openpyxl loop: a write-only workbook, prebuilt rows appended, saved."""
        wb = Workbook(write_only=True)
        ws = wb.create_sheet("bare")
        for row in rows:
            ws.append(row)
        buffer = io.BytesIO()
        wb.save(buffer)
        return buffer.getvalue()

    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}; median of {args.runs} runs each")
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    export_times, bare_times = [], []
    for _ in range(args.runs):  # in alternation, so that a busy minute weighs on both
        started = time.perf_counter()
        excel = export()
        export_times.append(time.perf_counter() - started)
        started = time.perf_counter()
        bare_size = len(bare())
        bare_times.append(time.perf_counter() - started)
        print(f"  pair {len(bare_times)}: export {export_times[-1]:.1f} s, bare {bare_times[-1]:.1f} s, "
              f"ratio {export_times[-1] / bare_times[-1]:.2f}×, load {os.getloadavg()[0]:.1f}", flush=True)
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    export_seconds, bare_seconds = statistics.median(export_times), statistics.median(bare_times)
    peak = 0
    if not args.no_memory:
        tracemalloc.start()  # one more run, traced (tracing slows it, so it is not a timed one)
        export()
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()

    print(f"export (query, rows, styled sheet): {export_seconds:6.1f} s, {excel.row_count} rows, "
          f"{len(excel.content) / 1e6:.1f} MB file  (runs: {' '.join(f'{t:.1f}' for t in export_times)})")
    print(f"bare openpyxl write-only loop:      {bare_seconds:6.1f} s, same rows already in memory, "
          f"{bare_size / 1e6:.1f} MB file  (runs: {' '.join(f'{t:.1f}' for t in bare_times)})")
    pairs = [e / b for e, b in zip(export_times, bare_times)]
    print(f"ratio of the medians: {export_seconds / bare_seconds:.2f}×; median of each run's own ratio "
          f"(steadier when the load changes): {statistics.median(pairs):.2f}× ({' '.join(f'{r:.2f}' for r in pairs)})")
    print(f"export peak Python memory (tracemalloc): {peak / 1e6:.0f} MB; process max RSS before the exports "
          f"{rss_before / 1024:.0f} MB (the bare rows included), after {rss_after / 1024:.0f} MB")
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")

if __name__ == "__main__":
    main()
