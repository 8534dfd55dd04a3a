"""The offline app's server side: manifest, service worker, hashed compressed static files, and
pages that carry no inline script or style (the CSP allows same-origin files only)."""

from __future__ import annotations

import gzip
import io
import json
import re

import png

from ..support import codes_of


def _static_urls(html: str) -> list[str]:
    return re.findall(r'(?:href|src)="(/static/[^"]+)"', html)


def test_pages_link_static_files_by_content_hashed_name(client, campaign):
    html = client.get(f"/h/{codes_of(campaign)[0]}").get_data(as_text=True)
    urls = _static_urls(html)
    names = {re.sub(r"^/static/|\.[0-9a-f]{10}\.\w+$", "", u) for u in urls}
    assert {"css/app", "js/queue", "js/app"} <= names
    for url in urls:
        assert re.search(r"\.[0-9a-f]{10}\.(css|js|png)$", url), url


def test_static_files_are_gzipped_and_cached_for_a_year(client):
    html = client.get("/").get_data(as_text=True)
    css = next(u for u in _static_urls(html) if u.endswith(".css"))
    plain = client.get("/static/css/app.css")
    response = client.get(css, headers={"Accept-Encoding": "gzip, br"})
    assert response.status_code == 200
    assert response.headers["Content-Encoding"] == "gzip"
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert "Accept-Encoding" in response.headers["Vary"]
    assert gzip.decompress(response.data) == plain.data
    assert len(response.data) < len(plain.data) / 2
    refused = client.get(css, headers={"Accept-Encoding": "gzip;q=0, identity"})
    assert "Content-Encoding" not in refused.headers and refused.data == plain.data  # q=0 means "not gzip"

    identity = client.get(css)
    assert "Content-Encoding" not in identity.headers and identity.data == plain.data
    again = client.get(css, headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304
    # The unhashed name still works but may change, so it is cached briefly.
    assert plain.headers["Cache-Control"] == "public, max-age=300"
    assert client.get("/static/css/app.0123456789.css").status_code == 404


def test_pages_are_compressed(client, campaign):
    response = client.get(f"/h/{codes_of(campaign)[0]}", headers={"Accept-Encoding": "gzip"})
    assert response.headers["Content-Encoding"] == "gzip"
    assert response.status_code == 200
    assert 'data-endpoint="/api/v1/responses' in gzip.decompress(response.data).decode()


def test_the_service_worker_is_served_from_the_root_and_versioned(app, client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert response.headers["Service-Worker-Allowed"] == "/"
    assert response.headers["Cache-Control"] == "no-cache"
    body = response.get_data(as_text=True)
    version = re.search(r'var VERSION = "([0-9a-f]+)"', body).group(1)
    assert re.search(r'importScripts\("/static/js/queue\.[0-9a-f]{10}\.js"\)', body)
    precache = json.loads(re.search(r"var PRECACHE = (\[.*\]);", body).group(1))
    assert "/offline" in precache and any(u.startswith("/static/css/app.") for u in precache)
    for url in precache:
        assert client.get(url).status_code == 200, url

    app.config["PWA_RELEASE"] = "2"
    try:
        newer = client.get("/sw.js").get_data(as_text=True)
    finally:
        app.config["PWA_RELEASE"] = "1"
    assert re.search(r'var VERSION = "([0-9a-f]+)"', newer).group(1) != version


def test_the_manifest_installs_a_vietnamese_app_with_a_maskable_icon(client):
    html = client.get("/").get_data(as_text=True)
    assert '<link rel="manifest" href="/manifest.webmanifest">' in html
    response = client.get("/manifest.webmanifest")
    assert response.mimetype == "application/manifest+json"
    manifest = response.get_json(force=True)
    assert manifest["lang"] == "vi"
    assert manifest["name"] == "Ý kiến người dân về xây dựng nông thôn mới"
    assert manifest["theme_color"] == "#1d6b3a"
    assert manifest["start_url"].startswith("/") and manifest["display"] == "standalone"
    assert {"any", "maskable"} == {icon["purpose"] for icon in manifest["icons"]}
    for icon in manifest["icons"]:
        width, height, _, _ = png.Reader(file=io.BytesIO(client.get(icon["src"]).data)).read()
        assert icon["sizes"] == f"{width}x{height}"
        assert width >= 192


def test_the_offline_fallback_page_is_translated(client):
    assert "Không có kết nối" in client.get("/offline").get_data(as_text=True)
    assert "No connection" in client.get("/offline?lang=en").get_data(as_text=True)


def test_the_page_gives_the_script_its_texts_in_the_page_language(client, campaign):
    code = codes_of(campaign)[0]
    for lang, waiting in (("vi", "{n} câu trả lời đang chờ gửi"), ("en", "{n} answers waiting to be sent")):
        html = client.get(f"/h/{code}?lang={lang}").get_data(as_text=True)
        block = re.search(r'<script type="application/json" id="pwa-texts">(.*?)</script>', html, re.S)
        texts = json.loads(block.group(1))
        assert texts["waiting_other"] == waiting
        assert all(texts.values())
    assert texts["waiting_one"] == "{n} answer waiting to be sent"


def test_the_survey_form_tells_the_script_where_to_send(client, campaign):
    code = codes_of(campaign)[0]
    html = client.get(f"/h/{code}").get_data(as_text=True)
    assert 'data-endpoint="/api/v1/responses?lang=vi"' in html
    assert f'data-household-code="{code}"' in html
    open_link = client.get("/c/test-campaign/03390?lang=en").get_data(as_text=True)
    assert 'data-campaign="test-campaign" data-commune="03390"' in open_link
    assert 'data-endpoint="/api/v1/responses?lang=en"' in open_link


def test_pages_have_no_inline_script_style_or_event_handler(client, campaign):
    code = codes_of(campaign)[0]
    for url in ("/", f"/h/{code}", "/c/test-campaign/03390", "/offline", "/h/000"):
        html = client.get(url).get_data(as_text=True)
        for tag in re.findall(r"<script\b[^>]*>", html):
            assert "src=" in tag or 'type="application/json"' in tag, (url, tag)
        assert "<style" not in html and not re.search(r"\sstyle=", html), url
        assert not re.search(r"\son[a-z]+=", html), url


def test_a_first_visit_stays_within_the_30_kb_budget(client, campaign):
    """What chromium transfers on a first visit (bench/pwa_budget.py measures it there): the page
    twice (shown, then fetched again to keep for offline use), everything it links (icons
    included), the manifest, the service worker and all it precaches, each once, gzipped bodies
    plus headers, with the ~100 bytes a real server adds to each (Server, Date, Connection). The
    test survey has 20 questions, the demo's 11: this is the larger page."""
    gz = {"Accept-Encoding": "gzip"}

    def sent(response) -> int:  # type: ignore[no-untyped-def]
        head = sum(len(k) + len(v) + 4 for k, v in response.headers.items())
        return len(response.data) + head + len("HTTP/1.1 200 OK\r\n\r\n") + 100

    page = client.get(f"/h/{codes_of(campaign)[0]}", headers=gz)
    html = gzip.decompress(page.data).decode()
    worker = client.get("/sw.js", headers=gz)
    source = gzip.decompress(worker.data).decode()
    precache = json.loads(re.search(r"var PRECACHE = (\[.*\]);", source).group(1))
    urls = {*_static_urls(html), "/manifest.webmanifest", *precache}
    total = 2 * sent(page) + sent(worker) + sum(sent(client.get(u, headers=gz)) for u in urls)
    assert total <= 30 * 1024
