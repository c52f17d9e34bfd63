"""The opinion map: each participant in a group as an unnamed dot, groups coloured and shaped.

Drawn as a PNG with matplotlib for the Telegram photo (in a worker thread, as every chart
is: :mod:`bot.render.charts`) and as a small hand-written SVG for the public page (as
:mod:`bot.render.svg_bars` draws the bars). The two axes are the two principal components
of the votes; they have no units, so the chart says so in words: dots close together voted
alike. Colours are Okabe-Ito and never carry meaning alone: each group also has its own
marker shape, and its letter and size are in the legend. A group too small to be described
is drawn as grey crosses under one legend entry, without its letter.
"""

from __future__ import annotations

import asyncio
import io
import math
from dataclasses import dataclass

from bot.render.charts import FONT_FAMILIES, GREY, _register_fonts, _wrapped, visual
from bot.render.svg_bars import _escaped

# Okabe-Ito colours, and a marker shape for each group (matplotlib's name, the SVG's drawing).
COLOURS = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7")
MARKERS = ("o", "s", "^", "D", "v")
UNDESCRIBED = "#999999"
_SVG_WIDTH, _SVG_PLOT = 480, 300
_TEXT = 15


@dataclass(frozen=True, slots=True)
class MapGroup:
    label: str  # "Group A (12 neighbours)", or the words for the groups too small to describe
    points: tuple[tuple[float, float], ...]
    index: int | None  # its colour and shape; None for the undescribed groups (grey crosses)


@dataclass(frozen=True, slots=True)
class OpinionMapChart:
    title: str
    groups: tuple[MapGroup, ...]
    note: str  # what the distances mean, under the plot
    caption: str  # the chart in words: the photo caption and the image's alternative text
    rtl: bool = False


def _bounds(chart: OpinionMapChart) -> tuple[float, float, float, float]:
    xs = [x for group in chart.groups for x, _ in group.points] or [0.0]
    ys = [y for group in chart.groups for _, y in group.points] or [0.0]
    pad = max(max(xs) - min(xs), max(ys) - min(ys), 1e-9) * 0.08
    return min(xs) - pad, max(xs) + pad, min(ys) - pad, max(ys) + pad


# ------------------------------------------------------------------------ PNG (Telegram)


