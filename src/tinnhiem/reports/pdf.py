"""The minutes as a printable A4 PDF (fpdf2), with the font embedded."""

from __future__ import annotations

from dataclasses import dataclass

from fpdf import FPDF, FontFace
from fpdf.enums import XPos, YPos

from tinnhiem.reports.content import Line, Minutes, Signer
from tinnhiem.reports.fonts import ALPHABET, FontFamily, find_family, require_glyphs

FONT = "Serif"


@dataclass(frozen=True, slots=True)
class Margins:
    """Page margins in mm; docs/documents.md leaves them to a setting (top, bottom, left, right)."""

    top: float = 20
    bottom: float = 20
    left: float = 30
    right: float = 15


class Document(FPDF):
    numbered = True

    def header(self) -> None:
        """Page numbers centred in the top margin, none on the first page (NĐ 30/2020)."""
        if self.numbered and self.page_no() > 1:
            self.set_font(FONT, "", 12)
            self.set_y(8)
            self.cell(0, 6, str(self.page_no()), align="C")
            self.set_y(self.t_margin)


def new_document(family: FontFamily, margins: Margins, title: str = "Biên bản kiểm phiếu") -> Document:
    """An A4 document with the family embedded under the name FONT, on its first page."""
    pdf = Document(format="A4", unit="mm")
    for style, path in family.files.items():
        pdf.add_font(FONT, style, str(path))
    pdf.set_margins(margins.left, margins.top, margins.right)
    pdf.set_auto_page_break(True, margins.bottom)
    pdf.set_title(title)
    pdf.set_creator("tinnhiem")
    pdf.add_page()
    return pdf


def header_block(pdf: FPDF, lines: tuple[Line, ...], x: float, width: float, size: float) -> float:
    """A centred header block; returns the y below it."""
    y = pdf.t_margin
    for line in lines:
        style = ("B" if line.bold else "") + ("I" if line.italic else "")
        pdf.set_font(FONT, style, size if not line.italic else size - 1)
        pdf.set_xy(x, y)
        pdf.multi_cell(width, 6, line.text, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        y = pdf.get_y()
        if line.rule:
            half = pdf.get_string_width(line.text) / 2
            pdf.line(x + width / 2 - half, y, x + width / 2 + half, y)
            y += 1.5
    return y


def _paragraph(pdf: FPDF, text: str, *, size: float = 13, style: str = "", align: str = "J") -> None:
    pdf.set_font(FONT, style, size)
    pdf.multi_cell(0, 6.5, text, align=align, new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _table(pdf: FPDF, head: tuple[str, ...], rows: tuple[tuple[str, ...], ...], widths: tuple[float, ...]) -> None:
    pdf.set_font(FONT, "", 10.5)
    with pdf.table(
        width=pdf.epw,
        align="LEFT",
        col_widths=widths,
        text_align="CENTER",
        line_height=5,
        headings_style=FontFace(emphasis="BOLD"),
        padding=1,
    ) as table:
        for cells in (head, *rows):
            row = table.row()
            for i, text in enumerate(cells):
                row.cell(text, align="LEFT" if i in (1, 2) and cells is not head else "CENTER")


@dataclass(frozen=True, slots=True)
class SignaturePlace:
    """Where a committee member signs: the page (from 0) and the box in PDF points, origin bottom left."""

    name: str
    role: str
    page: int
    box: tuple[float, float, float, float]


def _place(pdf: FPDF, signer: Signer, x: float, y: float, w: float, h: float) -> SignaturePlace:
    pt = 72 / 25.4
    return SignaturePlace(signer.name, signer.role, pdf.page_no() - 1,
                          (round(x * pt, 2), round((pdf.h - y - h) * pt, 2), round((x + w) * pt, 2),
                           round((pdf.h - y) * pt, 2)))


def _signatures(pdf: FPDF, minutes: Minutes) -> tuple[SignaturePlace, ...]:
    """Head of the committee on the right; every other member, two to a row, on the left.

    Returns the space left for each signature, members first, the head last (the order they sign in).
    """
    width = (pdf.w - pdf.l_margin - pdf.r_margin) / 2
    rows = (len(minutes.members) + 1) // 2
    if pdf.get_y() + 20 + max(rows * 24, 45) > pdf.h - pdf.b_margin:
        pdf.add_page()
    top = pdf.get_y() + 4
    pdf.set_font(FONT, "B", 13)
    for i, text in enumerate(minutes.head_heading):
        pdf.set_xy(pdf.l_margin + width, top + i * 6.5)
        pdf.cell(width, 6.5, text, align="C")
    pdf.set_xy(pdf.l_margin + width, top + 40)
    pdf.cell(width, 6.5, minutes.head.name, align="C")
    pdf.set_xy(pdf.l_margin, top)
    pdf.cell(width, 6.5, minutes.members_heading[0], align="C")
    pdf.set_font(FONT, "I", 12)
    pdf.set_xy(pdf.l_margin, top + 6.5)
    pdf.cell(width, 6.5, minutes.members_heading[1], align="C")
    pdf.set_font(FONT, "", 12)
    places = []
    for i, member in enumerate(minutes.members):
        x = pdf.l_margin + (i % 2) * width / 2
        places.append(_place(pdf, member, x + 1, top + 15.5 + (i // 2) * 24, width / 2 - 2, 18))
        pdf.set_xy(x, top + 34 + (i // 2) * 24)
        pdf.multi_cell(width / 2, 5.5, member.name or "." * 25, align="C")
    places.append(_place(pdf, minutes.head, pdf.l_margin + width + 8, top + 14, width - 16, 25.5))
    return tuple(places)


def minutes_pdf(minutes: Minutes, margins: Margins = Margins()) -> bytes:
    """Render the minutes to PDF bytes; refuses (FontError) if the font lacks a letter."""
    return signable_minutes_pdf(minutes, margins)[0]


def signable_minutes_pdf(minutes: Minutes, margins: Margins = Margins(),
                         keywords: str = "") -> tuple[bytes, tuple[SignaturePlace, ...]]:
    """The minutes as PDF bytes and where each member signs; ``keywords`` go into the document's
    information (the signed minutes carry the hash of the result file there)."""
    family = find_family()
    require_glyphs(family, minutes.all_text + ALPHABET)
    pdf = new_document(family, margins)
    left = pdf.epw * 0.42  # the body on the left, the national or Party heading on the right
    bottom = max(
        header_block(pdf, minutes.header_left, pdf.l_margin - 10, left + 10, 12.5),
        header_block(pdf, minutes.header_right, pdf.l_margin + left, pdf.epw - left + 5, 12.5),
    )
    pdf.set_y(bottom + 6)
    _paragraph(pdf, minutes.title, size=15, style="B", align="C")
    _paragraph(pdf, minutes.subtitle, size=13, style="B", align="C")
    pdf.ln(3)
    for text in minutes.opening:
        _paragraph(pdf, text)
    n_levels = len(minutes.table_head) - 5
    _table(pdf, minutes.table_head, minutes.table_rows, (11, 34, 40, *([22] * n_levels), 17, 19))
    _paragraph(pdf, minutes.base_note, size=12, style="I")
    if minutes.channel_rows:
        pdf.ln(2)
        _paragraph(pdf, minutes.channel_heading)
        channels = len(minutes.channel_head) - 2
        _table(pdf, minutes.channel_head, minutes.channel_rows, (11, 45, *([40] * channels)))
    pdf.ln(2)
    for text in minutes.closing:
        _paragraph(pdf, text)
    places = _signatures(pdf, minutes)
    if keywords:
        pdf.set_keywords(keywords)
    return bytes(pdf.output()), places

