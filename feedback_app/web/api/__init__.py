"""The JSON API under /api/v1, built with flask-smorest: marshmallow schemas parse and shape every
body, and make the OpenAPI document served at /api/v1/openapi.json.

Nothing here relies on cookies: public endpoints are open, committee endpoints take a bearer token,
response submission carries its own credential (a household code or an open commune link). So the
API is exempt from CSRF, and its errors are JSON (web.api.errors), never the HTML message page.
"""

from __future__ import annotations

from typing import Any

import flask_smorest
from flask import Flask

from ...extensions import csrf
from . import catalogue, indices, responses
from .schemas import ApiErrorSchema

API_CONFIG: dict[str, Any] = {
    "API_TITLE": "feedback_app API",
    "API_VERSION": "v1",
    "OPENAPI_VERSION": "3.0.3",
    "OPENAPI_URL_PREFIX": "/api/v1",
    "OPENAPI_JSON_PATH": "openapi.json",
}


class Api(flask_smorest.Api):
    # The error bodies the document describes (422 of every endpoint with arguments, ...) are the
    # ones web.api.errors sends: {"reason", "message", "errors"}, not flask-smorest's own.
    ERROR_SCHEMA = ApiErrorSchema

    def _register_error_handlers(self) -> None:
        """flask-smorest would answer every HTTP error of the whole app in JSON; the HTML pages keep
        their own handlers, and /api/ paths get web.api.errors (see web.register)."""


def register(app: Flask) -> None:
    for key, value in API_CONFIG.items():
        app.config.setdefault(key, value)
    api = Api(app, spec_kwargs={"info": {"description": __doc__}})
    api.spec.components.security_scheme(
        "committeeToken",
        {"type": "http", "scheme": "bearer",
         "description": "`flask --app wsgi api-tokens create --unit CODE --name NAME` prints one."},
    )
    for blueprint in (catalogue.blp, indices.blp, responses.blp):
        api.register_blueprint(blueprint)
        csrf.exempt(blueprint)
