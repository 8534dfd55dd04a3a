"""Committee downloads: /committee/campaigns/<key>/units/<code>/export/<kind>.<fmt> (a unit's
results as of now, or its report, as CSV, XLSX, the printable page, or Word or PDF; or every
response, one row each, as CSV or XLSX), and, with REDIS_URL, the
page that waits for a file the worker prepares (/committee/exports/<job>) and its download.

CSV is streamed chunk by chunk from the service's generator, so a large export starts at once and
never waits for the whole file; XLSX and the print page are small and sent whole. A file prepared
by the worker is sent whole from Redis, with the same headers. The waiting page refreshes itself
(<meta http-equiv="refresh">: no script, which the CSP would refuse inline) until the file is
ready, then starts the download. Who may download what is decided by services.exports: only in
the account's scope, and a prepared file only for the account that asked.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, g, redirect, render_template, request, stream_with_context, url_for
from flask_babel import gettext
from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate
from werkzeug.wrappers import Response

from ...i18n import language
from ...services.errors import Refused
from ...services.exports import FORMATS, MEDIA_TYPES, Source, render
from ...services.exports.jobs import (
    ExportJob,
    ExportRequest,
    export_file,
    export_job,
    export_source,
    queues_exports,
    response_export,
    start_export,
)
from ...services.exports.responses import RESPONSE_FORMATS, response_chunks
from ...services.indices.index import MAX_DEPTH
from .auth import login_required

bp = Blueprint("committee_exports", __name__, url_prefix="/committee")
REFRESH_SECONDS = 2


class ExportArgs(Schema):
    class Meta:
        unknown = EXCLUDE

    depth = fields.Integer(load_default=1, validate=validate.Range(min=0, max=MAX_DEPTH))


@bp.get("/campaigns/<key>/units/<code>/export/<kind>.<fmt>")
@login_required()
def export(key: str, code: str, kind: str, fmt: str) -> Response:
    """A download of the unit's results as of now (`results`, with `depth` levels of units below
    it) or of its report (`report`): CSV (streamed), XLSX, the printable page (`html`), or the
    filed document (`docx`, `pdf`). With
    Redis, CSV and XLSX are prepared by the worker: the member is sent to the page that waits."""
    if kind == "responses":
        return _responses(key, code, fmt)
    if fmt not in FORMATS or kind not in ("results", "report"):
        abort(404)
    depth = 1
    if kind == "results":
        try:
            depth = ExportArgs().load(request.args)["depth"]
        except ValidationError:
            raise Refused("depth_invalid", status=400, depth=request.args.get("depth"),
                          maximum=MAX_DEPTH) from None
    wanted = ExportRequest(kind, key, code, fmt, depth, language())
    if queues_exports(fmt):
        job_id = start_export(g.account, wanted)
        if job_id is not None:
            return redirect(url_for(".status", job_id=job_id), 303)
    return export_response(export_source(g.principal, wanted), fmt, language())


def _responses(key: str, code: str, fmt: str) -> Response:
    """Every response of the unit and below, one row each (CSV streamed, or XLSX); with Redis,
    prepared by the worker like the other files."""
    if fmt not in RESPONSE_FORMATS:
        abort(404)
    wanted = ExportRequest("responses", key, code, fmt, 1, language())
    if queues_exports(fmt):
        job_id = start_export(g.account, wanted)
        if job_id is not None:
            return redirect(url_for(".status", job_id=job_id), 303)
    export = response_export(g.principal, wanted)
    headers = _headers(fmt, f"{export.filename}.{fmt}")
    return Response(stream_with_context(response_chunks(export, fmt)),
                    content_type=MEDIA_TYPES[fmt], headers=headers)


def response_links(key: str, code: str) -> list[tuple[str, str]]:
    """The download links of every response of a unit, one row each."""
    return [(label, url_for("committee_exports.export", key=key, code=code, kind="responses",
                            fmt=fmt)) for fmt, label in (("csv", "CSV"), ("xlsx", "XLSX"))]


def export_links(key: str, code: str, kind: str) -> list[tuple[str, str]]:
    """The download links of a unit's results or report; a report also as the document a Front
    office files (Word and PDF)."""
    formats = [("csv", "CSV"), ("xlsx", "XLSX"), ("html", gettext("Print"))]
    if kind == "report":
        formats += [("docx", "Word (DOCX)"), ("pdf", "PDF")]
    return [(label, url_for("committee_exports.export", key=key, code=code, kind=kind, fmt=fmt))
            for fmt, label in formats]


@bp.app_context_processor
def _helpers() -> dict[str, Any]:
    return {"export_links": export_links, "response_links": response_links}


@bp.get("/exports/<job_id>")
@login_required()
def status(job_id: str) -> tuple[str, int]:
    return _page(export_job(g.account, job_id))


@bp.get("/exports/<job_id>/download")
@login_required()
def download(job_id: str) -> Response | tuple[str, int]:
    job, data = export_file(g.account, job_id)
    if data is not None:
        return file_response(data, job.request.fmt, job.filename)
    if job.state == "failed":
        return _page(job)
    return redirect(url_for(".status", job_id=job_id), 303)


def _again_url(job: ExportJob) -> str:
    """The link that asks for the same export again."""
    wanted = job.request
    depth: dict[str, Any] = {}
    if wanted.kind == "results" and wanted.depth != 1:
        depth["depth"] = wanted.depth
    return url_for(".export", key=wanted.campaign_key, code=wanted.unit_code,
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


def _headers(fmt: str, filename: str) -> dict[str, str]:
    return {} if fmt == "html" else {"Content-Disposition": f'attachment; filename="{filename}"'}


def file_response(data: bytes, fmt: str, filename: str) -> Response:
    """A prepared export file (`filename` with its extension)."""
    return Response(data, content_type=MEDIA_TYPES[fmt], headers=_headers(fmt, filename))


def export_response(source: Source, fmt: str, lang: str = "vi") -> Response:
    chunks = render(source, fmt, lang)
    headers = _headers(fmt, f"{source.filename}.{fmt}")
    if fmt == "csv":
        return Response(stream_with_context(chunks), content_type=MEDIA_TYPES[fmt], headers=headers)
    return Response(b"".join(chunks), content_type=MEDIA_TYPES[fmt], headers=headers)
