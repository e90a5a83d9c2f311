"""Voting cards (PDF, A4, 8 a page): no name, a 100-bit card code, and a QR code that signs in with it.

The QR code carries the card's secret in the address's fragment (after #), which browsers never
send to the server, so no request and no log ever holds it: the phone derives the card's key
itself. The cards are made and printed on the committee's laptop, cut, shuffled and handed out
like paper ballots. Plus one sheet with the hall's Wi-Fi and address.
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


QUIET = 4  # modules of white round a QR code, as the standard asks


def _qr(pdf: FPDF, text: str, x: float, y: float, side: float) -> None:
    matrix = list(segno.make(text, error="m").matrix)
    module = side / (len(matrix) + 2 * QUIET)
    for r, row in enumerate(matrix):
        for c, dark in enumerate(row):
            if dark:
                pdf.rect(x + (c + QUIET) * module, y + (r + QUIET) * module, module, module, style="F")


def _fitted(pdf: FPDF, text: str, style: str, size: float, width: float) -> None:
    """Set the largest font size up to ``size`` at which ``text`` fits in ``width`` mm."""
    pdf.set_font(FONT, style, size)
    while size > 6 and pdf.get_string_width(text) > width:
        size -= 0.5
        pdf.set_font(FONT, style, size)


def _shortened(pdf: FPDF, text: str, width: float, lines: int) -> str:
    """``text`` cut at a word so that it takes at most ``lines`` lines of ``width`` mm, with "…" if cut."""
    words, kept = text.split(), ""
    for word in words:
        trial = f"{kept} {word}".strip()
        if pdf.get_string_width(trial + " …") > width * lines * 0.92:
            return kept + " …"
        kept = trial
    return kept


def _hall_sheet(pdf: FPDF, title: str, code: str, address: str, wifi: str) -> None:
    """The first page (new_document opened it): the hall's Wi-Fi, the address, how cards are handed out."""
    pdf.set_font(FONT, "B", 20)
    pdf.multi_cell(0, 10, "Bỏ phiếu điện tử trong hội trường", align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FONT, "", 15)
    pdf.multi_cell(0, 8, f"{title}\n\nMạng Wi-Fi: {wifi or '(xem tại bàn đón tiếp)'}\n"
                         f"Địa chỉ: {address}/r/{code}/vote\n\nMở địa chỉ trên điện thoại hoặc máy tính bảng, "
                         "hoặc quét mã QR trên thẻ bỏ phiếu. Mỗi đại biểu bỏ phiếu điện tử nhận một thẻ "
                         "rút từ xấp thẻ đã xáo trộn; thẻ không ghi tên, không ai ghi thẻ nào trao cho ai.",
                   align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    _qr(pdf, f"{address}/r/{code}/vote", 75, 160, 60)


def _card(pdf: FPDF, title: str, code: str, secret: str, address: str, x: float, y: float) -> None:
    pdf.set_dash_pattern(dash=1, gap=1)
    pdf.rect(x, y, CARD_W, CARD_H)
    pdf.set_dash_pattern()
    column = CARD_W - 44  # the text's width, left of the QR code and its white margin
    pdf.set_xy(x + 3, y + 3)
    _fitted(pdf, "THẺ BỎ PHIẾU ĐIỆN TỬ", "B", 13, CARD_W - 6)
    pdf.cell(CARD_W - 6, 6, "THẺ BỎ PHIẾU ĐIỆN TỬ")
    pdf.set_xy(x + 3, y + 10)
    pdf.set_font(FONT, "", 9)
    pdf.multi_cell(column, 4, _shortened(pdf, title, column, 3))
    pdf.set_xy(x + 3, y + 25)
    pdf.set_font(FONT, "", 10)
    pdf.multi_cell(column, 5, "Mã thẻ (dùng cho một phiếu):")
    head, tail = secret[:14], secret[15:]  # two lines of groups: "K7QX-9MPA-2345" / "ABCD-EFGH"
    _fitted(pdf, head, "B", 14, column)
    pdf.set_xy(x + 3, y + 31)
    pdf.cell(column, 7, head)
    pdf.set_xy(x + 3, y + 38)
    pdf.cell(column, 7, tail)
    pdf.set_xy(x + 3, y + 47)
    pdf.set_font(FONT, "I", 9)
    pdf.multi_cell(CARD_W - 6, 4.5, "Thẻ không ghi tên. Không cho ai xem mã thẻ: ai có mã là bỏ được phiếu này.")
    _qr(pdf, f"{address}/r/{code}/vote#card={secret}", x + CARD_W - 40, y + 9, 38)


def cards_pdf(round_: Round | str, code: str, secrets: Sequence[str], address: str, wifi: str = "") -> bytes:
    """The hall sheet, then the cards, eight to an A4 page, with dashed lines to cut along (``round_``: the round
    or its title, as the committee's laptop reads it from the election file)."""
    title = round_ if isinstance(round_, str) else round_.title
    family = find_family()
    require_glyphs(family, title + ALPHABET)
    pdf = new_document(family, Margins(top=12, bottom=10, left=12, right=12), title="Thẻ bỏ phiếu điện tử")
    pdf.numbered = False
    pdf.set_auto_page_break(False)
    _hall_sheet(pdf, title, code, address, wifi)
    for i, secret in enumerate(secrets):
        if i % 8 == 0:
            pdf.add_page()
        _card(pdf, title, code, secret, address, 12 + (i % 2) * (CARD_W + 6), 12 + (i % 8 // 2) * (CARD_H + 6))
    return bytes(pdf.output())
