"""sms consent, Decree 91 and retention

Decree 91/2020/ND-CP: the invitations sent to each number in the last 24 hours (number hash and
time, deleted once 24 hours old), for "at most N a number a day".
Law 91/2025/QH15: the lawful basis and consent statement confirmed for each invitation run; a
retention period per campaign, after which its SMS rows are deleted (so inbound messages now say
which campaign they belonged to, and a number's row the last day it was seen).

Revision ID: 0012_sms_consent
Revises: 0011_report_actor_names
Create Date: 2026-12-02 17:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012_sms_consent'
down_revision = '0011_report_actor_names'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('sms_invitation_runs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('lawful_basis', sa.String(length=32), server_default='',
                                      nullable=False))
        batch_op.add_column(sa.Column('consent_statement', sa.Text(), server_default='',
                                      nullable=False))
    with op.batch_alter_table('campaigns', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sms_retention_days', sa.Integer(), nullable=True))
    with op.batch_alter_table('sms_inbound', schema=None) as batch_op:
        batch_op.add_column(sa.Column('campaign_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_sms_inbound_campaign_id'), ['campaign_id'])
    with op.batch_alter_table('sms_numbers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('last_seen_on', sa.Date(), nullable=True))
    # Numbers stored before: counted from today for their retention period.
    op.execute("UPDATE sms_numbers SET last_seen_on = CURRENT_DATE")
    op.create_table(
        'sms_number_sends',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('number_hash', sa.String(length=64), nullable=False),
        sa.Column('sent_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_sms_number_sends')),
    )
    op.create_index('ix_sms_number_sends_number_hash_sent_at', 'sms_number_sends',
                    ['number_hash', 'sent_at'])
    op.create_index(op.f('ix_sms_number_sends_sent_at'), 'sms_number_sends', ['sent_at'])


def downgrade():
    with op.batch_alter_table('sms_numbers', schema=None) as batch_op:
        batch_op.drop_column('last_seen_on')
    with op.batch_alter_table('sms_inbound', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sms_inbound_campaign_id'))
        batch_op.drop_column('campaign_id')
    with op.batch_alter_table('campaigns', schema=None) as batch_op:
        batch_op.drop_column('sms_retention_days')
    with op.batch_alter_table('sms_invitation_runs', schema=None) as batch_op:
        batch_op.drop_column('consent_statement')
        batch_op.drop_column('lawful_basis')
    op.drop_index(op.f('ix_sms_number_sends_sent_at'), table_name='sms_number_sends')
    op.drop_index('ix_sms_number_sends_number_hash_sent_at', table_name='sms_number_sends')
    op.drop_table('sms_number_sends')
