"""Deployment settings: which environment runs, the proxy in front, rate limits, the secret.

Production is selected with FEEDBACK_ENV=production. It refuses to start without a SECRET_KEY in
the environment and sends the session cookie over HTTPS only. Development (the default) keeps the
generated instance/secret_key, so `make run` needs no setup.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from typing import Any

from limits import parse_many

DEVELOPMENT = "development"
PRODUCTION = "production"
ENVIRONMENTS = (DEVELOPMENT, PRODUCTION)
MIN_SECRET_LENGTH = 32
MIN_KANNEL_SECRET_LENGTH = 16
KANNEL_REQUIRED = ("KANNEL_SENDSMS_URL", "KANNEL_USERNAME", "KANNEL_PASSWORD", "KANNEL_FROM",
                   "KANNEL_MO_SECRET")

# Per client address (an IPv6 client by its /64). The arithmetic behind the failed-lookup throttle
# is in docs/deployment.md ("Rate limits"). Each is a Flask-Limiter string: "N per period; M per period".
DEFAULT_LIMITS = {
    # POSTs of a resident form (household link or commune link).
    "RATELIMIT_SUBMIT": "20 per minute; 300 per hour",
    # Opening a household code: GET/HEAD /h/<code>, /h?code=, /qr/h/<code>.<fmt>.
    "RATELIMIT_CODE_LOOKUP": "60 per minute; 600 per hour",
    # Household codes that were mistyped or unknown (counted only when the lookup failed).
    "RATELIMIT_CODE_FAILURES": "10 per minute; 30 per hour; 100 per day",
    # Failed committee logins per address (wrong username or password; a success is not counted,
    # so colleagues behind one office address are not locked out by one person's typos).
    "RATELIMIT_LOGIN": "10 per minute; 50 per hour",
    # Failed logins per username, from any address: once used up, the account is locked (even the
    # right password is refused) until the window that blocks it ends.
    "RATELIMIT_LOGIN_ACCOUNT": "5 per 15 minutes; 20 per day",
    # Failed password changes (a wrong current password) and unknown or used reset links, per
    # address: the same guessing a login allows, no more.
    "RATELIMIT_PASSWORD": "10 per minute; 50 per hour",
    # Inbound SMS per sender number (not per address: every webhook comes from Twilio). A whole
    # survey is about 22 messages; this stops one phone (or an auto-responder loop) flooding it.
    "RATELIMIT_SMS": "30 per minute; 200 per hour; 500 per day",
}


class ConfigError(RuntimeError):
    """The configuration cannot run: the message says which setting to fix and how."""


def _flag(env: Mapping[str, str], name: str, default: bool) -> bool:
    value = env.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() not in ("0", "false", "no", "off")


def _count(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, not {raw!r}") from None
    if value < 0:
        raise ConfigError(f"{name} must not be negative")
    return value


def deployment_settings(env: Mapping[str, str]) -> dict[str, Any]:
    """Settings read from the environment; `finish()` completes them once overrides are applied."""
    name = env.get("FEEDBACK_ENV", DEVELOPMENT).strip().lower() or DEVELOPMENT
    settings: dict[str, Any] = {
        "FEEDBACK_ENV": name,
        # How many reverse proxies in front of the app set X-Forwarded-For/-Proto (0: none, trust
        # no such header).
        "TRUSTED_PROXIES": _count(env, "TRUSTED_PROXIES", 0),
        "HSTS_MAX_AGE": _count(env, "HSTS_MAX_AGE", 365 * 24 * 3600),
        "RATELIMIT_ENABLED": _flag(env, "RATELIMIT_ENABLED", True),
        "RATELIMIT_KEY_PREFIX": env.get("RATELIMIT_KEY_PREFIX", "feedback_app"),
        # When Redis is unreachable, count in each process's memory instead of failing requests.
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
        "RATELIMIT_SWALLOW_ERRORS": True,
        "RATELIMIT_HEADERS_ENABLED": False,
    }
    if env.get("RATELIMIT_STORAGE_URI"):
        settings["RATELIMIT_STORAGE_URI"] = env["RATELIMIT_STORAGE_URI"]
    for key, default in DEFAULT_LIMITS.items():
        settings[key] = env.get(key) or default
    return settings


def check_secret(environment: str, secret: str | None) -> None:
    """Production runs only with a long enough SECRET_KEY given by the operator."""
    if environment != PRODUCTION:
        return
    if not secret:
        raise ConfigError(
            "FEEDBACK_ENV=production needs SECRET_KEY in the environment (the production "
            "configuration never generates one). Create one with: "
            "python3 -c 'import secrets; print(secrets.token_hex(32))'"
        )
    if len(secret) < MIN_SECRET_LENGTH:
        raise ConfigError(f"SECRET_KEY must be at least {MIN_SECRET_LENGTH} characters long")


def finish(config: dict[str, Any]) -> None:
    """Derive what depends on the final settings; refuse settings that cannot work."""
    if config["FEEDBACK_ENV"] not in ENVIRONMENTS:
        raise ConfigError(f"FEEDBACK_ENV must be one of {', '.join(ENVIRONMENTS)}, "
                          f"not {config['FEEDBACK_ENV']!r}")
    if config["FEEDBACK_ENV"] == PRODUCTION:
        config["SESSION_COOKIE_SECURE"] = True
        config["PREFERRED_URL_SCHEME"] = "https"
    # Without Redis, each worker counts in its own memory (adapters/limits_storage.py).
    config.setdefault("RATELIMIT_STORAGE_URI", config.get("REDIS_URL") or "swept-memory://")
    for key in DEFAULT_LIMITS:
        try:
            parse_many(config[key])
        except ValueError:
            raise ConfigError(
                f"{key}={config[key]!r} is not a rate limit; "
                "write e.g. '10 per minute; 100 per day'"
            ) from None
    check_kannel(config)


Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def kannel_networks(value: str | list[Any] | tuple[Any, ...]) -> tuple[Network, ...]:
    """KANNEL_ALLOWED_ADDRESSES: addresses or networks, separated by commas or spaces."""
    items = value.replace(",", " ").split() if isinstance(value, str) else [str(v) for v in value]
    networks: list[Network] = []
    for item in items:
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            raise ConfigError(f"KANNEL_ALLOWED_ADDRESSES: {item!r} is not an address or a network "
                              "(write e.g. '127.0.0.1, 10.0.0.0/24')") from None
    return tuple(networks)


def check_kannel(config: dict[str, Any]) -> None:
    """SMS_BACKEND=kannel starts only with its gateway, its credentials and a long enough secret
    for the inbound webhook; the allowed addresses are parsed once (KANNEL_ALLOWED_NETWORKS)."""
    config["KANNEL_ALLOWED_NETWORKS"] = kannel_networks(config.get("KANNEL_ALLOWED_ADDRESSES") or "")
    if config.get("SMS_BACKEND") != "kannel":
        return
    missing = [key for key in KANNEL_REQUIRED if not config.get(key)]
    if missing:
        raise ConfigError(f"SMS_BACKEND=kannel needs {', '.join(missing)} (docs/kannel.md)")
    if len(str(config["KANNEL_MO_SECRET"])) < MIN_KANNEL_SECRET_LENGTH:
        raise ConfigError(f"KANNEL_MO_SECRET must be at least {MIN_KANNEL_SECRET_LENGTH} characters "
                          "long. Create one with: python3 -c 'import secrets; "
                          "print(secrets.token_urlsafe(24))'")
    if not config["KANNEL_ALLOWED_NETWORKS"]:
        raise ConfigError("SMS_BACKEND=kannel needs KANNEL_ALLOWED_ADDRESSES: the addresses "
                          "Kannel's smsbox connects from")
    if not str(config["KANNEL_SENDSMS_URL"]).startswith(("http://", "https://")):
        raise ConfigError("KANNEL_SENDSMS_URL must be an http:// or https:// URL, e.g. "
                          "http://127.0.0.1:13013/cgi-bin/sendsms")
    if not 0 <= int(config["KANNEL_DLR_MASK"]) <= 31:
        raise ConfigError("KANNEL_DLR_MASK must be between 0 and 31 (Kannel's dlr-mask bits)")
