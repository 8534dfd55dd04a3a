"""account contact, forced password change, reset links, and the accounts' audit log

Accounts get an optional phone (E.164) and e-mail, a flag that forces a password change at the
next login (after an administrator gave a temporary password), and the hash and expiry of one
outstanding password-reset link. `account_events` is the append-only log of every change made to
an account; on PostgreSQL a trigger also refuses any UPDATE or DELETE of it at the database.

Revision ID: 0015_account_contact
Revises: 0012_sms_consent
Create Date: 2026-12-02 17:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0015_account_contact'
down_revision = '0012_sms_consent'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('accounts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('phone', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('email', sa.String(length=254), nullable=True))
        batch_op.add_column(sa.Column('must_change_password', sa.Boolean(), server_default=sa.false(),
                                      nullable=False))
        batch_op.add_column(sa.Column('reset_token_hash', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('reset_expires_at', sa.DateTime(), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_accounts_reset_token_hash'),
                                          ['reset_token_hash'])

    op.create_table('account_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('action', sa.String(length=32), nullable=False),
    sa.Column('actor_username', sa.String(length=64), nullable=False),
    sa.Column('actor_role', sa.String(length=16), nullable=False),
    sa.Column('actor_unit', sa.String(length=64), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('detail', sa.Text(), server_default='', nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'],
                            name=op.f('fk_account_events_account_id_accounts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_account_events'))
    )
    with op.batch_alter_table('account_events', schema=None) as batch_op:
        batch_op.create_index('ix_account_events_account_at', ['account_id', 'at'], unique=False)

    if op.get_bind().dialect.name == "postgresql":
        op.execute(PG_GUARD)


PG_GUARD = """
CREATE FUNCTION account_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'account_events is append-only (% refused)', TG_OP;
END $$;
CREATE TRIGGER account_events_append_only BEFORE UPDATE OR DELETE ON account_events
  FOR EACH ROW EXECUTE FUNCTION account_events_append_only();
"""


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER account_events_append_only ON account_events")
        op.execute("DROP FUNCTION account_events_append_only()")
    with op.batch_alter_table('account_events', schema=None) as batch_op:
        batch_op.drop_index('ix_account_events_account_at')
    op.drop_table('account_events')
    with op.batch_alter_table('accounts', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_accounts_reset_token_hash'), type_='unique')
        batch_op.drop_column('reset_expires_at')
        batch_op.drop_column('reset_token_hash')
        batch_op.drop_column('must_change_password')
        batch_op.drop_column('email')
        batch_op.drop_column('phone')
