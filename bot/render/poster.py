"""A round's printable poster: one A4 page as PDF, and a PNG preview of it for Telegram.

For the neighbours the chat does not reach: pinned in a hallway or a library, it says the
question, how to take part (reply in the group, scan the code to send an idea privately,
or hand it to a facilitator), and when ideas close. Its words come already translated in a
:class:`Poster`; this module only lays them out.

The PDF is drawn by fpdf2 with HarfBuzz text shaping (``uharfbuzz``), so Arabic and Urdu
letters are joined and the lines run right to left; Latin text (Polish included) is set in
Noto Sans, Arabic in Noto Naskh Arabic and Urdu in Noto Nastaliq Urdu (SIL Open Font
License 1.1), read from Debian's ``fonts-noto-core`` package, which ``.ci/run`` and the
Dockerfile install (``COPROD_FONTS`` points elsewhere). The QR code (segno) carries the
round's private deep link; the preview is rendered from the PDF itself by PDFium
(``pypdfium2``), so what is previewed is what prints. Drawing is blocking, so it runs in a
worker thread.
"""

from __future__ import annotations

import asyncio
import io
import os
import re
from dataclasses import dataclass
from pathlib import Path

FONTS_DIR = Path(os.environ.get("COPROD_FONTS", "/usr/share/fonts/truetype/noto"))
LATIN = {"": "NotoSans-Regular.ttf", "B": "NotoSans-Bold.ttf"}
SCRIPT_FONTS = {"ar": "NotoNaskhArabic-Regular.ttf", "ur": "NotoNastaliqUrdu-Regular.ttf"}
RTL_LANGUAGES = frozenset(SCRIPT_FONTS)

# A number written "#3" (or "18:00", "2.5") inside right-to-left text: fpdf2's bidi splits the
# "#" from the digits and reverses it, printing "3#", so such numbers are set as their own
# left-to-right run, in a Unicode left-to-right isolate (LRI ... PDI).
NUMBER = re.compile(r"#?\d+(?:[.:,/]\d+)*")
LRI, PDI = "\u2066", "\u2069"
STEP_NUMBER_WIDTH = 9  # mm: the column the steps' numbers hang in

PREVIEW_DPI = 100  # A4 at 100 dpi is 827 x 1170 pixels: within Telegram's photo limits
MARGIN = 18  # mm


@dataclass(frozen=True, slots=True)
class Poster:
    """Everything the poster says, in the group's language."""

    language: str
    heading: str  # "Round #3"
    question: str
    steps: tuple[str, ...]  # how to take part, one line each
    deadline: str  # "Ideas close Friday 6 November at 18:00."
    scan_hint: str  # under the code
    link: str  # the round's private deep link, in the QR code

    @property
    def rtl(self) -> bool:
        return self.language in RTL_LANGUAGES

    def line(self, text: str) -> str:
        """``text`` as drawn: in right-to-left posters, every number is an isolated LTR run."""
        return NUMBER.sub(lambda found: f"{LRI}{found.group()}{PDI}", text) if self.rtl else text


def fonts_installed(language: str) -> bool:
    """Whether the fonts a poster in ``language`` is set in are on this machine."""
    wanted = [*LATIN.values(), *([SCRIPT_FONTS[language]] if language in SCRIPT_FONTS else [])]
    return all((FONTS_DIR / file).is_file() for file in wanted)


def _fonts(pdf, language: str) -> str:
    """Register the fonts; the family the poster's own script is set in."""
    for style, file in LATIN.items():
        pdf.add_font("NotoSans", style, str(FONTS_DIR / file))
    script = SCRIPT_FONTS.get(language)
    if script is None:
        return "NotoSans"
    pdf.add_font("Script", "", str(FONTS_DIR / script))
    pdf.add_font("Script", "B", str(FONTS_DIR / script))
    pdf.set_fallback_fonts(["NotoSans"])
    return "Script"


def _qr_png(link: str) -> io.BytesIO:
    import segno

    image = io.BytesIO()
    segno.make(link, error="m", micro=False).save(image, kind="png", scale=10, border=4)
    image.seek(0)
    return image


def draw_pdf(poster: Poster) -> bytes:
    from fpdf import FPDF

    pdf = FPDF(format="A4", unit="mm")
    pdf.set_auto_page_break(False)
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.add_page()
    family = _fonts(pdf, poster.language)
    pdf.set_text_shaping(use_shaping_engine=True, direction="rtl" if poster.rtl else "ltr")
    align = "R" if poster.rtl else "L"
    width = pdf.epw
    pdf.set_font(family, "B", 30)
    pdf.multi_cell(width, 16, poster.line(poster.heading), align=align, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(family, "B", 22)
    pdf.multi_cell(width, 14 if poster.rtl else 11, poster.line(poster.question), align=align, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    pdf.set_font(family, "", 15)
    for number, step in enumerate(poster.steps, start=1):
        _step(pdf, poster, number, step)
        pdf.ln(2)
    pdf.ln(4)
    pdf.set_font(family, "B", 16)
    pdf.multi_cell(width, 12 if poster.rtl else 9, poster.line(poster.deadline), align=align, new_x="LMARGIN", new_y="NEXT")
    side = 80
    top = max(pdf.get_y() + 6, 297 - MARGIN - side - 22)
    pdf.image(_qr_png(poster.link), x=(210 - side) / 2, y=top, w=side, h=side)
    pdf.set_y(top + side + 2)
    pdf.set_font(family, "", 12)
    pdf.multi_cell(width, 9 if poster.rtl else 6, poster.line(poster.scan_hint), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_shaping(use_shaping_engine=True, direction="ltr")
    pdf.set_font("NotoSans", "", 9)
    pdf.multi_cell(width, 5, poster.link, align="C")
    return bytes(pdf.output())


def _step(pdf, poster: Poster, number: int, step: str) -> None:
    """One step with its number hanging in a column of its own, on the side the reading
    starts from (the right in Arabic and Urdu), so a wrapped line stays clear of it."""
    height = 11 if poster.rtl else 8
    top = pdf.get_y()
    text_x = MARGIN if poster.rtl else MARGIN + STEP_NUMBER_WIDTH
    number_x = 210 - MARGIN - STEP_NUMBER_WIDTH if poster.rtl else MARGIN
    pdf.set_xy(number_x, top)
    pdf.cell(STEP_NUMBER_WIDTH, height, poster.line(f"{number}."), align="R" if poster.rtl else "L")
    pdf.set_xy(text_x, top)
    align = "R" if poster.rtl else "L"
    pdf.multi_cell(pdf.epw - STEP_NUMBER_WIDTH, height, poster.line(step), align=align, new_x="LMARGIN", new_y="NEXT")


def preview_png(pdf_bytes: bytes, dpi: int = PREVIEW_DPI) -> bytes:
    """The first page as a PNG, for a Telegram photo."""
    import pypdfium2

    document = pypdfium2.PdfDocument(pdf_bytes)
    try:
        image = document[0].render(scale=dpi / 72).to_pil()
    finally:
        document.close()
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def _draw(poster: Poster) -> tuple[bytes, bytes]:
    pdf = draw_pdf(poster)
    return pdf, preview_png(pdf)


async def render(poster: Poster) -> tuple[bytes, bytes]:
    """``(PDF, PNG preview)`` of the poster, drawn off the event loop."""
    return await asyncio.to_thread(_draw, poster)
