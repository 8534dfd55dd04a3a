"""country level

The root of each scheme's tree: a unit of level "country" (code VN) above the provinces, where the
central committee of the Front sits, so that an account of that unit sees every province and
accepts the provinces' reports. Every province without a parent is placed under it. Figures do not
change: indices roll up from a campaign's unit, never above it.

Revision ID: 0017_country_level
Revises: 0016_account_sso
Create Date: 2026-12-02 17:40:00

"""
from datetime import date

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0017_country_level'
down_revision = '0016_account_sso'
branch_labels = None
depends_on = None

SCHEMES = {"vn-2025": (date(2025, 7, 1), None), "vn-legacy": (None, date(2025, 6, 30))}

units = sa.table(
    "units",
    sa.column("id", sa.Integer), sa.column("scheme", sa.String), sa.column("code", sa.String),
    sa.column("parent_id", sa.Integer), sa.column("level", sa.String),
    sa.column("unit_type", sa.String), sa.column("name", sa.String),
    sa.column("full_name", sa.String), sa.column("name_en", sa.String),
    sa.column("full_name_en", sa.String), sa.column("households_synthetic", sa.Boolean),
    sa.column("valid_from", sa.Date), sa.column("valid_to", sa.Date),
)


def upgrade():
    bind = op.get_bind()
    schemes = bind.execute(
        sa.select(units.c.scheme).where(units.c.level == "province", units.c.parent_id.is_(None))
        .distinct()
    ).scalars().all()
    for scheme in schemes:
        country = bind.execute(sa.select(units.c.id).where(
            units.c.scheme == scheme, units.c.code == "VN")).scalar()
        if country is None:
            valid_from, valid_to = SCHEMES.get(scheme, (None, None))
            bind.execute(units.insert().values(
                scheme=scheme, code="VN", parent_id=None, level="country", unit_type="country",
                name="Việt Nam", full_name="Việt Nam", name_en="Viet Nam", full_name_en="Viet Nam",
                households_synthetic=False, valid_from=valid_from, valid_to=valid_to))
            country = bind.execute(sa.select(units.c.id).where(
                units.c.scheme == scheme, units.c.code == "VN")).scalar()
        bind.execute(units.update().where(
            units.c.scheme == scheme, units.c.level == "province", units.c.parent_id.is_(None)
        ).values(parent_id=country))


def downgrade():
    bind = op.get_bind()
    countries = sa.select(units.c.id).where(units.c.level == "country").scalar_subquery()
    bind.execute(units.update().where(units.c.parent_id.in_(countries)).values(parent_id=None))
    bind.execute(units.delete().where(units.c.level == "country"))
