"""sms consent, Decree 91 and retention

Decree 91/2020/ND-CP: the invitations sent to each number in the last 24 hours (number hash and
time, deleted once 24 hours old), for "at most N a number a day".

Revision ID: 0012_sms_consent
Revises: 0010_account_full_name
Create Date: 2026-12-02 17:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012_sms_consent'
down_revision = '0010_account_full_name'
branch_labels = None
depends_on = None


def upgrade():
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
    op.drop_index(op.f('ix_sms_number_sends_sent_at'), table_name='sms_number_sends')
    op.drop_index('ix_sms_number_sends_number_hash_sent_at', table_name='sms_number_sends')
    op.drop_table('sms_number_sends')
