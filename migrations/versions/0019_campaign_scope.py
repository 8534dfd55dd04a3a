"""campaign scope: communes left out, villages sampled, and their log

A province campaign can leave out communes, each with a reason (campaign_exclusions; the commune's
campaign_communes row and counters are removed while it is left out), and survey a sample of a
commune's villages (campaign_sample_villages: codes, register and coverage of those villages only).
Every change is appended to campaign_scope_events (who, when, what).

Revision ID: 0019_campaign_scope
Revises: 0014_villages (the branch's head; the lead re-chains)
Create Date: 2026-12-03 07:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0019_campaign_scope'
down_revision = '0023_campaign_follows'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'campaign_exclusions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('campaign_id', sa.Integer(), nullable=False),
        sa.Column('unit_id', sa.Integer(), nullable=False),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('actor_username', sa.String(length=64), nullable=False),
        sa.Column('actor_name', sa.String(length=120), server_default='', nullable=False),
        sa.Column('at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], ),
        sa.ForeignKeyConstraint(['unit_id'], ['units.id'], ),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('campaign_id', 'unit_id'),
    )
    with op.batch_alter_table('campaign_exclusions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_campaign_exclusions_campaign_id'), ['campaign_id'],
                              unique=False)
    op.create_table(
        'campaign_sample_villages',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('campaign_id', sa.Integer(), nullable=False),
        sa.Column('commune_id', sa.Integer(), nullable=False),
        sa.Column('village_id', sa.Integer(), nullable=False),
        sa.Column('actor_username', sa.String(length=64), nullable=False),
        sa.Column('at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], ),
        sa.ForeignKeyConstraint(['commune_id'], ['units.id'], ),
        sa.ForeignKeyConstraint(['village_id'], ['units.id'], ),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('campaign_id', 'village_id'),
    )
    with op.batch_alter_table('campaign_sample_villages', schema=None) as batch_op:
        batch_op.create_index('ix_campaign_sample_villages_commune', ['campaign_id', 'commune_id'],
                              unique=False)
    op.create_table(
        'campaign_scope_events',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('campaign_id', sa.Integer(), nullable=False),
        sa.Column('action', sa.String(length=32), nullable=False),
        sa.Column('unit_code', sa.String(length=64), nullable=False),
        sa.Column('actor_username', sa.String(length=64), nullable=False),
        sa.Column('actor_role', sa.String(length=16), nullable=False),
        sa.Column('actor_unit', sa.String(length=64), nullable=False),
        sa.Column('at', sa.DateTime(), nullable=False),
        sa.Column('detail', sa.Text(), server_default='', nullable=False),
        sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], ),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('campaign_scope_events', schema=None) as batch_op:
        batch_op.create_index('ix_campaign_scope_events_campaign_at', ['campaign_id', 'at'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('campaign_scope_events', schema=None) as batch_op:
        batch_op.drop_index('ix_campaign_scope_events_campaign_at')
    op.drop_table('campaign_scope_events')
    with op.batch_alter_table('campaign_sample_villages', schema=None) as batch_op:
        batch_op.drop_index('ix_campaign_sample_villages_commune')
    op.drop_table('campaign_sample_villages')
    with op.batch_alter_table('campaign_exclusions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_campaign_exclusions_campaign_id'))
    op.drop_table('campaign_exclusions')
