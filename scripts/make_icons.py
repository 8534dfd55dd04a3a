"""Draw the app icons (static/icons/*.png) with pypng: a white tick on the theme green.

`icon-*.png` are rounded squares for any use; `maskable-512.png` fills the whole square and keeps
the tick inside the central safe zone (a circle of 80 % of the width) so any mask shape works.
Run: .venv/bin/python scripts/make_icons.py
"""

from __future__ import annotations

import math
from pathlib import Path

import png

GREEN = (0x1D, 0x6B, 0x3A)
WHITE = (0xFF, 0xFF, 0xFF)
TICK = ((0.28, 0.53), (0.44, 0.69), (0.74, 0.37))
STROKE = 0.095
SAMPLES = 3  # supersampling per axis, for smooth edges
OUT = Path(__file__).resolve().parent.parent / "static" / "icons"


def _segment_distance(px: float, py: float, a: tuple[float, float], b: tuple[float, float]) -> float:
    ax, ay = a
    bx, by = b
    dx, dy = bx - ax, by - ay
    t = max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)))
    return math.hypot(px - (ax + t * dx), py - (ay + t * dy))


def _in_tick(x: float, y: float, scale: float) -> bool:
    u, v = 0.5 + (x - 0.5) / scale, 0.5 + (y - 0.5) / scale
    return min(_segment_distance(u, v, TICK[i], TICK[i + 1]) for i in range(2)) <= STROKE / 2


def _in_rounded_square(x: float, y: float, radius: float) -> bool:
    cx = min(max(x, radius), 1 - radius)
    cy = min(max(y, radius), 1 - radius)
    return math.hypot(x - cx, y - cy) <= radius


def draw(size: int, maskable: bool) -> list[list[int]]:
    rows = []
    scale = 0.72 if maskable else 1.0
    for j in range(size):
        row: list[int] = []
        for i in range(size):
            bg = tick = 0
            for sj in range(SAMPLES):
                for si in range(SAMPLES):
                    x = (i + (si + 0.5) / SAMPLES) / size
                    y = (j + (sj + 0.5) / SAMPLES) / size
                    inside = maskable or _in_rounded_square(x, y, 0.18)
                    if inside:
                        bg += 1
                        tick += _in_tick(x, y, scale)
            n = SAMPLES * SAMPLES
            alpha = round(255 * bg / n)
            share = tick / bg if bg else 0
            row.extend(round(g + (w - g) * share) for g, w in zip(GREEN, WHITE, strict=True))
            row.append(alpha)
        rows.append(row)
    return rows


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for name, size, maskable in (("icon-32.png", 32, False), ("icon-192.png", 192, False),
                                 ("icon-512.png", 512, False), ("maskable-512.png", 512, True)):
        with (OUT / name).open("wb") as f:
            png.Writer(size, size, greyscale=False, alpha=True, compression=9).write(f, draw(size, maskable))
        print(name, (OUT / name).stat().st_size, "bytes")


if __name__ == "__main__":
    main()
