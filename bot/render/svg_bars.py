"""A :class:`~bot.render.charts.BarChart` as a small hand-written SVG, for the public page.

matplotlib takes about a tenth of a second per chart and turns every letter into a path;
a page with a hundred rounds cannot wait for that. This writes the same chart as a few
hundred bytes of SVG: the title, each idea's label above its bar, the votes and share at
the bar's end, the axis words with their unit, and "and N more" under the bars. The
words are real ``<text>`` elements, so the reader's browser shapes Arabic and Urdu itself
and a screen reader or a search finds them; every word is escaped.

Colours are the same Okabe-Ito ones as the Telegram charts, and never carry meaning alone:
the leading ideas are striped as well as orange, paper votes cross-hatched. A right-to-left
chart is mirrored: words anchored on the right, bars growing to the left, and every text
marked ``direction="rtl"``. The file is self-contained: no font, script or image is
fetched from anywhere.
"""

from __future__ import annotations

import html
import math
import re
import textwrap

from bot.render.charts import (
    BLUE,
    GREY,
    ORANGE,
    VERMILLION,
    BarChart,
    hours_and_minutes,
    visual,
)

WIDTH = 480  # narrow, so that on a phone the words stay about the size of the page's
_MARGIN = 12
_TITLE_SIZE, _TEXT_SIZE = 17, 15
_TITLE_CHARS = 44
_ROW = 46  # a label line and its bar
_BAR = 16
_BARS_SHARE = 0.6  # the longest bar; the rest of the width is for its note

# Characters XML 1.0 does not allow, even escaped: a member's text must not break the file.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

_PATTERNS = f"""<defs>
<pattern id="lead" width="8" height="8" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">\
<rect width="8" height="8" fill="{ORANGE}"/><rect width="3" height="8" fill="#ffffff"/></pattern>
<pattern id="paper" width="8" height="8" patternUnits="userSpaceOnUse">\
<rect width="8" height="8" fill="{VERMILLION}"/><path d="M0 0L8 8M8 0L0 8" stroke="#ffffff" stroke-width="1.5"/>\
</pattern>
</defs>"""


def _escaped(text: str) -> str:
    return html.escape(_NOT_XML.sub("", visual(text)), quote=True)


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


class _Canvas:
    """Coordinates measured from the reading side: ``x`` from the left, or from the right
    when the chart reads right to left."""

    def __init__(self, rtl: bool) -> None:
        self.rtl = rtl
        self.parts: list[str] = []

    def x(self, along: float) -> float:
        return WIDTH - along if self.rtl else along

    def text(self, along: float, y: float, words: str, *, size: int = _TEXT_SIZE, anchor: str = "start",
             extra: str = "") -> None:  # fmt: skip
        # With direction="rtl", "start" is the right end of the text: the anchor follows the reading side.
        direction = ' direction="rtl"' if self.rtl else ""
        self.parts.append(f'<text x="{self.x(along):.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}"'
                          f'{direction}{extra}>{_escaped(words)}</text>')  # fmt: skip

    def bar(self, along: float, y: float, length: float, fill: str) -> None:
        if length <= 0:
            return
        left = WIDTH - along - length if self.rtl else along
        self.parts.append(f'<rect x="{left:.1f}" y="{y:.1f}" width="{length:.1f}" height="{_BAR}" fill="{fill}"/>')


def svg(chart: BarChart) -> bytes:
    """The chart as a self-contained SVG document (UTF-8)."""
    canvas = _Canvas(chart.rtl)
    title = textwrap.wrap(chart.title, _TITLE_CHARS) or [""]
    y = _MARGIN + _TITLE_SIZE
    for line in title:
        canvas.text(WIDTH / 2, y, line, size=_TITLE_SIZE, anchor="middle", extra=' font-weight="bold"')
        y += _TITLE_SIZE * 1.3
    paper = any(bar.paper for bar in chart.bars)
    if paper:
        y += 4
        for along, fill, words in ((_MARGIN, BLUE, chart.parts[0]), (WIDTH / 2, "url(#paper)", chart.parts[1])):
            canvas.bar(along, y - 12, 14, fill)
            canvas.text(along + 20, y, words)
        y += _TEXT_SIZE
    values = [bar.value for bar in chart.bars]
    ticks = _ticks(max(values, default=0), not chart.hours and all(float(value).is_integer() for value in values))
    scale = (WIDTH - 2 * _MARGIN) * _BARS_SHARE / (ticks[-1] or 1)
    top = y + 6
    y = top
    for bar in chart.bars:
        canvas.text(_MARGIN, y + _TEXT_SIZE, bar.label)
        online = bar.value - bar.paper
        canvas.bar(_MARGIN, y + 20, online * scale, "url(#lead)" if bar.highlighted else BLUE)
        canvas.bar(_MARGIN + online * scale, y + 20, bar.paper * scale, "url(#paper)")
        canvas.text(_MARGIN + bar.value * scale + 6, y + 20 + _BAR - 3, bar.note, extra=f' fill="{GREY}"')
        y += _ROW
    axis = y + 4
    canvas.parts.append(f'<path d="M{canvas.x(_MARGIN):.1f} {top:.1f}V{axis:.1f}H{canvas.x(_MARGIN + ticks[-1] * scale):.1f}" '
                        f'fill="none" stroke="{GREY}"/>')  # fmt: skip
    for tick in ticks:
        along = _MARGIN + tick * scale
        canvas.parts.append(f'<path d="M{canvas.x(along):.1f} {axis:.1f}v4" stroke="{GREY}"/>')
        canvas.text(along, axis + 18, _tick_label(tick, chart.hours), size=12, anchor="middle")
    y = axis + 40
    canvas.text(WIDTH / 2, y, chart.axis, anchor="middle")
    if chart.more:
        y += _TEXT_SIZE * 1.6
        canvas.text(WIDTH / 2, y, chart.more, anchor="middle", extra=' font-style="italic"')
    height = math.ceil(y + _MARGIN)
    label = _escaped(chart.title)
    head = (f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" viewBox="0 0 {WIDTH} {height}" '
            f'role="img" aria-label="{label}" font-family="\'Noto Sans\', \'Noto Sans Arabic\', \'Noto Naskh Arabic\', '
            f'Tahoma, sans-serif" fill="#000000">')  # fmt: skip
    body = "\n".join([head, f"<title>{label}</title>", _PATTERNS, '<rect width="100%" height="100%" fill="#ffffff"/>',
                      *canvas.parts, "</svg>", ""])  # fmt: skip
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + body).encode()
