"""campaign follows

Which earlier campaign a campaign follows (the comparison with an earlier round on the dashboard
and the report page): one appended row per setting, the newest in force, with who set it and when.

Revision ID: 0023_campaign_follows
Revises: 0014_villages (the head: 0013 and 0014 follow 0017)
Create Date: 2026-12-03 07:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0023_campaign_follows'
down_revision = '0018_campaign_events'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'campaign_follows',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('campaign_id', sa.Integer(), nullable=False),
        sa.Column('earlier_campaign_id', sa.Integer(), nullable=True),
        sa.Column('actor_username', sa.String(length=64), nullable=False),
        sa.Column('actor_role', sa.String(length=16), nullable=False),
        sa.Column('actor_unit', sa.String(length=64), nullable=False),
        sa.Column('actor_full_name', sa.String(length=120), server_default='', nullable=False),
        sa.Column('at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], ),
        sa.ForeignKeyConstraint(['earlier_campaign_id'], ['campaigns.id'], ),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('campaign_follows', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_campaign_follows_campaign_id'), ['campaign_id'], unique=False)


def downgrade():
    with op.batch_alter_table('campaign_follows', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_campaign_follows_campaign_id'))
    op.drop_table('campaign_follows')
