"""A real Kannel for the tests: bearerbox and smsbox from Debian's kannel package, configured from
deploy/kannel.conf, with kannel-extras' fake SMSC client (fakesmsc) playing the carrier.

The carrier side is fakesmsc in its interactive mode: each line written to its standard input is
an inbound message (MO) "sender receiver text ...", and each message Kannel sends to a phone (MT)
is logged by it as "Got message N: <sender receiver text ...>" (smsc_fake.c and fakesmsc.c).
"""

from __future__ import annotations

import os
import queue
import re
import secrets
import shutil
import socket
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote_plus

from feedback_app.config import PROJECT_ROOT

from ..skips import require_service

CONFIG_TEMPLATE = PROJECT_ROOT / "deploy" / "kannel.conf"
FAKESMSC = Path("/usr/lib/kannel/test/fakesmsc")
SHORT_CODE = "8079"
_GOT = re.compile(r"Got message \d+: <(\S+) (\S+) (text|data) (.*)>\s*$")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def wait_for_port(port: int, what: str, process: subprocess.Popen[bytes], log: Path,
                  seconds: float = 15) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        with socket.socket() as s:
            s.settimeout(0.5)
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    tail = log.read_text(errors="replace")[-3000:] if log.exists() else "(no log)"
    raise AssertionError(f"{what} did not listen on port {port}:\n{tail}")


def kannel_binaries() -> tuple[str, str]:
    """bearerbox and smsbox, or a skip saying how to install them (a failure with CI=true)."""
    found = []
    for name in ("bearerbox", "smsbox"):
        path = shutil.which(name, path=os.environ.get("PATH", "") + ":/usr/sbin:/usr/local/sbin")
        if path is None:
            require_service(f"Kannel's {name} is not installed (apt-get install kannel kannel-extras; "
                            "`make test` does it when it runs as root)")
        found.append(path)
    if not os.access(FAKESMSC, os.X_OK):
        require_service(f"Kannel's fake SMSC {FAKESMSC} is not installed (apt-get install kannel-extras)")
    return found[0], found[1]


@dataclass(frozen=True)
class Mt:
    """A message Kannel delivered to a phone."""

    sender: str
    receiver: str
    text: str


class Carrier:
    """fakesmsc connected to bearerbox's fake SMSC: sends MOs, collects the MTs it receives."""

    def __init__(self, port: int, log: Path, received: queue.Queue[Mt]) -> None:
        self._log = log.open("ab")
        self.process = subprocess.Popen([str(FAKESMSC), "-H", "127.0.0.1", "-r", str(port)],
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=subprocess.STDOUT)
        self.received = received
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for raw in self.process.stdout:
            self._log.write(raw)
            self._log.flush()
            match = _GOT.search(raw.decode("utf-8", "replace"))
            if match:
                sender, receiver, kind, text = match.groups()
                self.received.put(Mt(sender, receiver, unquote_plus(text) if kind == "data" else text))

    def send(self, sender: str, text: str) -> None:
        """One MO from `sender` to the short code. fakesmsc reads its input with fgets after a
        select(): write one line and wait for its effect before the next."""
        assert self.process.stdin is not None
        assert "\n" not in text
        self.process.stdin.write(f"{sender} {SHORT_CODE} text {text}\n".encode())
        self.process.stdin.flush()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()  # it aborts on end of input anyway
        self.process.wait(10)
        for stream in (self.process.stdin, self.process.stdout):
            if stream is not None:
                stream.close()
        self._reader.join(5)
        self._log.close()


class Kannel:
    """bearerbox + smsbox on free local ports, with a fake carrier; stop() and start() again
    (Kannel down for a moment) keep the configuration and the message store."""

    def __init__(self, directory: Path, app_port: int, mo_secret: str) -> None:
        self.bearerbox, self.smsbox = kannel_binaries()
        self.dir = directory
        self.ports = {name: free_port() for name in ("admin", "smsbox", "sendsms", "smsc")}
        self.username, self.password = "feedback_app", secrets.token_hex(12)
        self.config = directory / "kannel.conf"
        self.config.write_text(CONFIG_TEMPLATE.read_text().format(
            dir=directory, admin_port=self.ports["admin"], admin_password=secrets.token_hex(12),
            smsbox_port=self.ports["smsbox"], sendsms_port=self.ports["sendsms"],
            smsc_port=self.ports["smsc"], app_address="127.0.0.1", sendsms_user=self.username,
            sendsms_password=self.password, short_code=SHORT_CODE, log_level=1,
            mo_url=f"http://kannel:{mo_secret}@127.0.0.1:{app_port}",
        ))
        self.processes: list[subprocess.Popen[bytes]] = []
        self.carrier: Carrier | None = None
        self.delivered: queue.Queue[Mt] = queue.Queue()  # every MT, across restarts

    @property
    def sendsms_url(self) -> str:
        return f"http://127.0.0.1:{self.ports['sendsms']}/cgi-bin/sendsms"

    def _box(self, binary: str, name: str) -> subprocess.Popen[bytes]:
        out = (self.dir / f"{name}.out").open("ab")
        try:
            return subprocess.Popen([binary, str(self.config)], stdout=out, stderr=subprocess.STDOUT,
                                    cwd=self.dir)
        finally:
            out.close()

    def start(self) -> None:
        bearerbox = self._box(self.bearerbox, "bearerbox")
        self.processes.append(bearerbox)
        wait_for_port(self.ports["smsc"], "bearerbox's fake SMSC", bearerbox, self.dir / "bearerbox.log")
        wait_for_port(self.ports["smsbox"], "bearerbox", bearerbox, self.dir / "bearerbox.log")
        self.carrier = Carrier(self.ports["smsc"], self.dir / "fakesmsc.log", self.delivered)
        smsbox = self._box(self.smsbox, "smsbox")
        self.processes.append(smsbox)
        wait_for_port(self.ports["sendsms"], "smsbox", smsbox, self.dir / "smsbox.log")

    def stop(self) -> None:
        """Kannel down: smsbox, then bearerbox, then the carrier's connection."""
        for process in reversed(self.processes):
            if process.poll() is None:
                process.terminate()
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(5)
        self.processes.clear()
        if self.carrier is not None:
            self.carrier.stop()
            self.carrier = None

    def logs(self) -> str:
        parts = []
        for name in ("bearerbox.log", "smsbox.log", "fakesmsc.log", "bearerbox.out", "smsbox.out"):
            path = self.dir / name
            if path.exists():
                parts.append(f"--- {name}\n" + path.read_text(errors="replace")[-4000:])
        return "\n".join(parts)
