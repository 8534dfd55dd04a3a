"""Security headers on every response, and trust in the reverse proxy's X-Forwarded-* headers.

Everything under /committee/ (pages, print pages, export jobs, downloads, the login page itself)
and the committee API is sent with `Cache-Control: no-store`: no browser, shared computer or proxy
keeps a copy of what only a signed-in committee may read, and after logout the Back button cannot
show it again. The rule is by path, so a new committee page cannot forget it.

The pages use no inline script or style (templates link static/css only), so the
Content-Security-Policy allows neither; keep it that way: put styles in static/css and scripts in
static files, never in style="" attributes or <script> blocks.
"""

from __future__ import annotations

from flask import Flask, Response, current_app, request
from werkzeug.middleware.proxy_fix import ProxyFix

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "object-src 'none'",
    ]
)

HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    # Survey links carry the household code: never send them to another site as a Referer.
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
}


# Static files that are only ever subresources: a stylesheet, a script loaded by a page, an image
# drawn by one, the web app manifest. The headers above govern documents (and, for the CSP,
# workers); on these files a browser ignores every one of them but nosniff, so they are not sent
# (on a first visit they were a fifth of all bytes: BENCHMARKS.md, "Offline app"). Anything that
# can be opened as a document (HTML, SVG, XML) or run as a worker (/sw.js is not under /static/)
# keeps the whole set, and so does every other path.
SUBRESOURCE_TYPES = frozenset({
    "text/css", "text/javascript", "application/javascript", "image/png", "image/jpeg",
    "image/webp", "image/x-icon", "image/vnd.microsoft.icon", "font/woff2",
    "application/manifest+json",
})
SUBRESOURCE_PREFIXES = ("/static/",)
SUBRESOURCE_PATHS = ("/manifest.webmanifest",)


def is_subresource(response: Response) -> bool:
    """A static file never rendered as a document nor run as a worker (see SUBRESOURCE_TYPES)."""
    return ((request.path.startswith(SUBRESOURCE_PREFIXES) or request.path in SUBRESOURCE_PATHS)
            and response.mimetype in SUBRESOURCE_TYPES)


# Behind the committee login (or a committee's API token).
PRIVATE_PREFIXES = ("/committee/", "/api/v1/committee/")


def init_app(app: Flask) -> None:
    """Add the headers to every response; trust TRUSTED_PROXIES proxies' X-Forwarded-For/-Proto."""
    proxies = app.config["TRUSTED_PROXIES"]
    if proxies:
        # Only the headers the app relies on: the client address (rate limits) and the scheme
        # (HSTS, secure cookies). Links use PUBLIC_BASE_URL, so the Host is not trusted.
        # Wrapping wsgi_app is Flask's documented way to add middleware; to mypy it is a method.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies,  # type: ignore[method-assign]
                                x_host=0, x_port=0, x_prefix=0)
    app.after_request(add_security_headers)


def add_security_headers(response: Response) -> Response:
    if is_subresource(response):
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        return response
    # One pass over the response's headers, not a setdefault (itself a scan) per header.
    present = {name.lower() for name, _ in response.headers.items()}
    response.headers.extend([(name, value) for name, value in HEADERS.items()
                             if name.lower() not in present])
    if request.path.startswith(PRIVATE_PREFIXES) or request.path == "/committee":
        # Replaces whatever a view set (a file response's own caching included).
        response.headers["Cache-Control"] = "no-store"
        response.headers.pop("Expires", None)
    if request.is_secure:
        # Only over HTTPS (directly, or as told by a trusted proxy): browsers ignore it otherwise,
        # and a development server on http:// must not pin itself to HTTPS.
        max_age = current_app.config["HSTS_MAX_AGE"]
        response.headers.setdefault("Strict-Transport-Security", f"max-age={max_age}")
    return response
