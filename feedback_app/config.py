"""Settings, read from the environment once when the app is created."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

from . import deployment
from .clock import VIETNAM_TZ_NAME
from .domain.sms.sending import SendWindow

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def normalise_database_url(url: str) -> str:
    """Use the psycopg 3 driver for bare PostgreSQL URLs (postgres://, postgresql://)."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _persistent_dev_secret(instance_path: Path) -> str:
    """A development secret kept under instance/ so sessions survive restarts of `make run`."""
    instance_path.mkdir(parents=True, exist_ok=True)
    path = instance_path / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def load_config(instance_path: Path, overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """Build the configuration mapping from the environment, then apply explicit overrides."""
    env = os.environ
    overrides = dict(overrides or {})
    database_url = overrides.pop("DATABASE_URL", None) or env.get("DATABASE_URL")
    if not database_url:
        instance_path.mkdir(parents=True, exist_ok=True)
        database_url = f"sqlite:///{instance_path / 'feedback_app.sqlite'}"
    config: dict[str, Any] = {
        "SQLALCHEMY_DATABASE_URI": normalise_database_url(database_url),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "PUBLIC_BASE_URL": env.get("PUBLIC_BASE_URL", "http://127.0.0.1:5000").rstrip("/"),
        "REDIS_URL": env.get("REDIS_URL") or None,
        "SURVEYS_DIR": env.get("SURVEYS_DIR", str(PROJECT_ROOT / "surveys")),
        "BABEL_DEFAULT_LOCALE": "vi",
        "BABEL_DEFAULT_TIMEZONE": VIETNAM_TZ_NAME,
        "BABEL_TRANSLATION_DIRECTORIES": str(PROJECT_ROOT / "translations"),
        "LANGUAGES": ("vi", "en"),
        "COMMENT_MAX_LENGTH": 1000,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "PERMANENT_SESSION_LIFETIME": 12 * 3600,  # committee sessions
        "WTF_CSRF_TIME_LIMIT": None,
        "MAX_CONTENT_LENGTH": 256 * 1024,
        # The limits of the plausibility flags (domain.plausibility.Settings; a campaign sets its own).
        "FLAG_SETTINGS": {},
        # The most responses a page reads to compute the flags kept for it that are no longer
        # current; beyond it the worker computes them and the page shows the last ones "as of".
        "FLAGS_INLINE_RESPONSES": int(env.get("FLAGS_INLINE_RESPONSES", "10000")),
    }
    config.update(deployment.deployment_settings(env))
    config.update(_sms_settings(env))
    config.update(_export_settings(env))
    config.update(_sso_settings(env))
    secret = overrides.pop("SECRET_KEY", None) or env.get("SECRET_KEY")
    deployment.check_secret(overrides.get("FEEDBACK_ENV", config["FEEDBACK_ENV"]), secret)
    config["SECRET_KEY"] = secret or _persistent_dev_secret(instance_path)
    config["SECRET_KEY_FROM_ENV"] = bool(secret)
    config.update(overrides)
    # Committee session cookies travel only over HTTPS when the site is served over HTTPS.
    config.setdefault("SESSION_COOKIE_SECURE", config["PUBLIC_BASE_URL"].startswith("https://"))
    deployment.finish(config)
    return config


def _send_window(text: str) -> str:
    try:
        SendWindow.parse(text)
    except ValueError as exc:
        raise RuntimeError(f"SMS_SEND_WINDOW: {exc}") from None
    return text


def _sms_settings(env: os._Environ[str] | dict[str, str]) -> dict[str, Any]:
    """The SMS channel: provider (twilio | kannel | console | fake), Twilio and Kannel credentials,
    invitations queue.

    SMS_NUMBER_KEY keys the HMAC under which phone numbers are stored; when it is not set it is
    derived from SECRET_KEY (so changing SECRET_KEY then forgets every opt-out: set it explicitly
    in production and keep it).
    """
    return {
        "SMS_BACKEND": env.get("SMS_BACKEND", "console"),
        "TWILIO_ACCOUNT_SID": env.get("TWILIO_ACCOUNT_SID") or None,
        "TWILIO_AUTH_TOKEN": env.get("TWILIO_AUTH_TOKEN") or None,
        "TWILIO_FROM": env.get("TWILIO_FROM") or None,
        # Invitations from a registered brand name: an alphanumeric sender ID, or a Messaging
        # Service (whose sender pool holds it); replies to households still go back in TwiML.
        "TWILIO_SENDER_ID": env.get("TWILIO_SENDER_ID") or None,
        "TWILIO_MESSAGING_SERVICE_SID": env.get("TWILIO_MESSAGING_SERVICE_SID") or None,
        # The brand name the carriers registered, first in every invitation (their template).
        "SMS_BRAND_NAME": env.get("SMS_BRAND_NAME") or None,
        # Decree 91/2020/ND-CP: invitations only in this daily window of Vietnam time ('' or
        # 'always': none), and at most this many per number in 24 hours (0: no limit).
        "SMS_SEND_WINDOW": _send_window(env.get("SMS_SEND_WINDOW", "07:00-22:00")),
        "SMS_MAX_PER_NUMBER": int(env.get("SMS_MAX_PER_NUMBER", "3")),
        # Law 91/2025/QH15: days after a campaign closes at which its SMS rows are deleted (a
        # campaign may set its own), and after which other SMS rows are.
        "SMS_RETENTION_DAYS": int(env.get("SMS_RETENTION_DAYS", "90")),
        # Kannel (SMS_BACKEND=kannel, docs/kannel.md): a short code on an SMPP link. Its smsbox
        # sends inbound messages to /sms/kannel with KANNEL_MO_SECRET as the Basic-auth password,
        # from an address in KANNEL_ALLOWED_ADDRESSES; replies go out through its sendsms interface.
        "KANNEL_SENDSMS_URL": env.get("KANNEL_SENDSMS_URL") or None,
        "KANNEL_USERNAME": env.get("KANNEL_USERNAME") or None,
        "KANNEL_PASSWORD": env.get("KANNEL_PASSWORD") or None,
        "KANNEL_FROM": env.get("KANNEL_FROM") or None,
        "KANNEL_MO_SECRET": env.get("KANNEL_MO_SECRET") or None,
        "KANNEL_ALLOWED_ADDRESSES": env.get("KANNEL_ALLOWED_ADDRESSES", "127.0.0.1/32, ::1/128"),
        # Which delivery reports Kannel sends back (its dlr-mask bits): 1 delivered to the phone,
        # 2 not delivered to the phone, 16 refused by the carrier's SMSC.
        "KANNEL_DLR_MASK": int(env.get("KANNEL_DLR_MASK", "19")),
        "SMS_NUMBER_KEY": env.get("SMS_NUMBER_KEY") or None,
        "SMS_QUEUE": env.get("SMS_QUEUE", "feedback_app-sms"),
        "SMS_INVITE_RATE": float(env.get("SMS_INVITE_RATE", "1")),
        "SMS_SEND_ATTEMPTS": int(env.get("SMS_SEND_ATTEMPTS", "5")),
        "SMS_RETRY_BASE_SECONDS": float(env.get("SMS_RETRY_BASE_SECONDS", "2")),
        # Replies sent after the request (Kannel): tries while the gateway is unreachable, waiting
        # base, 2 x base, 4 x base... between them (9 tries at 2 s: about 8.5 minutes in all).
        "SMS_REPLY_ATTEMPTS": int(env.get("SMS_REPLY_ATTEMPTS", "9")),
        # How long `sms invite` keeps trying to queue its messages while Redis is unreachable.
        "SMS_ENQUEUE_PATIENCE": float(env.get("SMS_ENQUEUE_PATIENCE", "900")),
    }


def _sso_settings(env: os._Environ[str] | dict[str, str]) -> dict[str, Any]:
    """Single sign-on through an OpenID Connect provider (the Front's "Mặt trận số", for one):
    off unless OIDC_ISSUER is set. OIDC_USERNAME_CLAIM, when set, maps a provider's user to the
    account whose username equals that claim (only a claim the provider controls, never one its
    users choose); without it an administrator maps each user by hand on the account's page."""
    return {
        "OIDC_ISSUER": env.get("OIDC_ISSUER", "").strip().rstrip("/"),
        "OIDC_CLIENT_ID": env.get("OIDC_CLIENT_ID", "").strip(),
        "OIDC_CLIENT_SECRET": env.get("OIDC_CLIENT_SECRET", ""),
        "OIDC_USERNAME_CLAIM": env.get("OIDC_USERNAME_CLAIM", "").strip(),
    }


def _export_settings(env: os._Environ[str] | dict[str, str]) -> dict[str, Any]:
    """Exports prepared by the RQ worker (with REDIS_URL): their queue, and how long Redis keeps a
    finished file (and the record of a job) for its download."""
    return {
        "EXPORT_QUEUE": env.get("EXPORT_QUEUE", "feedback_app-exports"),
        "EXPORT_TTL": int(env.get("EXPORT_TTL", "3600")),
    }
