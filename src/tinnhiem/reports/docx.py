"""The minutes as an editable Word document (python-docx), for the committee to adjust and sign."""

from __future__ import annotations

import io

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.table import _Cell
from docx.text.paragraph import Paragraph

from tinnhiem.reports.content import Line, Minutes
from tinnhiem.reports.pdf import Margins

FONT = "Times New Roman"  # Word and LibreOffice substitute Liberation Serif where it is missing


def _run(paragraph: Paragraph, text: str, *, size: float = 13, bold: bool = False, italic: bool = False,
         underline: bool = False) -> None:
    run = paragraph.add_run(text)
    run.font.name, run.font.size = FONT, Pt(size)
    run.font.bold, run.font.italic, run.font.underline = bold, italic, underline
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)


def _lines(cell: _Cell, lines: tuple[Line, ...]) -> None:
    cell.paragraphs[0].text = ""
    for i, line in enumerate(lines):
        paragraph = cell.paragraphs[0] if i == 0 else cell.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _run(paragraph, line.text, bold=line.bold, italic=line.italic, underline=line.rule,
             size=12 if line.italic else 13)


def _paragraph(doc: DocxDocument, text: str, *, size: float = 13, bold: bool = False, italic: bool = False,
               align: WD_ALIGN_PARAGRAPH = WD_ALIGN_PARAGRAPH.JUSTIFY) -> None:
    paragraph = doc.add_paragraph()
    paragraph.alignment = align
    _run(paragraph, text, size=size, bold=bold, italic=italic)


def _results(doc: DocxDocument, head: tuple[str, ...], rows: tuple[tuple[str, ...], ...]) -> None:
    table = doc.add_table(rows=1 + len(rows), cols=len(head))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for r, cells in enumerate((head, *rows)):
        for c, text in enumerate(cells):
            cell = table.cell(r, c)
            paragraph = cell.paragraphs[0]
            paragraph.alignment = WD_ALIGN_PARAGRAPH.LEFT if r and c in (1, 2) else WD_ALIGN_PARAGRAPH.CENTER
            _run(paragraph, text, size=10.5, bold=r == 0)


def _signatures(doc: DocxDocument, minutes: Minutes) -> None:
    table = doc.add_table(rows=1, cols=2)
    left, right = table.rows[0].cells
    _lines(left, (Line(minutes.members_heading[0], bold=True), Line(minutes.members_heading[1], italic=True)))
    for member in minutes.members:
        for _ in range(3):
            left.add_paragraph()
        paragraph = left.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _run(paragraph, f"{member.name} ({member.role})" if member.name else "." * 40, size=12)
    _lines(right, tuple(Line(text, bold=True) for text in minutes.head_heading))
    for _ in range(5):
        right.add_paragraph()
    paragraph = right.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(paragraph, minutes.head.name, bold=True)


def minutes_docx(minutes: Minutes, margins: Margins = Margins()) -> bytes:
    """Render the minutes to DOCX bytes: A4, Times New Roman, the same words as the PDF."""
    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(margins.top), Mm(margins.bottom)
    section.left_margin, section.right_margin = Mm(margins.left), Mm(margins.right)
    style = doc.styles["Normal"]
    style.font.name, style.font.size = FONT, Pt(13)
    doc.core_properties.title = "Biên bản kiểm phiếu"
    header = doc.add_table(rows=1, cols=2)
    _lines(header.rows[0].cells[0], minutes.header_left)
    _lines(header.rows[0].cells[1], minutes.header_right)
    _paragraph(doc, minutes.title, size=15, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    _paragraph(doc, minutes.subtitle, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    for text in minutes.opening:
        _paragraph(doc, text)
    _results(doc, minutes.table_head, minutes.table_rows)
    _paragraph(doc, minutes.base_note, size=12, italic=True)
    if minutes.channel_rows:
        _paragraph(doc, minutes.channel_heading)
        _results(doc, minutes.channel_head, minutes.channel_rows)
    for text in minutes.closing:
        _paragraph(doc, text)
    _signatures(doc, minutes)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
