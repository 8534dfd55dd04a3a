"""Static files with content-hashed names, compressed once at start, cached for a year.

`url_for('static', filename='css/app.css')` keeps working in templates and builds
`/static/css/app.<hash>.css`: a url_defaults hook swaps in the hashed name from a manifest computed
when the app starts. The static view serves the hashed name with `Cache-Control: immutable` and a
gzip body compressed once (in memory) when the client accepts it; an unhashed name still works but
is only cached briefly. Chosen over WhiteNoise because its compressed-manifest storage is Django's,
while this is ~100 lines, needs no build step and behaves the same under any WSGI server.
"""

from __future__ import annotations

import gzip
import hashlib
import mimetypes
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import Flask, Response, abort, current_app, has_request_context, request, url_for
from markupsafe import Markup

YEAR = 365 * 24 * 3600
HASH_LENGTH = 10
# Below this a gzip body saves too little to be worth a Content-Encoding (icons are already deflated).
COMPRESS_MIN_BYTES = 512
COMPRESSIBLE = ("text/", "application/javascript", "application/json", "application/manifest+json",
                "image/svg+xml")

mimetypes.add_type("application/manifest+json", ".webmanifest")
mimetypes.add_type("text/javascript", ".js")


@dataclass(frozen=True)
class Asset:
    """One static file: its hashed name, bytes, gzip bytes (or None) and media type."""

    name: str
    hashed: str
    body: bytes
    gzipped: bytes | None
    mimetype: str
    digest: str


class AssetManifest:
    """Every file under the static folder, by logical name and by hashed name."""

    def __init__(self, root: Path) -> None:
        self.by_name: dict[str, Asset] = {}
        self.by_hashed: dict[str, Asset] = {}
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
            name = path.relative_to(root).as_posix()
            asset = _load(name, path.read_bytes())
            self.by_name[name] = asset
            self.by_hashed[asset.hashed] = asset

    def url_name(self, name: str) -> str:
        asset = self.by_name.get(name)
        return asset.hashed if asset else name

    def fingerprint(self) -> str:
        """Changes whenever any static file changes (the service worker's cache version uses it)."""
        joined = "".join(a.digest for a in self.by_name.values())
        return hashlib.sha256(joined.encode()).hexdigest()[:HASH_LENGTH]


def _load(name: str, body: bytes) -> Asset:
    digest = hashlib.sha256(body).hexdigest()
    stem, dot, suffix = name.rpartition(".")
    hashed = f"{stem}.{digest[:HASH_LENGTH]}.{suffix}" if dot else f"{name}.{digest[:HASH_LENGTH]}"
    mimetype = mimetypes.guess_type(name)[0] or "application/octet-stream"
    gzipped = None
    if mimetype.startswith(COMPRESSIBLE) and len(body) >= COMPRESS_MIN_BYTES:
        gzipped = gzip.compress(body, compresslevel=9, mtime=0)
    return Asset(name, hashed, body, gzipped, mimetype, digest)


def init_app(app: Flask) -> None:
    """Build the manifest and take over the `static` endpoint Flask registered."""
    if not app.static_folder:
        return
    app.extensions["assets"] = AssetManifest(Path(app.static_folder))
    app.view_functions["static"] = serve_static
    app.url_defaults(_hashed_static_name)
    app.jinja_env.globals["stylesheet"] = stylesheet


def stylesheet(name: str, standalone: bool = False) -> Markup:
    """A stylesheet for a template: linked from the pages the app serves (the Content-Security-
    Policy allows no inline style), inlined in a standalone HTML file written to disk by a command
    (printed slips, report files), which must look the same when opened without the server."""
    if standalone or not has_request_context():
        css = manifest().by_name[name].body.decode("utf-8")
        return Markup("<style>\n{}</style>").format(Markup(css))
    return Markup('<link rel="stylesheet" href="{}">').format(url_for("static", filename=name))


def manifest() -> AssetManifest:
    built: AssetManifest = current_app.extensions["assets"]
    return built


def _hashed_static_name(endpoint: str, values: dict[str, Any]) -> None:
    if endpoint == "static" and "filename" in values:
        values["filename"] = manifest().url_name(values["filename"])


def serve_static(filename: str) -> Response:
    assets = manifest()
    asset = assets.by_hashed.get(filename)
    immutable = asset is not None
    if asset is None:
        asset = assets.by_name.get(filename)
    if asset is None:
        abort(404)
    etag = asset.digest[:20]
    headers = {
        "Cache-Control": f"public, max-age={YEAR}, immutable" if immutable else "public, max-age=300",
        "ETag": f'"{etag}"',
        "X-Content-Type-Options": "nosniff",
    }
    if asset.gzipped is not None:
        headers["Vary"] = "Accept-Encoding"
    if request.if_none_match.contains(etag):
        return Response(status=304, headers=headers)
    body = asset.body
    # quality, not `in`: "gzip;q=0" is in the header and means "no gzip".
    if asset.gzipped is not None and request.accept_encodings.quality("gzip") > 0:
        body = asset.gzipped
        headers["Content-Encoding"] = "gzip"
    return Response(body, mimetype=asset.mimetype, headers=headers)
