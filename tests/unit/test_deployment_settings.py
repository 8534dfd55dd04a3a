"""Production is chosen with FEEDBACK_ENV=production: it needs a SECRET_KEY and secure cookies."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from feedback_app.config import PROJECT_ROOT, load_config
from feedback_app.deployment import ConfigError

GOOD_SECRET = "4f1d0c8a9b7e6d5c4b3a29180716f5e4d3c2b1a09f8e7d6c"


@pytest.fixture
def env(monkeypatch):
    for name in ("FEEDBACK_ENV", "SECRET_KEY", "TRUSTED_PROXIES", "REDIS_URL", "RATELIMIT_SUBMIT",
                 "RATELIMIT_CODE_FAILURES", "RATELIMIT_STORAGE_URI"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_production_refuses_to_start_without_a_secret_key(env, tmp_path):
    env.setenv("FEEDBACK_ENV", "production")
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        load_config(tmp_path)
    assert not (tmp_path / "secret_key").exists()  # nothing generated behind the operator's back


def test_production_refuses_a_short_secret_key(env, tmp_path):
    env.setenv("FEEDBACK_ENV", "production")
    env.setenv("SECRET_KEY", "changeme")
    with pytest.raises(ConfigError, match="at least 32"):
        load_config(tmp_path)


def test_production_sends_cookies_over_https_only(env, tmp_path):
    env.setenv("FEEDBACK_ENV", "production")
    env.setenv("SECRET_KEY", GOOD_SECRET)
    config = load_config(tmp_path)
    assert config["SECRET_KEY"] == GOOD_SECRET
    assert config["SESSION_COOKIE_SECURE"] is True
    assert config["SESSION_COOKIE_HTTPONLY"] is True
    assert config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_development_keeps_a_generated_secret_across_restarts(env, tmp_path):
    first = load_config(tmp_path)
    second = load_config(tmp_path)
    assert first["FEEDBACK_ENV"] == "development"
    assert len(first["SECRET_KEY"]) >= 32 and first["SECRET_KEY"] == second["SECRET_KEY"]
    assert not first.get("SESSION_COOKIE_SECURE")


def test_rate_limit_storage_is_redis_when_redis_url_is_set(env, tmp_path):
    assert load_config(tmp_path)["RATELIMIT_STORAGE_URI"] == "swept-memory://"
    env.setenv("REDIS_URL", "redis://127.0.0.1:6379/3")
    assert load_config(tmp_path)["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:6379/3"


@pytest.mark.parametrize(
    ("name", "value", "problem"),
    [
        ("FEEDBACK_ENV", "prod", "FEEDBACK_ENV must be one of"),
        ("TRUSTED_PROXIES", "yes", "TRUSTED_PROXIES must be a whole number"),
        ("RATELIMIT_SUBMIT", "lots", "is not a rate limit"),
    ],
)
def test_a_setting_that_cannot_work_is_refused_with_its_name(env, tmp_path, name, value, problem):
    env.setenv(name, value)
    with pytest.raises(ConfigError, match=problem):
        load_config(tmp_path)


def test_the_wsgi_entry_point_stops_with_a_clear_message(tmp_path):
    environ = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DATABASE_URL")}
    environ.update(FEEDBACK_ENV="production", DATABASE_URL=f"sqlite:///{tmp_path / 'x.sqlite'}")
    result = subprocess.run(
        [sys.executable, "-c", "import wsgi"], cwd=PROJECT_ROOT, env=environ,
        capture_output=True, text=True, timeout=60,
    )
    assert result.returncode != 0
    assert "FEEDBACK_ENV=production needs SECRET_KEY" in result.stderr
