"""Migration 0017 puts the country above the provinces of a database made before it, and back."""

from __future__ import annotations

from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from feedback_app.extensions import db

from ..support import migration_app

PROVINCE = ("INSERT INTO units (scheme, code, parent_id, level, unit_type, name, full_name, name_en, "
            "full_name_en, households_synthetic) VALUES (:scheme, :code, :parent, :level, :level, "
            ":code, :code, :code, :code, FALSE)")


def _tree(conn):  # type: ignore[no-untyped-def]
    rows = conn.execute(text("SELECT u.scheme, u.code, u.level, p.code AS parent FROM units u "
                             "LEFT JOIN units p ON p.id = u.parent_id ORDER BY u.scheme, u.code"))
    return [tuple(r) for r in rows]


def test_provinces_get_their_scheme_s_country_and_lose_it_on_downgrade(database_url):
    app = migration_app(database_url)
    with app.app_context():
        upgrade(revision="0016_account_sso")  # the revision before 0017
        with db.engine.begin() as conn:
            for scheme in ("vn-2025", "vn-legacy"):
                conn.execute(text(PROVINCE), {"scheme": scheme, "code": "12", "parent": None,
                                              "level": "province"})
            province = conn.execute(text("SELECT id FROM units WHERE scheme = 'vn-2025'")).scalar()
            conn.execute(text(PROVINCE), {"scheme": "vn-2025", "code": "03390", "parent": province,
                                          "level": "commune"})
        upgrade(revision="0017_country_level")
        with db.engine.connect() as conn:
            upgraded = _tree(conn)
            valid_from = conn.execute(text("SELECT valid_from FROM units WHERE scheme = 'vn-2025' "
                                           "AND code = 'VN'")).scalar()
        downgrade(revision="0016_account_sso")
        with db.engine.connect() as conn:
            downgraded = _tree(conn)
        db.session.remove()
        db.engine.dispose()
    assert upgraded == [
        ("vn-2025", "03390", "commune", "12"), ("vn-2025", "12", "province", "VN"),
        ("vn-2025", "VN", "country", None),
        ("vn-legacy", "12", "province", "VN"), ("vn-legacy", "VN", "country", None),
    ]
    assert str(valid_from) == "2025-07-01"
    assert downgraded == [("vn-2025", "03390", "commune", "12"), ("vn-2025", "12", "province", None),
                          ("vn-legacy", "12", "province", None)]
