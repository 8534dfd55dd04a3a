"""campaign rules and titles

- campaigns.title: the campaign's human title. Existing campaigns keep NULL and are shown with a
  title built from their survey and unit (services.campaigns.setup.campaign_title).
- campaigns.item_threshold, item_rule (each | average), commune_floor: the Front's other rules.
  Existing campaigns get NULL: their single `threshold` stays the overall threshold, their items
  are not judged and no floor applies, so their figures and verdicts do not change.
- campaigns.posting_days: how long results are posted (the Front's 10 days).

Revision ID: 0009_campaign_rules
Revises: 0008_session_generation
Create Date: 2026-12-02 15:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009_campaign_rules'
down_revision = '0008_session_generation'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('campaigns', schema=None) as batch_op:
        batch_op.add_column(sa.Column('title', sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column('item_threshold', sa.Numeric(precision=5, scale=4), nullable=True))
        batch_op.add_column(sa.Column('item_rule', sa.String(length=8), nullable=True))
        batch_op.add_column(sa.Column('commune_floor', sa.Numeric(precision=5, scale=4), nullable=True))
        batch_op.add_column(sa.Column('posting_days', sa.Integer(), server_default='10', nullable=False))


def downgrade():
    with op.batch_alter_table('campaigns', schema=None) as batch_op:
        batch_op.drop_column('posting_days')
        batch_op.drop_column('commune_floor')
        batch_op.drop_column('item_rule')
        batch_op.drop_column('item_threshold')
        batch_op.drop_column('title')
