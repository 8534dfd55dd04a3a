"""Pages anyone may open without an account: a commune's published results."""

from __future__ import annotations

from flask import Blueprint, render_template

from ...i18n import fmt_date, to_vietnam_time
from ...services.exports.labels import percent, verdict_label
from ...services.reports.posting import public_posting
from ...services.reports.published import published_results

bp = Blueprint("results", __name__)


@bp.get("/results/<campaign_key>/<commune_code>")
def page(campaign_key: str, commune_code: str) -> str:
    """A commune's results, shown once the commune's report is accepted (a 404 page before)."""
    published = published_results(campaign_key[:64], commune_code[:16])
    accepted_on = fmt_date(to_vietnam_time(published.accepted_at).date()) if published.accepted_at else None
    posted = public_posting(campaign_key[:64], commune_code[:16])
    return render_template("public/results.html", results=published, accepted_on=accepted_on,
                           percent=percent, verdict_label=verdict_label,
                           posted=tuple(fmt_date(day) for day in posted) if posted else None)
