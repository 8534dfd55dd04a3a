"""Language choice (Vietnamese by default, English one tap away) and survey-text lookup."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from urllib.parse import urlencode

from flask import Response, current_app, g, has_request_context, request
from flask_babel import get_locale

LANG_COOKIE = "lang"
LANG_COOKIE_MAX_AGE = 365 * 24 * 3600
_LANGUAGE_KEY = "feedback_app.language"


def select_locale() -> str:
    """?lang= (remembered in a cookie) wins, then the cookie, then Vietnamese (the API: ?lang=, then
    Accept-Language, then Vietnamese)."""
    languages: Sequence[str] = current_app.config["LANGUAGES"]
    default: str = current_app.config["BABEL_DEFAULT_LOCALE"]
    asked = request.args.get("lang")
    if request.path.startswith("/api/"):  # the JSON API sets no cookie: ?lang= or Accept-Language
        if asked is not None and asked in languages:
            return asked
        return request.accept_languages.best_match(languages) or default
    if asked is not None and asked in languages:
        g.remember_lang = asked
        return asked
    cookie = request.cookies.get(LANG_COOKIE)
    return cookie if cookie is not None and cookie in languages else default


def remember_language(response: Response) -> Response:
    lang = g.pop("remember_lang", None)
    if lang:
        response.set_cookie(
            LANG_COOKIE, lang, max_age=LANG_COOKIE_MAX_AGE, samesite="Lax", httponly=True,
            secure=current_app.config.get("SESSION_COOKIE_SECURE", False),
        )
    return response


def language() -> str:
    """The page's language; looked up once per request (a survey page asks for it ~90 times)."""
    cached: str | None = request.environ.get(_LANGUAGE_KEY) if has_request_context() else None
    if cached is not None:
        return cached
    locale = get_locale()
    lang: str = locale.language if locale else "vi"
    if has_request_context():
        request.environ[_LANGUAGE_KEY] = lang
    return lang


def text(value: Mapping[str, str]) -> str:
    """A survey text in the page's language (Vietnamese when the text lacks that language)."""
    return value.get(language()) or value["vi"]


def switch_language_url(lang: str) -> str:
    args = request.args.to_dict()
    args["lang"] = lang
    return f"{request.path}?{urlencode(args)}"
