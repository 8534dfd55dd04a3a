"""sms privacy: no code, answer or time of day next to a number hash

- sms_inbound: the clear replies (which named the household code and every answer) are dropped;
  a reply is now stored sealed (services.sms.replays). Rows handled before keep an empty seal: a
  replay of them changes nothing and gets no reply. created_at becomes received_on (the day).
- sms_conversations: ended conversations (finished, stopped, abandoned, ended) are deleted; the
  number keeps only whether its last one finished (sms_numbers.last_finished). started_at and
  updated_at become started_on (the day).
- sms_numbers: updated_at is dropped.
- sms_open_answers: created_at becomes created_on (the day).

Days are Vietnam days (UTC+7, no daylight saving time). Downgrade restores the columns' shape
(times at midnight, empty replies), not what was scrubbed.

Revision ID: 0007_sms_privacy
Revises: 0006_reports
Create Date: 2026-11-23 09:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007_sms_privacy'
down_revision = '0006_reports'
branch_labels = None
depends_on = None

ENDED = "status NOT IN ('active', 'paused')"


def _vietnam_day(column):
    """SQL for the Vietnam day of a naive UTC timestamp column, on either backend."""
    if op.get_bind().dialect.name == "sqlite":
        return f"date({column}, '+7 hours')"
    return f"CAST({column} + INTERVAL '7 hours' AS DATE)"


def _to_day(table, old, new):
    with op.batch_alter_table(table) as batch_op:
        batch_op.add_column(sa.Column(new, sa.Date(), nullable=True))
    op.execute(f"UPDATE {table} SET {new} = {_vietnam_day(old)}")
    with op.batch_alter_table(table) as batch_op:
        batch_op.alter_column(new, existing_type=sa.Date(), nullable=False)
        batch_op.drop_column(old)


def upgrade():
    with op.batch_alter_table('sms_numbers') as batch_op:
        batch_op.add_column(sa.Column('last_finished', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
    # A number whose last conversation finished keeps that bit, with a row created if needed
    # (in number_hash order: the rows' order says nothing about when the numbers answered).
    last_finished = (
        "SELECT c.number_hash FROM sms_conversations c WHERE c.status = 'finished' AND c.id = "
        "(SELECT max(l.id) FROM sms_conversations l WHERE l.number_hash = c.number_hash)")
    op.execute("UPDATE sms_numbers SET last_finished = TRUE "
               f"WHERE number_hash IN ({last_finished})")
    op.execute(
        "INSERT INTO sms_numbers (number_hash, opted_out, last_finished, updated_at) "
        f"SELECT f.number_hash, FALSE, TRUE, CURRENT_TIMESTAMP FROM ({last_finished}) f "
        "WHERE NOT EXISTS (SELECT 1 FROM sms_numbers n WHERE n.number_hash = f.number_hash) "
        "ORDER BY f.number_hash")
    with op.batch_alter_table('sms_numbers') as batch_op:
        batch_op.alter_column('last_finished', existing_type=sa.Boolean(), server_default=None)
        batch_op.drop_column('updated_at')

    op.execute(f"DELETE FROM sms_conversations WHERE {ENDED}")
    _to_day('sms_conversations', 'started_at', 'started_on')
    with op.batch_alter_table('sms_conversations') as batch_op:
        batch_op.drop_column('updated_at')

    with op.batch_alter_table('sms_inbound') as batch_op:
        batch_op.add_column(sa.Column('sealed', sa.LargeBinary(), nullable=True))
    op.execute(sa.text("UPDATE sms_inbound SET sealed = :empty")
               .bindparams(sa.bindparam("empty", b"", type_=sa.LargeBinary())))
    with op.batch_alter_table('sms_inbound') as batch_op:
        batch_op.alter_column('sealed', existing_type=sa.LargeBinary(), nullable=False)
        batch_op.drop_column('replies')
    _to_day('sms_inbound', 'created_at', 'received_on')

    _to_day('sms_open_answers', 'created_at', 'created_on')


def _to_time(table, old, new):
    with op.batch_alter_table(table) as batch_op:
        batch_op.add_column(sa.Column(new, sa.DateTime(), nullable=True))
    op.execute(f"UPDATE {table} SET {new} = {old}")
    with op.batch_alter_table(table) as batch_op:
        batch_op.alter_column(new, existing_type=sa.DateTime(), nullable=False)
        batch_op.drop_column(old)


def downgrade():
    _to_time('sms_open_answers', 'created_on', 'created_at')
    _to_time('sms_inbound', 'received_on', 'created_at')
    with op.batch_alter_table('sms_inbound') as batch_op:
        batch_op.add_column(sa.Column('replies', sa.JSON(), nullable=True))
    op.execute("UPDATE sms_inbound SET replies = '[]'")
    with op.batch_alter_table('sms_inbound') as batch_op:
        batch_op.alter_column('replies', existing_type=sa.JSON(), nullable=False)
        batch_op.drop_column('sealed')
    _to_time('sms_conversations', 'started_on', 'started_at')
    with op.batch_alter_table('sms_conversations') as batch_op:
        batch_op.add_column(sa.Column('updated_at', sa.DateTime(), nullable=True))
    op.execute("UPDATE sms_conversations SET updated_at = started_at")
    with op.batch_alter_table('sms_conversations') as batch_op:
        batch_op.alter_column('updated_at', existing_type=sa.DateTime(), nullable=False)
    with op.batch_alter_table('sms_numbers') as batch_op:
        batch_op.add_column(sa.Column('updated_at', sa.DateTime(), nullable=True))
    op.execute("UPDATE sms_numbers SET updated_at = CURRENT_TIMESTAMP")
    with op.batch_alter_table('sms_numbers') as batch_op:
        batch_op.alter_column('updated_at', existing_type=sa.DateTime(), nullable=False)
        batch_op.drop_column('last_finished')
