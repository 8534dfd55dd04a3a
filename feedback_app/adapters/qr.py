"""QR codes as PNG or SVG, with the qrcode package (pure Python: no Pillow needed)."""

from __future__ import annotations

import io
from typing import Literal

import qrcode
import qrcode.constants
from qrcode.image.pure import PyPNGImage
from qrcode.image.svg import SvgPathImage

Format = Literal["png", "svg"]
MEDIA_TYPES: dict[str, str] = {"png": "image/png", "svg": "image/svg+xml"}


def qr_image(data: str, fmt: Format, box_size: int = 10) -> bytes:
    """Encode `data` (an absolute URL) with medium error correction, so a creased slip still scans."""
    qr = qrcode.QRCode(
        error_correction=qrcode.constants.ERROR_CORRECT_M,
        box_size=box_size,
        border=4,
        image_factory=PyPNGImage if fmt == "png" else SvgPathImage,
    )
    qr.add_data(data)
    qr.make(fit=True)
    image = qr.make_image()
    buffer = io.BytesIO()
    image.save(buffer)
    return buffer.getvalue()


def qr_svg_inline(data: str) -> str:
    """An <svg> element for embedding in HTML (no XML declaration)."""
    svg = qr_image(data, "svg").decode("utf-8")
    return svg[svg.index("<svg") :]
