"""The interface is Chinese: every msgid has a translation and the committed .mo is current.

Needs GNU gettext (xgettext, msgfmt) like `make messages`; CI installs it.
"""
import gettext
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import override_settings

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = ROOT / "locale" / "zh_Hans" / "LC_MESSAGES"


def test_gettext_tools_are_installed():
    assert shutil.which("xgettext") and shutil.which("msgfmt"), "apt-get install gettext"


SOURCES = ["config", "office", "petitions", "disputes", "reports", "ledgerimport", "jobs", "templates", "fixtures", "locale"]


@pytest.fixture(scope="module")
def fresh_po(tmp_path_factory):
    """Extract the msgids from a copy of the source into a copy of the catalogue.

    makemessages writes into the ``locale`` folder of the directory it runs in, so it runs in a
    copy: the committed catalogue is never touched by a test run. msgmerge keeps translations.
    """
    tree = tmp_path_factory.mktemp("tree")
    for name in SOURCES:
        shutil.copytree(ROOT / name, tree / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    cwd = os.getcwd()
    os.chdir(tree)
    try:
        with override_settings(LOCALE_PATHS=[tree / "locale"]):
            call_command("makemessages", locale=["zh_Hans"], no_obsolete=True, verbosity=0)
    finally:
        os.chdir(cwd)
    return tree / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def test_every_msgid_in_the_source_has_a_chinese_translation(fresh_po):
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(fresh_po)],
        capture_output=True,
        text=True,
        env={"LC_ALL": "C"},
    )
    assert result.returncode == 0, result.stderr
    stats = result.stderr
    assert "untranslated" not in stats and "fuzzy" not in stats, (
        f"{stats} — run `make messages` and translate the new entries in {CATALOGUE / 'django.po'}"
    )


def test_the_committed_mo_matches_the_catalogue(fresh_po, tmp_path):
    compiled = tmp_path / "fresh.mo"
    subprocess.run(["msgfmt", "-o", str(compiled), str(fresh_po)], check=True)
    with open(compiled, "rb") as fresh, open(CATALOGUE / "django.mo", "rb") as committed:
        fresh_catalog = gettext.GNUTranslations(fresh)._catalog
        committed_catalog = gettext.GNUTranslations(committed)._catalog
    assert fresh_catalog == committed_catalog, "run `make messages` and commit locale/"
