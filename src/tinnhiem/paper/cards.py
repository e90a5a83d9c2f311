"""Voting cards (PDF, A4, 4 a page): no name, a 100-bit card code, and a QR code that signs in with it.

The QR code carries the card's secret in the address's fragment (after #), which browsers never
send to the server, so no request and no log ever holds it: the phone derives the card's key
itself. The cards are made and printed on the committee's laptop, cut, folded, shuffled and handed
out like paper ballots. Plus one sheet with the hall's Wi-Fi and address.

Whoever hands the cards out must not read them: each card is a strip of three equal panels, folded
shut before the stack is shuffled. The middle panel holds the secret (QR code and code); the right
panel, a flap printed with a dense grid, folds onto it (fold (1), printed sides together); the left
panel, the cover, folds behind (fold (2)), so that the folded card shows only its cover: what the card
is and "Gấp lại — không mở trước khi nhận". Held against the light, the grid hides the QR code
(tests/paper/test_cards.py reads the folded card as the staff would).
"""

from __future__ import annotations

from collections.abc import Sequence

import segno
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from tinnhiem.domain.model import Round
from tinnhiem.reports.fonts import ALPHABET, find_family, require_glyphs
from tinnhiem.reports.pdf import FONT, Margins, new_document

PANEL = 62.0  # each of the three panels is a 62 mm square: cover | secret | flap
CARD_W, CARD_H = 3 * PANEL, PANEL
LEFT, TOP, GAP = 12.0, 12.0, 6.0  # the strips' left edge and the first's top on the page; the gap between strips
PER_PAGE = 4
FLAP_GRID = 1.3  # mm between the flap's lines, about a QR module of the card's code


def card_origin(index: int) -> tuple[int, float, float]:
    """The card's page (0 = the first page of cards) and the top-left corner of its strip, in mm."""
    return index // PER_PAGE, LEFT, TOP + (index % PER_PAGE) * (CARD_H + GAP)


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
                         "rút từ xấp thẻ đã xáo trộn; thẻ không ghi tên, không ai ghi thẻ nào trao cho ai.\n\n"
                         "Tổ kiểm phiếu cắt từng thẻ theo đường chấm, gấp nắp che úp lên mã (nếp 1), rồi gấp "
                         "bìa ra sau (nếp 2): mặt ngoài chỉ còn bìa. Gấp xong mới xáo và phát thẻ; người phát "
                         "thẻ không mở thẻ.",
                   align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    _qr(pdf, f"{address}/r/{code}/vote", 75, 160, 60)


def _fold_line(pdf: FPDF, x: float, y: float, label: str) -> None:
    pdf.set_dash_pattern(dash=3, gap=1.2)
    pdf.set_draw_color(120)
    pdf.line(x, y, x, y + CARD_H)
    pdf.set_dash_pattern()
    pdf.set_draw_color(0)
    pdf.set_font(FONT, "", 6.5)
    pdf.set_text_color(90)
    width = pdf.get_string_width(label)
    pdf.set_xy(x - width / 2 - 0.5, y - 3.6)
    pdf.cell(width + 1, 3.4, label)
    pdf.set_text_color(0)


def _cover(pdf: FPDF, title: str, x: float, y: float) -> None:
    """The only panel seen once the card is folded: what the card is, and not to open it before."""
    width = PANEL - 6
    pdf.set_xy(x + 3, y + 4)
    _fitted(pdf, "THẺ BỎ PHIẾU ĐIỆN TỬ", "B", 12, width)
    pdf.cell(width, 6, "THẺ BỎ PHIẾU ĐIỆN TỬ", align="C")
    pdf.set_xy(x + 3, y + 12)
    pdf.set_font(FONT, "", 8)
    pdf.multi_cell(width, 3.6, _shortened(pdf, title, width, 3), align="C")
    pdf.set_fill_color(0)
    pdf.rect(x + 3, y + 27, width, 13, style="F")
    pdf.set_text_color(255)
    pdf.set_xy(x + 3, y + 28)
    pdf.set_font(FONT, "B", 10.5)
    pdf.multi_cell(width, 5.5, "Gấp lại — không mở\ntrước khi nhận", align="C")
    pdf.set_text_color(0)
    pdf.set_xy(x + 3, y + 43)
    pdf.set_font(FONT, "I", 7.5)
    pdf.multi_cell(width, 3.5, "Thẻ không ghi tên. Mở thẻ khi đã nhận, ở chỗ riêng; không cho ai xem mã bên "
                               "trong: ai có mã là bỏ được phiếu này.", align="C")


