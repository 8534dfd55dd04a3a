"""`units import` sets a commune's group of Decision 51 (optional column commune_group: 1, 2 or 3);
a bad value is reported with its line number and nothing is written."""

from __future__ import annotations

from io import StringIO

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from feedback_app.extensions import db
from feedback_app.models import Unit
from feedback_app.services.errors import Refused
from feedback_app.services.units.importing import import_units

HEADER = "scheme,code,parent_code,level,unit_type,name,households,commune_group\n"
GOOD = HEADER + """\
vn-2025,12,,province,province,Lai Châu,,
vn-2025,03390,12,commune,commune,Bình Lư,40,3
vn-2025,03430,12,commune,commune,Tả Lèng,25, 1
vn-2025,03388,12,commune,ward,Đoàn Kết,60,
"""


def group(code: str) -> int | None:
    return db.session.scalar(select(Unit.commune_group).filter_by(scheme="vn-2025", code=code))


def test_the_group_column_sets_a_commune_s_group_and_an_empty_cell_keeps_it(app):
    report = import_units(StringIO(GOOD))
    db.session.commit()
    assert (report.created, report.errors) == (4, [])
    assert (group("03390"), group("03430"), group("03388"), group("12")) == (3, 1, None, None)
    again = import_units(StringIO(GOOD.replace("Bình Lư,40,3", "Bình Lư,40,2")
                                  .replace("Tả Lèng,25, 1", "Tả Lèng,25,")))
    db.session.commit()
    assert (again.updated, again.unchanged) == (1, 3)  # only Bình Lư changed group
    assert (group("03390"), group("03430")) == (2, 1)  # Tả Lèng's empty cell kept its group


def test_a_file_without_the_column_leaves_the_groups_alone(app):
    import_units(StringIO(GOOD))
    db.session.commit()
    without = "\n".join(line.rsplit(",", 1)[0] for line in GOOD.splitlines()) + "\n"
    assert import_units(StringIO(without)).unchanged == 4
    db.session.commit()
    assert group("03390") == 3


@pytest.mark.parametrize(("value", "problem"), [
    ("4", "commune_group: A commune group is 1, 2 or 3"),
    ("0", "commune_group: A commune group is 1, 2 or 3"),
    ("III", "commune_group: Not a valid integer"),
    ("1.5", "commune_group: Not a valid integer"),
])
def test_a_bad_group_is_reported_with_its_line_and_nothing_is_written(app, value, problem):
    bad = GOOD + f"vn-2025,03400,12,commune,commune,Đồng Mới,30,{value}\n"
    with pytest.raises(Refused) as refused:
        import_units(StringIO(bad))
    errors = refused.value.data["report"].errors
    assert any(e.startswith("line 6: ") and problem in e for e in errors), errors
    db.session.rollback()
    assert db.session.scalar(select(func.count(Unit.id))) == 0


def test_only_a_commune_has_a_group(app):
    with pytest.raises(Refused) as refused:
        import_units(StringIO(GOOD.replace("Lai Châu,,", "Lai Châu,,2")))
    assert refused.value.data["report"].errors == [
        "line 2: commune_group: only a commune has a group, not a province"]


def test_the_database_refuses_a_group_outside_1_to_3(app):
    import_units(StringIO(GOOD))
    db.session.commit()
    unit = db.session.scalar(select(Unit).filter_by(code="03390"))
    unit.commune_group = 7
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_the_cli_reports_the_bad_line(runner, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text(GOOD.replace("Bình Lư,40,3", "Bình Lư,40,9"), encoding="utf-8")
    result = runner.invoke(args=["units", "import", str(bad)])
    assert result.exit_code == 1
    assert "nothing was imported" in result.output and "line 3: commune_group" in result.output
