"""Turning an export into an HTTP download (for the committee pages, which serve it behind login).

CSV is streamed chunk by chunk from the service's generator, so a large export starts at once and
never waits for the whole file; XLSX and the print page are small and sent whole.
"""

from __future__ import annotations

from flask import Response, stream_with_context

from ..services.exports import MEDIA_TYPES, Source, render


def export_response(source: Source, fmt: str, lang: str = "vi") -> Response:
    chunks = render(source, fmt, lang)
    headers = {}
    if fmt != "html":
        headers["Content-Disposition"] = f'attachment; filename="{source.filename}.{fmt}"'
    if fmt == "csv":
        return Response(stream_with_context(chunks), mimetype=MEDIA_TYPES[fmt], headers=headers)
    return Response(b"".join(chunks), mimetype=MEDIA_TYPES[fmt], headers=headers)
