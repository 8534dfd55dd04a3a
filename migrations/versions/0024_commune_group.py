"""commune group of Decision 51

Decision 51/2025/QĐ-TTg sets the criteria's levels for three groups of communes (group 3: the
ethnic-minority and mountain communes of zones II and III). A commune may carry its group (1, 2 or
3; empty when not known), set by `units import`; the province at a glance filters on it.

Revision ID: 0024_commune_group
Revises: 0014_villages
Create Date: 2026-12-03 07:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0024_commune_group'
down_revision = '0022_recontact_posting'  # the head on main (0017 comes before 0013 in the chain)
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('units', schema=None) as batch_op:
        batch_op.add_column(sa.Column('commune_group', sa.SmallInteger(), nullable=True))
        batch_op.create_check_constraint(op.f('ck_units_commune_group'), 'commune_group IN (1, 2, 3)')


def downgrade():
    with op.batch_alter_table('units', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_units_commune_group'), type_='check')
        batch_op.drop_column('commune_group')
