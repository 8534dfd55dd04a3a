"""feedback_app: residents rate new-rural-construction results; the Front reads the indices."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import flask_babel
from flask import Flask

from . import database, logs
from .config import PROJECT_ROOT, load_config
from .extensions import babel, compress, csrf, db, migrate


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build an app from the environment; `config` overrides settings (tests pass DATABASE_URL...)."""
    app = Flask(
        __name__,
        instance_path=str(PROJECT_ROOT / "instance"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    app.config.update(load_config(Path(app.instance_path), config))
    logs.install_redaction(logs.secrets_in(app.config))

    from . import i18n, models  # noqa: F401  (models: every table known to the metadata)
    from .services import effects  # noqa: F401  (after-commit hooks on every session)

    db.init_app(app)
    with app.app_context():
        database.configure_engine(db.engine)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"), render_as_batch=True)
    babel.init_app(app, locale_selector=i18n.select_locale)
    csrf.init_app(app)
    # The locale is chosen per request (flask_babel caches it on the app context, which a test
    # client's requests share with the test).
    app.before_request(flask_babel.refresh)
    app.after_request(i18n.remember_language)
    app.jinja_env.globals.update(
        text=i18n.text, language=i18n.language, switch_language_url=i18n.switch_language_url
    )
    app.jinja_env.filters.update(i18n.FILTERS)  # pct, num, day, when: one formatting per language

    from . import cli, web
    from .adapters import queue, sms
    from .web import assets, pwa

    sms.init_app(app)
    queue.init_app(app)

    web.register(app)
    pwa.init_app(app)
    assets.init_app(app)
    compress.init_app(app)
    cli.register(app)
    return app
