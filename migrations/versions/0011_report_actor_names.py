"""report actor names

The full name of the person who acts on a report, recorded beside the username: on each audit
entry (report_events.actor_full_name) and on the report (prepared_by_name, decided_by_name), as
it is signed on the Front's documents ("người lập / người duyệt"). Rows written before keep an
empty name (the pages then show the username).

Revision ID: 0011_report_actor_names
Revises: 0010_account_full_name
Create Date: 2026-12-02 17:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011_report_actor_names'
down_revision = '0010_account_full_name'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('report_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('actor_full_name', sa.String(length=120), server_default='',
                                      nullable=False))
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.add_column(sa.Column('prepared_by_name', sa.String(length=120), server_default='',
                                      nullable=False))
        batch_op.add_column(sa.Column('decided_by_name', sa.String(length=120), server_default='',
                                      nullable=False))


def downgrade():
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.drop_column('decided_by_name')
        batch_op.drop_column('prepared_by_name')
    with op.batch_alter_table('report_events', schema=None) as batch_op:
        batch_op.drop_column('actor_full_name')
