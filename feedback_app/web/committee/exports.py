"""The page that waits for an export prepared by the worker, and its download (with REDIS_URL).

The waiting page refreshes itself (<meta http-equiv="refresh">: no script, which the CSP would
refuse inline) until the file is ready, then starts the download. Who may look is decided by
services.exports.jobs: only the account that asked, and only while the unit is in its scope.
"""

from __future__ import annotations

from flask import Blueprint, g, redirect, render_template, url_for
from werkzeug.wrappers import Response

from ...services.exports.jobs import ExportJob, export_file, export_job
from .auth import login_required
from .downloads import file_response

bp = Blueprint("committee_exports", __name__, url_prefix="/committee/exports")
REFRESH_SECONDS = 2


def _again_url(job: ExportJob) -> str:
    """The link that asks for the same export again."""
    wanted = job.request
    depth = {"depth": wanted.depth} if wanted.kind == "results" and wanted.depth != 1 else {}
    return url_for("committee_reports.export", key=wanted.campaign_key, code=wanted.unit_code,
                   kind=wanted.kind, fmt=wanted.fmt, **depth)


def _page(job: ExportJob) -> tuple[str, int]:
    """Waiting (200, refreshes itself), ready (200, starts the download) or failed (409)."""
    page = render_template(
        "committee/export_job.html", job=job, refresh=REFRESH_SECONDS, again_url=_again_url(job),
        status_url=url_for(".status", job_id=job.job_id),
        download_url=url_for(".download", job_id=job.job_id),
        unit_url=url_for("dashboard.unit_dashboard", key=job.request.campaign_key,
                         code=job.request.unit_code),
        minutes=max(job.ttl // 60, 1))
    return page, 409 if job.state == "failed" else 200


@bp.get("/<job_id>")
@login_required()
def status(job_id: str) -> tuple[str, int]:
    return _page(export_job(g.account, job_id))


@bp.get("/<job_id>/download")
@login_required()
def download(job_id: str) -> Response | tuple[str, int]:
    job, data = export_file(g.account, job_id)
    if data is not None:
        return file_response(data, job.request.fmt, job.filename)
    if job.state == "failed":
        return _page(job)
    return redirect(url_for(".status", job_id=job_id), 303)
