"""Words in the page's hand-written SVG charts: escaped, wrapped to the chart, each direction its own run.

A chart's words come composed in the group's language with what members wrote marked as
first-strong isolates (:func:`bot.domain.member_text.isolated`): "1st · idea 4 · ⁨Plant
fruit trees…⁩". The browser's bidi algorithm would otherwise take a Latin idea's trailing
"…" or a number after it into the Arabic sentence and move them to the wrong end. In the
SVG each isolated part becomes a ``<tspan>`` with its own ``direction`` and
``unicode-bidi="isolate"``, so the order is the same as in the PNG charts, whose text
engine (libraqm) reads the isolates themselves.

Text in SVG does not wrap, so lines are broken here, at spaces, against widths measured
from the chart fonts' own advance widths (Noto Sans, Noto Sans Arabic, Noto Emoji, Noto
Sans Symbols). Joined Arabic letters are narrower than the isolated forms measured, so a
line is never wider than measured by more than the small allowance for bold type.
"""

from __future__ import annotations

import functools
import html
import re
import unicodedata
from dataclasses import dataclass

from bot.render.charts import FONT_FILES, fonts_dir, visual

FSI, PDI = "\u2068", "\u2069"
_ISOLATED = re.compile(f"{FSI}(.*?){PDI}", re.S)
# Characters XML 1.0 does not allow, even escaped, and the direction controls the runs replace.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\u202a-\u202e\u2066-\u2069]")
_BOLD = 1.07  # bold type is this much wider than the regular advances measured
_UNKNOWN = 0.6  # em: a character none of the fonts has


@dataclass(frozen=True, slots=True)
class Run:
    """Part of a line: the chart's own words (``direction`` None) or words a member wrote, in
    their own direction."""

    text: str
    direction: str | None = None


def runs(text: str) -> list[Run]:
    """``text`` cut at its isolates into runs; an isolate's direction is that of its first
    strong letter (left to right when it has none), as the first-strong isolate means."""
    found, start = [], 0
    for isolate in _ISOLATED.finditer(text):
        if isolate.start() > start:
            found.append(Run(text[start : isolate.start()]))
        found.append(Run(isolate.group(1), _first_strong(isolate.group(1))))
        start = isolate.end()
    if start < len(text):
        found.append(Run(text[start:]))
    return [run for run in found if run.text]


def _first_strong(text: str) -> str:
    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind == "L":
            return "ltr"
        if kind in ("R", "AL"):
            return "rtl"
    return "ltr"


def escaped(text: str) -> str:
    """``text`` as SVG character data or an attribute value, without its direction marks."""
    return html.escape(_NOT_XML.sub("", visual(text)), quote=True)


def markup(text: str, rtl: bool) -> str:
    """The content of a ``<text>`` element in a chart that reads right to left (``rtl``) or
    not: escaped, each isolated run a ``<tspan>`` of its own direction. Every line begins
    with the chart's own direction mark: Chromium anchors a line by the direction of its
    first character, which for a line that begins with a number ("4 votes") or with a run
    of the other direction would be left to right in a right-to-left chart."""
    found = runs(text)
    return ("\u200f" if rtl else "\u200e") + "".join(escaped(run.text) if run.direction is None else
                          f'<tspan direction="{run.direction}" unicode-bidi="isolate">{escaped(run.text)}</tspan>'
                          for run in found)  # fmt: skip


@functools.cache
def _advances() -> tuple[tuple[dict[int, int], dict[str, int], float], ...]:
    """Each chart font's character map, advance widths and em size."""
    from fontTools.ttLib import TTFont

    fonts = []
    for file in FONT_FILES:
        font = TTFont(fonts_dir() / file, lazy=True)
        fonts.append((font.getBestCmap(), {name: metric[0] for name, metric in font["hmtx"].metrics.items()},
                      float(font["head"].unitsPerEm)))  # fmt: skip
    return tuple(fonts)


@functools.cache
def _em(char: str) -> float:
    """A character's advance in ems, from the first chart font that has it."""
    if unicodedata.category(char) in ("Mn", "Cf"):
        return 0.0
    for cmap, advances, units in _advances():
        glyph = cmap.get(ord(char))
        if glyph is not None:
            return advances.get(glyph, 0) / units
    return _UNKNOWN


def width(text: str, size: float, *, bold: bool = False) -> float:
    """How wide ``text`` is drawn at ``size`` (user units), at most."""
    return sum(_em(char) for char in visual(text) if char not in (FSI, PDI)) * size * (_BOLD if bold else 1.0)


def wrap(text: str, room: float, size: float, *, bold: bool = False) -> list[str]:
    """``text`` broken at spaces into lines no wider than ``room`` (a word wider than it on
    a line of its own, cut to fit); isolates closed at a line's end and opened again on
    the next, so every line reads in the right order on its own."""
    words = [(word, run.direction) for run in runs(text) for word in _words(run)]
    lines: list[list[tuple[str, str | None]]] = []
    for word, direction in words:
        word = _fitted(word, room, size, bold)
        if lines and width(_joined(lines[-1] + [(word, direction)]), size, bold=bold) <= room:
            lines[-1].append((word, direction))
        else:
            lines.append([(word, direction)])
    return [_joined(line) for line in lines] or [""]


def _words(run: Run) -> list[str]:
    """A run's words, each with the space that follows it (so spaces stay on the side they were)."""
    return re.findall(r"\S+\s*|\s+", run.text)


def _joined(line: list[tuple[str, str | None]]) -> str:
    """A line's words, consecutive words of one isolate inside one pair of marks."""
    parts, open_direction = [], None
    for word, direction in line:
        if direction != open_direction:
            if open_direction is not None:
                parts.append(PDI)
            if direction is not None:
                parts.append(FSI)
            open_direction = direction
        parts.append(word)
    if open_direction is not None:
        parts.append(PDI)
    joined = "".join(parts)
    return joined.rstrip() if not joined.endswith(PDI) else joined[:-1].rstrip() + PDI


def _fitted(word: str, room: float, size: float, bold: bool) -> str:
    if width(word, size, bold=bold) <= room:
        return word
    while word and width(word + "…", size, bold=bold) > room:
        word = word[:-1]
    return word + "…"
