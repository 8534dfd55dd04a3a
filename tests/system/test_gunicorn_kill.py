"""kill -9 of gunicorn workers under load: every submission that got a success answer is in the
database, complete; nothing half-stored from the requests that were cut.

Runs only when TEST_DATABASE_URL is PostgreSQL (the production path); gunicorn listens on
127.0.0.1 and the whole test takes about 15 seconds.
"""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import urlencode

import pytest
from sqlalchemy import func, select

from feedback_app.config import PROJECT_ROOT
from feedback_app.extensions import db
from feedback_app.models import Answer, Response
from feedback_app.services.surveys import survey_of

from ..skips import postgresql_only
from ..support import codes_of

DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "")

pytestmark = pytest.mark.gunicorn

CLIENTS = 8
LOAD_SECONDS = 8.0
KILLS_AT = (2.0, 4.0, 6.0)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _workers(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children")
    return [int(pid) for pid in children.read_text().split()] if children.exists() else []


def _start_gunicorn(port: int, access_log: Path) -> subprocess.Popen:
    env = dict(os.environ, DATABASE_URL=DATABASE_URL, SECRET_KEY="k" * 64,
               FEEDBACK_ENV="production", RATELIMIT_ENABLED="false",
               GUNICORN_BIND=f"127.0.0.1:{port}", GUNICORN_WORKERS="3",
               GUNICORN_ACCESS_LOG=str(access_log))
    env.pop("REDIS_URL", None)
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "wsgi:app"],
        cwd=PROJECT_ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        try:
            conn.request("GET", "/")
            if conn.getresponse().status == 200 and len(_workers(server.pid)) == 3:
                return server
        except OSError:
            time.sleep(0.2)
        finally:
            conn.close()  # warnings are errors: no socket left for the collector to find
    server.kill()
    _, stderr = server.communicate()
    pytest.fail("gunicorn did not start: " + stderr.decode()[-2000:])


class Load:
    """Clients that each answer with their own household codes, one after another."""

    def __init__(self, port: int, codes: list[str], items: tuple[str, ...]) -> None:
        self.port, self.items = port, items
        self.codes = iter(codes)
        self.lock = threading.Lock()
        self.succeeded: list[str] = []  # rids that got the 303 to the thank-you page
        self.cut = 0  # requests that got no answer (their worker was killed)
        self.other: list[int] = []
        self.stop = threading.Event()

    def next_code(self) -> str | None:
        with self.lock:
            return next(self.codes, None)

    def client(self) -> None:
        while not self.stop.is_set() and (code := self.next_code()) is not None:
            rid = str(uuid.uuid4())
            body = urlencode({"rid": rid, **{f"q_{i}": "1" for i in self.items}})
            page = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
            post = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
            try:
                page.request("GET", f"/h/{code}?lang=en")
                page.getresponse().read()
                post.request("POST", f"/h/{code}", body=body,
                             headers={"Content-Type": "application/x-www-form-urlencoded"})
                reply = post.getresponse()
                reply.read()
            except (OSError, http.client.HTTPException):
                with self.lock:
                    self.cut += 1
                continue
            finally:  # a worker killed mid-request leaves the socket open unless it is closed here
                page.close()
                post.close()
            with self.lock:
                if reply.status == 303 and reply.getheader("Location", "").endswith(rid):
                    self.succeeded.append(rid)
                else:
                    self.other.append(reply.status)


def test_kill_9_workers_under_load_loses_no_acknowledged_submission(make_campaign, tmp_path):
    postgresql_only("gunicorn is tested on PostgreSQL, the production path")
    campaign = make_campaign(codes=400)
    items = survey_of(campaign.survey_version).item_ids
    codes = codes_of(campaign)
    port = _free_port()
    access_log = tmp_path / "access.log"
    server = _start_gunicorn(port, access_log)
    load = Load(port, codes, items)
    threads = [threading.Thread(target=load.client) for _ in range(CLIENTS)]
    killed: list[int] = []
    try:
        started = time.monotonic()
        for t in threads:
            t.start()
        for at in KILLS_AT:
            time.sleep(max(0.0, started + at - time.monotonic()))
            victim = _workers(server.pid)[0]
            os.kill(victim, signal.SIGKILL)
            killed.append(victim)
        time.sleep(max(0.0, started + LOAD_SECONDS - time.monotonic()))
    finally:
        load.stop.set()
        for t in threads:
            t.join(timeout=15)
        server.send_signal(signal.SIGTERM)
        server.communicate(timeout=30)  # waits, and closes the stderr pipe

    print(f"kill -9 x{len(killed)}: {len(load.succeeded)} acknowledged, {load.cut} cut")
    assert len(killed) == len(KILLS_AT)
    assert len(load.succeeded) > 50, (load.succeeded, load.cut, load.other)
    assert load.other == []  # every answered request was a success

    db.session.remove()
    stored = set(db.session.scalars(select(Response.uuid)))
    missing = set(load.succeeded) - stored
    assert not missing, f"{len(missing)} acknowledged submissions are not in the database"
    # Every stored response is complete, including those whose reply was cut by a kill.
    sizes = db.session.execute(
        select(Answer.response_id, func.count()).group_by(Answer.response_id)).all()
    assert len(sizes) == len(stored) and {n for _, n in sizes} == {len(items)}

    log = access_log.read_text()
    # A worker killed right after replying may not have written its line.
    assert log.count('"POST /h/[redacted] HTTP/1.1" 303') >= len(load.succeeded) - len(killed)
    assert not any(code in log for code in codes) and "lang=en" not in log
