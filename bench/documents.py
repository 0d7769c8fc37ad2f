"""Benchmark: the app's PDF documents against a bare WeasyPrint render of the very same HTML.

Usage (makes its own SQLite database in bench/out/, never touches db.sqlite3):
    .venv/bin/python bench/documents.py [--runs 15] [--profile]

Three documents, each through the function the view's transition calls, inside a transaction that
is rolled back after each run (so numbers and stored files do not pile up):
- the 受理告知书: petitions.documents.issue_decision_notice (takes the 文号, renders, stores with sha256);
- the petition's archive dossier: petitions.documents.issue_dossier (renders the registration form and
  the record of handling, the front matter and the page-number stamps, joins them with the stored
  notices and reply, stores it);
- the mediation agreement: disputes.mediation.documents.issue_agreement.

The bare baseline is, for each document, the HTML strings the app handed to WeasyPrint (captured in a
warm-up run), each rendered with nothing else around it:

    from weasyprint import HTML
    HTML(string=html, base_url=<static/ as a file: URI>).write_pdf()

with the same fonts (the system's Noto CJK, as the templates name them) and no url_fetcher, no
template, no database, no gc call. For the dossier the baseline is the sum of its HTML renders; the
joining with pypdf is counted on the app's side only. Each side is timed N times in alternation and
the median is printed, with the ratio (goal ≤ 1.5×, issue 16 item 8).

The garbage collector: office/pdf.py freezes what the process holds before its first render (as
config/wsgi.py does at a web worker's start-up), so the warm-up run does it here too, and both sides
are then timed in the same frozen process; the script prints how many objects were frozen.
"""
import argparse
import cProfile
import gc
import os
import pstats
import shutil
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
OUT = ROOT / "bench" / "out"
OUT.mkdir(parents=True, exist_ok=True)
DB = OUT / "documents.sqlite3"
os.environ["DATABASE_URL"] = f"sqlite:///{DB}"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("SECRET_KEY", "bench")
os.environ.setdefault("ALLOWED_HOSTS", "localhost")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import transaction  # noqa: E402


def build():
    """One archived petition (notices and reply issued on the way; archiving queues its dossier's job, which
    nobody runs here: the dossier is timed below) and one agreed mediation case."""
    from disputes.mediation import documents as mediation_documents  # noqa: F401  (import before timing)
    from office.models import EscalationLevel
    from office.roles import ADMIN, CLERK, COORDINATOR, HANDLER, LEADER, MEDIATOR
    from tests.builders import make_township, make_user, petition_in_state
    from tests.disputes.mediation.builders import case_in

    township = make_township()
    center = township.units.get(name="综治中心")
    justice = township.units.get(name="司法所")
    village = township.villages.get(name="青溪村")
    users = {
        CLERK: make_user(CLERK, township, unit=center, username="clerk"),
        COORDINATOR: make_user(COORDINATOR, township, unit=center, username="coordinator"),
        LEADER: make_user(LEADER, township, unit=center, username="leader",
                          ladder_level=EscalationLevel.objects.get(rank=5)),
        HANDLER: make_user(HANDLER, township, unit=justice, username="handler"),
        MEDIATOR: make_user(MEDIATOR, township, village=village, username="mediator",
                            ladder_level=EscalationLevel.objects.get(rank=1)),
        ADMIN: make_user(ADMIN, township, unit=center, username="admin", is_staff=True),
    }
    petition = petition_in_state(users, "archived")
    case = case_in(users[MEDIATOR], "agreed")
    return users, petition, case


def rolled_back(function):
    """Run ``function`` in a transaction that is rolled back; return its result."""
    with transaction.atomic():
        result = function()
        transaction.set_rollback(True)
    return result


class Capture:
    """Record the HTML strings the app hands to weasyprint.HTML while active."""

    def __init__(self):
        import weasyprint

        self.module, self.original, self.strings = weasyprint, weasyprint.HTML, []

    def __enter__(self):
        original, strings = self.original, self.strings

        class Recording(original):
            def __init__(self, *args, **kwargs):
                strings.append(kwargs.get("string"))
                super().__init__(*args, **kwargs)

        self.module.HTML = Recording
        return self.strings

    def __exit__(self, *exc):
        self.module.HTML = self.original


def bare(strings):
    """The baseline: each HTML string rendered by WeasyPrint alone."""
    from weasyprint import HTML

    base_url = (Path(settings.BASE_DIR) / "static").as_uri() + "/"
    for html in strings:
        HTML(string=html, base_url=base_url).write_pdf()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--profile", action="store_true", help="print a cProfile of the app's runs of each document")
    args = parser.parse_args()
    DB.unlink(missing_ok=True)
    media = OUT / "documents-media"
    shutil.rmtree(media, ignore_errors=True)
    settings.MEDIA_ROOT = str(media)
    call_command("migrate", verbosity=0)
    from django.core.files.storage import storages

    storages._storages.clear()  # take the MEDIA_ROOT above

    from disputes.mediation.documents import issue_agreement
    from office.roles import CLERK, MEDIATOR
    from petitions.documents import issue_decision_notice, issue_dossier
    from petitions.models import Petition

    users, petition, case = build()
    petition.status = Petition.Status.ACCEPTED  # the notice is chosen by the decision; the rows are rolled back
    agreement = case.agreement
    documents = {
        "受理告知书 (acceptance notice)": lambda: issue_decision_notice(petition, by=users[CLERK]),
        "archive dossier (petition)": lambda: issue_dossier(petition, by=users[CLERK]),
        "mediation agreement": lambda: issue_agreement(agreement, by=users[MEDIATOR]),
    }
    print(f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs, load average "
          f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}; "
          f"median of {args.runs} runs each")
    print(f"{'document':34} {'app':>9} {'bare':>9} {'ratio':>7}  HTML renders")
    for name, issue in documents.items():
        with Capture() as strings:
            rolled_back(issue)  # warm-up, and the HTML the app renders
        bare(strings)  # warm-up of the baseline
        if name.startswith("受理"):
            print(f"(gc frozen after the first render: {gc.get_freeze_count()} objects)")
        app_times, bare_times = [], []
        for _ in range(args.runs):
            started = time.perf_counter()
            rolled_back(issue)
            app_times.append(time.perf_counter() - started)
            started = time.perf_counter()
            bare(strings)
            bare_times.append(time.perf_counter() - started)
        app, base = statistics.median(app_times), statistics.median(bare_times)
        print(f"{name:34} {app * 1000:7.0f} ms {base * 1000:6.0f} ms {app / base:6.2f}×  {len(strings)}")
        if args.profile:
            profiler = cProfile.Profile()
            profiler.enable()
            for _ in range(5):
                rolled_back(issue)
            profiler.disable()
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
