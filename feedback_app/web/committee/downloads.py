"""Turning an export into an HTTP download (for the committee pages, which serve it behind login).

CSV is streamed chunk by chunk from the service's generator, so a large export starts at once and
never waits for the whole file; XLSX and the print page are small and sent whole. A file prepared
by the worker (services.exports.jobs) is sent whole from Redis, with the same headers.
"""

from __future__ import annotations

from flask import Response, stream_with_context

from ...services.exports import MEDIA_TYPES, Source, render


def _headers(fmt: str, filename: str) -> dict[str, str]:
    return {} if fmt == "html" else {"Content-Disposition": f'attachment; filename="{filename}"'}


def file_response(data: bytes, fmt: str, filename: str) -> Response:
    """A prepared export file (`filename` with its extension)."""
    return Response(data, mimetype=MEDIA_TYPES[fmt], headers=_headers(fmt, filename))


def export_response(source: Source, fmt: str, lang: str = "vi") -> Response:
    chunks = render(source, fmt, lang)
    headers = _headers(fmt, f"{source.filename}.{fmt}")
    if fmt == "csv":
        return Response(stream_with_context(chunks), mimetype=MEDIA_TYPES[fmt], headers=headers)
    return Response(b"".join(chunks), mimetype=MEDIA_TYPES[fmt], headers=headers)
