"""System checks: PDFs need a CJK font and HarfBuzz subsetting (docs/architecture.md §4); the
working-day calendar needs the coming year's official schedule (docs/domain.md §2.2)."""
import ctypes.util
import shutil
import subprocess

from django.core.checks import Warning, register


def cjk_font_families():
    """Return the font families fontconfig knows for Simplified Chinese (empty when none)."""
    if not shutil.which("fc-list"):
        return []
    try:
        out = subprocess.run(
            ["fc-list", ":lang=zh-cn", "family"], capture_output=True, text=True, timeout=20, check=False
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    return sorted({line.strip() for line in out.splitlines() if line.strip()})


def harfbuzz_subset_available():
    """Return True when libharfbuzz-subset is installed (WeasyPrint subsets fonts ~40× faster)."""
    return ctypes.util.find_library("harfbuzz-subset") is not None


@register()
def check_pdf_fonts(app_configs, **kwargs):
    problems = []
    if not cjk_font_families():
        problems.append(
            Warning(
                "fontconfig finds no Simplified Chinese font: PDFs would print empty boxes.",
                hint="Install a CJK font, e.g. `apt-get install fonts-noto-cjk`.",
                id="office.W001",
            )
        )
    if not harfbuzz_subset_available():
        problems.append(
            Warning(
                "libharfbuzz-subset is missing: each Chinese PDF takes seconds instead of a fraction of one.",
                hint="Install it, e.g. `apt-get install libharfbuzz-subset0`.",
                id="office.W002",
            )
        )
    return problems


@register()
def check_calendar_year(app_configs, **kwargs):
    from django.db import DatabaseError
    from django.utils import timezone

    from . import calendar
    from .models import Township

    try:
        # Any township's calendar (each inherits its county's and the deployment's, office/setup.py).
        townships: list[Township | None] = list(Township.objects.all()) or [None]
        year = min((y for t in townships if (y := calendar.missing_schedule_year(timezone.localdate(), t))),
                   default=None)
    except DatabaseError:  # before migrate: nothing to say yet
        return []
    if year is None:
        return []
    return [
        Warning(
            f"The official holiday schedule of {year} is not known: due dates in {year} are provisional "
            "(weekends and the statutory holidays only, no bridges or make-up working days).",
            hint="Enter the State Council's holidays and make-up working days as calendar overrides and "
                 f"record {year} under 'official holiday schedules entered', or upgrade chinese-calendar.",
            id="office.W003",
        )
    ]
