"""What the committee looks at: the row or the sheet from the kept original, with the machine's reading.

A row is shown straightened, each box outlined by what the machine saw (green: a mark,
orange: unsure, grey: empty); a likely copy is shown beside the sheet it resembles; a
sheet the reader could not place is shown as scanned, so that its corners can be marked.
"""

from __future__ import annotations

import cv2
import numpy as np

from tinnhiem.paper.forms import Forms
from tinnhiem.paper.layout import MARGIN
from tinnhiem.paper.raster import pdf_page
from tinnhiem.paper.reader import PX_PER_MM, RowState, SheetReading, row_around, row_crop
from tinnhiem.services.ports import ImageStore, StoredSheet

GREEN, ORANGE, GREY = (40, 150, 40), (0, 140, 255), (170, 170, 170)
MAX_SIDE = 1400  # pixels: a whole sheet as shown


def scan_image(images: ImageStore, code: str, sheet: StoredSheet, dpi: float = 200) -> np.ndarray:
    """The sheet's page of the kept original, grey."""
    data, suffix = images.load(code, sheet.image_sha256)
    if suffix == ".pdf":
        return pdf_page(data, sheet.source_page, dpi)
    image = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_GRAYSCALE)
    return image if image is not None else np.full((200, 200), 255, np.uint8)


def _fit(image: np.ndarray, height: int) -> np.ndarray:
    return cv2.resize(image, (max(1, round(image.shape[1] * height / image.shape[0])), height),
                      interpolation=cv2.INTER_AREA)


def row_picture(reading: SheetReading, row: int) -> np.ndarray:
    """The straightened row with each box outlined by the machine's reading of it."""
    assert reading.layout is not None
    strip = cv2.cvtColor(row_crop(reading, row), cv2.COLOR_GRAY2BGR)
    layout, found = reading.layout, reading.rows[row]
    top = max(layout.row_top(row) - row_around(layout), 0)
    boxes = layout.boxes()[row * layout.levels:(row + 1) * layout.levels]
    for box, ink in zip(boxes, found.ink, strict=True):
        colour = GREEN if ink.marked else GREY if ink.empty else ORANGE
        if found.state is RowState.UNSURE and not ink.empty:
            colour = ORANGE
        x0, y0 = round((box.x - 1 - (MARGIN - 2)) * PX_PER_MM), round((box.y - 1 - top) * PX_PER_MM)
        side = round((box.side + 2) * PX_PER_MM)
        cv2.rectangle(strip, (x0, y0), (x0 + side, y0 + side), colour, 2)
    return cv2.resize(strip, None, fx=2, fy=2, interpolation=cv2.INTER_CUBIC)


def sheet_picture(forms: Forms, scan: np.ndarray, other: np.ndarray | None = None) -> np.ndarray:
    """The sheet straightened (or as scanned when it cannot be placed), beside ``other`` when given."""
    pages = []
    for image in (scan, other):
        if image is None:
            continue
        reading = forms.read(image)
        page = reading.page if reading.layout is not None or image is other else image
        pages.append(_fit(page, min(MAX_SIDE, page.shape[0])))
    height = min(p.shape[0] for p in pages)
    gap = np.full((height, 12), 128, np.uint8)
    parts: list[np.ndarray] = []
    for page in pages:
        parts += [_fit(page, height), gap]
    return np.hstack(parts[:-1])
