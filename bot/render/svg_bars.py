"""A :class:`~bot.render.charts.BarChart` as a small hand-written SVG, for the public page.

matplotlib takes about a tenth of a second per chart and turns every letter into a path;
a page with a hundred rounds cannot wait for that. This writes the same chart as a few
hundred bytes of SVG, set into the page itself: the title, each idea's label above its
bar, the votes and share at the bar's end, the axis words with their unit, and "and N
more" under the bars. The words are real ``<text>`` elements, so the reader's browser
shapes Arabic and Urdu itself and a search finds them; every word is escaped, and what
members wrote is its own direction run (:mod:`bot.render.svg_text`).

The chart is :data:`WIDTH` units wide and drawn at that width, or narrower on a narrow
screen: on a 390-pixel phone (358 pixels inside the page's margins) its 15-unit text is
still more than 14 pixels high. Lines too long for it are wrapped.

Colours are the same Okabe-Ito ones as the Telegram charts, and never carry meaning alone:
the leading ideas are striped as well as orange, paper votes cross-hatched. A right-to-left
chart is mirrored: words anchored on the right, bars growing to the left, and every text
marked ``direction="rtl"``. Nothing is fetched from anywhere: no font, script or image.
"""

from __future__ import annotations

import math

from bot.render import svg_text
from bot.render.charts import (
    BLUE,
    GREY,
    ORANGE,
    VERMILLION,
    BarChart,
    hours_and_minutes,
)
from bot.render.svg_text import escaped

WIDTH = 360  # user units; the page draws the chart at most this many pixels wide
MARGIN = 12
TITLE_SIZE, TEXT_SIZE = 17, 15
_LINE = 1.3  # line height, in text sizes
_BAR = 16
_BARS_SHARE = 0.5  # the longest bar; the rest of the width is for its note
FONT_FAMILY = "'Noto Sans', 'Noto Sans Arabic', 'Noto Naskh Arabic', Tahoma, sans-serif"

_PATTERNS = f"""<defs>
<pattern id="lead" width="8" height="8" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">\
<rect width="8" height="8" fill="{ORANGE}"/><rect width="3" height="8" fill="#ffffff"/></pattern>
<pattern id="paper" width="8" height="8" patternUnits="userSpaceOnUse">\
<rect width="8" height="8" fill="{VERMILLION}"/><path d="M0 0L8 8M8 0L0 8" stroke="#ffffff" stroke-width="1.5"/>\
</pattern>
</defs>"""


def _number(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".") if value != int(value) else str(int(value))


def _tick_label(value: float, hours: bool) -> str:
    return hours_and_minutes(value) if hours else _number(value)


def _ticks(top: float, whole: bool) -> list[float]:
    """About five round steps (1, 2 or 5 times a power of ten) from 0 to ``top`` or just past it;
    whole numbers only when ``whole`` (votes) or the values are large enough."""
    if top <= 0:
        return [0.0]
    raw = top / 4
    power = 10 ** math.floor(math.log10(raw))
    step = next(factor * power for factor in (1, 2, 5, 10) if factor * power >= raw)
    if step < 1 and (whole or top >= 3):
        step = 1.0
    return [step * index for index in range(math.ceil(top / step - 1e-9) + 1)]  # the last at or past ``top``


class Canvas:
    """Coordinates measured from the reading side: ``x`` from the left, or from the right
    when the chart reads right to left."""

    def __init__(self, rtl: bool, width: float = WIDTH) -> None:
        self.rtl = rtl
        self.width = width
        self.parts: list[str] = []

    def x(self, along: float) -> float:
        return self.width - along if self.rtl else along

    def text(self, along: float, y: float, words: str, *, size: int = TEXT_SIZE, anchor: str = "start",
             extra: str = "") -> None:  # fmt: skip
        # With direction="rtl", "start" is the right end of the text: the anchor follows the reading side.
        direction = ' direction="rtl"' if self.rtl else ""
        self.parts.append(f'<text x="{self.x(along):.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}"'
                          f'{direction}{extra}>{svg_text.markup(words, self.rtl)}</text>')  # fmt: skip

    def lines(self, along: float, y: float, words: str, room: float, *, size: int = TEXT_SIZE, anchor: str = "start",
              extra: str = "", bold: bool = False) -> float:  # fmt: skip
        """``words`` wrapped to ``room``, the first line's baseline at ``y``; the baseline after the last."""
        for line in svg_text.wrap(words, room, size, bold=bold):
            self.text(along, y, line, size=size, anchor=anchor, extra=extra)
            y += size * _LINE
        return y

    def bar(self, along: float, y: float, length: float, fill: str) -> None:
        if length <= 0:
            return
        left = self.width - along - length if self.rtl else along
        self.parts.append(f'<rect x="{left:.1f}" y="{y:.1f}" width="{length:.1f}" height="{_BAR}" fill="{fill}"/>')


