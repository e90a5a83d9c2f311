"""Delegate cards (PDF, A4, 8 a page): name, one-time sign-in code, and a QR code of the sign-in address.

The QR code carries the code in the address's fragment (after #), which browsers never send to
the server, so no access log ever holds a code. Plus one sheet with the hall's Wi-Fi and address.
"""

from __future__ import annotations

from collections.abc import Sequence

import segno
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from tinnhiem.domain.model import Round
from tinnhiem.reports.fonts import ALPHABET, find_family, require_glyphs
from tinnhiem.reports.pdf import FONT, Margins, new_document

CARD_W, CARD_H = 90.0, 62.0


def _qr(pdf: FPDF, text: str, x: float, y: float, side: float) -> None:
    matrix = list(segno.make(text, error="m").matrix)
    module = side / (len(matrix) + 2)
    for r, row in enumerate(matrix):
        for c, dark in enumerate(row):
            if dark:
                pdf.rect(x + (c + 1) * module, y + (r + 1) * module, module, module, style="F")


def cards_pdf(round_: Round, code: str, cards: Sequence[tuple[str, str]], address: str, wifi: str = "") -> bytes:
    family = find_family()
    require_glyphs(family, "".join(name for name, _ in cards) + round_.title + ALPHABET)
    pdf = new_document(family, Margins(top=12, bottom=10, left=12, right=12), title="Thẻ đại biểu")
    pdf.numbered = False
    pdf.set_auto_page_break(False)
    pdf.set_font(FONT, "B", 20)
    pdf.multi_cell(0, 10, "Bỏ phiếu điện tử trong hội trường", align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FONT, "", 15)
    pdf.multi_cell(0, 8, f"{round_.title}\n\nMạng Wi-Fi: {wifi or '(xem tại bàn đón tiếp)'}\n"
                         f"Địa chỉ: {address}/r/{code}/vote\n\nMở địa chỉ trên điện thoại hoặc máy tính bảng, "
                         "hoặc quét mã QR trên thẻ đại biểu, rồi nhập mã trên thẻ.", align="C",
                   new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    _qr(pdf, f"{address}/r/{code}/vote", 75, 150, 60)
    for i, (name, card) in enumerate(cards):
        if i % 8 == 0:
            pdf.add_page()
        x = 12 + (i % 2) * (CARD_W + 6)
        y = 12 + (i % 8 // 2) * (CARD_H + 6)
        pdf.set_dash_pattern(dash=1, gap=1)
        pdf.rect(x, y, CARD_W, CARD_H)
        pdf.set_dash_pattern()
        pdf.set_xy(x + 3, y + 3)
        pdf.set_font(FONT, "B", 13)
        pdf.multi_cell(CARD_W - 40, 6, name)
        pdf.set_xy(x + 3, y + 22)
        pdf.set_font(FONT, "", 10)
        pdf.multi_cell(CARD_W - 40, 5, "Mã đăng nhập (dùng một lần):")
        pdf.set_xy(x + 3, y + 30)
        pdf.set_font(FONT, "B", 15)
        pdf.cell(CARD_W - 38, 8, card)
        pdf.set_xy(x + 3, y + 42)
        pdf.set_font(FONT, "I", 9)
        pdf.multi_cell(CARD_W - 40, 4.5, "Không đưa thẻ này cho người khác. Phiếu bầu là bí mật.")
        _qr(pdf, f"{address}/r/{code}/vote#card={card}", x + CARD_W - 36, y + 12, 34)
    return bytes(pdf.output())
