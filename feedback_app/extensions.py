"""Flask extensions, created unbound here and bound to an app in create_app()."""

import functools
import ipaddress
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from flask import request
from flask_babel import Babel
from flask_compress import Compress
from flask_limiter import Limiter, RouteLimit
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import MetaData

from .adapters import limits_storage  # noqa: F401  (registers the swept-memory:// rate-limit storage)

# Named constraints so that migrations are stable on SQLite (batch mode) and PostgreSQL alike.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

db = SQLAlchemy(metadata=MetaData(naming_convention=NAMING_CONVENTION))

# The base class of every model. db.Model is made by a call at run time, which a type checker
# cannot take as a base class (python/mypy#8603); for the checker it is declared as what it is, a
# SQLAlchemy declarative base with Flask-SQLAlchemy's Model mixin (`query`, repr).
if TYPE_CHECKING:
    from typing import ClassVar

    from flask_sqlalchemy.model import Model as _FlaskModel
    from sqlalchemy import Table
    from sqlalchemy.orm import DeclarativeBase

    class Model(DeclarativeBase, _FlaskModel):
        __abstract__ = True
        __table__: ClassVar[Table]  # every model here maps a table (none maps a join or a select)
else:
    Model = db.Model
migrate = Migrate()
babel = Babel()
csrf = CSRFProtect()


def client_address() -> str:
    """Who a rate limit counts: the client's address (after ProxyFix), an IPv6 client by its /64,
    since one subscriber gets a whole /64 and could otherwise change address at will."""
    raw = request.remote_addr or "unknown"
    try:
        address = ipaddress.ip_address(raw)
    except ValueError:
        return raw
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


log = logging.getLogger(__name__)


def never_raising_key(key_func: Callable[[], str]) -> Callable[[], str]:
    """A limit's key function that cannot raise: if it does (a body it reads cannot be read), the
    request is counted under its address in a key of its own ("unreadable:<address>")."""
    @functools.wraps(key_func)
    def key() -> str:
        try:
            return key_func()
        except Exception:
            log.warning("rate limit key %s failed; counted by address", key_func.__name__,
                        exc_info=True)
            return "unreadable:" + client_address()
    return key


def never_raising_exemption(exempt_when: Callable[[], bool]) -> Callable[[], bool]:
    """A limit's exemption test that cannot raise: if it does, the request is not exempt."""
    @functools.wraps(exempt_when)
    def exempt() -> bool:
        try:
            return bool(exempt_when())
        except Exception:
            log.warning("rate limit exemption %s failed; counted", exempt_when.__name__,
                        exc_info=True)
            return False
    return exempt


class GuardedLimiter(Limiter):
    """Flask-Limiter, with every limit's key and exemption functions made never to raise.

    Flask-Limiter takes any exception raised while it evaluates a request's limits for its storage
    failing: it then counts in a fresh in-memory store (RATELIMIT_IN_MEMORY_FALLBACK_ENABLED) until
    the storage answers a health check again, so a request whose body makes a key function raise
    (a 413 from request.form) would reset every counter of that worker. Here those functions fall
    back to counting (never_raising_key, never_raising_exemption), so only a real storage failure
    can switch to the fallback (and web/limits.py logs it).
    """

    def limit(self, limit_value: Any, **options: Any) -> RouteLimit:
        return super().limit(limit_value, **_guarded(options))

    def shared_limit(self, limit_value: Any, scope: Any, **options: Any) -> RouteLimit:
        return super().shared_limit(limit_value, scope, **_guarded(options))

    def _check_request_limit(self, callable_name: str | None = None,
                             in_middleware: bool = True) -> None:
        """Flask-Limiter evaluates every request twice: in `before_request` for the application,
        default, blueprint and meta limits, and in each decorated view for its own. This app puts
        every limit on its view (web/limits.py), so the first pass finds nothing to count and
        costs about 0.1 ms of each request; it is skipped while no limit of those kinds exists."""
        if in_middleware and not self._limits_outside_views():
            return
        super()._check_request_limit(callable_name=callable_name, in_middleware=in_middleware)

    def _limits_outside_views(self) -> bool:
        manager = self.limit_manager
        return bool(getattr(manager, "_application_limits", True)
                    or getattr(manager, "_default_limits", True)
                    or getattr(manager, "_blueprint_limits", True)
                    or getattr(self, "_meta_limits", True))


def _guarded(options: dict[str, Any]) -> dict[str, Any]:
    if options.get("key_func") is not None:
        options["key_func"] = never_raising_key(options["key_func"])
    if options.get("exempt_when") is not None:
        options["exempt_when"] = never_raising_exemption(options["exempt_when"])
    return options


# Storage, prefix and on/off come from the RATELIMIT_* settings (deployment.py); limits are put on
# views with the decorators of web/limits.py (or limiter.limit / limiter.shared_limit directly).
limiter = GuardedLimiter(key_func=never_raising_key(client_address))

# Pages, JSON and the service worker are gzipped per response; static files are pre-compressed
# (web/assets.py) and carry their own Content-Encoding, which Flask-Compress leaves alone.
compress = Compress()
