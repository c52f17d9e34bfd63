"""Text on printed pages (the poster, the council report): the fonts, and right-to-left lines.

PDFs are drawn by fpdf2 with HarfBuzz text shaping (``uharfbuzz``), so Arabic and Urdu
letters are joined and the lines run right to left; Latin text (Polish included) is set in
Noto Sans, Arabic in Noto Naskh Arabic and Urdu in Noto Nastaliq Urdu (SIL Open Font
License 1.1), read from Debian's ``fonts-noto-core`` package, which ``.ci/run`` and the
Dockerfile install (``COPROD_FONTS`` points elsewhere).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

FONTS_DIR = Path(os.environ.get("COPROD_FONTS", "/usr/share/fonts/truetype/noto"))
LATIN = {"": "NotoSans-Regular.ttf", "B": "NotoSans-Bold.ttf"}
SCRIPT_FONTS = {"ar": "NotoNaskhArabic-Regular.ttf", "ur": "NotoNastaliqUrdu-Regular.ttf"}
RTL_LANGUAGES = frozenset(SCRIPT_FONTS)

# A number written "#3" (or "18:00", "2.5", "60%") inside right-to-left text: fpdf2's bidi splits
# the "#" from the digits and reverses it, printing "3#", so such numbers are set as their own
# left-to-right run, in a Unicode left-to-right isolate (LRI ... PDI).
NUMBER = re.compile(r"#?\d+(?:[.:,/]\d+)*%?")
LRI, PDI = "\u2066", "\u2069"


def rtl(language: str) -> bool:
    return language in RTL_LANGUAGES


def line(language: str, text: str) -> str:
    """``text`` as drawn: in right-to-left languages, every number is an isolated LTR run."""
    return NUMBER.sub(lambda found: f"{LRI}{found.group()}{PDI}", text) if rtl(language) else text


def fonts_installed(language: str) -> bool:
    """Whether the fonts a page in ``language`` is set in are on this machine."""
    wanted = [*LATIN.values(), *([SCRIPT_FONTS[language]] if language in SCRIPT_FONTS else [])]
    return all((FONTS_DIR / file).is_file() for file in wanted)


def new_pdf():  # noqa: ANN201 - an fpdf.FPDF, imported lazily
    """An A4 document (mm) whose text always has its font set on the page.

    fpdf2 (2.8) sets the font of a line that begins with a fallback glyph (a Latin word in
    an Urdu page, whose Nastaliq font has no Latin letters) only inside that line's saved
    graphics state, yet records it as set for the page; every later line then has no font
    and is not drawn. Setting the font on the page as soon as it is chosen, and again on
    each new page, keeps fpdf2's record true."""
    from fpdf import FPDF

    class _PDF(FPDF):
        def set_font(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003 - FPDF.set_font's own
            super().set_font(*args, **kwargs)
            self._font_on_page()

        def add_page(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003 - FPDF.add_page's own
            super().add_page(*args, **kwargs)
            self._font_on_page()

        def _font_on_page(self) -> None:
            if self.page and self.current_font is not None and not self.current_font_is_set_on_page:
                self._out(self._set_font_for_page(self.current_font, self.font_size_pt))

    return _PDF(format="A4", unit="mm")


def register_fonts(pdf, language: str) -> str:  # noqa: ANN001 - an fpdf.FPDF, imported lazily
    """Register the fonts; the family the page's own script is set in (Latin text in it
    falls back to Noto Sans). Arabic and Urdu headings are set larger, not bolder: one file
    each is all a machine needs."""
    for style, file in LATIN.items():
        pdf.add_font("NotoSans", style, str(FONTS_DIR / file))
    script = SCRIPT_FONTS.get(language)
    if script is None:
        # What members wrote may be Arabic or Urdu on a Latin page: Naskh draws both, where installed.
        naskh = FONTS_DIR / SCRIPT_FONTS["ar"]
        if naskh.is_file():
            pdf.add_font("Naskh", "", str(naskh))
            pdf.set_fallback_fonts(["Naskh"])
        return "NotoSans"
    pdf.add_font("Script", "", str(FONTS_DIR / script))
    pdf.add_font("Script", "B", str(FONTS_DIR / script))
    pdf.set_fallback_fonts(["NotoSans"])
    return "Script"
