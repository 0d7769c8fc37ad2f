from unittest import mock

from office import checks


def test_font_check_is_quiet_when_a_cjk_font_is_installed():
    assert checks.cjk_font_families(), "install fonts-noto-cjk: PDFs need a CJK font"
    ids = [w.id for w in checks.check_pdf_fonts(None)]
    assert "office.W001" not in ids


def test_font_check_warns_when_fontconfig_finds_no_cjk_font():
    with mock.patch.object(checks, "cjk_font_families", return_value=[]):
        ids = [w.id for w in checks.check_pdf_fonts(None)]
    assert "office.W001" in ids


def test_harfbuzz_subset_check():
    assert checks.harfbuzz_subset_available(), "install libharfbuzz-subset0"
    with mock.patch.object(checks, "harfbuzz_subset_available", return_value=False):
        ids = [w.id for w in checks.check_pdf_fonts(None)]
    assert "office.W002" in ids
