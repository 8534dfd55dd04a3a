"""Language choice (Vietnamese by default, English one tap away), survey-text lookup, and the one
formatting of numbers, percentages and dates per language (fmt_*)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from fractions import Fraction
from urllib.parse import urlencode

from babel.dates import format_date, format_time
from babel.numbers import format_decimal, format_percent
from flask import Response, current_app, g, has_request_context, request
from flask_babel import get_locale

from .clock import VIETNAM

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


# --- Numbers, percentages and dates: one formatting per language, everywhere a person reads them
# (pages, charts, the print page, the public page, export labels). Vietnamese: "84,3 %", "2.223",
# "ngày 2 tháng 3 năm 2027", times in Vietnam time; English: "84.3%", "2,223", "March 2, 2027".

PERCENT_PATTERNS = {"vi": "#,##0{decimals}\u00a0%", "en": "#,##0{decimals}%"}
LONG_DATE_PATTERNS = {"vi": "'ngày' d 'tháng' M 'năm' y"}
SHORT_DATE_PATTERNS = {"vi": "dd/MM/y", "en": "MMM d, y"}
TIME_PATTERN = "HH:mm"
NO_VALUE = "–"


def _lang(lang: str | None) -> str:
    """The language asked for, or Flask-Babel's current one (so force_locale, as the exports use
    it, is honoured: not language()'s per-request cache)."""
    if lang:
        return lang
    locale = get_locale()
    return locale.language if locale else "vi"


def fmt_number(value: int | float | Decimal | None, lang: str | None = None) -> str:
    """A count with the language's grouping ("2.223" / "2,223")."""
    if value is None:
        return NO_VALUE
    return format_decimal(value, locale=_lang(lang))


def fmt_percent(value: float | Decimal | Fraction | None, lang: str | None = None, decimals: int = 1) -> str:
    """A fraction 0–1 as a percentage, one decimal by default ("84,3 %" / "84.3%")."""
    if value is None:
        return NO_VALUE
    lang = _lang(lang)
    pattern = PERCENT_PATTERNS.get(lang, PERCENT_PATTERNS["en"])
    return format_percent(float(value), pattern.format(decimals="." + "0" * decimals if decimals else ""),
                          locale=lang)


def fmt_date(day: date | str | None, lang: str | None = None) -> str:
    """A calendar day in words ("ngày 2 tháng 3 năm 2027" / "March 2, 2027"); an ISO string is
    read as its day."""
    if day is None or day == "":
        return NO_VALUE
    if not isinstance(day, date):
        day = date.fromisoformat(str(day)[:10])
    lang = _lang(lang)
    return format_date(day, LONG_DATE_PATTERNS.get(lang, "long"), locale=lang)


def fmt_short_date(day: date, lang: str | None = None) -> str:
    """A day in figures ("02/03/2027" / "Mar 2, 2027"), for tables and chart axes."""
    lang = _lang(lang)
    return format_date(day, SHORT_DATE_PATTERNS.get(lang, "medium"), locale=lang)


def to_vietnam_time(moment: datetime | str) -> datetime:
    """An instant in Vietnam time; a naive one (as SQLite returns it) or an ISO string ending in Z
    is taken as UTC."""
    if not isinstance(moment, datetime):
        moment = datetime.fromisoformat(str(moment).replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(VIETNAM)


def fmt_datetime(moment: datetime | str | None, lang: str | None = None) -> str:
    """An instant as Vietnam's clock and calendar read it ("13:22, ngày 2 tháng 12 năm 2026" /
    "13:22, December 2, 2026"): never UTC, never ISO."""
    if moment is None or moment == "":
        return NO_VALUE
    local = to_vietnam_time(moment)
    lang = _lang(lang)
    return f"{format_time(local.time(), TIME_PATTERN, locale=lang)}, {fmt_date(local.date(), lang)}"


def iso_instant(moment: datetime | str) -> str:
    """The instant as an ISO 8601 timestamp with Vietnam's offset (for <time datetime>)."""
    return to_vietnam_time(moment).isoformat(timespec="seconds")


# Jinja filters (feedback_app/__init__.py): {{ rate|pct }}, {{ count|num }}, {{ day|day }},
# {{ moment|when }}, all in the page's language.
FILTERS = {
    "pct": lambda value: fmt_percent(value),
    "num": lambda value: fmt_number(value),
    "day": lambda value: fmt_date(value),
    "when": lambda value: fmt_datetime(value),
    "iso_instant": iso_instant,
}
