"""Tiny inline SVG charts for notebooks: a line chart and a bar chart, standard library only.

Jupyter shows what an object's ``_repr_html_`` returns; these charts make that HTML draw
pictures without importing matplotlib (or anything else) when neuralab is imported or an
object is displayed. They are deliberately plain: axes, a few ticks, a legend.
"""

from __future__ import annotations

import math
from html import escape

__all__ = ["line_chart", "bar_chart", "COLORS"]

#: Series colours, in order (matplotlib's default cycle, so notebooks look familiar).
COLORS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b")
_W, _H = 320, 200          # the chart's size in pixels
_L, _R, _T, _B = 48, 10, 38, 34  # margins: left (y ticks), right, top (title, legend), bottom


def _fmt(value: float) -> str:
    return f"{value:.3g}"


def _ticks(low: float, high: float) -> list[float]:
    """Three ticks spanning [low, high]."""
    return [low, (low + high) / 2, high]


def _frame(title: str, x_label: str, y_range: tuple[float, float]) -> list[str]:
    """The SVG elements every chart shares: title, axes, y ticks, x label."""
    low, high = y_range
    parts = [f'<text x="{_W / 2}" y="16" text-anchor="middle" font-size="13">{escape(title)}'
             "</text>",
             f'<line x1="{_L}" y1="{_T}" x2="{_L}" y2="{_H - _B}" stroke="#444"/>',
             f'<line x1="{_L}" y1="{_H - _B}" x2="{_W - _R}" y2="{_H - _B}" stroke="#444"/>',
             f'<text x="{(_L + _W - _R) / 2}" y="{_H - 4}" text-anchor="middle" '
             f'font-size="11">{escape(x_label)}</text>']
    for tick in _ticks(low, high):
        y = _y(tick, low, high)
        parts.append(f'<text x="{_L - 4}" y="{y + 4:.1f}" text-anchor="end" font-size="10">'
                     f"{_fmt(tick)}</text>")
    return parts


def _y(value: float, low: float, high: float) -> float:
    span = (high - low) or 1.0
    return _H - _B - (value - low) / span * (_H - _B - _T)


def _svg(parts: list[str]) -> str:
    body = "".join(parts)
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{_W}" height="{_H}" '
            f'viewBox="0 0 {_W} {_H}" font-family="sans-serif">{body}</svg>')


def line_chart(series: dict[str, list[float]], title: str, x_label: str = "epoch") -> str:
    """An SVG line chart of one or more series against 1, 2, … (epochs); NaN/inf are skipped."""
    finite = {name: [v if math.isfinite(v) else None for v in map(float, values)]
              for name, values in series.items() if values}
    numbers = [v for values in finite.values() for v in values if v is not None]
    if not numbers:
        return _svg(_frame(title, x_label, (0.0, 1.0)))
    low, high = min(numbers), max(numbers)
    n = max(len(values) for values in finite.values())
    parts = _frame(title, x_label, (low, high))
    parts.append(f'<text x="{_L}" y="{_H - _B + 13}" font-size="10">1</text>')
    parts.append(f'<text x="{_W - _R}" y="{_H - _B + 13}" text-anchor="end" font-size="10">'
                 f"{n}</text>")
    for i, (name, values) in enumerate(finite.items()):
        color = COLORS[i % len(COLORS)]
        points = " ".join(f"{_x(j, n):.1f},{_y(v, low, high):.1f}"
                          for j, v in enumerate(values) if v is not None)
        parts.append(f'<polyline fill="none" stroke="{color}" stroke-width="1.8" '
                     f'points="{points}"><title>{escape(name)}</title></polyline>')
        parts.append(f'<text x="{_L + 90 * i}" y="{_T - 6}" font-size="11" fill="{color}">'
                     f"— {escape(name)}</text>")
    return _svg(parts)


def _x(index: int, n: int) -> float:
    return _L + (index / max(n - 1, 1)) * (_W - _R - _L)


def bar_chart(labels: list[str], values: list[float], title: str, x_label: str = "") -> str:
    """An SVG bar chart, one bar per label, from 0 to the largest value (None: no bar)."""
    numbers = [float(v) for v in values if v is not None and math.isfinite(v)]
    high = max(numbers + [0.0]) or 1.0
    parts = _frame(title, x_label, (0.0, high))
    width = (_W - _R - _L) / max(len(labels), 1)
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        x = _L + i * width
        parts.append(f'<text x="{x + width / 2:.1f}" y="{_H - _B + 13}" text-anchor="middle" '
                     f'font-size="10">{escape(label)}</text>')
        if value is None or not math.isfinite(value):
            continue
        top = _y(float(value), 0.0, high)
        parts.append(f'<rect x="{x + width * 0.15:.1f}" y="{top:.1f}" width="{width * 0.7:.1f}" '
                     f'height="{_H - _B - top:.1f}" fill="{COLORS[0]}"><title>{escape(label)}: '
                     f"{_fmt(float(value))}</title></rect>")
    return _svg(parts)
