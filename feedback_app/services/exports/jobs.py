"""Export files prepared by the RQ worker (when REDIS_URL is set), for the committee pages.

A CSV or XLSX export of a large unit takes seconds to compute and write; with Redis the page queues
it and answers at once, the worker builds the file with services.exports (the same figures and
bytes as the in-request download) and Redis keeps it for `EXPORT_TTL` seconds. Only the account
that asked may fetch it, and only while the unit is still in its scope (checked when it asks, in
the worker, and again at each look).

Nothing is written to the database, so the job is queued at once rather than after the commit
(services.effects): the page that follows must find it. Without Redis, `start_export` returns None
and the caller serves the export in the request as before.
"""

from __future__ import annotations

import logging
import re
import uuid
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

from flask import current_app

from ...adapters.queue import job_app_context
from ...domain.access import Principal
from ...extensions import db
from ...models import Account
from ..accounts.users import active_account, principal_of
from ..errors import Refused
from ..remarks.listing import remarks_scope
from . import Source, render, report_source, results_source
from .responses import ResponseExport, response_chunks

log = logging.getLogger(__name__)
# Files; the print page (html) stays a page served in the request.
QUEUED_FORMATS = ("csv", "xlsx", "docx", "pdf")
JOB_ID = re.compile(r"[0-9a-f]{32}")  # the whole id: fullmatch


@dataclass(frozen=True)
class ExportRequest:
    """What to export: `kind` is results (as of now, with `depth` levels below), report, or
    responses (every response of the unit and below, one row each: csv or xlsx)."""

    kind: str
    campaign_key: str
    unit_code: str
    fmt: str
    depth: int = 1
    lang: str = "vi"


@dataclass(frozen=True)
class ExportJob:
    """A queued export as its owner sees it: `state` is queued, done or failed."""

    job_id: str
    state: str
    filename: str
    request: ExportRequest
    ttl: int


def response_export(actor: Principal, request: ExportRequest) -> ResponseExport:
    """The per-response export, after checking that the actor may read the unit's responses (a
    committee in scope: Refused 403/404 otherwise)."""
    return ResponseExport(remarks_scope(actor, request.campaign_key, request.unit_code),
                          request.lang)


def export_filename(actor: Principal, request: ExportRequest) -> str:
    """The file's name without its extension, after the same checks as the export itself."""
    if request.kind == "responses":
        return response_export(actor, request).filename
    return export_source(actor, request).filename


def export_bytes(actor: Principal, request: ExportRequest) -> bytes:
    """The whole file (for the worker), built as the export served in the request is."""
    if request.kind == "responses":
        return b"".join(response_chunks(response_export(actor, request), request.fmt))
    return b"".join(render(export_source(actor, request), request.fmt, request.lang))


def export_source(actor: Principal, request: ExportRequest) -> Source:
    """The export's source, after checking that the actor may see it (Refused 403/404 otherwise)."""
    if request.kind == "report":
        return report_source(actor, request.campaign_key, request.unit_code)
    return results_source(actor, request.campaign_key, request.unit_code, request.depth)


def _store() -> Any:
    return current_app.extensions.get("export_store")


def queues_exports(fmt: str) -> bool:
    """Whether an export in this format goes through the worker (Redis configured, a file format)."""
    return _store() is not None and fmt in QUEUED_FORMATS


def start_export(account: Account, request: ExportRequest) -> str | None:
    """Check the account's scope now, then queue the export; its job id, or None when the export
    is to be built in the request (no Redis, the print page, Redis unreachable right now, or no
    worker running to build it)."""
    filename = export_filename(principal_of(account), request)
    store = _store()
    if store is None or request.fmt not in QUEUED_FORMATS:
        return None
    job_id = uuid.uuid4().hex
    record = {**{k: str(v) for k, v in asdict(request).items()}, "owner": str(account.id),
              "filename": f"{filename}.{request.fmt}", "state": "queued",
              "queued_at": datetime.now(UTC).isoformat(timespec="seconds")}
    try:
        if not store.has_worker():
            # Nothing would ever build it: the member would wait on a page that never finishes.
            log.warning("no worker listens to the export queue (flask --app wsgi worker); "
                        "export built in the request")
            return None
        store.submit(build_export, job_id, record,
                     description=f"export {request.kind} {request.campaign_key}/{request.unit_code}"
                                 f".{request.fmt}")
    except Exception:  # Redis away: the member still gets the file, from this request
        log.warning("export queue unreachable; export built in the request", exc_info=True)
        return None
    return job_id


def _request_of(record: dict[str, str]) -> ExportRequest:
    return ExportRequest(record["kind"], record["campaign_key"], record["unit_code"], record["fmt"],
                         int(record["depth"]), record["lang"])


def export_job(account: Account, job_id: str) -> ExportJob:
    """The account's export job. Refused 404 when it is unknown, expired or someone else's (never
    telling which), 403 when the unit has left the account's scope meanwhile."""
    store = _store()
    record = store.record(job_id) if store is not None and JOB_ID.fullmatch(job_id) else None
    if record is None or record.get("owner") != str(account.id):
        raise Refused("export_unknown", status=404)
    request = _request_of(record)
    export_filename(principal_of(account), request)  # still in the account's scope
    state = record["state"]
    if state == "queued" and store.runner_lost(job_id):
        # The worker died or gave up without a word; read again in case it finished just now.
        state = (store.record(job_id) or {}).get("state", "failed")
        if state == "queued":
            state = "failed"
            store.update(job_id, state="failed", reason="lost")
    return ExportJob(job_id, state, record["filename"], request, ttl=store.ttl)


def export_file(account: Account, job_id: str) -> tuple[ExportJob, bytes | None]:
    """The job and, once it is done, the file (None while it is queued or when it failed)."""
    job = export_job(account, job_id)
    if job.state != "done":
        return job, None
    data = _store().file(job_id)
    if data is None:  # expired between the two reads
        raise Refused("export_unknown", status=404)
    return job, data


def build_export(job_id: str) -> None:
    """The queued job: build the file as the account that asked (its scope checked again) and keep
    it in Redis. A refusal or an error marks the job failed; errors are raised again for RQ's log."""
    with job_app_context():
        store = _store()
        record = store.record(job_id)
        if record is None:  # expired before a worker got to it
            return
        try:
            account = active_account(int(record["owner"]))
            if account is None:
                raise Refused("out_of_scope", status=403)
            request = _request_of(record)
            data = export_bytes(principal_of(account), request)
            store.put_file(job_id, data)
            store.update(job_id, state="done")
        except Refused as refused:
            store.update(job_id, state="failed", reason=refused.reason)
            log.info("export %s refused: %s", job_id, refused.reason)
        except Exception:
            store.update(job_id, state="failed", reason="error")
            raise
        finally:
            db.session.rollback()
