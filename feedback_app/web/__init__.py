"""The URL map: blueprints, the per-request transaction, and error pages."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, Response, abort, current_app, g, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError, OperationalError
from werkzeug.exceptions import HTTPException

from ..extensions import db
from ..services.errors import Refused
from .api import errors as api_errors
from .messages import Message, refusal_message

log = logging.getLogger(__name__)


def register_verification(app: Flask) -> None:
    """Verification by re-contact and the posting sheets (issue 19)."""
    from .committee import posting, recontact

    app.register_blueprint(recontact.bp)
    app.register_blueprint(posting.bp)


def register(app: Flask) -> None:
    from . import api, json_bounds, limits, security
    from .committee import (
        accounts,
        auth,
        campaign_life,
        campaigns,
        collect,
        dashboard,
        exports,
        flags,
        follows,
        glance,
        invitations,
        national,
        passwords,
        privacy,
        remarks,
        reports,
        sso,
        villages,
    )
    from .resident import qr, results, survey
    from .sms import kannel, twilio

    security.init_app(app)
    limits.init_app(app)
    json_bounds.init_app(app)
    app.register_blueprint(survey.bp)
    app.register_blueprint(qr.bp)
    app.register_blueprint(results.bp)
    app.register_blueprint(twilio.bp)
    app.register_blueprint(kannel.bp)
    app.register_blueprint(auth.bp)
    app.register_blueprint(dashboard.bp)
    app.register_blueprint(national.bp)
    app.register_blueprint(campaigns.bp)
    app.register_blueprint(campaign_life.bp)
    app.register_blueprint(reports.bp)
    app.register_blueprint(exports.bp)
    app.register_blueprint(collect.bp)
    app.register_blueprint(collect.api)
    app.register_blueprint(remarks.bp)
    app.register_blueprint(privacy.bp)
    app.register_blueprint(accounts.bp)
    app.register_blueprint(passwords.bp)
    app.register_blueprint(sso.bp)
    app.register_blueprint(villages.bp)
    app.register_blueprint(invitations.bp)
    app.register_blueprint(follows.bp)
    from .committee.scope import bp as campaign_scope  # a province campaign's scope
    app.register_blueprint(campaign_scope)
    register_verification(app)
    app.register_blueprint(glance.bp)
    app.register_blueprint(flags.bp)
    api.register(app)
    app.url_value_preprocessor(_refuse_control_characters)
    app.after_request(_commit_request)
    app.register_error_handler(Refused, _refused)
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(OperationalError, _database_unavailable)


def _refuse_control_characters(endpoint: str | None, values: dict[str, Any] | None) -> None:
    """No code, key or scheme in a path holds a control character (and PostgreSQL refuses NUL in
    text): such a path names nothing, 404."""
    for value in (values or {}).values():
        if isinstance(value, str) and any(ord(ch) < 32 or ord(ch) == 127 for ch in value):
            abort(404)


def _commit_request(response: Response) -> Response:
    """One commit per request, after the view succeeded; side effects run after it (services.effects)."""
    if response.status_code >= 400:
        db.session.rollback()
        return response
    try:
        db.session.commit()
    except DBAPIError:
        db.session.rollback()
        log.exception("commit failed")
        return current_app.make_response(_database_unavailable(None))
    return response


def committee_request() -> bool:
    """A committee page (/committee/...): its errors speak to a committee and lead back to its pages."""
    return request.path.startswith("/committee/")


def message_page(message: Message, status: int, load_account: bool = True) -> tuple[str, int]:
    if committee_request():
        from .committee.auth import current_principal

        if load_account and g.get("account") is None:
            current_principal()  # the page's header and button for the signed-in member (sets g.account)
        return render_template("committee/message.html", message=message, status=status), status
    return render_template("message.html", message=message, status=status), status


def _refused(refused: Refused) -> tuple[str, int]:
    db.session.rollback()
    g.refusal = refused.reason  # read by the failed-lookup throttle (web/limits.py)
    return message_page(refusal_message(refused, committee_request()), refused.status)


def _csrf_error(error: CSRFError) -> tuple[str, int]:
    message = Message(
        gettext("The form has expired"),
        gettext("For your security the form must be sent from this site. Please reload the page and "
                "send it again."),
    )
    return message_page(message, 400)


def _http_error(error: HTTPException) -> ResponseReturnValue:
    db.session.rollback()
    if api_errors.is_api_request():  # unknown /api/ URLs, wrong methods: JSON, not the HTML page
        return api_errors.http_error(error)
    status = error.code or 500
    message = _committee_error(status) if committee_request() else _resident_error(status)
    response = message_page(message, status)
    if request.method == "HEAD":
        return "", status
    return response


def _resident_error(status: int) -> Message:
    if status == 404:
        return Message(gettext("Page not found"),
                       gettext("Please check the address, or scan the QR code again."))
    if status == 405:
        return Message(gettext("Not allowed"), gettext("This page cannot be used this way."))
    if status == 413:
        return Message(gettext("Too much data"),
                       gettext("What was sent is too large. Please shorten your comment."))
    if status < 500:
        return Message(gettext("Your request could not be handled"), gettext("Please go back and try again."))
    return Message(gettext("Something went wrong"), gettext("Please try again in a few minutes."))


def _committee_error(status: int) -> Message:
    """The same errors worded for a committee member (no QR code, no household's comment)."""
    if status == 404:
        return Message(gettext("Page not found"),
                       gettext("This committee page does not exist (any more). Go back to your campaigns "
                               "and open the unit or report from there."))
    if status == 403:
        return Message(gettext("Not allowed for your account"),
                       gettext("Your account may not open this page. Go back to your campaigns, or ask "
                               "your committee's officer."))
    if status == 405:
        return Message(gettext("Not allowed"), gettext("This page cannot be used this way."))
    if status == 413:
        return Message(gettext("Too much data"),
                       gettext("What was sent is too large. Please shorten the text and send it again."))
    if status < 500:
        return Message(gettext("Your request could not be handled"),
                       gettext("Please go back to your campaigns and try again."))
    return Message(gettext("Something went wrong"),
                   gettext("Nothing was changed. Please try again in a few minutes; if it happens again, "
                           "tell the province's administrator."))


def _database_unavailable(error: object) -> ResponseReturnValue:
    db.session.rollback()
    if api_errors.is_api_request():
        return api_errors.unavailable()
    if committee_request():
        page, status = message_page(Message(
            gettext("The service is busy"),
            gettext("Nothing was changed just now. Please wait a minute and try again.")), 503,
            load_account=False)  # the database that just failed is not asked again
        return page, status, {"Retry-After": "30"}
    message = Message(
        gettext("The service is busy"),
        gettext("Your answer could not be saved just now. Nothing was lost on your side: please "
                "wait a minute and send the form again."),
    )
    page, status = message_page(message, 503)
    return page, status, {"Retry-After": "30"}
