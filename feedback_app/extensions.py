"""Flask extensions, created unbound here and bound to an app in create_app()."""

import ipaddress
from typing import TYPE_CHECKING

from flask import request
from flask_babel import Babel
from flask_compress import Compress
from flask_limiter import Limiter
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


# Storage, prefix and on/off come from the RATELIMIT_* settings (deployment.py); limits are put on
# views with the decorators of web/limits.py (or limiter.limit / limiter.shared_limit directly).
limiter = Limiter(key_func=client_address)

# Pages, JSON and the service worker are gzipped per response; static files are pre-compressed
# (web/assets.py) and carry their own Content-Encoding, which Flask-Compress leaves alone.
compress = Compress()
