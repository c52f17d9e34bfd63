"""Bar charts that speak: titles, words, units and counts, drawn with matplotlib off the event loop.

A :class:`BarChart` carries everything already in the reader's language (the flows compose
it with a translator); this module only draws it, as PNG for a Telegram photo or as SVG for
the public page. The text is set in the Noto fonts shipped by the ``manimgx-fonts`` package
(Noto Sans, Noto Sans Arabic, Noto Emoji, Noto Sans Symbols), so it looks the same in CI, in
the container and on a laptop. matplotlib (3.11 and later) shapes text with libraqm, so
Arabic and Urdu letters join and right-to-left runs read right to left; a right-to-left
chart is also mirrored, words on the right and bars growing to the left.

Colours come from the Okabe-Ito palette, which readers with any common colour-vision
deficiency can tell apart, and never carry meaning alone: every bar is labelled with its
words and numbers, and the leading ideas are hatched as well as coloured.

matplotlib is slow and blocking, so the drawing runs in a worker thread on the Agg backend
(no display, no pyplot global state). Every image stays within Telegram's photo rules
(width + height at most 10,000 pixels, one side at most 20 times the other).
"""

from __future__ import annotations

import asyncio
import functools
import io
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bot.domain.text_limits import CAPTION_LENGTH

FONT_FAMILIES = ("Noto Sans", "Noto Sans Arabic", "Noto Emoji", "Noto Sans Symbols")
FONT_FILES = ("NotoSans[wght].ttf", "NotoSansArabic[wght].ttf", "NotoEmoji[wght].ttf", "NotoSansSymbols[wght].ttf")

# Okabe-Ito: blue for the bars, orange (and a hatch) for the leading ones, vermillion for paper votes.
BLUE, ORANGE, VERMILLION, GREY = "#0072B2", "#E69F00", "#D55E00", "#333333"

MAX_BARS = 20  # the results chart shows the top 20 ideas, then "and N more"
MAX_SIDES = 10_000  # Telegram: width + height of a photo, in pixels
MAX_RATIO = 20  # Telegram: the longer side at most 20 times the shorter

_WIDTH_INCHES, _DPI = 8.0, 120
LABEL_LENGTH = 36  # an idea's words beside its bar, shortened with text_limits.shorten
_TITLE_CHARS = 60

# Variation selectors and the zero-width joiner ask for colour emoji sequences that a
# monochrome font draws as separate glyphs or boxes; without them each emoji stands alone.
_INVISIBLE = dict.fromkeys(map(ord, "\ufe0e\ufe0f\u200d"))
# Control characters a member may paste (C0 but the line break, DEL, C1) have no glyph in any
# font: drawn, they would only be a box and a warning.
_INVISIBLE.update(dict.fromkeys([*range(0x00, 0x0A), *range(0x0B, 0x20), *range(0x7F, 0xA0)]))
REPLACEMENT = "\ufffd"  # drawn for a character none of the chart fonts has


@dataclass(frozen=True, slots=True)
class Bar:
    """One bar: its words (``label``), its length, and the words written at its end (``note``)."""

    label: str
    value: float
    note: str
    highlighted: bool = False  # a leading idea: hatched and orange
    paper: float = 0.0  # the part of ``value`` from paper ballots, once the bot takes them


@dataclass(frozen=True, slots=True)
class BarChart:
    """A horizontal bar chart with every word already in the group's language."""

    title: str
    axis: str  # the value axis label, with its unit ("Votes (neighbours)", "Hours")
    bars: tuple[Bar, ...]
    caption: str  # what the chart shows, in words: the photo caption and the image's alt text
    rtl: bool = False
    more: str = ""  # "and 180 more ideas", under the bars
    parts: tuple[str, str] = ("", "")  # legend words for online and paper votes, when any bar has paper
    hours: bool = False  # values are hours: the axis is marked in hours and minutes (1:30)


def visual(text: str, rtl: bool = False) -> str:
    """``text`` as matplotlib is given it: without the invisible emoji joiners (see above),
    and with a character no chart font can draw (Chinese, say, in a member's words) as "�",
    which says something is there where a blank box and a warning would say nothing.

    matplotlib 3.11 lays text out with libraqm (HarfBuzz, FriBiDi), so Arabic letters join
    and right-to-left runs are ordered by the library itself; ``rtl`` is kept so that a
    label's direction is decided in one place should a backend ever need it.
    """
    shown = text.translate(_INVISIBLE)
    if shown.isascii():
        return shown
    covered = _covered()
    return "".join(char if char.isspace() or ord(char) in covered else REPLACEMENT for char in shown)


def _wrapped(text: str, rtl: bool, width: int = _TITLE_CHARS) -> str:
    """Wrapped in logical order first, then each line shaped: a line break must not reorder words."""
    return "\n".join(visual(line, rtl) for line in textwrap.wrap(text, width) or [""])


def caption_within_limit(text: str) -> str:
    return text if len(text) <= CAPTION_LENGTH else text[: CAPTION_LENGTH - 1].rstrip() + "…"


def within_photo_limits(width: float, height: float) -> bool:
    return width + height <= MAX_SIDES and max(width, height) <= MAX_RATIO * min(width, height)


def fonts_dir() -> Path:
    import manimgx_fonts

    return Path(manimgx_fonts.__file__).parent


@functools.cache
def _register_fonts() -> None:
    from matplotlib import font_manager

    for family_file in FONT_FILES:
        font_manager.fontManager.addfont(str(fonts_dir() / family_file))


