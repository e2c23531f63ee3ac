"""Small inline-SVG charts for the self-contained report: no scripts, no network.

>>> '<svg' in line_chart("t", ["a", "b"], [Series("x", [1.0, 2.0], "#123")])
True
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

W, H, PAD_L, PAD_R, PAD_T, PAD_B = 720, 220, 44, 12, 28, 30


@dataclass(frozen=True, slots=True)
class Series:
    name: str
    values: Sequence[float | None]
    color: str
    kind: str = "line"  # line | bar | dots


def _scale(lo: float, hi: float, top: float, bottom: float):
    span = (hi - lo) or 1.0
    return lambda v: bottom - (v - lo) / span * (bottom - top)


def _axes(title: str, labels: Sequence[str], lo: float, hi: float) -> list[str]:
    y = _scale(lo, hi, PAD_T, H - PAD_B)
    parts = [f'<text x="{PAD_L}" y="16" class="t">{escape(title)}</text>']
    for v in (lo, (lo + hi) / 2, hi):
        parts.append(f'<line x1="{PAD_L}" x2="{W - PAD_R}" y1="{y(v):.1f}" y2="{y(v):.1f}" class="g"/>'
                     f'<text x="{PAD_L - 4}" y="{y(v) + 4:.1f}" class="a" text-anchor="end">{v:.0f}</text>')
    step = max(1, len(labels) // 8)
    for i in range(0, len(labels), step):
        parts.append(f'<text x="{_x(i, len(labels)):.1f}" y="{H - 10}" class="a" text-anchor="middle">{escape(labels[i])}</text>')
    return parts


def _x(i: int, n: int) -> float:
    return PAD_L + (i + 0.5) * (W - PAD_L - PAD_R) / max(n, 1)


def _series(s: Series, n: int, y) -> str:
    pts = [(_x(i, n), y(v)) for i, v in enumerate(s.values) if v is not None]
    if s.kind == "bar":
        bw = max(1.0, (W - PAD_L - PAD_R) / max(n, 1) * 0.7)
        return "".join(f'<rect x="{px - bw / 2:.1f}" y="{py:.1f}" width="{bw:.1f}" height="{max(0.0, y(0) - py):.1f}" '
                       f'fill="{s.color}" class="bar"/>' for px, py in pts)
    if s.kind == "dots":
        return "".join(f'<circle cx="{px:.1f}" cy="{py:.1f}" r="3" fill="{s.color}"/>' for px, py in pts)
    path = " ".join(f"{'M' if i == 0 else 'L'}{px:.1f},{py:.1f}" for i, (px, py) in enumerate(pts))
    return f'<path d="{path}" fill="none" stroke="{s.color}" stroke-width="2" class="line"/>' if pts else ""


def _legend(series: Sequence[Series]) -> str:
    x, out = W - PAD_R, []
    for s in reversed(series):
        x -= 8 + 7 * len(s.name) + 14
        out.append(f'<rect x="{x}" y="7" width="10" height="10" fill="{s.color}"/>'
                   f'<text x="{x + 14}" y="16" class="a">{escape(s.name)}</text>')
    return "".join(out)


def line_chart(title: str, labels: Sequence[str], series: Sequence[Series],
               bands: Sequence[tuple[float, float, str]] = (), marks: Sequence[tuple[int, str]] = (),
               lo: float | None = None, hi: float | None = None) -> str:
    """A chart of bars/lines/dots over ``labels``; ``bands`` are horizontal (lo, hi, colour)
    stripes, ``marks`` vertical markers (index, label)."""
    values = [v for s in series for v in s.values if v is not None]
    values += [b for band in bands for b in band[:2]]
    lo = min([0.0, *values]) if lo is None else lo
    hi = max([1.0, *values]) if hi is None else hi
    y = _scale(lo, hi, PAD_T, H - PAD_B)
    body = [f'<rect x="{PAD_L}" width="{W - PAD_L - PAD_R}" y="{y(b_hi):.1f}" height="{y(b_lo) - y(b_hi):.1f}" fill="{c}" opacity="0.25"/>'
            for b_lo, b_hi, c in bands]
    body += _axes(title, labels, lo, hi)
    body += [_series(s, len(labels), y) for s in series]
    for i, text in marks:
        x = _x(i, len(labels))
        right = x > W * 0.6
        body.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{PAD_T}" y2="{H - PAD_B}" class="m"/>'
                    f'<text x="{x - 4 if right else x + 4:.1f}" y="{PAD_T + 10}" class="a" '
                    f'text-anchor="{"end" if right else "start"}">{escape(text)}</text>')
    body.append(_legend(series))
    return (f'<svg class="chart" viewBox="0 0 {W} {H}" role="img" aria-label="{escape(title)}" '
            f'xmlns="http://www.w3.org/2000/svg">{"".join(body)}</svg>')
