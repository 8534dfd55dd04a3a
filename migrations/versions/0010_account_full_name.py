"""account full name

The person's full name on a committee account, as it is signed on the Front's documents
("người lập / người duyệt"); accounts created before keep an empty name.

Revision ID: 0010_account_full_name
Revises: 0009_campaign_rules
Create Date: 2026-12-02 17:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010_account_full_name'
down_revision = '0009_campaign_rules'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('accounts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('full_name', sa.String(length=120), server_default='',
                                      nullable=False))


def downgrade():
    with op.batch_alter_table('accounts', schema=None) as batch_op:
        batch_op.drop_column('full_name')