def _figure(chart: BarChart):  # noqa: ANN202 - a matplotlib Figure, imported lazily
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    _register_fonts()
    bars = chart.bars
    height = min(1.6 + 0.25 * len(textwrap.wrap(chart.title, _TITLE_CHARS)) + 0.42 * max(len(bars), 1), 30.0)
    figure = Figure(figsize=(_WIDTH_INCHES, height), dpi=_DPI)
    with matplotlib.rc_context({"font.family": list(FONT_FAMILIES), "font.size": 10, "svg.fonttype": "path",
                                "hatch.color": "white", "svg.hashsalt": "coprod"}):  # fmt: skip
        _draw(figure, chart)
    return figure


def _draw(figure, chart: BarChart) -> None:  # noqa: ANN001
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    axes = figure.subplots()
    positions = list(range(len(chart.bars)))
    values = [bar.value for bar in chart.bars]
    online = [bar.value - bar.paper for bar in chart.bars]
    drawn = axes.barh(positions, online, color=[ORANGE if bar.highlighted else BLUE for bar in chart.bars],
                      edgecolor="white", label=visual(chart.parts[0], chart.rtl))  # fmt: skip
    for rectangle, bar in zip(drawn, chart.bars, strict=True):
        if bar.highlighted:
            rectangle.set_hatch("//")
    if any(bar.paper for bar in chart.bars):
        axes.barh(positions, [bar.paper for bar in chart.bars], left=online, color=VERMILLION, hatch="xx",
                  edgecolor="white", label=visual(chart.parts[1], chart.rtl))  # fmt: skip
        axes.legend(loc="lower right", frameon=False)
    axes.set_yticks(positions, [visual(bar.label, chart.rtl) for bar in chart.bars])
    axes.invert_yaxis()
    axes.set_xlim(0, max(values, default=0) * 1.35 or 1)
    if chart.hours:
        axes.xaxis.set_major_locator(MaxNLocator(steps=[1, 2, 5, 10], integer=max(values, default=0) >= 3))
        axes.xaxis.set_major_formatter(FuncFormatter(lambda hours, _position: hours_and_minutes(hours)))
    else:
        axes.xaxis.set_major_locator(MaxNLocator(integer=all(float(v).is_integer() for v in values)))
    axes.set_xlabel(visual(chart.axis, chart.rtl))
    axes.set_title(_wrapped(chart.title, chart.rtl), fontsize=12, loc="center")
    axes.spines[["top", "left" if chart.rtl else "right"]].set_visible(False)
    offset = -4 if chart.rtl else 4
    for position, bar in zip(positions, chart.bars, strict=True):
        axes.annotate(visual(bar.note, chart.rtl), (bar.value, position), xytext=(offset, 0),
                      textcoords="offset points", va="center", ha="right" if chart.rtl else "left",
                      color=GREY)  # fmt: skip
    if chart.rtl:
        axes.invert_xaxis()
        axes.yaxis.tick_right()
    if chart.more:
        figure.text(0.5, 0.01, visual(chart.more, chart.rtl), ha="center", va="bottom", style="italic")
    # Fixed margins, not tight_layout: measuring every text first would double the cost.
    height = figure.get_size_inches()[1]
    title_lines = len(textwrap.wrap(chart.title, _TITLE_CHARS)) or 1
    top = 1 - (0.25 + 0.25 * title_lines) / height
    bottom = (0.75 + (0.3 if chart.more else 0)) / height
    words, bars = 0.37, 0.97
    figure.subplots_adjust(left=1 - bars if chart.rtl else words, right=1 - words if chart.rtl else bars,
                           top=top, bottom=bottom)  # fmt: skip


def hours_and_minutes(hours: float) -> str:
    """An hours axis tick as h:mm (1.5 hours is 1:30); the PNG and the page's SVG share it."""
    whole, minutes = divmod(round(hours * 60), 60)
    return f"{whole}:{minutes:02d}"


def _save(chart: BarChart, image_format: str) -> bytes:
    figure = _figure(chart)
    width, height = figure.get_size_inches() * figure.dpi
    if not within_photo_limits(width, height):
        raise ValueError(f"a {width:.0f}x{height:.0f} image is outside Telegram's photo limits")
    buffer = io.BytesIO()
    figure.savefig(buffer, format=image_format, metadata={"Date": None} if image_format == "svg" else None)
    return buffer.getvalue()


def png_now(chart: BarChart) -> bytes:
    """The chart as PNG, drawn in this thread (benchmarks and the site builder's worker)."""
    return _save(chart, "png")


def svg_now(chart: BarChart) -> bytes:
    """The chart as a self-contained SVG: every glyph is a path, so no font is fetched."""
    return _save(chart, "svg")


async def png(chart: BarChart) -> bytes:
    """The chart as PNG bytes for a Telegram photo, drawn in a worker thread."""
    return await asyncio.to_thread(png_now, chart)


async def svg(chart: BarChart) -> bytes:
    return await asyncio.to_thread(svg_now, chart)


def missing_glyphs(text: str) -> set[str]:
    """Characters of ``text`` that none of the chart fonts can draw (:func:`visual` shows each as "�")."""
    covered = _covered()
    return {char for char in text.translate(_INVISIBLE) if not char.isspace() and ord(char) not in covered}


@functools.cache
def _covered() -> frozenset[int]:
    from fontTools.ttLib import TTFont

    points: set[int] = set()
    for family_file in FONT_FILES:
        points.update(TTFont(fonts_dir() / family_file, lazy=True)["cmap"].getBestCmap())
    return frozenset(points)


def top(items: Sequence, limit: int = MAX_BARS) -> tuple[Sequence, int]:
    """The first ``limit`` items and how many more there were."""
    return items[:limit], max(len(items) - limit, 0)
