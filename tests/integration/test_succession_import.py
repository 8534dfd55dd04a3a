"""Importing the succession file: gaps in real lists are reported line by line, never guessed."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from feedback_app.extensions import db
from feedback_app.models import UnitSuccession
from feedback_app.services.errors import Refused
from feedback_app.services.units.succession import import_successions

from ..indices_support import LEGACY_CSV, NEW_CSV, SUCCESSION_CSV, import_csv

# Shaped like the real file's known gaps: an old code missing from the legacy list, a new code
# the 2025 list spells differently (06970 for 06978), and a row whose level is wrong.
WITH_GAPS = SUCCESSION_CSV + """commune,vn-legacy,03380,vn-2025,03390,whole,2025-07-01
commune,vn-legacy,03394,vn-2025,06970,whole,2025-07-01
district,vn-legacy,03391,vn-2025,03390,whole,2025-07-01
"""


@pytest.fixture
def both_lists(app):  # type: ignore[no-untyped-def]
    import_csv(LEGACY_CSV)
    import_csv(NEW_CSV)


def _links() -> int:
    return db.session.scalar(select(func.count(UnitSuccession.id)))


def test_known_rows_are_imported_and_each_unknown_code_is_reported(both_lists, runner, tmp_path):
    path = tmp_path / "succession.csv"
    path.write_text(WITH_GAPS, encoding="utf-8")
    result = runner.invoke(args=["units", "import-succession", str(path)])
    assert result.exit_code == 0, result.output
    assert "9 rows: 6 created, 0 updated, 0 unchanged, 3 skipped" in result.output
    assert "line 8: old unit vn-legacy 03380 is not known" in result.output
    assert "line 9: new unit vn-2025 06970 is not known" in result.output
    assert ("line 10: old unit vn-legacy 03391 is a commune, the row says district; "
            "new unit vn-2025 03390 is a commune, the row says district") in result.output
    assert _links() == 6

    again = runner.invoke(args=["units", "import-succession", str(path)])
    assert "6 created" not in again.output and "0 created, 0 updated, 6 unchanged" in again.output
    assert _links() == 6


def test_strict_import_refuses_a_file_with_unknown_codes(both_lists, runner, tmp_path):
    path = tmp_path / "succession.csv"
    path.write_text(WITH_GAPS, encoding="utf-8")
    result = runner.invoke(args=["units", "import-succession", "--strict", str(path)])
    assert result.exit_code == 1
    assert "nothing was imported" in result.output and "06970 is not known" in result.output
    assert _links() == 0


def test_a_malformed_file_is_refused_whole(both_lists):
    bad = SUCCESSION_CSV + "commune,vn-legacy,03392,vn-2025,03430,half,2025-07-01\n"
    with pytest.raises(Refused) as refused:
        import_successions(bad.splitlines(keepends=True))
    assert refused.value.reason == "succession_invalid"
    assert refused.value.data["report"].errors == ["line 8: share: Must be one of: whole, part."]
    with pytest.raises(Refused) as refused:
        import_successions(["old_code,new_code\n", "1,2\n"])
    assert refused.value.reason == "succession_columns"
    assert _links() == 0


def test_a_share_change_updates_the_link(both_lists):
    import_successions(SUCCESSION_CSV.splitlines(keepends=True))
    changed = SUCCESSION_CSV.replace("03394,vn-2025,03440,whole", "03394,vn-2025,03440,part")
    report = import_successions(changed.splitlines(keepends=True))
    assert (report.created, report.updated, report.unchanged) == (0, 1, 5)
