"""The printed voting card, read as whoever hands it out would: folded, nothing of its secret shows.

Each card is a strip of three panels — cover | secret | flap — folded shut before the stack is
shuffled (paper/cards.py). The test renders the cards PDF as printed (300 dpi), cuts each strip into
its panels and reads them: the QR code of the open card signs in; the cover, all that the folded card
shows, holds no QR code and no group of the code; held against the light (the secret panel under its
flap, mirrored by the fold, their darkness added; the cover's print not even counted), the QR code
reads no more. Before, the full
code and the QR code were printed on the card's face.
"""

from __future__ import annotations

import cv2
import numpy as np
import pypdfium2 as pdfium

from tinnhiem.paper.cards import CARD_H, PANEL, card_origin, cards_pdf
from tinnhiem.services import roundfile
from tinnhiem.testing import demo
from tinnhiem.testing.simulate import seeded_cards

DPI = 300
PX = DPI / 25.4  # pixels a millimetre
ADDRESS, CODE = "http://192.168.1.10:8000", "hn-2026"


def _decode(image: np.ndarray) -> str:
    text, _, _ = cv2.QRCodeDetector().detectAndDecode(image)
    return str(text or "")


def test_a_folded_card_shows_nothing_of_its_secret() -> None:
    round_ = roundfile.parse_round(roundfile.load(demo.demo_file()))[0]
    secrets = seeded_cards(CODE, 4, seed=7)  # fixed: OpenCV's reader misses about 1 random code in 8 here
    document = pdfium.PdfDocument(cards_pdf(round_, CODE, secrets, ADDRESS, "HoiTruong"))
    for index, secret in enumerate(secrets):
        page_index, left, top = card_origin(index)
        page = document[1 + page_index]  # the hall sheet comes first
        image = page.render(scale=DPI / 72).to_numpy()[:, :, :3].mean(axis=2).astype(np.uint8)
        text = page.get_textpage()

        def panel(n: int, image: np.ndarray = image, left: float = left, top: float = top) -> np.ndarray:
            x, y = round((left + n * PANEL) * PX), round(top * PX)
            return image[y: y + round(CARD_H * PX), x: x + round(PANEL * PX)]

        def words(n: int, text: pdfium.PdfTextPage = text, page: pdfium.PdfPage = page, left: float = left,
                  top: float = top) -> str:
            height = page.get_height()  # PDF points, from the bottom
            x0, x1 = (left + n * PANEL) * 72 / 25.4, (left + (n + 1) * PANEL) * 72 / 25.4
            return str(text.get_text_bounded(x0, height - (top + CARD_H) * 72 / 25.4, x1, height - top * 72 / 25.4))

        cover, inside, flap = panel(0), panel(1), panel(2)
        assert f"{ADDRESS}/r/{CODE}/vote#card={secret}" == _decode(inside)  # the open card signs in
        assert secret[:14] in " ".join(words(1).split())
        assert "" == _decode(cover), "the cover shows a QR code"
        face = " ".join(words(0).split())
        assert "Gấp lại — không mở" in face and "trước khi nhận" in face
        assert not any(group in face or group in words(2) for group in secret.split("-")), face
        # Against the light: the secret under its flap (mirrored by the fold), the cover's print left aside.
        against_light = 255 - np.minimum(255, (255 - inside.astype(int)) + (255 - flap[:, ::-1].astype(int)))
        assert "" == _decode(against_light.astype(np.uint8)), "the QR code reads through the flap"
        assert (flap < 128).mean() > 0.85, "the flap leaves much of the secret in clear"
