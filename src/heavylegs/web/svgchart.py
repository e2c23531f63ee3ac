"""Small server-side SVG: a line's path in a box, with at most ``MAX_POINTS`` points (a
long activity or ten years of days is thinned by taking every n-th point, keeping the
extremes of each bucket), and a route drawn from positions (no map tiles)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

MAX_POINTS = 800


@dataclass
class Line:
    path: str
    lo: float
    hi: float
    points: list[tuple[float, float]]  # (x, y) data values kept, for hover


def thin(xs: Sequence[float], ys: Sequence[float | None], limit: int = MAX_POINTS) -> list[tuple[float, float]]:
    """The (x, y) pairs with y present, at most ``limit`` of them: per bucket its min and max."""
    pairs = [(x, y) for x, y in zip(xs, ys, strict=True) if y is not None and not math.isnan(y)]
    if len(pairs) <= limit:
        return pairs
    size = math.ceil(len(pairs) / (limit / 2))
    out: list[tuple[float, float]] = []
    for i in range(0, len(pairs), size):
        bucket = pairs[i:i + size]
        lo, hi = min(bucket, key=lambda p: p[1]), max(bucket, key=lambda p: p[1])
        out += sorted({lo, hi})
    return out


def line(xs: Sequence[float], ys: Sequence[float | None], width: float, height: float,
         x_range: tuple[float, float] | None = None, invert: bool = False) -> Line | None:
    """The SVG path of ``ys`` over ``xs`` in a ``width`` × ``height`` box (y up; ``invert``
    puts low values at the top, as for pace)."""
    pts = thin(xs, ys)
    if len(pts) < 2:
        return None
    x0, x1 = x_range or (pts[0][0], pts[-1][0])
    lo, hi = min(p[1] for p in pts), max(p[1] for p in pts)
    span_x, span_y = (x1 - x0) or 1.0, (hi - lo) or 1.0

    def at(x: float, y: float) -> str:
        fy = (y - lo) / span_y
        return f"{(x - x0) / span_x * width:.1f},{(fy if invert else 1 - fy) * height:.1f}"

    return Line("M" + " L".join(at(x, y) for x, y in pts), lo, hi, pts)


def route(lats: Sequence[float | None], lons: Sequence[float | None], size: float = 400) -> str | None:
    """The SVG path of a route in a ``size`` square, north up, in an equirectangular
    projection scaled by the cosine of the mean latitude; None without two positions."""
    pts = [(la, lo) for la, lo in zip(lats, lons, strict=True) if la is not None and lo is not None
           and not (math.isnan(la) or math.isnan(lo))]
    if len(pts) < 2:
        return None
    pts = pts[:: max(1, len(pts) // (2 * MAX_POINTS))]
    mean_lat = math.radians(sum(p[0] for p in pts) / len(pts))
    xs = [p[1] * math.cos(mean_lat) for p in pts]
    ys = [p[0] for p in pts]
    span = max(max(xs) - min(xs), max(ys) - min(ys)) or 1e-9
    pad = size * 0.05
    scale = (size - 2 * pad) / span
    return "M" + " L".join(f"{pad + (x - min(xs)) * scale:.1f},{size - pad - (y - min(ys)) * scale:.1f}"
                           for x, y in zip(xs, ys, strict=True))
