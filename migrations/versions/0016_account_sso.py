"""account single sign-on subject

The OpenID Connect subject (issuer and "sub") an administrator maps to a committee account, for
the optional single sign-on; a login whose subject maps to no account is refused.

Revision ID: 0016_account_sso
Revises: 0015_account_contact
Create Date: 2026-12-02 18:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0016_account_sso'
down_revision = '0015_account_contact'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('accounts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sso_subject', sa.String(length=255), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_accounts_sso_subject'), ['sso_subject'])


def downgrade():
    with op.batch_alter_table('accounts', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_accounts_sso_subject'), type_='unique')
        batch_op.drop_column('sso_subject')
