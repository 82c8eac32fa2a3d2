"""Every PDF the platform prints starts here: a Unicode TrueType font embedded, with text shaping.

DejaVu Sans (app/static/fonts, under its licence in LICENSE-DejaVu.txt there) covers Latin with every
diacritic, Vietnamese, Polish, Greek, Cyrillic, Arabic and Hebrew. Text shaping (HarfBuzz, through
uharfbuzz) joins Arabic letters and lays right-to-left names out in reading order, so a name prints
and reads back exactly as it was typed.
"""

from __future__ import annotations

from pathlib import Path

from fpdf import FPDF

FONT_DIR = Path(__file__).resolve().parent / "static" / "fonts"
FONT = "DejaVu"
_FACES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf", "I": "DejaVuSans-Oblique.ttf"}


def new_pdf(**options) -> FPDF:
    """An FPDF document with the platform's font (family `FONT`: regular, "B" and "I") selected."""
    pdf = FPDF(**options)
    for style, filename in _FACES.items():
        pdf.add_font(FONT, style, str(FONT_DIR / filename))
    pdf.set_text_shaping(True)
    pdf.set_font(FONT, "", 11)
    return pdf
