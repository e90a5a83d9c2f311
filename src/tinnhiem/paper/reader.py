"""Reading scanned ballot sheets with OpenCV (R-VALID-1, R-VALID-2).

1. Find the four solid corner squares and straighten the page onto the template's
   grid (a homography), which undoes rotation, skew and scale.
2. Read the QR code: the sheet must be one of this round's (else: not this round's form).
3. Score each box by the share of ink inside it (its printed border excluded).
   Clearly empty and clearly marked boxes are decided; anything between is *unsure*.
4. Compare the page with the blank template: ink outside the boxes (writing, a name
   crossed out) sends the whole sheet to the committee (possible R-VALID-1).

Nothing unsure is guessed: an unsure row, or a flagged sheet, waits for the committee.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum

import cv2
import numpy as np

from tinnhiem.paper.layout import (
    BOX_COLUMN_W,
    FIDUCIAL,
    FIDUCIAL_CENTRES,
    MARGIN,
    NAME_W,
    PAGE_H,
    PAGE_W,
    QR_BOX,
    STT_W,
    SheetLayout,
)

PX_PER_MM = 5.0  # the straightened page: 1050 × 1485 pixels
EMPTY_BELOW = 0.005  # share of ink pixels in a box interior
MARKED_ABOVE = 0.14
INK = 0.20  # a pixel is ink when it is this much darker than the paper (0–1)
STRAY_MIN_AREA = 60  # ink pixels (≈ 2.4 mm²) in one group outside the boxes and the print


class RowState(StrEnum):
    MARKED = "marked"  # exactly one box: a valid choice
    EMPTY = "empty"  # no box: invalid for this subject (R-VALID-2)
    MULTIPLE = "multiple"  # two or more boxes: invalid for this subject (R-VALID-2)
    UNSURE = "unsure"  # for the committee


class Problem(StrEnum):
    NO_CORNERS = "no-corners"  # not a ballot, or the page is cut off
    NOT_THIS_ROUND = "not-this-round"  # QR missing or of another round or form (R-VALID-1)
    STRAY_INK = "stray-ink"  # writing or marks outside the boxes (possible R-VALID-1)


@dataclass(frozen=True, slots=True)
class RowReading:
    subject: int  # the round's subject index
    state: RowState
    level: int | None  # the marked level when MARKED
    scores: tuple[float, ...]  # ink share per box, for the committee and the benchmark


@dataclass(frozen=True, slots=True)
class SheetReading:
    layout: SheetLayout | None
    rows: tuple[RowReading, ...]
    problems: tuple[Problem, ...]
    page: np.ndarray = field(repr=False, compare=False)  # the straightened image (grey)

    @property
    def needs_review(self) -> bool:
        return bool(self.problems) or any(r.state is RowState.UNSURE for r in self.rows)


def _mm(value: float) -> int:
    return int(round(value * PX_PER_MM))


def _grey(image: np.ndarray) -> np.ndarray:
    return image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)


def find_corners(full: np.ndarray) -> np.ndarray | None:
    """The centres of the four corner squares (TL, TR, BL, BR), or None (found on a ~100 dpi copy)."""
    shrink = min(1.0, 840 / full.shape[1])
    image = cv2.resize(full, None, fx=shrink, fy=shrink, interpolation=cv2.INTER_AREA) if shrink < 1 else full
    height, width = image.shape
    scale = width / PAGE_W  # pixels per mm, assuming the whole page was scanned
    expected = (FIDUCIAL * scale) ** 2
    blurred = cv2.GaussianBlur(image, (5, 5), 0)
    black = 0.45 * float(np.percentile(blurred[::4, ::4], 90))  # the squares are black; a grey scanner bed is not
    dark = (blurred < black).astype(np.uint8)
    contours, _ = cv2.findContours(dark, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    candidates = []
    for contour in contours:
        area = cv2.contourArea(contour)
        if not 0.4 * expected < area < 2.2 * expected:
            continue
        (cx, cy), (w, h), _ = cv2.minAreaRect(contour)
        if min(w, h) == 0 or max(w, h) / min(w, h) > 1.35 or area / (w * h) < 0.8:
            continue
        candidates.append((cx, cy))
    if len(candidates) < 4:
        return None
    points = np.array(candidates, dtype=np.float32)
    targets = np.array([(0, 0), (width, 0), (0, height), (width, height)], dtype=np.float32)
    chosen = []
    for target in targets:
        distances = np.linalg.norm(points - target, axis=1)
        best = int(np.argmin(distances))
        if distances[best] > 0.25 * width:
            return None
        chosen.append(points[best])
    return np.array(chosen, dtype=np.float32) / shrink


def page_transform(image: np.ndarray) -> np.ndarray | None:
    """The homography from the scan to the template's millimetres, or None when no corners are found."""
    corners = find_corners(image)
    if corners is None:
        return None
    target = np.array(FIDUCIAL_CENTRES, dtype=np.float32)
    return cv2.getPerspectiveTransform(corners, target)