def svg(chart: BarChart) -> str:
    """The chart as an ``<svg>`` element to set into a page: its accessible name is the
    chart's caption, which says in words what it shows."""
    canvas = Canvas(chart.rtl)
    room = WIDTH - 2 * MARGIN
    y = canvas.lines(WIDTH / 2, MARGIN + TITLE_SIZE, chart.title, room, size=TITLE_SIZE, anchor="middle",
                     extra=' font-weight="bold"', bold=True)  # fmt: skip
    if any(bar.paper for bar in chart.bars):
        y += 4
        for along, fill, words in ((MARGIN, BLUE, chart.parts[0]), (WIDTH / 2, "url(#paper)", chart.parts[1])):
            canvas.bar(along, y - 12, 14, fill)
            canvas.text(along + 20, y, words)
        y += TEXT_SIZE
    values = [bar.value for bar in chart.bars]
    ticks = _ticks(max(values, default=0), not chart.hours and all(float(value).is_integer() for value in values))
    scale = room * _BARS_SHARE / (ticks[-1] or 1)
    top = y - TEXT_SIZE
    for bar in chart.bars:
        bar_top = canvas.lines(MARGIN, y, bar.label, room) - TEXT_SIZE * _LINE + 6  # under the label's last line
        online = bar.value - bar.paper
        canvas.bar(MARGIN, bar_top, online * scale, "url(#lead)" if bar.highlighted else BLUE)
        canvas.bar(MARGIN + online * scale, bar_top, bar.paper * scale, "url(#paper)")
        canvas.text(MARGIN + bar.value * scale + 6, bar_top + _BAR - 3, bar.note, extra=f' fill="{GREY}"')
        y = bar_top + _BAR + 8 + TEXT_SIZE
    axis = y - TEXT_SIZE
    canvas.parts.append(f'<path d="M{canvas.x(MARGIN):.1f} {top:.1f}V{axis:.1f}H{canvas.x(MARGIN + ticks[-1] * scale):.1f}" '
                        f'fill="none" stroke="{GREY}"/>')  # fmt: skip
    for tick in ticks:
        along = MARGIN + tick * scale
        canvas.parts.append(f'<path d="M{canvas.x(along):.1f} {axis:.1f}v4" stroke="{GREY}"/>')
        canvas.text(along, axis + 4 + TEXT_SIZE, _tick_label(tick, chart.hours), anchor="middle")
    y = canvas.lines(WIDTH / 2, axis + 4 + TEXT_SIZE * 2.6, chart.axis, room, anchor="middle")
    if chart.more:
        y = canvas.lines(WIDTH / 2, y + TEXT_SIZE * 0.3, chart.more, room, anchor="middle",
                         extra=' font-style="italic"')  # fmt: skip
    height = math.ceil(y - TEXT_SIZE * _LINE + TEXT_SIZE * 0.3 + MARGIN)  # the last line's descenders, the margin
    return document(canvas, height, chart.caption, chart.title, _PATTERNS)


def document(canvas: Canvas, height: int, label: str, title: str, defs: str = "") -> str:
    """An ``<svg>`` element of the canvas's drawing on white, named ``label`` for screen readers."""
    head = (f'<svg xmlns="http://www.w3.org/2000/svg" width="{canvas.width}" height="{height}" '
            f'viewBox="0 0 {canvas.width} {height}" role="img" aria-label="{escaped(label)}" '
            f'font-family="{FONT_FAMILY}" fill="#000000">')  # fmt: skip
    return "\n".join([head, f"<title>{escaped(title)}</title>", *([defs] if defs else []),
                      '<rect width="100%" height="100%" fill="#ffffff"/>', *canvas.parts, "</svg>"])  # fmt: skip
