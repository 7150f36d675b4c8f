"""Charts drawn on the server as inline SVG (no script, no CDN). Every piece of text is escaped;
colours are SVG attributes, not style attributes, so the strict CSP holds."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from markupsafe import Markup, escape

# Eleven colours told apart easily (Tableau 10 and one more), one per scam type.
PALETTE: tuple[str, ...] = (
    "#1f77b4",
    "#ff7f0e",
    "#2ca02c",
    "#d62728",
    "#e377c2",
    "#9467bd",
    "#8c564b",
    "#17becf",
    "#bcbd22",
    "#393b79",
    "#7f7f7f",
)


def colour_for(index: int) -> str:
    return PALETTE[index % len(PALETTE)]


def _tick_step(largest: int, ticks: int = 4) -> int:
    """A whole step of 1, 2 or 5 times a power of ten so that ``ticks`` steps cover ``largest``."""
    magnitude = 1
    while True:
        for factor in (1, 2, 5):
            step = factor * magnitude
            if step * ticks >= largest:
                return step
        magnitude *= 10


def stacked_bars(
    days: Sequence[date], series: dict[str, list[int]], colours: dict[str, str]
) -> Markup:
    """Reports per day, one bar per day, stacked by scam type."""
    width, height = 1000, 300
    left, right, top, bottom = 44, 10, 10, 36
    plot_w, plot_h = width - left - right, height - top - bottom
    totals = [sum(values[i] for values in series.values()) for i in range(len(days))]
    step = _tick_step(max(totals, default=0))
    y_max = step * 4
    slot = plot_w / max(len(days), 1)
    bar_w = max(slot * 0.75, 1.0)
    # About seven dates along the axis, whatever the period.
    label_every = max(1, -(-len(days) // 7))
    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="Reports per day by scam type">'
    ]
    for tick in range(0, 5):
        value = step * tick
        y = top + plot_h - plot_h * tick / 4
        parts.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" '
            f'stroke="#d0d5dd" stroke-width="1"/>'
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="13" '
            f'fill="#475467">{value}</text>'
        )
    for i, day in enumerate(days):
        x = left + i * slot + (slot - bar_w) / 2
        y = top + plot_h
        for scam_type, values in series.items():
            count = values[i]
            if not count:
                continue
            h = plot_h * count / y_max
            y -= h
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{h:.1f}" '
                f'fill="{colours[scam_type]}"><title>{escape(day.isoformat())} · '
                f"{escape(scam_type)}: {count}</title></rect>"
            )
        if i % label_every == 0:
            parts.append(
                f'<text x="{x + bar_w / 2:.1f}" y="{height - bottom + 16}" text-anchor="middle" '
                f'font-size="13" fill="#475467">{escape(day.strftime("%d %b"))}</text>'
            )
    parts.append("</svg>")
    return Markup("".join(parts))


def horizontal_bars(
    rows: Sequence[tuple[str, Decimal | int, str]], *, label: str, colour: str = "#0072B2"
) -> Markup:
    """One bar per (label, value, value text), scaled to the largest value."""
    row_h, label_w, value_w, width = 28, 70, 170, 560
    bar_space = width - label_w - value_w
    height = row_h * len(rows) + 4
    largest = max((float(value) for _, value, _ in rows), default=0.0) or 1.0
    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(label)}">'
    ]
    for i, (name, value, text) in enumerate(rows):
        y = 2 + i * row_h
        w = max(bar_space * float(value) / largest, 1.0)
        parts.append(
            f'<text x="{label_w - 8}" y="{y + 18}" text-anchor="end" font-size="14" '
            f'fill="#101828">{escape(name)}</text>'
            f'<rect x="{label_w}" y="{y + 4}" width="{w:.1f}" height="{row_h - 10}" '
            f'fill="{colour}"><title>{escape(name)}: {escape(text)}</title></rect>'
            f'<text x="{label_w + w + 6:.1f}" y="{y + 18}" font-size="14" '
            f'fill="#344054">{escape(text)}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def bar(value: int, largest: int, colour: str = "#0072B2") -> Markup:
    """A small bar for a table cell."""
    width = 100 * value / largest if largest else 0
    return Markup(
        f'<svg class="cell-bar" viewBox="0 0 100 10" preserveAspectRatio="none" aria-hidden="true">'
        f'<rect x="0" y="0" width="{width:.1f}" height="10" fill="{colour}"/></svg>'
    )


def swatch(colour: str) -> Markup:
    return Markup(
        f'<svg class="swatch" viewBox="0 0 10 10" aria-hidden="true">'
        f'<rect width="10" height="10" fill="{escape(colour)}"/></svg>'
    )