def _flap(pdf: FPDF, x: float, y: float) -> None:
    """A dense grid that lies on the secret once folded, so that the QR code does not show through."""
    pdf.set_line_width(FLAP_GRID * 0.8)
    steps = int(PANEL / FLAP_GRID)
    for i in range(1, steps):
        pdf.line(x + i * FLAP_GRID, y + 6, x + i * FLAP_GRID, y + CARD_H - 1)
    for j in range(0, steps - 4):
        pdf.line(x + 1, y + 6 + j * FLAP_GRID, x + PANEL - 1, y + 6 + j * FLAP_GRID)
    pdf.set_line_width(0.2)
    pdf.set_xy(x + 2, y + 1)
    pdf.set_font(FONT, "", 7)
    pdf.cell(PANEL - 4, 4, "Nắp che: gấp úp lên mã thẻ (nếp 1)", align="C")


def _card(pdf: FPDF, title: str, code: str, secret: str, address: str, x: float, y: float) -> None:
    """One strip: cover | secret | flap, cut along the outer dashes, folded along the two inner lines."""
    pdf.set_dash_pattern(dash=1, gap=1)
    pdf.rect(x, y, CARD_W, CARD_H)
    pdf.set_dash_pattern()
    pdf.set_font(FONT, "", 6.5)
    pdf.set_xy(x, y + CARD_H + 0.3)
    pdf.cell(CARD_W, 3, "cắt theo đường chấm", align="R")
    _fold_line(pdf, x + PANEL, y, "nếp 2: gấp ra sau")
    _fold_line(pdf, x + 2 * PANEL, y, "nếp 1: gấp vào")
    _cover(pdf, title, x, y)
    inside = x + PANEL
    pdf.set_xy(inside + 3, y + 2)
    pdf.set_font(FONT, "", 8)
    pdf.cell(PANEL - 6, 4, "Mã thẻ (dùng cho một phiếu):", align="C")
    _qr(pdf, f"{address}/r/{code}/vote#card={secret}", inside + (PANEL - 40) / 2, y + 5.5, 40)
    head, tail = secret[:14], secret[15:]  # two lines of groups: "K7QX-9MPA-2345" / "ABCD-EFGH"
    _fitted(pdf, head, "B", 13, PANEL - 6)
    pdf.set_xy(inside + 3, y + 46)
    pdf.cell(PANEL - 6, 6, head, align="C")
    pdf.set_xy(inside + 3, y + 52)
    pdf.cell(PANEL - 6, 6, tail, align="C")
    _flap(pdf, x + 2 * PANEL, y)


def cards_pdf(round_: Round | str, code: str, secrets: Sequence[str], address: str, wifi: str = "") -> bytes:
    """The hall sheet, then the cards, four strips to an A4 page, with dashed lines to cut along (``round_``: the
    round or its title, as the committee's laptop reads it from the election file)."""
    title = round_ if isinstance(round_, str) else round_.title
    family = find_family()
    require_glyphs(family, title + ALPHABET)
    pdf = new_document(family, Margins(top=12, bottom=10, left=12, right=12), title="Thẻ bỏ phiếu điện tử")
    pdf.numbered = False
    pdf.set_auto_page_break(False)
    _hall_sheet(pdf, title, code, address, wifi)
    for i, secret in enumerate(secrets):
        page, x, y = card_origin(i)
        if i % PER_PAGE == 0:
            pdf.add_page()
        _card(pdf, title, code, secret, address, x, y)
    return bytes(pdf.output())
