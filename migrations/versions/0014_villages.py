"""villages and the household register

Villages are units of level "village" under a commune (the units table has had the level since
0001). A campaign's register: when a commune's codes are first issued, its villages' households
are copied into campaign_villages and campaign_communes.registered_at is set; household codes and
responses say their village; counters per village and question.

Communes of campaigns that issued codes before this revision count as registered when their first
code was issued (their households were snapshot at set-up and must not follow later edits).

Revision ID: 0014_villages
Revises: 0013_answer_reasons
Create Date: 2026-12-02 17:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0014_villages'
down_revision = '0013_answer_reasons'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'campaign_villages',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('campaign_id', sa.Integer(), nullable=False),
        sa.Column('commune_id', sa.Integer(), nullable=False),
        sa.Column('village_id', sa.Integer(), nullable=False),
        sa.Column('households', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], ),
        sa.ForeignKeyConstraint(['commune_id'], ['units.id'], ),
        sa.ForeignKeyConstraint(['village_id'], ['units.id'], ),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('campaign_id', 'village_id'),
    )
    with op.batch_alter_table('campaign_villages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_campaign_villages_village_id'), ['village_id'], unique=False)
    op.create_table(
        'counter_villages',
        sa.Column('campaign_id', sa.Integer(), nullable=False),
        sa.Column('village_id', sa.Integer(), nullable=False),
        sa.Column('respondents', sa.Integer(), nullable=False),
        sa.Column('overall_satisfied', sa.Integer(), nullable=False),
        sa.Column('overall_valid', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], ),
        sa.ForeignKeyConstraint(['village_id'], ['units.id'], ),
        sa.PrimaryKeyConstraint('campaign_id', 'village_id'),
    )
    op.create_table(
        'counter_village_items',
        sa.Column('campaign_id', sa.Integer(), nullable=False),
        sa.Column('village_id', sa.Integer(), nullable=False),
        sa.Column('item_id', sa.String(length=32), nullable=False),
        sa.Column('satisfied', sa.Integer(), nullable=False),
        sa.Column('valid', sa.Integer(), nullable=False),
        sa.Column('no_opinion', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], ),
        sa.ForeignKeyConstraint(['village_id'], ['units.id'], ),
        sa.PrimaryKeyConstraint('campaign_id', 'village_id', 'item_id'),
    )
    with op.batch_alter_table('campaign_communes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('registered_at', sa.DateTime(), nullable=True))
    with op.batch_alter_table('household_codes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('village_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key('fk_household_codes_village_id_units', 'units', ['village_id'], ['id'])
        batch_op.create_index('ix_household_codes_campaign_village', ['campaign_id', 'village_id'],
                              unique=False)
    with op.batch_alter_table('responses', schema=None) as batch_op:
        batch_op.add_column(sa.Column('village_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key('fk_responses_village_id_units', 'units', ['village_id'], ['id'])
    op.execute(
        "UPDATE campaign_communes SET registered_at = ("
        " SELECT min(household_codes.created_at) FROM household_codes"
        " WHERE household_codes.campaign_id = campaign_communes.campaign_id"
        " AND household_codes.commune_id = campaign_communes.unit_id)"
    )


def downgrade():
    with op.batch_alter_table('responses', schema=None) as batch_op:
        batch_op.drop_constraint('fk_responses_village_id_units', type_='foreignkey')
        batch_op.drop_column('village_id')
    with op.batch_alter_table('household_codes', schema=None) as batch_op:
        batch_op.drop_index('ix_household_codes_campaign_village')
        batch_op.drop_constraint('fk_household_codes_village_id_units', type_='foreignkey')
        batch_op.drop_column('village_id')
    with op.batch_alter_table('campaign_communes', schema=None) as batch_op:
        batch_op.drop_column('registered_at')
    op.drop_table('counter_village_items')
    op.drop_table('counter_villages')
    with op.batch_alter_table('campaign_villages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_campaign_villages_village_id'))
    op.drop_table('campaign_villages')
