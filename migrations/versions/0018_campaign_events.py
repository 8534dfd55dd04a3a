"""campaign events: the campaigns' audit log

`campaign_events` is the append-only log of a campaign's life in the committee's pages: created,
edited (before it opens), opened, extended, closed, reopened, with who (account, full name, role,
unit), when, the settings before and after, and the reason. On PostgreSQL a trigger also refuses
any UPDATE or DELETE of it at the database.

Revision ID: 0018_campaign_events
Revises: 0014_villages
Create Date: 2026-12-03 07:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0018_campaign_events'
down_revision = '0020_sms_web_batches'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('campaign_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('action', sa.String(length=16), nullable=False),
    sa.Column('actor_username', sa.String(length=64), nullable=False),
    sa.Column('actor_full_name', sa.String(length=120), server_default='', nullable=False),
    sa.Column('actor_role', sa.String(length=16), nullable=False),
    sa.Column('actor_unit', sa.String(length=64), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('before', sa.Text(), server_default='', nullable=False),
    sa.Column('after', sa.Text(), server_default='', nullable=False),
    sa.Column('reason', sa.Text(), server_default='', nullable=False),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'],
                            name=op.f('fk_campaign_events_campaign_id_campaigns')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_campaign_events'))
    )
    with op.batch_alter_table('campaign_events', schema=None) as batch_op:
        batch_op.create_index('ix_campaign_events_campaign_at', ['campaign_id', 'at'], unique=False)

    if op.get_bind().dialect.name == "postgresql":
        op.execute(PG_GUARD)


PG_GUARD = """
CREATE FUNCTION campaign_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'campaign_events is append-only (% refused)', TG_OP;
END $$;
CREATE TRIGGER campaign_events_append_only BEFORE UPDATE OR DELETE ON campaign_events
  FOR EACH ROW EXECUTE FUNCTION campaign_events_append_only();
"""


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER campaign_events_append_only ON campaign_events")
        op.execute("DROP FUNCTION campaign_events_append_only()")
    with op.batch_alter_table('campaign_events', schema=None) as batch_op:
        batch_op.drop_index('ix_campaign_events_campaign_at')
    op.drop_table('campaign_events')
