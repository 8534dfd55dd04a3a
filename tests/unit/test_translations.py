"""Vietnamese is complete: every message in the code has a Vietnamese translation, none fuzzy."""

from __future__ import annotations

import subprocess
import sys

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
