"""re-contact samples and their outcomes, and the posting periods of reports

A verifier's sample of a commune's used household codes (seed, sizes per village, the households
drawn), the outcome of each re-contact (appended; the last one per household is current), and the
posting periods (niêm yết) of a commune's results. All four tables are append-only; on PostgreSQL
a trigger also refuses any UPDATE or DELETE at the database.

Revision ID: 0022_recontact_posting
Revises: 0014_villages
Create Date: 2026-12-03 07:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0022_recontact_posting'
down_revision = '0019_campaign_scope'  # the head of main's chain (0017 is followed by 0013, 0014)
branch_labels = None
depends_on = None

TABLES = ("recontact_samples", "recontact_entries", "recontact_outcomes", "report_postings")


def _actor_columns() -> list[sa.Column]:
    return [
        sa.Column('actor_username', sa.String(length=64), nullable=False),
        sa.Column('actor_full_name', sa.String(length=120), nullable=False),
        sa.Column('actor_role', sa.String(length=16), nullable=False),
        sa.Column('actor_unit', sa.String(length=64), nullable=False),
        sa.Column('at', sa.DateTime(), nullable=False),
    ]


def upgrade():
    op.create_table(
        'recontact_samples',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('report_id', sa.Integer(), nullable=False),
        sa.Column('campaign_id', sa.Integer(), nullable=False),
        sa.Column('unit_id', sa.Integer(), nullable=False),
        sa.Column('seed', sa.BigInteger(), nullable=False),
        sa.Column('sizes', sa.Text(), nullable=False),
        sa.Column('population', sa.Integer(), nullable=False),
        *_actor_columns(),
        sa.ForeignKeyConstraint(['report_id'], ['reports.id'],
                                name=op.f('fk_recontact_samples_report_id_reports')),
        sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'],
                                name=op.f('fk_recontact_samples_campaign_id_campaigns')),
        sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_recontact_samples_unit_id_units')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_recontact_samples')),
        sa.UniqueConstraint('report_id', name=op.f('uq_recontact_samples_report_id')),
    )
    op.create_table(
        'recontact_entries',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('sample_id', sa.Integer(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('household_code_id', sa.Integer(), nullable=False),
        sa.Column('village_id', sa.Integer(), nullable=True),
        sa.Column('channel', sa.String(length=16), nullable=False),
        sa.Column('answered_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['sample_id'], ['recontact_samples.id'],
                                name=op.f('fk_recontact_entries_sample_id_recontact_samples')),
        sa.ForeignKeyConstraint(['household_code_id'], ['household_codes.id'],
                                name=op.f('fk_recontact_entries_household_code_id_household_codes')),
        sa.ForeignKeyConstraint(['village_id'], ['units.id'], name=op.f('fk_recontact_entries_village_id_units')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_recontact_entries')),
        sa.UniqueConstraint('sample_id', 'household_code_id',
                            name=op.f('uq_recontact_entries_sample_id_household_code_id')),
    )
    with op.batch_alter_table('recontact_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_recontact_entries_sample_id'), ['sample_id'], unique=False)
    op.create_table(
        'recontact_outcomes',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('entry_id', sa.Integer(), nullable=False),
        sa.Column('outcome', sa.String(length=16), nullable=False),
        sa.Column('note', sa.Text(), nullable=False),
        *_actor_columns(),
        sa.ForeignKeyConstraint(['entry_id'], ['recontact_entries.id'],
                                name=op.f('fk_recontact_outcomes_entry_id_recontact_entries')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_recontact_outcomes')),
    )
    with op.batch_alter_table('recontact_outcomes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_recontact_outcomes_entry_id'), ['entry_id'], unique=False)
    op.create_table(
        'report_postings',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('report_id', sa.Integer(), nullable=False),
        sa.Column('starts_on', sa.Date(), nullable=False),
        sa.Column('ends_on', sa.Date(), nullable=False),
        sa.Column('contact', sa.Text(), nullable=False),
        *_actor_columns(),
        sa.ForeignKeyConstraint(['report_id'], ['reports.id'], name=op.f('fk_report_postings_report_id_reports')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_report_postings')),
    )
    with op.batch_alter_table('report_postings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_postings_report_id'), ['report_id'], unique=False)

    if op.get_bind().dialect.name == "postgresql":
        op.execute(PG_FUNCTION)
        for table in TABLES:
            op.execute(f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                       "FOR EACH ROW EXECUTE FUNCTION verification_append_only()")


PG_FUNCTION = """
CREATE FUNCTION verification_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only (% refused)', TG_TABLE_NAME, TG_OP;
END $$;
"""


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        for table in TABLES:
            op.execute(f"DROP TRIGGER {table}_append_only ON {table}")
        op.execute("DROP FUNCTION verification_append_only()")
    with op.batch_alter_table('report_postings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_postings_report_id'))
    op.drop_table('report_postings')
    with op.batch_alter_table('recontact_outcomes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_recontact_outcomes_entry_id'))
    op.drop_table('recontact_outcomes')
    with op.batch_alter_table('recontact_entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_recontact_entries_sample_id'))
    op.drop_table('recontact_entries')
    op.drop_table('recontact_samples')
