"""In CI (CI=true) a skipped test fails the run; the one skip allowed there is a PostgreSQL-only
test's in the SQLite pass when the PostgreSQL pass follows (tests/skips.py)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from feedback_app.config import PROJECT_ROOT
from feedback_app.extensions import db

from .skips import PostgreSQLPassSkip, postgresql_only

SKIPPING_TESTS = '''
import pytest
from tests.skips import PostgreSQLPassSkip, require_module, require_service

def test_service_missing():
    require_service("no Redis at 127.0.0.1:1")

def test_module_missing():
    require_module("no_such_module_here")

def test_plain_skip():
    pytest.skip("a plain skip")

@pytest.mark.skipif(True, reason="a skipif mark")
def test_skipif():
    pass

def test_other_pass():
    raise PostgreSQLPassSkip("PostgreSQL only: the PostgreSQL pass of `make test` runs it")

@pytest.mark.xfail(reason="known")
def test_expected_failure():
    assert False
'''


def _run(tmp_path, ci: str | None) -> tuple[int, str]:  # type: ignore[no-untyped-def]
    (tmp_path / "pytest.ini").write_text("[pytest]\n")
    (tmp_path / "conftest.py").write_text("from tests.conftest import pytest_runtest_makereport\n")
    (tmp_path / "test_skipping.py").write_text(SKIPPING_TESTS)
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    env["PYTHONPATH"] = str(PROJECT_ROOT)
    if ci is not None:
        env["CI"] = ci
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-rA", "-p", "no:cacheprovider", str(tmp_path)],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120,
    )
    return result.returncode, result.stdout


def test_in_ci_every_skip_fails_but_the_postgresql_pass_one(tmp_path):
    status, output = _run(tmp_path, "true")
    # The skipif mark acts in the setup phase: pytest counts that failure as an error.
    assert status == 1 and "3 failed, 1 skipped, 1 xfailed, 1 error in" in output, output
    assert "CI=true and no Redis at 127.0.0.1:1: CI must run this test, not skip it" in output
    assert "CI=true and this test was skipped (a plain skip): CI must run it" in output
    assert "CI=true and this test was skipped (a skipif mark): CI must run it" in output


def test_outside_ci_they_are_skipped(tmp_path):
    status, output = _run(tmp_path, None)
    assert status == 0 and "5 skipped, 1 xfailed in" in output, output


def test_postgresql_only_tests_fail_in_ci_when_no_postgresql_pass_follows(app, monkeypatch):
    if db.engine.dialect.name == "postgresql":
        assert postgresql_only("this pass runs it") is None
        return
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(PostgreSQLPassSkip):
        postgresql_only("outside CI")
    monkeypatch.setenv("CI", "true")
    monkeypatch.setenv("TEST_POSTGRESQL_PASS_FOLLOWS", "1")
    with pytest.raises(PostgreSQLPassSkip):
        postgresql_only("the PostgreSQL pass follows")
    monkeypatch.delenv("TEST_POSTGRESQL_PASS_FOLLOWS")
    with pytest.raises(pytest.fail.Exception, match="no PostgreSQL pass runs this test"):
        postgresql_only("nothing follows")
