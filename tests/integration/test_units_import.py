"""`units import`: CSV of administrative units, all or nothing, safe to repeat."""

from __future__ import annotations

from datetime import date
from io import StringIO

import pytest
from sqlalchemy import func, select

from feedback_app.extensions import db
from feedback_app.models import Unit
from feedback_app.services.errors import Refused
from feedback_app.services.units.importing import import_units

from ..support import UNITS_CSV

LEGACY_CSV = """scheme,code,parent_code,level,unit_type,name,full_name,name_en,full_name_en
vn-legacy,12,,province,province,Lai Châu,Tỉnh Lai Châu,Lai Chau,Lai Chau Province
vn-legacy,105,12,district,city,Lai Châu,Thành phố Lai Châu,Lai Chau,Lai Chau City
vn-legacy,03390,105,commune,commune,San Thàng,Xã San Thàng,San Thang,San Thang Commune
"""


def count() -> int:
    return db.session.scalar(select(func.count(Unit.id)))


def unit(scheme: str, code: str) -> Unit:
    return db.session.scalar(select(Unit).filter_by(scheme=scheme, code=code))


def test_import_builds_the_tree_with_scheme_validity_and_households(app):
    report = import_units(StringIO(UNITS_CSV))
    db.session.commit()
    assert (report.rows, report.created, report.updated) == (4, 4, 0)
    commune = unit("vn-2025", "03390")
    assert commune.parent.code == "12" and commune.level == "commune"
    assert commune.households == 40 and commune.households_synthetic is True
    assert commune.valid_from == date(2025, 7, 1) and commune.valid_to is None
    assert sorted(c.code for c in unit("vn-2025", "12").children) == ["03388", "03390", "03430"]
    # A province without a parent is placed under its scheme's country, where the central
    # committee sits; the country is made once per scheme and counts in no row of the file.
    country = unit("vn-2025", "12").parent
    assert (country.code, country.level, country.name, country.parent) == ("VN", "country", "Việt Nam", None)
    assert country.valid_from == date(2025, 7, 1)


def test_same_code_in_two_schemes_are_different_units(app):
    import_units(StringIO(UNITS_CSV))
    import_units(StringIO(LEGACY_CSV))
    db.session.commit()
    new, old = unit("vn-2025", "03390"), unit("vn-legacy", "03390")
    assert new.id != old.id
    assert old.parent.level == "district" and old.parent.parent.code == "12"
    assert old.valid_to == date(2025, 6, 30)


def test_reimport_is_safe_and_updates_in_place(app):
    import_units(StringIO(UNITS_CSV))
    db.session.commit()
    again = import_units(StringIO(UNITS_CSV))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 4)
    renamed = UNITS_CSV.replace("Tả Lèng,Xã Tả Lèng", "Tả Lèng Mới,Xã Tả Lèng Mới")
    # A file without household figures leaves the known figures alone.
    no_households = "\n".join(
        ",".join(line.split(",")[:9]) for line in renamed.strip().splitlines()
    )
    report = import_units(StringIO(no_households))
    db.session.commit()
    assert (report.created, report.updated, report.unchanged) == (0, 1, 3)
    assert count() == 5  # the four of the file and the country above the province, once
    assert unit("vn-2025", "03430").full_name == "Xã Tả Lèng Mới"
    assert unit("vn-2025", "03430").households == 25


@pytest.mark.parametrize(
    ("row", "problem"),
    [
        ("vn-2025,03999,77,commune,commune,X,Xã X,X,X Commune", "parent 77 is neither in the file"),
        ("vn-2025,03999,12,hamlet,commune,X,Xã X,X,X Commune", "level: Must be one of"),
        ("vn-2025,03999,03390,commune,commune,X,Xã X,X,X Commune",
         "a commune cannot be placed under a commune"),
        ("vn-2025,03390,12,commune,commune,X,Xã X,X,X Commune", "repeats line 3"),
        ("vn-2025,03999,12,commune,commune,,,,", "name: Missing data"),
        ("vn-2025,03999,12,commune,commune,X,Xã X,X,X Commune,-5", "households:"),
    ],
)
def test_bad_rows_are_reported_by_line_and_nothing_is_written(app, row, problem):
    with pytest.raises(Refused) as refused:
        import_units(StringIO(UNITS_CSV + row + "\n"))
    errors = refused.value.data["report"].errors
    assert any(e.startswith("line 6: ") and problem in e for e in errors), errors
    db.session.rollback()
    assert count() == 0


def test_missing_columns_are_named(app):
    with pytest.raises(Refused) as refused:
        import_units(StringIO("scheme,code,name\nvn-2025,12,Lai Châu\n"))
    assert refused.value.reason == "units_columns"
    assert refused.value.data["missing"] == ["parent_code", "level"]


def test_cli_import_reports_counts_and_errors(runner, tmp_path):
    good = tmp_path / "units.csv"
    good.write_text(UNITS_CSV, encoding="utf-8")
    result = runner.invoke(args=["units", "import", str(good)])
    assert result.exit_code == 0, result.output
    assert "4 rows: 4 created, 0 updated, 0 unchanged" in result.output
    bad = tmp_path / "bad.csv"
    bad.write_text(UNITS_CSV + "vn-2025,03999,77,commune,commune,X,Xã X,X,X\n", encoding="utf-8")
    result = runner.invoke(args=["units", "import", str(bad)])
    assert result.exit_code == 1
    assert "nothing was imported" in result.output and "line 6: parent 77" in result.output
