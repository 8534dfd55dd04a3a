"""The installable app: web app manifest, service worker at the site root, offline fallback page,
and the texts the page's JavaScript shows (translated here by Flask-Babel, never written in JS)."""

from __future__ import annotations

import hashlib
from typing import Any

from flask import Blueprint, Flask, Response, current_app, render_template, url_for
from flask_babel import gettext, ngettext

from . import assets

bp = Blueprint("pwa", __name__)

THEME_COLOUR = "#1d6b3a"
BACKGROUND_COLOUR = "#f3f5f2"
ICONS = (
    ("icons/icon-192.png", "192x192", "any"),
    ("icons/icon-512.png", "512x512", "any"),
    ("icons/maskable-512.png", "512x512", "maskable"),
)
# What the offline pages need. Not the manifest's icons: a browser fetches the ones it installs
# itself, and no page draws them, so precaching them cost 10 KB of every first visit for nothing.
PRECACHED_STATIC = ("css/app.css", "js/queue.js", "js/app.js")


def init_app(app: Flask) -> None:
    app.config.setdefault("PWA_RELEASE", "1")
    app.config.setdefault("COMPRESS_ALGORITHM", ["gzip"])
    # Flask-Compress would call make_conditional on every compressed response, which adds a second
    # Date header (the server sends its own); no compressed view sets an ETag for it to evaluate.
    app.config.setdefault("COMPRESS_EVALUATE_CONDITIONAL_REQUEST", False)
    app.config.setdefault("COMPRESS_MIMETYPES", [
        "text/html", "text/css", "text/javascript", "application/javascript", "application/json",
        "application/manifest+json",
    ])
    app.register_blueprint(bp)
    app.jinja_env.globals["pwa_texts"] = page_texts


def cache_version() -> str:
    """Changes with any static file, the service worker's source, or PWA_RELEASE (bump it to make
    every installed app refresh its cached forms)."""
    loader = current_app.jinja_env.loader
    assert loader is not None  # Flask's environment always has its dispatching loader
    source = loader.get_source(current_app.jinja_env, "pwa/sw.js")[0]
    seed = f"{assets.manifest().fingerprint()}:{source}:{current_app.config['PWA_RELEASE']}"
    return hashlib.sha256(seed.encode()).hexdigest()[:12]


@bp.get("/sw.js")
def service_worker() -> Response:
    body = render_template(
        "pwa/sw.js",
        version=cache_version(),
        queue_url=url_for("static", filename="js/queue.js"),
        offline_url=url_for(".offline"),
        logout_url=url_for("auth.logout"),
        precache=[url_for(".offline"), url_for(".manifest"),
                  *(url_for("static", filename=name) for name in PRECACHED_STATIC)],
    )
    return Response(body, mimetype="text/javascript", headers={
        "Service-Worker-Allowed": "/",
        "Cache-Control": "no-cache",
    })


@bp.get("/manifest.webmanifest")
def manifest() -> Response:
    document: dict[str, Any] = {
        "name": "Ý kiến người dân về xây dựng nông thôn mới",
        "short_name": "Ý kiến NTM",
        "description": "Người dân đánh giá kết quả xây dựng nông thôn mới ở xã mình.",
        "lang": "vi",
        "dir": "ltr",
        "start_url": "/?source=app",
        "scope": "/",
        "id": "/",
        "display": "standalone",
        "theme_color": THEME_COLOUR,
        "background_color": BACKGROUND_COLOUR,
        "icons": [{"src": url_for("static", filename=name), "sizes": sizes, "type": "image/png",
                   "purpose": purpose} for name, sizes, purpose in ICONS],
    }
    response = current_app.response_class(
        current_app.json.dumps(document), mimetype="application/manifest+json"
    )
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response


@bp.get("/offline")
def offline() -> str:
    return render_template("pwa/offline.html")


def page_texts() -> dict[str, str]:
    """Every sentence app.js may show, in the page's language. {n}, {code} and {reason} are filled
    in JS. Plural forms: the English ones by count; Vietnamese has one form, so "one" has its own
    sentence (app.js picks it for exactly 1)."""
    return {
        "waiting_one": ngettext("{n} answer waiting to be sent", "{n} answers waiting to be sent", 1),
        "waiting_other": ngettext("{n} answer waiting to be sent", "{n} answers waiting to be sent", 2),
        "state_waiting": gettext("waiting to be sent"),
        "state_sent": gettext("sent"),
        "state_refused": gettext("refused: {reason}"),
        "sending": gettext("Sending your answers…"),
        "missing_one": gettext("One question still needs an answer; it is marked below."),
        "missing_other": ngettext("%(count)s question still needs an answer; it is marked below.",
                                  "%(count)s questions still need an answer; they are marked below.",
                                  2, count="{n}"),
        "go_to_question": gettext("Go to question %(n)s", n="{n}"),
        "not_answered_yet": gettext("Not answered yet:"),
        "not_saved": gettext("Your answers could not be saved on this phone. Please try again."),
        # the cadre's collect page
        "code_missing": gettext("Enter the household's code."),
        "code_length": gettext("A household code has 15 digits; this one has {n}. Check it against "
                               "the household's slip and correct it."),
        "code_mistyped": gettext("This code has a mistyped digit (or two digits swapped): check the "
                                 "15 digits against the household's slip and correct it."),
        "code_letters": gettext("A household code has only digits. Check it against the household's "
                                "slip and correct it."),
        "collect_recorded": gettext("Recorded for household {code}. Enter the next household's code."),
        "collect_saved": gettext("Saved on this device for household {code}; it will be sent when "
                                 "there is a connection. Enter the next household's code."),
        "collect_already": gettext("The answers of household {code} are already on this device (see "
                                   "the list at the bottom). Enter the next household's code."),
        "collect_kept": gettext("{reason} The household's answers are still in the form."),
        "collect_fix": gettext("Correct and send again"),
        "collect_fixing": gettext("The answers of household {code} are back in the form: {reason}"),
    }
