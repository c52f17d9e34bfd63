"""A round's report for the council: what was asked, who took part and how, what was decided
and what became of it, as an A4 PDF of one or two pages (and, on the public page, as a
printable HTML page of the same sections).

Its words come already composed in the group's language (:mod:`bot.flows.reports`) as a
:class:`CouncilReport`: a heading, the question, and sections of a few kinds of block
(paragraphs, terms and their values, a table, a progress bar, a bar chart). This module
only lays them out, as the poster is laid out (:mod:`bot.render.print_text`: fpdf2,
HarfBuzz shaping, the Noto fonts, Arabic and Urdu right to left, numbers kept left to
right). The bar chart is drawn here with the PDF's own shapes and text, so its words are
shaped like the rest and can be read back from the file; it follows the page's SVG chart:
labels above the bars, the leading ideas striped as well as coloured, paper votes
cross-hatched, mirrored in a right-to-left report.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.render import print_text
from bot.render.charts import BLUE, GREY, ORANGE, VERMILLION, BarChart

MARGIN = 16  # mm
_INK, _MUTED, _RULE, _HEAD_FILL = (27, 27, 27), (85, 85, 85), (190, 190, 190), (238, 238, 238)
_TEXT, _SMALL = 10.5, 9  # points
_BAR_HEIGHT, _BARS_SHARE = 4.0, 0.55  # mm; the longest bar's share of the width
_HEADING = 15  # mm a section's heading and its rule take
_BAR_ROW, _LEGEND_HEIGHT, _CHART_NOTES = 14, 6, 10  # mm a chart's bar (with its label), legend and notes take at most


@dataclass(frozen=True, slots=True)
class Paragraphs:
    lines: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Terms:
    """Terms and what they are, one row each ("Opened", "Monday 2 November 2026 at 09:00")."""

    rows: tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class Table:
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    numeric: tuple[bool, ...]  # columns of numbers, aligned to the end of the line
    weights: tuple[float, ...]  # each column's share of the width, relative to the others
    more: str = ""  # "and 180 more ideas", under the table


@dataclass(frozen=True, slots=True)
class Progress:
    label: str  # "in progress (40%)"
    percent: int | None  # how full the bar is; None: no bar


Block = Paragraphs | Terms | Table | Progress | BarChart


@dataclass(frozen=True, slots=True)
class Section:
    heading: str
    blocks: tuple[Block, ...]


@dataclass(frozen=True, slots=True)
class CouncilReport:
    """Everything the report says, in the group's language."""

    language: str
    byline: str  # the group, and when the report was prepared
    heading: str  # "Report for the council: round #3"
    question: str
    sections: tuple[Section, ...]

    @property
    def rtl(self) -> bool:
        return print_text.rtl(self.language)


