"""Small SVG charts drawn by hand: a funnel and lines over time.

SVG keeps the product free of a plotting dependency, stays sharp at any zoom, and embeds as a
``data:image/svg+xml;base64`` URI both in Dagster's markdown metadata and in the static HTML report.
"""

from __future__ import annotations

import base64
from datetime import date
from html import escape

PALETTE = ("#4f46e5", "#0891b2", "#16a34a", "#ea580c", "#db2777", "#7c3aed", "#65a30d")
FONT = "font-family='Helvetica,Arial,sans-serif'"


def _svg(width: int, height: int, body: list[str], title: str) -> str:
    return (
        f"<svg xmlns='http://www.w3.org/2000/svg' width='{width}' height='{height}' "
        f"viewBox='0 0 {width} {height}' {FONT} font-size='12'>"
        f"<rect width='{width}' height='{height}' fill='white'/>"
        f"<text x='12' y='22' font-size='15' font-weight='bold' fill='#111827'>{escape(title)}</text>"
        + "".join(body)
        + "</svg>"
    )


def funnel_svg(steps: list[tuple[str, int]], title: str, width: int = 640) -> str:
    """Horizontal bars, one per step, labelled with the count and the share of the first step."""
    label_width, row, top = 175, 34, 40
    height = top + row * len(steps) + 16
    first = steps[0][1] if steps and steps[0][1] else 1
    largest = max((value for _, value in steps), default=0) or 1
    usable = width - label_width - 150
    body = []
    for index, (label, value) in enumerate(steps):
        y = top + index * row
        bar = max(1.0, usable * value / largest)
        share = f"{100 * value / first:.1f}%" if index else "100%"
        body.append(f"<text x='12' y='{y + 18}' fill='#374151'>{escape(label)}</text>")
        body.append(
            f"<rect x='{label_width}' y='{y + 4}' width='{bar:.1f}' height='22' rx='3' "
            f"fill='{PALETTE[index % len(PALETTE)]}'/>"
        )
        body.append(
            f"<text x='{label_width + bar + 8:.1f}' y='{y + 19}' fill='#111827'>{value:,} ({share})</text>"
        )
    return _svg(width, height, body, title)


def _ticks(largest: float, count: int = 4) -> list[float]:
    if largest <= 0:
        return [0.0]
    raw = largest / count
    magnitude = 10 ** (len(str(int(raw))) - 1)
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    return [step * n for n in range(int(largest / step) + 2)]


def lines_svg(
    series: dict[str, list[tuple[date, float]]], title: str, width: int = 720, height: int = 300
) -> str:
    """One line per series over shared dates, with a y axis, the first and last date, and a legend."""
    left, right, top, bottom = 56, 16, 40, 64
    points = [point for values in series.values() for point in values]
    if not points:
        return _svg(width, 80, ["<text x='12' y='56' fill='#6b7280'>no data yet</text>"], title)
    first, last = min(d for d, _ in points), max(d for d, _ in points)
    span = max((last - first).days, 1)
    ticks = _ticks(max(v for _, v in points))
    top_value = ticks[-1] or 1
    plot_w, plot_h = width - left - right, height - top - bottom

    def x(day: date) -> float:
        return left + plot_w * (day - first).days / span

    def y(value: float) -> float:
        return top + plot_h * (1 - value / top_value)

    body = []
    for tick in ticks:
        body.append(
            f"<line x1='{left}' x2='{width - right}' y1='{y(tick):.1f}' y2='{y(tick):.1f}' stroke='#e5e7eb'/>"
        )
        body.append(
            f"<text x='{left - 6}' y='{y(tick) + 4:.1f}' text-anchor='end' fill='#6b7280'>{tick:,.0f}</text>"
        )
    for index, (name, values) in enumerate(series.items()):
        color = PALETTE[index % len(PALETTE)]
        path = " ".join(f"{x(d):.1f},{y(v):.1f}" for d, v in sorted(values))
        body.append(f"<polyline points='{path}' fill='none' stroke='{color}' stroke-width='2'/>")
        legend_x = left + index * 150
        body.append(f"<rect x='{legend_x}' y='{height - 22}' width='12' height='12' fill='{color}'/>")
        body.append(f"<text x='{legend_x + 16}' y='{height - 12}' fill='#374151'>{escape(name)}</text>")
    axis_y = top + plot_h + 16
    body.append(f"<text x='{left}' y='{axis_y}' fill='#6b7280'>{first.isoformat()}</text>")
    body.append(
        f"<text x='{width - right}' y='{axis_y}' text-anchor='end' fill='#6b7280'>{last.isoformat()}</text>"
    )
    return _svg(width, height, body, title)


def data_uri(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def markdown_image(svg: str, alt: str) -> str:
    """Markdown that Dagster's UI renders as the picture (its sanitizer allows ``data:`` image sources)."""
    return f"![{alt}]({data_uri(svg)})"
