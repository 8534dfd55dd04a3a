"""sms invitations from the web: a run's place, who started it, its progress

An invitation run started on the committee's invitations page records the commune or village it
was for, the account that started it, the key of its progress counters in the job queue, and how
many of its invitations were sent, failed, skipped (opted out meanwhile) or reported delivered.
Counts only: the numbers are never stored.

Revision ID: 0020_sms_web_batches
Revises: 0014_villages
Create Date: 2026-12-03 07:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0020_sms_web_batches'
down_revision = '0014_villages'
branch_labels = None
depends_on = None

COUNTS = ('sent', 'failed', 'skipped', 'delivered')


def upgrade():
    with op.batch_alter_table('sms_invitation_runs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('unit_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('account_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('run_key', sa.String(length=64), nullable=True))
        for name in COUNTS:
            batch_op.add_column(sa.Column(name, sa.Integer(), server_default='0', nullable=False))
        batch_op.create_foreign_key(batch_op.f('fk_sms_invitation_runs_unit_id_units'), 'units',
                                    ['unit_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_sms_invitation_runs_account_id_accounts'),
                                    'accounts', ['account_id'], ['id'])
        batch_op.create_index(batch_op.f('ix_sms_invitation_runs_run_key'), ['run_key'],
                              unique=True)


def downgrade():
    with op.batch_alter_table('sms_invitation_runs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sms_invitation_runs_run_key'))
        batch_op.drop_constraint(batch_op.f('fk_sms_invitation_runs_account_id_accounts'),
                                 type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_sms_invitation_runs_unit_id_units'),
                                 type_='foreignkey')
        for name in reversed(COUNTS):
            batch_op.drop_column(name)
        batch_op.drop_column('run_key')
        batch_op.drop_column('account_id')
        batch_op.drop_column('unit_id')