def _rgb(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


class _Page:
    """The PDF being drawn, with the report's direction: text aligned to its reading side."""

    def __init__(self, report: CouncilReport) -> None:
        self.report = report
        self.pdf = pdf = print_text.new_pdf()
        pdf.set_margins(MARGIN, MARGIN, MARGIN)
        pdf.set_auto_page_break(True, margin=MARGIN)
        pdf.add_page()
        self.family = print_text.register_fonts(pdf, report.language)
        pdf.set_text_shaping(use_shaping_engine=True, direction="rtl" if report.rtl else "ltr")
        self.align = "R" if report.rtl else "L"
        self.end = "L" if report.rtl else "R"
        # Naskh and Nastaliq need taller lines than Latin text for the same size.
        self.leading = 1.9 if report.language == "ur" else 1.6 if report.rtl else 1.35

    def text(self, words: str, size: float = _TEXT, *, bold: bool = False, colour=_INK, width: float | None = None,  # noqa: ANN001
             align: str | None = None) -> None:  # fmt: skip
        pdf = self.pdf
        pdf.set_font(self.family, "B" if bold else "", size)
        pdf.set_text_color(*colour)
        pdf.multi_cell(width or pdf.epw, size * self.leading * 0.3528, print_text.line(self.report.language, words),
                       align=align or self.align, new_x="LMARGIN" if width is None else "RIGHT", new_y="NEXT")  # fmt: skip

    def x(self, along: float, length: float = 0) -> float:
        """Where something ``along`` mm from the reading side (and ``length`` long) begins."""
        return self.pdf.w - MARGIN - along - length if self.report.rtl else MARGIN + along

    def fits(self, height: float) -> None:
        """Start a new page unless ``height`` mm still fit on this one."""
        if self.pdf.get_y() + height > self.pdf.h - MARGIN:
            self.pdf.add_page()


def draw_pdf(report: CouncilReport) -> tuple[bytes, int]:
    """The report as PDF bytes, and how many pages it took."""
    page = _Page(report)
    pdf = page.pdf
    page.text(report.byline, _SMALL, colour=_MUTED)
    pdf.ln(1)
    page.text(report.heading, 17, bold=True)
    page.text(report.question, 13, bold=True)
    for section in report.sections:
        _section(page, section)
    return bytes(pdf.output()), pdf.pages_count


def _section(page: _Page, section: Section) -> None:
    pdf = page.pdf
    page.fits(_HEADING + _start(page, section.blocks[0]))  # a heading is never the last line of a page
    pdf.ln(3)
    page.text(section.heading, 12.5, bold=True, colour=_rgb(BLUE))
    pdf.set_draw_color(*_RULE)
    pdf.line(MARGIN, pdf.get_y(), pdf.w - MARGIN, pdf.get_y())
    pdf.ln(1.5)
    for block in section.blocks:
        _BLOCKS[type(block)](page, block)
        pdf.ln(1)


def _start(page: _Page, block: Block) -> float:
    """The height in mm of the first lines of ``block``, which its heading stays with: a
    table's heading row and first two rows (cells of two lines each, in the page's leading)."""
    if isinstance(block, Table):
        return 3 * (2 * _TEXT * page.leading * 0.3528 + 2)
    return 20


def _paragraphs(page: _Page, block: Paragraphs) -> None:
    for line in block.lines:
        page.text(line)


def _terms(page: _Page, block: Terms) -> None:
    pdf = page.pdf
    pdf.set_font(page.family, "B", _TEXT)
    term_width = min(max(pdf.get_string_width(term) for term, _ in block.rows) + 4, pdf.epw * 0.4)
    for term, value in block.rows:
        page.fits(8)
        top = pdf.get_y()
        pdf.set_xy(page.x(0, term_width), top)
        page.text(term, bold=True, width=term_width)
        below_term = pdf.get_y()
        pdf.set_xy(page.x(term_width + 2, pdf.epw - term_width - 2), top)
        page.text(value, width=pdf.epw - term_width - 2)
        pdf.set_xy(MARGIN, max(pdf.get_y(), below_term))


def _table(page: _Page, block: Table) -> None:
    from fpdf.fonts import FontFace

    pdf = page.pdf
    pdf.set_font(page.family, "", _TEXT)
    pdf.set_text_color(*_INK)
    pdf.set_draw_color(*_RULE)
    pdf.set_fill_color(255, 255, 255)  # the rows are white; only the headings have a fill
    total = sum(block.weights)
    widths = [pdf.epw * weight / total for weight in block.weights]
    order = list(range(len(block.header)))[:: -1 if page.report.rtl else 1]
    aligns = [page.end if numeric else page.align for numeric in block.numeric]
    with pdf.table(col_widths=[widths[index] for index in order], text_align=[aligns[index] for index in order],
                   headings_style=FontFace(emphasis="B", fill_color=_HEAD_FILL), borders_layout="HORIZONTAL_LINES",
                   line_height=_TEXT * page.leading * 0.3528, padding=1, first_row_as_headings=True) as table:  # fmt: skip
        for cells in (block.header, *block.rows):
            row = table.row()
            for index in order:
                row.cell(print_text.line(page.report.language, cells[index]))
    if block.more:
        pdf.ln(1)
        page.text(block.more, _SMALL, colour=_MUTED)


def _progress(page: _Page, block: Progress) -> None:
    pdf = page.pdf
    page.fits(12)
    page.text(block.label, bold=True)
    if block.percent is not None:
        top, length = pdf.get_y() + 0.5, 60.0
        pdf.set_draw_color(*_rgb(GREY))
        pdf.set_fill_color(*_rgb(BLUE))
        if block.percent:
            pdf.rect(page.x(0, length * block.percent / 100), top, length * block.percent / 100, _BAR_HEIGHT, style="F")
        pdf.rect(page.x(0, length), top, length, _BAR_HEIGHT, style="D")
        pdf.set_y(top + _BAR_HEIGHT + 1.5)


def _chart(page: _Page, chart: BarChart) -> None:
    pdf = page.pdf
    room = pdf.epw
    top_value = max((bar.value for bar in chart.bars), default=0) or 1
    scale = room * _BARS_SHARE / top_value
    # The chart is never cut in two: unless all of it fits below, it starts the next page.
    page.fits(_LEGEND_HEIGHT * any(bar.paper for bar in chart.bars) + _BAR_ROW * len(chart.bars) + _CHART_NOTES)
    if any(bar.paper for bar in chart.bars):
        _legend(page, chart)
    for bar in chart.bars:
        page.fits(_BAR_ROW)
        page.text(bar.label, _SMALL)
        top = pdf.get_y() + 0.5
        online = (bar.value - bar.paper) * scale
        _bar(page, 0, top, online, ORANGE if bar.highlighted else BLUE, stripes=bar.highlighted)
        _bar(page, online, top, bar.paper * scale, VERMILLION, cross=True)
        note_at = bar.value * scale + 2
        pdf.set_xy(page.x(note_at, room - note_at), top - 0.8)
        page.text(bar.note, _SMALL, colour=_rgb(GREY), width=room - note_at)
        pdf.set_y(top + _BAR_HEIGHT + 1.5)
    page.text(chart.axis, _SMALL, colour=_MUTED)
    if chart.more:
        page.text(chart.more, _SMALL, colour=_MUTED)


def _legend(page: _Page, chart: BarChart) -> None:
    """A swatch before each part's name ("online", "on paper"), as the bars draw them."""
    pdf = page.pdf
    top, along = pdf.get_y() + 0.5, 0.0
    pdf.set_font(page.family, "", _SMALL)
    for (colour, cross), words in zip(((BLUE, False), (VERMILLION, True)), chart.parts, strict=True):
        _bar(page, along, top, _BAR_HEIGHT, colour, cross=cross)
        # Measured in the page's own font, with room for the wider fallback fonts a word may take.
        width = pdf.get_string_width(print_text.line(page.report.language, words)) * 1.3 + 4
        pdf.set_xy(page.x(along + _BAR_HEIGHT + 1.5, width), top - 0.8)
        page.text(words, _SMALL, colour=_MUTED, width=width)
        along += _BAR_HEIGHT + width + 6
    pdf.set_xy(MARGIN, top + _BAR_HEIGHT + 1.5)


def _bar(page: _Page, along: float, top: float, length: float, colour: str, *, stripes: bool = False,
         cross: bool = False) -> None:  # fmt: skip
    """A bar ``length`` mm long; stripes or a cross-hatch in white over its colour, so no
    meaning rests on the colour alone."""
    if length <= 0:
        return
    pdf = page.pdf
    left = page.x(along, length)
    pdf.set_fill_color(*_rgb(colour))
    pdf.rect(left, top, length, _BAR_HEIGHT, style="F")
    if not (stripes or cross):
        return
    pdf.set_draw_color(255, 255, 255)
    pdf.set_line_width(0.5)
    with pdf.rect_clip(left, top, length, _BAR_HEIGHT):
        step = 1.6
        offset = -_BAR_HEIGHT
        while offset < length:
            pdf.line(left + offset, top + _BAR_HEIGHT, left + offset + _BAR_HEIGHT, top)
            if cross:
                pdf.line(left + offset, top, left + offset + _BAR_HEIGHT, top + _BAR_HEIGHT)
            offset += step
    pdf.set_line_width(0.2)


_BLOCKS = {Paragraphs: _paragraphs, Terms: _terms, Table: _table, Progress: _progress, BarChart: _chart}

