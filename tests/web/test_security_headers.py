"""Every response carries the security headers; pages keep working under the strict CSP."""

from __future__ import annotations

import re

import pytest
from flask import Flask, request

from feedback_app.web import security

from ..support import codes_of, mistyped_code

REQUIRED = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}


def _check_headers(response) -> None:
    csp = response.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp
    assert "default-src 'self'" in csp
    for name, value in REQUIRED.items():
        assert response.headers[name] == value


def test_pages_errors_images_and_static_files_all_carry_the_headers(client, campaign):
    code = codes_of(campaign)[0]
    for path, status in [
        ("/", 200),
        (f"/h/{code}", 200),
        ("/c/test-campaign/03390", 200),
        (f"/qr/h/{code}.svg", 200),  # an SVG opened on its own is a document
        ("/sw.js", 200),  # a worker: the CSP governs what it may fetch and import
        ("/offline", 200),
        ("/no/such/page", 404),
        ("/static/no-such-file.css", 404),
        (f"/h/{mistyped_code(1)}", 400),  # mistyped code
    ]:
        response = client.get(path)
        assert response.status_code == status, path
        _check_headers(response)
        assert "Strict-Transport-Security" not in response.headers  # plain http: no HSTS


def test_static_subresources_carry_only_nosniff(client, campaign):
    """Stylesheets, scripts, icons and the manifest are never documents: the document headers
    would be ignored there, so only nosniff (which a browser does apply to them) is sent."""
    html = client.get("/").text
    urls = [*re.findall(r'(?:href|src)="(/static/[^"]+)"', html), "/manifest.webmanifest"]
    assert any(u.endswith(".css") for u in urls) and any(u.endswith(".js") for u in urls)
    assert any(u.endswith(".png") for u in urls)
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.headers["X-Content-Type-Options"] == "nosniff", url
        for name in ("Content-Security-Policy", "X-Frame-Options", "Referrer-Policy",
                     "Cross-Origin-Opener-Policy", "Permissions-Policy"):
            assert name not in response.headers, (url, name)


def test_one_date_header_on_compressed_pages(client, campaign):
    response = client.get("/", headers={"Accept-Encoding": "gzip"})
    assert response.headers["Content-Encoding"] == "gzip"
    assert len(response.headers.getlist("Date")) <= 1  # the server adds its own


def test_hsts_only_over_https(client, campaign):
    response = client.get("/", base_url="https://khaosat.example.vn")
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000"
    # Without a trusted proxy, a client cannot claim HTTPS with a header.
    spoofed = client.get("/", headers={"X-Forwarded-Proto": "https"})
    assert "Strict-Transport-Security" not in spoofed.headers


def test_pages_need_no_inline_script_or_style(client, campaign):
    """The CSP forbids inline code; the pages a resident sees must not depend on any."""
    code = codes_of(campaign)[0]
    form = client.get(f"/h/{code}").get_data(as_text=True)
    pages = [form] + [client.get(path).get_data(as_text=True) for path in ("/", "/nowhere")]
    data = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form))
    data.update({name: "1" for name in set(re.findall(r'name="(q_\w+)"', form))})
    sent = client.post(f"/h/{code}", data=data)
    pages.append(client.get(sent.headers["Location"]).get_data(as_text=True))
    for html in pages:
        for attributes, body in re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S):
            # Only files of the site (no inline code); JSON data blocks are never executed.
            assert 'type="application/json"' in attributes or ("src=" in attributes and not body.strip())
        assert "<style" not in html
        assert not re.search(r"\sstyle=", html)
        assert not re.search(r"\son[a-z]+=", html)  # no inline event handlers either


def _proxied_app(proxies: int) -> Flask:
    app = Flask(__name__)
    app.config.update(TRUSTED_PROXIES=proxies, HSTS_MAX_AGE=600)
    security.init_app(app)

    @app.get("/who")
    def who() -> str:
        return f"{request.remote_addr} {request.scheme}"

    return app


@pytest.mark.parametrize(
    ("proxies", "expected", "hsts"),
    [(0, "127.0.0.1 http", False), (1, "203.0.113.9 https", True)],
)
def test_forwarded_headers_are_trusted_only_from_configured_proxies(proxies, expected, hsts):
    client = _proxied_app(proxies).test_client()
    response = client.get(
        "/who",
        headers={"X-Forwarded-For": "198.51.100.1, 203.0.113.9", "X-Forwarded-Proto": "https"},
        environ_base={"REMOTE_ADDR": "127.0.0.1"},
    )
    assert response.get_data(as_text=True) == expected
    assert ("Strict-Transport-Security" in response.headers) is hsts
