"""flag snapshots: the plausibility flags of a unit as last computed

The verifier's flags (services.verification.flags) are computed from every response below a unit:
a province committee's page read all of its province's responses at each view (about 350 ms at
10,000 responses, tens of seconds at 500,000). The flags of a unit are now kept here with a
fingerprint of what they depend on (the settings, the field window, the minimum coverage, the
register's households, each commune's count of responses); a page uses them while the fingerprint
holds and computes again only the units whose fingerprint changed. Nothing is filled here: the
first view computes them.

Revision ID: 0026_flag_snapshots
Revises: 0025_coded_counters
Create Date: 2026-12-07 23:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0026_flag_snapshots'
down_revision = '0025_coded_counters'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'flag_snapshots',
        sa.Column('campaign_id', sa.Integer(), nullable=False),
        sa.Column('unit_id', sa.Integer(), nullable=False),
        sa.Column('fingerprint', sa.String(length=64), nullable=False),
        sa.Column('computed_at', sa.DateTime(), nullable=False),
        sa.Column('flags', sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_flag_snapshots_campaign_id_campaigns')),
        sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_flag_snapshots_unit_id_units')),
        sa.PrimaryKeyConstraint('campaign_id', 'unit_id', name=op.f('pk_flag_snapshots')),
    )


def downgrade():
    op.drop_table('flag_snapshots')
