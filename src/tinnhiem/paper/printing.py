"""The ballot PDF (R-BALLOT-1/2, docs/documents.md "The ballot"): one sheet per page, A4.

Each sheet carries the body's header, the place for the hanging seal, one row per
subject with a box per level, the instructions, four solid corner squares that let
a scan be found and straightened, and a QR code naming the round, the ballot type
and the page. Nothing on it can identify a voter: every copy of a sheet is identical.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import segno
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from tinnhiem.domain.model import LEVEL_LABELS, LEVELS, BodyKind, Round, VoteKind
from tinnhiem.paper.layout import (
    BOX_COLUMN_W,
    FIDUCIAL,
    FIDUCIAL_CENTRES,
    MARGIN,
    NAME_W,
    PAGE_W,
    QR_BOX,
    REGULAR,
    STT_W,
    TABLE_BOTTOM,
    TABLE_TOP,
    SheetLayout,
    Style,
    sheets,
)
from tinnhiem.reports.content import Line, national_heading
from tinnhiem.reports.fonts import ALPHABET, find_family, require_glyphs
from tinnhiem.reports.pdf import FONT, Margins, header_block, new_document

INSTRUCTIONS = {
    VoteKind.CONFIDENCE: (
        "Ghi chú: Đánh dấu (X) vào một ô tương ứng với mức độ tín nhiệm đối với từng người. "
        "Không đánh dấu ô nào hoặc đánh dấu từ hai ô trở lên đối với một người thì phiếu không hợp lệ "
        "đối với người đó. Không viết thêm gì lên phiếu."
    ),
    VoteKind.NO_CONFIDENCE: (
        "Ghi chú: Đánh dấu (X) vào ô «Tín nhiệm» hoặc «Không tín nhiệm» đối với từng người. "
        "Không đánh dấu ô nào hoặc đánh dấu cả hai ô đối với một người thì phiếu không hợp lệ "
        "đối với người đó. Không viết thêm gì lên phiếu."
    ),
}


def _title(round_: Round) -> tuple[str, str]:
    who = "các đồng chí" if round_.body.kind is BodyKind.PARTY else "những người giữ chức vụ"
    main = "PHIẾU TÍN NHIỆM" if round_.kind is VoteKind.CONFIDENCE else "PHIẾU BỎ PHIẾU TÍN NHIỆM"
    return main, f"đối với {who} do {round_.body.name} bầu"


def _fiducials(pdf: FPDF) -> None:
    for cx, cy in FIDUCIAL_CENTRES:
        pdf.rect(cx - FIDUCIAL / 2, cy - FIDUCIAL / 2, FIDUCIAL, FIDUCIAL, style="F")


def _qr(pdf: FPDF, text: str) -> None:
    """The QR code drawn as vector squares (sharp at any scan resolution)."""
    code = segno.make(text, error="m", micro=False)
    x, y, side = QR_BOX
    matrix = list(code.matrix)
    module = side / (len(matrix) + 2)
    for r, row in enumerate(matrix):
        for c, dark in enumerate(row):
            if dark:
                pdf.rect(x + (c + 1) * module, y + (r + 1) * module, module, module, style="F")


def _header(pdf: FPDF, round_: Round, layout: SheetLayout) -> None:
    left = [Line(round_.body.name.upper(), bold=True)]
    if round_.body.kind is BodyKind.PARTY:
        left.append(Line("*"))
    width = (PAGE_W - 2 * MARGIN) * 0.45
    style = layout.style
    header_block(pdf, tuple(left), MARGIN + 8, width - 8, style.header)
    header_block(pdf, national_heading(round_.body.kind), MARGIN + width, PAGE_W - 2 * MARGIN - width, style.header)
    pdf.set_draw_color(150)
    pdf.set_dash_pattern(dash=1, gap=1)
    pdf.ellipse(MARGIN + 6, 36, 24, 24)  # the place of the hanging seal (dấu treo)
    pdf.set_dash_pattern()
    pdf.set_draw_color(0)
    pdf.set_font(FONT, "I", 7)
    pdf.set_xy(MARGIN + 6, 46)
    pdf.cell(24, 4, "(dấu treo)", align="C")
    if layout.pages > 1:
        _sheet_mark(pdf, layout)
    main, sub = _title(round_)
    pdf.set_xy(MARGIN, 42)
    pdf.set_font(FONT, "B", style.title)
    pdf.cell(PAGE_W - 2 * MARGIN, max(9.0, style.title * 0.45), main, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    extra = [round_.title]
    if layout.group:
        extra.append(f"Nhóm: {layout.group}")
    if layout.pages > 1:
        extra.append(f"Tờ {layout.page}/{layout.pages}")
    _fitted_lines(pdf, sub, " — ".join(extra), style)


def _sheet_mark(pdf: FPDF, layout: SheetLayout) -> None:
    """A bold, framed "TỜ 1/2" at the top right: which sheet of the ballot this is, seen at a glance."""
    size = layout.style.sheet_mark
    pdf.set_font(FONT, "B", size)
    text = f"TỜ {layout.page}/{layout.pages}"
    w, h = pdf.get_string_width(text) + 6, size * 0.55
    x = PAGE_W - MARGIN - w - 2
    pdf.set_line_width(0.6)
    pdf.rect(x, 34, w, h)
    pdf.set_line_width(0.2)
    pdf.set_xy(x, 34)
    pdf.cell(w, h, text, align="C")


def _lines(pdf: FPDF, width: float, height: float, text: str) -> list[str]:
    """The lines ``text`` would take in a cell ``width`` wide (fpdf2's dry run, typed)."""
    lines = pdf.multi_cell(width, height, text, dry_run=True, output="LINES")
    assert isinstance(lines, list)
    return [str(line) for line in lines]


def _fitted_lines(pdf: FPDF, sub: str, note: str, style: Style) -> None:
    """The subtitle and the round's line under the title, as large as the style asks, shrunk (never
    below the regular print's sizes) only if they would reach the table."""
    width = PAGE_W - 2 * MARGIN - 60
    top = pdf.get_y()
    sizes = (style.subtitle, style.note)
    while True:
        pdf.set_font(FONT, "B", sizes[0])
        first = len(_lines(pdf, width, sizes[0] * 0.5, sub)) * sizes[0] * 0.5
        pdf.set_font(FONT, "I", sizes[1])
        second = len(_lines(pdf, width, sizes[1] * 0.5, note)) * sizes[1] * 0.5
        if top + first + second <= TABLE_TOP - 3 or sizes <= (REGULAR.subtitle, REGULAR.note):
            break
        sizes = (max(REGULAR.subtitle, sizes[0] - 0.5), max(REGULAR.note, sizes[1] - 0.5))
    pdf.set_font(FONT, "B", sizes[0])
    pdf.set_x(MARGIN + 30)
    pdf.multi_cell(width, sizes[0] * 0.5, sub, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FONT, "I", sizes[1])
    pdf.set_x(MARGIN + 30)
    pdf.multi_cell(width, sizes[1] * 0.5, note, align="C")


def _cell_text(
    pdf: FPDF, x: float, y: float, w: float, h: float, text: str, size: float, *, bold: bool = False, align: str = "C"
) -> None:
    """Text fitted inside a cell: wraps between words, and shrinks until it fits the row (no word broken)."""
    while True:
        pdf.set_font(FONT, "B" if bold else "", size)
        lines = _lines(pdf, w - 2, size * 0.45, text)
        words_fit = all(pdf.get_string_width(word) <= w - 2 - 2 * pdf.c_margin for word in text.split())
        if (words_fit and len(lines) * size * 0.45 <= h - 1) or size <= 7:
            break
        size -= 0.5
    top = y + (h - len(lines) * size * 0.45) / 2
    pdf.set_xy(x + 1, top)
    pdf.multi_cell(w - 2, size * 0.45, text, align=align)


def _table(pdf: FPDF, round_: Round, layout: SheetLayout, numbers: Sequence[int]) -> None:
    style: Style = layout.style
    levels = LEVELS[round_.kind]
    x0 = MARGIN
    widths = [STT_W, NAME_W, layout.position_w, *([BOX_COLUMN_W] * len(levels))]
    heads = ["STT", "Họ và tên", "Chức vụ", *(LEVEL_LABELS[level] for level in levels)]
    x = x0
    pdf.set_line_width(0.3)
    for w, text in zip(widths, heads, strict=True):
        pdf.rect(x, TABLE_TOP, w, style.head_h)
        _cell_text(pdf, x, TABLE_TOP, w, style.head_h, text, style.column, bold=True, align="C")
        x += w
    boxes = iter(layout.boxes())
    for i, subject_index in enumerate(layout.subjects):
        subject = round_.subjects[subject_index]
        y = layout.row_top(i)
        x = x0
        cells = ((str(numbers[i]), "C", False), (subject.name, "L", True), (subject.position, "L", False))
        for w, (text, align, bold) in zip(widths[:3], cells, strict=True):
            pdf.rect(x, y, w, style.row_h)
            _cell_text(pdf, x, y, w, style.row_h, text, style.font, bold=bold, align=align)
            x += w
        for _ in levels:
            pdf.rect(x, y, BOX_COLUMN_W, style.row_h)
            x += BOX_COLUMN_W
            box = next(boxes)
            pdf.set_line_width(0.45)
            pdf.rect(box.x, box.y, box.side, box.side)
            pdf.set_line_width(0.3)


def _instructions(pdf: FPDF, round_: Round, layout: SheetLayout) -> None:
    pdf.set_font(FONT, "I", layout.style.instructions)
    x = QR_BOX[0] + QR_BOX[2] + 4
    pdf.set_xy(x, TABLE_BOTTOM + 4)
    pdf.multi_cell(PAGE_W - MARGIN - x - 4, 5 if layout.style is REGULAR else 6, INSTRUCTIONS[round_.kind], align="J")


def ballot_pdf(round_: Round, code: str, style: Style = REGULAR) -> bytes:
    """Every sheet of the round's ballot, one page each, in the order of ``layout.sheets``."""
    family = find_family()
    layouts = sheets(round_, code, style)
    text = "".join(s.name + s.position + s.group for s in round_.subjects) + round_.body.name + round_.title
    require_glyphs(family, text + "".join(INSTRUCTIONS.values()) + ALPHABET)
    pdf = new_document(family, Margins(top=10, bottom=5, left=MARGIN, right=MARGIN), title="Phiếu tín nhiệm")
    pdf.numbered = False
    pdf.set_auto_page_break(False)
    # Deterministic bytes: the round's date, not the printing time, so every print is identical.
    pdf.set_creation_date(dt.datetime.combine(round_.date, dt.time(), tzinfo=dt.UTC))
    numbers = {index: n for n, index in enumerate(range(len(round_.subjects)), start=1)}
    for page, layout in enumerate(layouts):
        if page:
            pdf.add_page()
        _fiducials(pdf)
        _header(pdf, round_, layout)
        _table(pdf, round_, layout, [numbers[i] for i in layout.subjects])
        _instructions(pdf, round_, layout)
        _qr(pdf, layout.qr_text)
    return bytes(pdf.output())
