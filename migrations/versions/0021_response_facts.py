"""response facts

What the verifier's plausibility flags (domain.plausibility) need to know about each response and
campaign, and where an acknowledgement of them is recorded:

- responses.collector: the committee account that recorded an assisted answer (its username);
- responses.device_key: an opaque random key of the browser that sent it (a signed cookie);
- responses.address_key: an HMAC of the client's IP address with the app's secret (never the IP);
- responses.seconds: the seconds from opening the form to sending it (a signed hidden field);
- campaigns.flag_settings: the campaign's own limits of the flags (JSON; NULL: the app's);
- report_events.flags: the flags acknowledged by whoever accepted the report (JSON).

Responses stored before this revision have none of these facts; the rules that need them raise
nothing for them.

Revision ID: 0021_response_facts
Revises: 0014_villages
Create Date: 2026-12-03 07:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0021_response_facts'
down_revision = '0024_commune_group'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('responses', schema=None) as batch_op:
        batch_op.add_column(sa.Column('collector', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('device_key', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('address_key', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('seconds', sa.Integer(), nullable=True))
    with op.batch_alter_table('campaigns', schema=None) as batch_op:
        batch_op.add_column(sa.Column('flag_settings', sa.Text(), nullable=True))
    with op.batch_alter_table('report_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('flags', sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table('report_events', schema=None) as batch_op:
        batch_op.drop_column('flags')
    with op.batch_alter_table('campaigns', schema=None) as batch_op:
        batch_op.drop_column('flag_settings')
    with op.batch_alter_table('responses', schema=None) as batch_op:
        batch_op.drop_column('seconds')
        batch_op.drop_column('address_key')
        batch_op.drop_column('device_key')
        batch_op.drop_column('collector')