def png_now(chart: OpinionMapChart) -> bytes:
    """The map as PNG, drawn in this thread (matplotlib, Agg, no pyplot state)."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    _register_fonts()
    with matplotlib.rc_context({"font.family": list(FONT_FAMILIES), "font.size": 10}):
        figure = Figure(figsize=(8.0, 7.0), dpi=120)
        axes = figure.subplots()
        for group in chart.groups:
            xs, ys = [x for x, _ in group.points], [y for _, y in group.points]
            if group.index is None:
                axes.scatter(xs, ys, marker="x", color=UNDESCRIBED, s=36, label=visual(group.label, chart.rtl))
            else:
                axes.scatter(xs, ys, marker=MARKERS[group.index], color=COLOURS[group.index], s=42,
                             edgecolors="white", linewidths=0.6, label=visual(group.label, chart.rtl))  # fmt: skip
        left, right, bottom, top = _bounds(chart)
        axes.set_xlim(right, left) if chart.rtl else axes.set_xlim(left, right)
        axes.set_ylim(bottom, top)
        axes.set_xticks([])
        axes.set_yticks([])
        axes.set_title(_wrapped(chart.title, chart.rtl), fontsize=12)
        axes.set_xlabel(_wrapped(chart.note, chart.rtl, 90), color=GREY)
        axes.legend(loc="upper center", bbox_to_anchor=(0.5, -0.1), ncol=2, frameon=False)
        figure.subplots_adjust(left=0.04, right=0.96, top=0.9, bottom=0.26)
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png")
    return buffer.getvalue()


async def png(chart: OpinionMapChart) -> bytes:
    return await asyncio.to_thread(png_now, chart)


# ------------------------------------------------------------------------ SVG (the public page)


def _marker(index: int | None, x: float, y: float, size: float = 5.0) -> str:
    """One dot: a circle, square, triangle, diamond or downward triangle in its group's
    colour, or a grey cross for a group too small to describe."""
    if index is None:
        return (f'<path d="M{x - size:.1f} {y - size:.1f}L{x + size:.1f} {y + size:.1f}M{x + size:.1f} {y - size:.1f}'
                f'L{x - size:.1f} {y + size:.1f}" stroke="{UNDESCRIBED}" stroke-width="2"/>')  # fmt: skip
    fill = f'fill="{COLOURS[index]}" stroke="#ffffff" stroke-width="1"'
    shape = MARKERS[index]
    if shape == "o":
        return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{size:.1f}" {fill}/>'
    if shape == "s":
        return f'<rect x="{x - size:.1f}" y="{y - size:.1f}" width="{2 * size:.1f}" height="{2 * size:.1f}" {fill}/>'
    corners = {"^": ((0, -1.2), (1.1, 0.9), (-1.1, 0.9)), "D": ((0, -1.3), (1.3, 0), (0, 1.3), (-1.3, 0)),
               "v": ((0, 1.2), (1.1, -0.9), (-1.1, -0.9))}[shape]  # fmt: skip
    points = " ".join(f"{x + dx * size:.1f},{y + dy * size:.1f}" for dx, dy in corners)
    return f'<polygon points="{points}" {fill}/>'


def svg(chart: OpinionMapChart) -> bytes:
    """The map as a self-contained SVG document: real text, no fonts or scripts fetched."""
    direction = ' direction="rtl"' if chart.rtl else ""
    parts, y = [], 12 + 17
    for line in _wrapped(chart.title, False, 44).split("\n"):
        parts.append(f'<text x="{_SVG_WIDTH / 2}" y="{y}" font-size="17" font-weight="bold" text-anchor="middle"'
                     f'{direction}>{_escaped(line)}</text>')  # fmt: skip
        y += 22
    top = y
    left, right, bottom, upper = _bounds(chart)
    span_x, span_y = right - left, upper - bottom

    def place(px: float, py: float) -> tuple[float, float]:
        across = (px - left) / span_x
        across = 1 - across if chart.rtl else across
        return 12 + across * (_SVG_WIDTH - 24), top + (1 - (py - bottom) / span_y) * _SVG_PLOT

    parts.append(f'<rect x="12" y="{top}" width="{_SVG_WIDTH - 24}" height="{_SVG_PLOT}" fill="none" stroke="{GREY}"/>')
    for group in chart.groups:
        parts.extend(_marker(group.index, *place(px, py)) for px, py in group.points)
    y = top + _SVG_PLOT + 22
    for line in _wrapped(chart.note, False, 60).split("\n"):
        parts.append(f'<text x="{_SVG_WIDTH / 2}" y="{y}" font-size="13" fill="{GREY}" text-anchor="middle"'
                     f'{direction}>{_escaped(line)}</text>')  # fmt: skip
        y += 18
    y += 8
    for group in chart.groups:
        key_x = _SVG_WIDTH - 24 if chart.rtl else 24
        parts.append(_marker(group.index, key_x, y - 5, 6))
        text_x = key_x - 16 if chart.rtl else key_x + 16
        parts.append(f'<text x="{text_x}" y="{y}" font-size="{_TEXT}"{direction}>{_escaped(group.label)}</text>')
        y += 24
    height = math.ceil(y)
    label = _escaped(chart.title)
    head = (f'<svg xmlns="http://www.w3.org/2000/svg" width="{_SVG_WIDTH}" height="{height}" '
            f'viewBox="0 0 {_SVG_WIDTH} {height}" role="img" aria-label="{label}" '
            f'font-family="\'Noto Sans\', \'Noto Sans Arabic\', Tahoma, sans-serif" fill="#000000">')  # fmt: skip
    body = "\n".join([head, f"<title>{label}</title>", '<rect width="100%" height="100%" fill="#ffffff"/>', *parts,
                      "</svg>", ""])  # fmt: skip
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + body).encode()
