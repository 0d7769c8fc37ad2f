"""Benchmark: importing a 50,000-row petition ledger (.xlsx) — time and peak memory.

Usage (creates its own database; never touches db.sqlite3):
    DEBUG=1 .venv/bin/python bench/petition_import.py --rows 50000
    DEBUG=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/xinfang_import_bench .venv/bin/python bench/petition_import.py
The ledger is written once to bench/out/ by a child process (so that writing it does not count
in this process's memory), then read, checked (the preview) and imported as the browser and
``manage.py import_ledger`` do. Goal: under 2 minutes, peak memory under 300 MB.
"""
import argparse
import datetime
import os
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
OUT.mkdir(parents=True, exist_ok=True)
sys.path.insert(0, str(ROOT))


def make_file(path, rows):
    """A ledger in the export's layout: title, merged two-row header, one row per case."""
    from openpyxl import Workbook
    from stdnum.cn import ric

    rng = random.Random(14)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("信访台账")
    ws.append(["基准镇信访事项台账"])
    ws.append(["乡镇：基准镇"])
    ws.append(["序号", "案件编号", "登记日期", "信访形式", "信访人", None, None, "村", "标题", "信访目的", "类别",
               "受理决定", None, "交办", None, None, None, "答复", None, None, None, "评价", None, "回访", "归档日期", "办理状态"])
    ws.append([None, None, None, None, "姓名", "身份证号", "联系电话", None, None, None, None, "化解结果", "日期",
               "单位", "承办人", "交办日期", "签收日期", "截止", "送达日期", "用时（天）", "按时", "评价", "日期", None, None, None])
    start = datetime.date(2021, 1, 4)
    for i in range(rows):
        received = start + datetime.timedelta(days=i * 1500 // rows)
        body = f"330127{1950 + (i // 1000) % 50}{1 + i % 12:02d}{1 + i % 28:02d}{i % 1000:03d}"
        id_number = body + ric.calc_check_digit(body + "0") if i % 3 else None
        replied = received + datetime.timedelta(days=rng.randint(20, 60))
        ws.append([i + 1, f"旧-{i + 1:06d}", received, "来访", f"居民{i}", id_number, f"13{i:09d}"[:11],
                   f"{i % 12}村", f"第{i}件：道路维修", "求决", "城乡建设", "受理", received + datetime.timedelta(days=5),
                   None, None, None, None, None, replied, None, None, "满意", replied + datetime.timedelta(days=3),
                   None, None, "已归档"])
    wb.save(path)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=50000)
    parser.add_argument("--make-file")
    parser.add_argument("--one-pass", action="store_true",
                        help="as manage.py import_ledger does: check and write in one reading, report after")
    args = parser.parse_args()
    if args.make_file:
        make_file(args.make_file, args.rows)
        return
    path = OUT / f"petition_ledger_{args.rows}.xlsx"
    if not path.exists():
        subprocess.run([sys.executable, __file__, "--rows", str(args.rows), "--make-file", str(path)], check=True)
    database = OUT / "import_bench.sqlite3"
    if "DATABASE_URL" not in os.environ and database.exists():
        database.unlink()
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{database}")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DEBUG", "1")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.core.management import call_command
    from django.db import connection

    from ledgerimport import services
    from office.models import Staff, TimeLimits, Township
    from office.roles import COORDINATOR, ROLE_GROUPS
    from petitions.models import Petition

    call_command("migrate", verbosity=0)
    township, _ = Township.objects.get_or_create(code="importbench", defaults={"name": "基准镇", "short_name": "基准"})
    TimeLimits.for_township(township)
    for i in range(12):
        township.villages.get_or_create(name=f"{i}村")
    user, created = get_user_model().objects.get_or_create(username="importbench")
    if created:
        user.groups.add(Group.objects.get(name=ROLE_GROUPS[COORDINATOR]))
        Staff.objects.create(user=user, township=township)
    Petition.objects.filter(township=township).delete()
    data = path.read_bytes()
    def cpu():
        usage = resource.getrusage(resource.RUSAGE_SELF)
        return usage.ru_utime + usage.ru_stime

    rss_start = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started, cpu_started = time.perf_counter(), cpu()
    batch, ledger = services.start(by=user, kind="petitions", file_name=path.name, data=data, township=township)
    if args.one_pass:
        from ledgerimport.engine import Preview

        preview = Preview()
    else:
        preview = ledger.preview()
    checked, cpu_checked = time.perf_counter(), cpu()
    print(f"preview: {checked - started:.1f} s wall, {cpu_checked - cpu_started:.1f} s CPU", file=sys.stderr, flush=True)

    def progress(done, read):
        if read % 5000 == 0:
            print(f"{read} rows: {time.perf_counter() - checked:.1f} s wall, {cpu() - cpu_checked:.1f} s CPU",
                  file=sys.stderr, flush=True)

    batch = services.confirm(batch, by=user, checked=False, progress=progress,
                             preview=preview if args.one_pass else None)
    finished, cpu_finished = time.perf_counter(), cpu()
    rss_end = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"database: {connection.vendor}; file {len(data) / 1e6:.1f} MB, {preview.total} rows "
          f"({preview.accepted} accepted, {preview.refused_rows} refused)")
    print(f"load average during the run: {os.getloadavg()[0]:.1f} (2 cores)")
    if not args.one_pass:
        print(f"preview (read and check every row): {checked - started:6.1f} s wall, {cpu_checked - cpu_started:6.1f} s CPU")
    print(f"import (read, check, write):        {finished - checked:6.1f} s wall, {cpu_finished - cpu_checked:6.1f} s CPU; "
          f"{batch.imported_count} cases, "
          f"{Petition.objects.filter(township=township).count()} in the database")
    print(f"total: {finished - started:.1f} s; process max RSS {rss_start / 1024:.0f} MB before, "
          f"{rss_end / 1024:.0f} MB peak")


if __name__ == "__main__":
    main()
