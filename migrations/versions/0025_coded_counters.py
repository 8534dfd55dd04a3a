"""coded counters: a commune's answers with a household code counted apart, and its comments

The dashboard shows the answers with a household code and those through the open link side by side
(services.indices.answer_kinds). It read them with a GROUP BY over every response and answer of
the unit, about 2 s for a province of a million responses on PostgreSQL at every page view; the
commune counters now keep them as responses arrive: how many responses carry a household code, and
their overall satisfied and valid counts (the open link's are the commune's totals minus these).
The dashboard's count of comments scanned them the same way; the counters keep it too
(`comments`: responses with a closing comment).

The new columns are filled here from the responses already stored, by the rule of each campaign's
survey version as stored with it (its `spec`): the answer to the item marked overall, or at least
half of a response's valid answers satisfied (domain.survey.Survey.overall_satisfied).

Revision ID: 0025_coded_counters
Revises: 0021_response_facts
Create Date: 2026-12-07 15:00:00

"""
import json

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0025_coded_counters'
down_revision = '0021_response_facts'
branch_labels = None
depends_on = None

COLUMNS = ('coded_respondents', 'coded_overall_satisfied', 'coded_overall_valid', 'comments')
SATISFIED = {'binary': (1,), 'likert5': (4, 5)}  # domain.survey.ScaleType.satisfied_values
NO_OPINION = 0


def upgrade():
    with op.batch_alter_table('counter_communes', schema=None) as batch_op:
        for name in COLUMNS:
            batch_op.add_column(sa.Column(name, sa.Integer(), server_default='0', nullable=False))
    connection = op.get_bind()
    campaigns = connection.execute(sa.text(
        "SELECT c.id, v.spec FROM campaigns c JOIN survey_versions v ON v.id = c.survey_version_id"))
    connection.execute(sa.text(
        "UPDATE counter_communes SET comments = (SELECT COUNT(*) FROM responses r "
        "WHERE r.campaign_id = counter_communes.campaign_id "
        "AND r.commune_id = counter_communes.commune_id AND r.comment IS NOT NULL AND r.comment <> '')"))
    for campaign_id, spec in campaigns.all():
        for commune_id, respondents, satisfied, valid in _coded(connection, campaign_id, spec):
            connection.execute(sa.text(
                "UPDATE counter_communes SET coded_respondents = :n, coded_overall_satisfied = :s, "
                "coded_overall_valid = :v WHERE campaign_id = :c AND commune_id = :m"),
                {"n": respondents, "s": satisfied, "v": valid, "c": campaign_id, "m": commune_id})


def _coded(connection, campaign_id, spec):
    """(commune, responses with a household code, overall satisfied, overall valid) of a campaign."""
    spec = spec if isinstance(spec, dict) else json.loads(spec)
    satisfied = ", ".join(str(v) for v in SATISFIED[spec['scale']['type']])
    per_response = (
        f"SELECT r.id AS id, r.commune_id AS commune_id, "
        f"SUM(CASE WHEN a.value IN ({satisfied}) THEN 1 ELSE 0 END) AS s, "
        f"SUM(CASE WHEN a.value <> {NO_OPINION} THEN 1 ELSE 0 END) AS v "
        "FROM responses r LEFT JOIN answers a ON a.response_id = r.id{judged} "
        "WHERE r.campaign_id = :c AND r.household_code_id IS NOT NULL GROUP BY r.id, r.commune_id"
    )
    params = {"c": campaign_id}
    if spec['overall_rule'] == 'overall_item':
        params["item"] = next(item['id'] for item in spec['items'] if item.get('overall'))
        per_response = per_response.format(judged=" AND a.item_id = :item")
        is_satisfied = "p.v > 0 AND p.s = p.v"  # the one judged answer is satisfied
    else:  # half_of_valid_items
        per_response = per_response.format(judged="")
        is_satisfied = "p.v > 0 AND 2 * p.s >= p.v"
    return connection.execute(sa.text(
        f"SELECT p.commune_id, COUNT(*), SUM(CASE WHEN {is_satisfied} THEN 1 ELSE 0 END), "
        f"SUM(CASE WHEN p.v > 0 THEN 1 ELSE 0 END) FROM ({per_response}) p GROUP BY p.commune_id"),
        params).all()


def downgrade():
    with op.batch_alter_table('counter_communes', schema=None) as batch_op:
        for name in reversed(COLUMNS):
            batch_op.drop_column(name)
