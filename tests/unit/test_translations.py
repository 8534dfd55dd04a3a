"""Vietnamese is complete: every message in the code has a Vietnamese translation, none fuzzy."""

from __future__ import annotations

import subprocess
import sys

import pytest
from babel.messages.pofile import read_po

from feedback_app.config import PROJECT_ROOT

CATALOGS = PROJECT_ROOT / "translations"


def _catalog(locale: str):  # type: ignore[no-untyped-def]
    with (CATALOGS / locale / "LC_MESSAGES" / "messages.po").open("rb") as f:
        return read_po(f, locale=locale)


def test_every_message_in_the_code_is_translated_to_vietnamese(tmp_path):
    pot = tmp_path / "messages.pot"
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "extract", "--no-location",
         "-F", str(PROJECT_ROOT / "babel.cfg"), "-k", "_l", "-o", str(pot), str(PROJECT_ROOT)],
        check=True, capture_output=True, cwd=PROJECT_ROOT,
    )
    with pot.open("rb") as f:
        extracted = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(f) if m.id}
    vi = _catalog("vi")
    translated = {
        (m.id if isinstance(m.id, str) else m.id[0])
        for m in vi
        if m.id and "fuzzy" not in m.flags and all(m.string if isinstance(m.string, tuple) else [m.string])
    }
    missing = sorted(extracted - translated)
    assert missing == [], "run `make update-messages` and translate these in translations/vi"
    assert len(extracted) > 40


def test_english_catalog_exists_for_the_language_switch():
    assert (CATALOGS / "en" / "LC_MESSAGES" / "messages.po").exists()


def _compile(tmp_path, change=None):  # type: ignore[no-untyped-def]
    """`make translations` on a copy of the catalogs, the Vietnamese one passed through `change`."""
    for po_file in CATALOGS.glob("*/LC_MESSAGES/messages.po"):
        target = tmp_path / po_file.relative_to(CATALOGS)
        target.parent.mkdir(parents=True)
        text = po_file.read_text(encoding="utf-8")
        if change and target.parent.parent.name == "vi":
            assert change(text) != text
            text = change(text)
        target.write_text(text, encoding="utf-8")
    return subprocess.run(
        [sys.executable, str(PROJECT_ROOT / "scripts" / "compile_translations.py"), str(tmp_path)],
        capture_output=True, text=True,
    )


def test_sound_catalogs_compile(tmp_path):
    result = _compile(tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "vi" / "LC_MESSAGES" / "messages.mo").stat().st_size > 1000


@pytest.mark.parametrize("change", [
    pytest.param(lambda po: po.replace("\nmsgid ", "\nmsgid_typo ", 1), id="a line that does not parse"),
    pytest.param(lambda po: po.replace('msgstr "%(k)s trên %(m)s', 'msgstr "%(k)s trên %(n)s'),
                 id="a placeholder the source lacks"),
    pytest.param(lambda po: po.replace('msgid ""', '#, fuzzy\nmsgid ""', 1), id="a header marked fuzzy"),
])
def test_a_catalog_that_does_not_compile_stops_the_build_saying_where(tmp_path, change):
    result = _compile(tmp_path, change)
    assert result.returncode == 1
    assert f"error: {tmp_path / 'vi' / 'LC_MESSAGES' / 'messages.po'}" in result.stderr
    assert not list(tmp_path.glob("*/LC_MESSAGES/messages.mo"))  # nothing half-compiled