def warp(image: np.ndarray, to_mm: np.ndarray, px_per_mm: float, x: float, y: float, w: float, h: float) -> np.ndarray:
    """The region (x, y, w, h) mm of the page, straightened, at ``px_per_mm``."""
    scale = np.array([[px_per_mm, 0, -x * px_per_mm], [0, px_per_mm, -y * px_per_mm], [0, 0, 1]], dtype=np.float64)
    size = (int(round(w * px_per_mm)), int(round(h * px_per_mm)))
    return cv2.warpPerspective(image, scale @ to_mm, size, flags=cv2.INTER_AREA,
                               borderMode=cv2.BORDER_CONSTANT, borderValue=255)


def read_qr(image: np.ndarray, to_mm: np.ndarray) -> str | None:
    """Decode the QR code from the scan itself, straightened at 12 px/mm (sharper than the page)."""
    x, y, side = QR_BOX
    crop = warp(image, to_mm, 12.0, x - 4, y - 4, side + 8, side + 8)
    for candidate in (crop, cv2.threshold(crop, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)[1]):
        text, _, _ = cv2.QRCodeDetector().detectAndDecode(candidate)
        if text:
            return str(text)
    return None


def darkness(page: np.ndarray) -> np.ndarray:
    """0 for paper, 1 for black: relative to the paper's own white (a grey scan is not ink)."""
    white = float(np.percentile(page[::4, ::4], 90))
    return np.clip((white - page.astype(np.float32)) / max(white, 1.0), 0.0, 1.0)


def box_score(dark: np.ndarray, x: float, y: float, side: float, inset: float = 1.3) -> float:
    """The share of ink pixels inside a box, its printed border left out."""
    cell = dark[_mm(y + inset):_mm(y + side - inset), _mm(x + inset):_mm(x + side - inset)]
    return float((cell > INK).mean()) if cell.size else 0.0


def decide(subject: int, scores: Sequence[float]) -> RowReading:
    """R-VALID-2 on the scores: one clear mark, none, several, or unsure."""
    if any(EMPTY_BELOW <= s <= MARKED_ABOVE for s in scores):
        return RowReading(subject, RowState.UNSURE, None, tuple(scores))
    marked = [i for i, s in enumerate(scores) if s > MARKED_ABOVE]
    if len(marked) == 1:
        return RowReading(subject, RowState.MARKED, marked[0], tuple(scores))
    state = RowState.EMPTY if not marked else RowState.MULTIPLE
    return RowReading(subject, state, None, tuple(scores))


def printed_mask(template: np.ndarray) -> np.ndarray:
    """Where the blank sheet has print, widened by 0.2 mm for the scan's small misregistration."""
    return cv2.dilate((darkness(template) > 0.15).astype(np.uint8), np.ones((3, 3), np.uint8))


def stray_ink(dark: np.ndarray, printed: np.ndarray, layout: SheetLayout) -> bool:
    """Ink where the blank sheet is white, outside the columns of boxes: writing on the ballot."""
    ink = ((dark > 0.3) & (printed == 0)).astype(np.uint8)
    first_box_x = MARGIN + STT_W + NAME_W + layout.position_w
    top, bottom = layout.row_top(0), layout.row_top(len(layout.subjects))
    ink[_mm(top):_mm(bottom), _mm(first_box_x):_mm(first_box_x + layout.levels * BOX_COLUMN_W)] = 0
    ink = cv2.morphologyEx(ink, cv2.MORPH_OPEN, np.ones((2, 2), np.uint8))  # scanner noise
    # Writing over printed words is cut into pieces by the print mask: join pieces closer than
    # about 1.4 mm, then weigh each group by its own ink.
    _, groups = cv2.connectedComponents(cv2.morphologyEx(ink, cv2.MORPH_CLOSE, np.ones((7, 7), np.uint8)))
    weights = np.bincount(groups[ink > 0])
    return bool(len(weights) > 1 and weights[1:].max() >= STRAY_MIN_AREA)


def read_sheet(image: np.ndarray, layouts: dict[str, SheetLayout], printed: dict[str, np.ndarray]) -> SheetReading:
    """Read one scanned sheet against this round's sheets; ``printed`` holds each sheet's print mask."""
    grey = _grey(image)
    to_mm = page_transform(grey)
    if to_mm is None:
        return SheetReading(None, (), (Problem.NO_CORNERS,), grey)
    page = warp(grey, to_mm, PX_PER_MM, 0, 0, PAGE_W, PAGE_H)
    text = read_qr(grey, to_mm)
    layout = layouts.get(text or "")
    if layout is None:
        return SheetReading(None, (), (Problem.NOT_THIS_ROUND,), page)
    dark = darkness(page)
    boxes = layout.boxes()
    rows = tuple(
        decide(subject, [box_score(dark, b.x, b.y, b.side) for b in boxes[i * layout.levels:(i + 1) * layout.levels]])
        for i, subject in enumerate(layout.subjects)
    )
    problems = (Problem.STRAY_INK,) if stray_ink(dark, printed[layout.qr_text], layout) else ()
    return SheetReading(layout, rows, problems, page)


def row_crop(reading: SheetReading, row: int) -> np.ndarray:
    """The straightened strip of one row, for the committee to look at."""
    assert reading.layout is not None
    top = reading.layout.row_top(row)
    bottom = top + reading.layout.style.row_h
    return reading.page[_mm(top - 1):_mm(bottom + 1), _mm(MARGIN - 2):_mm(PAGE_W - MARGIN + 2)]
