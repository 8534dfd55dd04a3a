"""answer reasons

A household's short reason under an item answered "not satisfied" (answers.reason), and the
remarks table the committees' pages read: one row per closing comment ("Ý kiến khác") or reason,
with the text folded for search. Existing comments are copied into it.

Revision ID: 0013_answer_reasons
Revises: 0017_country_level
Create Date: 2026-12-02 17:10:00

"""
import re
import unicodedata

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013_answer_reasons'
down_revision = '0017_country_level'
branch_labels = None
depends_on = None


def _fold(text):
    """As feedback_app.domain.sms.fold.fold on the day of this migration (kept here, so that the
    migration does the same whatever that function becomes)."""
    text = unicodedata.normalize("NFKC", text).replace("đ", "d").replace("Đ", "D")
    plain = "".join(ch for ch in unicodedata.normalize("NFD", text) if not unicodedata.combining(ch))
    words = re.sub(r"[^0-9a-z ]+", " ", plain.lower())
    return re.sub(r"\s+", " ", words).strip()


def upgrade():
    with op.batch_alter_table('answers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reason', sa.String(length=500), nullable=True))
    remarks = op.create_table('remarks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('response_id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('commune_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.String(length=32), nullable=True),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('folded', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_remarks_campaign_id_campaigns')),
    sa.ForeignKeyConstraint(['commune_id'], ['units.id'], name=op.f('fk_remarks_commune_id_units')),
    sa.ForeignKeyConstraint(['response_id'], ['responses.id'], name=op.f('fk_remarks_response_id_responses')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_remarks'))
    )
    with op.batch_alter_table('remarks', schema=None) as batch_op:
        batch_op.create_index('ix_remarks_campaign_created', ['campaign_id', 'created_at', 'id'], unique=False)
        batch_op.create_index('ix_remarks_campaign_item_created', ['campaign_id', 'item_id', 'created_at'], unique=False)
        batch_op.create_index('ix_remarks_campaign_commune_created', ['campaign_id', 'commune_id', 'created_at', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_remarks_response_id'), ['response_id'], unique=False)
    # The comments stored so far, so that the committees' comments page lists them.
    connection = op.get_bind()
    responses = sa.table('responses', sa.column('id'), sa.column('campaign_id'), sa.column('commune_id'),
                         sa.column('channel'), sa.column('created_at', sa.DateTime()),
                         sa.column('comment', sa.Text()))
    rows = connection.execute(sa.select(responses).where(responses.c.comment.is_not(None),
                                                         responses.c.comment != '')).all()
    batch = [{'response_id': r.id, 'campaign_id': r.campaign_id, 'commune_id': r.commune_id,
              'item_id': None, 'channel': r.channel, 'created_at': r.created_at, 'text': r.comment,
              'folded': _fold(r.comment)} for r in rows]
    if batch:
        op.bulk_insert(remarks, batch)


def downgrade():
    with op.batch_alter_table('remarks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_remarks_response_id'))
        batch_op.drop_index('ix_remarks_campaign_commune_created')
        batch_op.drop_index('ix_remarks_campaign_item_created')
        batch_op.drop_index('ix_remarks_campaign_created')
    op.drop_table('remarks')
    with op.batch_alter_table('answers', schema=None) as batch_op:
        batch_op.drop_column('reason')
