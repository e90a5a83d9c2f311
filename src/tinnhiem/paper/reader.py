"""Reading scanned ballot sheets with OpenCV (R-VALID-1, R-VALID-2).

1. Find the four solid corner squares and straighten the page onto the template's
   grid (a homography), which undoes rotation, skew and scale.
2. Read the QR code: the sheet must be one of this round's (else: not this round's form).
3. Score each box by the share of ink inside it (its printed border excluded).
   Clearly empty and clearly marked boxes are decided; anything between is *unsure*.
4. Compare the page with the blank template: ink outside the boxes (writing, a name
   crossed out), in the margins outside the corner squares, or over the QR code's light
   modules sends the whole sheet to the committee (possible R-VALID-1).

Nothing unsure is guessed: an unsure row, or a flagged sheet, waits for the committee.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

import cv2
import numpy as np
import segno

from tinnhiem.paper.copies import signature
from tinnhiem.paper.corners import find_corners, ordered_corners, to_page, turns
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
    Box,
    SheetLayout,
)

PX_PER_MM = 5.0  # the straightened page: 1050 × 1485 pixels
INK = 0.25  # a pixel is ink when it is this much darker than the paper round it (0–1)
EMPTY_BELOW = 0.01  # share of ink pixels in a box interior
MARKED_ABOVE = 0.10
LIGHT_INK = 0.07  # a light pixel (pencil, little ink), relative to the local paper, on a 3×3 mean
LIGHT_EMPTY = 0.02
LIGHT_MARKED = 0.06
MARK_SPREAD = 0.5  # a mark spans at least half the box both ways (a dot, a speck or a smudge does not)
RING_INK = 0.15  # ink round a box (a circle drawn round it)
RING_ANGLES = 72
RING_GAP = 1.0  # mm kept clear of the box's own border (and its widened print mask)
RING_OUT = 5.5  # mm beyond the box's half side: how far round it a circle is looked for
RING_EMPTY = 0.35
RING_MARKED = 0.6
QR_AGREEMENT = 0.85  # share of modules that must agree with one of the round's codes
WRITING_INK = 0.3  # darkness of writing looked for outside the boxes
QR_INK = 0.6  # a light module of the QR code this far from its paper towards its ink (0–1) is inked over
QR_INK_MODULES = 2  # light modules inked over that send the sheet to the committee
MARGIN_PAPER = 3.0  # mm: the paper a stroke in the margins is compared with lies this near it
EDGE = 2.0  # mm along the paper's edge where the margins are not looked at (the cut edge and its shadow)
STRAY_MIN_AREA = 60  # ink pixels (≈ 2.4 mm²) in one group outside the boxes and the print
# x, y, w, h mm round the printed "(dấu treo)" circle (centre MARGIN + 18, 48; 24 mm): a seal of 40 mm
# stamped up to 10 mm off its place stays inside (an outside generator stamped them 3–6 mm off)
SEAL_AREA = (MARGIN - 12, 18.0, 60.0, 60.0)


class RowState(StrEnum):
    MARKED = "marked"  # exactly one box: a valid choice
    EMPTY = "empty"  # no box: invalid for this subject (R-VALID-2)
    MULTIPLE = "multiple"  # two or more boxes: invalid for this subject (R-VALID-2)
    UNSURE = "unsure"  # for the committee


class Problem(StrEnum):
    NO_CORNERS = "no-corners"  # not a ballot, or the page is cut off
    NOT_THIS_ROUND = "not-this-round"  # QR missing or of another round or form (R-VALID-1)
    STRAY_INK = "stray-ink"  # writing or marks outside the boxes (possible R-VALID-1)
    BLACK_AND_WHITE = "black-and-white"  # a scan of two shades only: a light pencil mark may have been dropped


@dataclass(frozen=True, slots=True)
class RowReading:
    subject: int  # the round's subject index
    state: RowState
    level: int | None  # the marked level when MARKED
    scores: tuple[float, ...]  # ink share per box, for the committee and the benchmark
    ink: tuple[BoxInk, ...] = ()  # every figure the reader used, box by box


@dataclass(frozen=True, slots=True)
class SheetReading:
    layout: SheetLayout | None
    rows: tuple[RowReading, ...]
    problems: tuple[Problem, ...]
    page: np.ndarray = field(repr=False, compare=False)  # the straightened image (grey)
    signature: str | None = None  # the sheet's own ink, to catch a second scan of it (paper.copies)

    @property
    def needs_review(self) -> bool:
        return bool(self.problems) or any(r.state is RowState.UNSURE for r in self.rows)


def _mm(value: float) -> int:
    return int(round(value * PX_PER_MM))


def _grey(image: np.ndarray) -> np.ndarray:
    return image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)


def page_transform(image: np.ndarray) -> list[np.ndarray]:
    """The homographies from the scan to the template's millimetres: the page as it lies, then
    turned 180° (the QR code tells which is right); empty when no corner squares are found."""
    corners = find_corners(image)
    return [] if corners is None else [to_page(c) for c in turns(corners)]


def placed_transforms(points: np.ndarray) -> list[np.ndarray]:
    """Every way four points marked by a person can be the page's corners (upright, turned, on its side)."""
    ordered = ordered_corners(np.asarray(points, dtype=np.float32))
    return [to_page(c) for start in (ordered, ordered[[1, 3, 0, 2]]) for c in turns(start)]


def warp(image: np.ndarray, to_mm: np.ndarray, px_per_mm: float, x: float, y: float, w: float, h: float) -> np.ndarray:
    """The region (x, y, w, h) mm of the page, straightened, at ``px_per_mm``."""
    scale = np.array([[px_per_mm, 0, -x * px_per_mm], [0, px_per_mm, -y * px_per_mm], [0, 0, 1]], dtype=np.float64)
    size = (int(round(w * px_per_mm)), int(round(h * px_per_mm)))
    return cv2.warpPerspective(image, scale @ to_mm, size, flags=cv2.INTER_AREA,
                               borderMode=cv2.BORDER_CONSTANT, borderValue=255)


@functools.lru_cache(maxsize=256)
def qr_modules(text: str) -> np.ndarray:
    """The dark (True) and light modules of the QR code printed for ``text`` (as printing draws it)."""
    return np.array(segno.make(text, error="m", micro=False).matrix, dtype=bool)


def _module_values(image: np.ndarray, to_mm: np.ndarray, size: int) -> np.ndarray:
    """The QR area of the scan, sampled at the centre of each of ``size`` × ``size`` modules: 0 for the
    paper of its light modules, 1 for the ink of its dark ones (the 90th and 10th percentiles)."""
    x, y, side = QR_BOX
    module = side / (size + 2)
    per_mm = 8.0
    crop = warp(image, to_mm, per_mm, x, y, side, side)
    crop = cv2.blur(crop, (3, 3))
    centres = ((np.arange(size) + 1.5) * module * per_mm).astype(int)
    values = crop[np.ix_(centres, centres)].astype(np.float32)
    low, high = np.percentile(values, 10), np.percentile(values, 90)
    return np.asarray((high - values) / max(float(high - low), 1.0))


def _sampled_modules(image: np.ndarray, to_mm: np.ndarray, size: int) -> np.ndarray:
    """The QR area of the scan, sampled at the centre of each of ``size`` × ``size`` modules: dark or not."""
    return np.asarray(_module_values(image, to_mm, size) > 0.5)


def ink_over_qr(image: np.ndarray, to_mm: np.ndarray, qr_text: str) -> bool:
    """A stroke across the QR code that left it readable: light modules (as printed) that read clearly dark.

    Print alone leaves none so (a blurred 150-dpi scan: at most one module past half-way); a pen stroke
    across the code darkens three or more. Ink over the dark modules cannot be seen, nor is it needed.
    """
    modules = qr_modules(qr_text)
    inked = (_module_values(image, to_mm, modules.shape[0]) > QR_INK) & ~modules
    return int(inked.sum()) >= QR_INK_MODULES


def match_qr(image: np.ndarray, to_mm: np.ndarray, texts: Iterable[str]) -> tuple[str | None, float]:
    """Which of this round's QR codes is printed on the sheet, by its modules, and how well it agrees.

    The reader knows every code the round printed, so it compares the scan with each of them
    instead of decoding: a blurred or noisy code still matches its own, and only its own (two
    codes differ in about half their modules; a sheet of another round matches none).
    """
    best, best_share = None, 0.0
    sampled: dict[int, np.ndarray] = {}
    for text in texts:
        modules = qr_modules(text)
        size = modules.shape[0]
        if size not in sampled:
            sampled[size] = _sampled_modules(image, to_mm, size)
        share = float((sampled[size] == modules).mean())
        if share > best_share:
            best, best_share = text, share
    return (best, best_share) if best_share >= QR_AGREEMENT else (None, best_share)


def read_qr(image: np.ndarray, to_mm: np.ndarray) -> str | None:
    """Decode the QR code from the scan itself (for a sheet none of this round's codes matches)."""
    x, y, side = QR_BOX
    crop = warp(image, to_mm, 12.0, x - 4, y - 4, side + 8, side + 8)
    for detector in (cv2.QRCodeDetectorAruco(), cv2.QRCodeDetector()):
        text, _, _ = detector.detectAndDecode(crop)
        if text:
            return str(text)
    return None


def darkness(page: np.ndarray) -> np.ndarray:
    """0 for paper, 1 for black, relative to the paper's local white (shadows and grey paper are not ink).

    The local white is a flat field: the paper with every mark narrower than about 13 mm (any filled box,
    any stroke, any printed line) closed over — the brightest within 6 mm, then the darkest of those
    within 6 mm — smoothed. A shadow's slope is followed (closing gives a ramp back unchanged), where the
    brightest paper alone would stand above the shaded side and make its empty boxes light ink.
    """
    small = cv2.resize(page, None, fx=1 / PX_PER_MM, fy=1 / PX_PER_MM, interpolation=cv2.INTER_AREA)
    white = cv2.GaussianBlur(cv2.morphologyEx(small, cv2.MORPH_CLOSE, np.ones((13, 13), np.uint8)), (9, 9), 0)
    white = cv2.resize(white, (page.shape[1], page.shape[0]), interpolation=cv2.INTER_LINEAR)
    # (white - page) / max(white, 40) in 0–1, in OpenCV's single passes (the same float32 figures as NumPy's)
    dark = cv2.divide(cv2.subtract(white, page, dtype=cv2.CV_32F), np.maximum(white, 40), dtype=cv2.CV_32F)
    return np.clip(dark, 0.0, 1.0, out=dark)


def box_score(dark: np.ndarray, x: float, y: float, side: float, inset: float = 1.3) -> float:
    """The share of ink pixels inside a box, its printed border left out."""
    cell = dark[_mm(y + inset):_mm(y + side - inset), _mm(x + inset):_mm(x + side - inset)]
    return float((cell > INK).mean()) if cell.size else 0.0


def light_score(light: np.ndarray, x: float, y: float, side: float, inset: float = 1.3,
                origin: tuple[int, int] = (0, 0)) -> tuple[float, float]:
    """The share of light-ink pixels inside a box, and how much of its width and height they cover
    (0–1, the lesser of the two: a stroke across the box covers much, a dot or a speck little).
    ``origin``: where ``light`` starts on the page (x, y pixels)."""
    left, top = origin
    cell = light[_mm(y + inset) - top:_mm(y + side - inset) - top,
                 _mm(x + inset) - left:_mm(x + side - inset) - left] > LIGHT_INK
    if not cell.size or not cell.any():
        return 0.0, 0.0
    spread = min(float(cell.any(axis=0).mean()), float(cell.any(axis=1).mean()))
    return float(cell.mean()), spread


@functools.lru_cache(maxsize=8)
def _ring_offsets(side: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Sample points round a box: (angle index, dx px, dy px), outside the square, inside RING_OUT."""
    half = side / 2
    angles = np.linspace(0, 2 * np.pi, RING_ANGLES, endpoint=False)
    radii = np.arange(half + RING_GAP, half + RING_OUT, 0.25)
    a, r = np.meshgrid(np.arange(RING_ANGLES), radii, indexing="ij")
    dx, dy = r * np.cos(angles[a]), r * np.sin(angles[a])
    keep = np.maximum(np.abs(dx), np.abs(dy)) > half + RING_GAP
    return a[keep], np.round(dx[keep] * PX_PER_MM).astype(int), np.round(dy[keep] * PX_PER_MM).astype(int)


def ring_scores(dark: np.ndarray, printed: np.ndarray, boxes: Sequence[Box]) -> tuple[np.ndarray, np.ndarray,
                                                                                     np.ndarray, tuple[int, int]]:
    """For each box (all of one size), the share of directions round it in which ink lies just outside it: 1 for
    a circle round it; the same in light ink (a pencil circle); and the page's light ink (``dark`` averaged over
    3 × 3 pixels) round the boxes, with where that part of the page starts (x, y pixels).

    A direction that crosses print (the table's lines) is left out: a circle is judged where it
    can be seen whole, and the rows above and below (their boxes, their circles) are not seen.
    """
    index, dx, dy = _ring_offsets(boxes[0].side)
    cx = np.array([_mm(b.x + b.side / 2) for b in boxes])[:, None]
    cy = np.array([_mm(b.y + b.side / 2) for b in boxes])[:, None]
    xs, ys = np.clip(cx + dx, 0, dark.shape[1] - 1), np.clip(cy + dy, 0, dark.shape[0] - 1)
    # the light ink is made only round the boxes: one pixel beyond every point looked at, where the
    # average is the whole page's
    left, top = max(0, int(xs.min()) - 1), max(0, int(ys.min()) - 1)
    light = cv2.blur(dark[top:int(ys.max()) + 2, left:int(xs.max()) + 2], (3, 3))
    directions = index + RING_ANGLES * np.arange(len(boxes))[:, None]
    clear = printed[ys, xs] == 0

    def seen(where: np.ndarray) -> np.ndarray:
        return np.asarray(np.bincount(directions[where], minlength=len(boxes) * RING_ANGLES) > 0).reshape(
            len(boxes), RING_ANGLES)

    blocked = seen(~clear)
    open_directions = np.maximum(1, (~blocked).sum(axis=1))
    inked = seen((dark[ys, xs] > RING_INK) & clear)
    faint = seen((light[ys - top, xs - left] > LIGHT_INK) & clear)
    return ((inked & ~blocked).sum(axis=1) / open_directions, (faint & ~blocked).sum(axis=1) / open_directions,
            light, (left, top))


@dataclass(frozen=True, slots=True)
class BoxInk:
    """What the reader saw in one box: ink share inside, light-ink share inside and its spread, ring round it
    (in ink), and the faint ring (in light ink: a pencil circle round the box)."""

    inside: float
    light: float
    spread: float
    ring: float
    faint_ring: float = 0.0

    @property
    def marked(self) -> bool:
        across = self.spread >= MARK_SPREAD
        inked = self.inside > MARKED_ABOVE or self.light > LIGHT_MARKED
        return (inked and across) or self.ring >= RING_MARKED

    @property
    def empty(self) -> bool:
        return (self.inside < EMPTY_BELOW and self.ring < RING_EMPTY and self.light < LIGHT_EMPTY
                and self.faint_ring < RING_EMPTY)  # a pencil circle round the box goes to people


def decide(subject: int, boxes: Sequence[BoxInk]) -> RowReading:
    """R-VALID-2 on what was seen: one clear mark, none, several, or unsure (for people)."""
    scores = tuple(round(b.inside, 4) for b in boxes)
    marked = [i for i, b in enumerate(boxes) if b.marked]
    doubtful = [i for i, b in enumerate(boxes) if not b.marked and not b.empty]
    if len(marked) > 1:
        return RowReading(subject, RowState.MULTIPLE, None, scores, tuple(boxes))
    if doubtful:
        return RowReading(subject, RowState.UNSURE, None, scores, tuple(boxes))
    if marked:
        return RowReading(subject, RowState.MARKED, marked[0], scores, tuple(boxes))
    return RowReading(subject, RowState.EMPTY, None, scores, tuple(boxes))


def printed_mask(template: np.ndarray) -> np.ndarray:
    """Where the blank sheet has print, widened by 0.4 mm for the scan's small misregistration."""
    return cv2.dilate((darkness(template) > 0.15).astype(np.uint8), np.ones((5, 5), np.uint8))


def _ignored(ink: np.ndarray, layout: SheetLayout) -> None:
    """Clear what the stray-ink check must not see: the columns of boxes, the seal's place,
    and everything outside the four corner squares (page edges, their shadows, the backdrop)."""
    first_box_x = MARGIN + STT_W + NAME_W + layout.position_w
    top, bottom = layout.row_top(0), layout.row_top(len(layout.subjects))
    ink[_mm(top - 3):_mm(bottom + 3), _mm(first_box_x - 1):_mm(first_box_x + layout.levels * BOX_COLUMN_W + 1)] = 0
    x, y, w, h = SEAL_AREA
    ink[_mm(y):_mm(y + h), _mm(x):_mm(x + w)] = 0
    _outside_corners(ink)


def _outside_corners(ink: np.ndarray) -> None:
    """Clear everything outside the four corner squares: page edges, their shadows, the backdrop."""
    (left, top), (right, bottom) = FIDUCIAL_CENTRES[0], FIDUCIAL_CENTRES[3]
    inner = FIDUCIAL / 2 + 1
    ink[:_mm(top + inner)] = 0
    ink[_mm(bottom - inner):] = 0
    ink[:, :_mm(left + inner)] = 0
    ink[:, _mm(right - inner):] = 0


def writing_ink(dark: np.ndarray, blank: np.ndarray) -> np.ndarray:
    """Ink (0/1) where the blank sheet is white (``blank``: its print mask is 0): what writing is looked for in."""
    ink: np.ndarray = ((dark > WRITING_INK) & blank).astype(np.uint8)
    return ink


def _heavy_group(ink: np.ndarray) -> bool:
    """A group of ink (pieces closer than about 1.4 mm joined, scanner noise left out) of STRAY_MIN_AREA
    pixels or more."""
    ink = cv2.morphologyEx(ink, cv2.MORPH_OPEN, np.ones((2, 2), np.uint8))  # scanner noise
    if cv2.countNonZero(ink) < STRAY_MIN_AREA:  # not enough ink left for one group to weigh as much
        return False
    _, groups = cv2.connectedComponents(cv2.morphologyEx(ink, cv2.MORPH_CLOSE, np.ones((7, 7), np.uint8)))
    weights = np.bincount(groups[ink > 0])
    return bool(len(weights) > 1 and weights[1:].max() >= STRAY_MIN_AREA)


def writing_in_margins(page: np.ndarray, blank: np.ndarray) -> bool:
    """Writing in the margins outside the corner squares: left of, right of, above or below them.

    A stroke is ink against the paper within MARGIN_PAPER mm round it (the page with every stroke narrower
    than that closed over): a shadow along the paper's edge darkens it too smoothly to be seen, where the
    page's darkness (paper within 13 mm) takes the steep first millimetres of a deep shadow for ink. The
    EDGE mm along the cut edge itself are left out (its line; a dark scanner lid just beyond it).
    """
    (left, top), (right, bottom) = FIDUCIAL_CENTRES[0], FIDUCIAL_CENTRES[3]
    half, edge, reach = FIDUCIAL / 2, _mm(EDGE), _mm(MARGIN_PAPER) | 1
    height, width = page.shape
    inner_top, inner_bottom = _mm(top - half), _mm(bottom + half)
    inner_left, inner_right = _mm(left - half), _mm(right + half)
    ink = np.zeros(page.shape, np.uint8)
    strips = ((edge, inner_top, edge, width - edge), (inner_bottom, height - edge, edge, width - edge),
              (inner_top, inner_bottom, edge, inner_left), (inner_top, inner_bottom, inner_right, width - edge))
    for y0, y1, x0, x1 in strips:
        # each strip with the paper round it, so that the strip's own edges are not taken for the page's
        top_, left_ = max(0, y0 - reach), max(0, x0 - reach)
        part = page[top_:min(height, y1 + reach), left_:min(width, x1 + reach)]
        paper = cv2.morphologyEx(part, cv2.MORPH_CLOSE, np.ones((reach, reach), np.uint8))
        dark = cv2.divide(cv2.subtract(paper, part, dtype=cv2.CV_32F), np.maximum(paper, 40), dtype=cv2.CV_32F)
        ink[y0:y1, x0:x1] = (dark[y0 - top_:y1 - top_, x0 - left_:x1 - left_] > WRITING_INK) & blank[y0:y1, x0:x1]
    return cv2.countNonZero(ink) >= STRAY_MIN_AREA and _heavy_group(ink)


def stray_ink(writing: np.ndarray, layout: SheetLayout) -> bool:
    """Ink where the blank sheet is white (``writing_ink``), away from the boxes and the seal: writing on the
    ballot."""
    ink = writing.copy()
    _ignored(ink, layout)
    # Writing over printed words is cut into pieces by the print mask: pieces closer than about
    # 1.4 mm are joined, then each group is weighed by its own ink.
    return _heavy_group(ink)


def writing_across_boxes(ink: np.ndarray, layout: SheetLayout) -> bool:
    """Writing in the columns of boxes: a group of ink (not print) in one row wider than 1.6 boxes and
    lower than one.

    A mark stays inside its box (with a slip of the pen beside it, about 1.5 boxes at most); a circle
    drawn round a box is as tall as it is wide, and taller than the box; marks in two boxes stay 16 mm
    apart. A word written across a box, its letters joined (gaps up to 4 mm), is wide and flat. The
    sheet then goes to people: the row must not be called "several boxes" unasked. ``ink``: ``writing_ink``.
    """
    first_box_x = MARGIN + STT_W + NAME_W + layout.position_w
    side = layout.style.box
    for i in range(len(layout.subjects)):
        band = ink[_mm(layout.row_top(i)):_mm(layout.row_top(i + 1)),
                   _mm(first_box_x - 1):_mm(first_box_x + layout.levels * BOX_COLUMN_W + 1)]
        band = cv2.morphologyEx(band, cv2.MORPH_OPEN, np.ones((2, 2), np.uint8))
        if not cv2.countNonZero(band):
            continue
        # the letters of a word join (gaps up to 4 mm along the row); marks in two boxes stay apart (16 mm)
        joined = cv2.morphologyEx(band, cv2.MORPH_CLOSE, np.ones((7, _mm(4)), np.uint8))
        count, _, stats, _ = cv2.connectedComponentsWithStats(joined)
        wide = stats[1:, cv2.CC_STAT_WIDTH] > 1.6 * side * PX_PER_MM
        flat = stats[1:, cv2.CC_STAT_HEIGHT] < side * PX_PER_MM
        if count > 1 and bool((wide & flat).any()):
            return True
    return False


def _locate(grey: np.ndarray, layouts: dict[str, SheetLayout],
            corners: np.ndarray | None = None) -> tuple[np.ndarray | None, SheetLayout | None]:
    """The homography of the page and its layout: upright first, else turned 180° (by the QR code)."""
    transforms = page_transform(grey) if corners is None else placed_transforms(corners)
    found = [(match_qr(grey, to_mm, layouts), to_mm) for to_mm in transforms]
    if not found:
        return None, None
    (text, _), to_mm = max(found, key=lambda f: f[0][1])
    return (to_mm, layouts[text]) if text else (transforms[0], None)


def read_rows(dark: np.ndarray, printed: np.ndarray, layout: SheetLayout) -> tuple[RowReading, ...]:
    """The reading of each row of the page (``dark``: its darkness)."""
    boxes = layout.boxes()
    # a light stroke stands out of the scanner's noise once averaged (``light``)
    rings, faint_rings, light, origin = ring_scores(dark, printed, boxes)
    found = [BoxInk(box_score(dark, b.x, b.y, b.side), *light_score(light, b.x, b.y, b.side, origin=origin),
                    float(ring), float(faint))
             for b, ring, faint in zip(boxes, rings, faint_rings, strict=True)]
    return tuple(decide(subject, found[i * layout.levels:(i + 1) * layout.levels])
                 for i, subject in enumerate(layout.subjects))


def black_and_white(grey: np.ndarray) -> bool:
    """A scanner's black-and-white setting (two shades, whatever JPEG added round the edges): its threshold
    may have dropped a light pencil mark, so nobody may count such a sheet unseen."""
    sample = grey[::4, ::4]  # every 16th pixel as scanned (no resampling, which would make new shades)
    shades = np.bincount(sample.ravel(), minlength=256)
    return bool(shades[:32].sum() + shades[224:].sum() >= 0.995 * sample.size)


def read_sheet(image: np.ndarray, layouts: dict[str, SheetLayout], printed: dict[str, np.ndarray],
               corners: np.ndarray | None = None) -> SheetReading:
    """Read one scanned sheet against this round's sheets; ``printed`` holds each sheet's print mask.

    ``corners``: the centres of the four corner squares, in any order, as a person marked them on
    the scan (a sheet the reader could not place by itself); the QR code still decides the turn.
    """
    grey = _grey(image)
    to_mm, layout = _locate(grey, layouts, corners)
    if to_mm is None:
        return SheetReading(None, (), (Problem.NO_CORNERS,), grey)
    page = warp(grey, to_mm, PX_PER_MM, 0, 0, PAGE_W, PAGE_H)
    if layout is None:
        return SheetReading(None, (), (Problem.NOT_THIS_ROUND,), page)
    mask = printed[layout.qr_text]
    blank = mask == 0
    dark = darkness(page)
    rows = read_rows(dark, mask, layout)
    written = writing_ink(dark, blank)
    writing = (writing_across_boxes(written, layout) or stray_ink(written, layout)
               or writing_in_margins(page, blank) or ink_over_qr(grey, to_mm, layout.qr_text))
    problems = tuple(problem for problem, seen in ((Problem.STRAY_INK, writing),
                                                   (Problem.BLACK_AND_WHITE, black_and_white(grey))) if seen)
    own_ink = ((dark > INK) & blank).astype(np.uint8)
    _outside_corners(own_ink)
    return SheetReading(layout, rows, problems, page, signature(own_ink, PX_PER_MM))


def row_around(layout: SheetLayout) -> float:
    """Millimetres of the rows above and below shown with a row: a whole circle drawn round a box fits."""
    return max(4.0, layout.style.box)


def row_crop(reading: SheetReading, row: int) -> np.ndarray:
    """The straightened strip of one row and its surroundings, for the committee to look at."""
    assert reading.layout is not None
    top = reading.layout.row_top(row) - row_around(reading.layout)
    bottom = reading.layout.row_top(row) + reading.layout.style.row_h + row_around(reading.layout)
    return reading.page[_mm(max(top, 0)):_mm(bottom), _mm(MARGIN - 2):_mm(PAGE_W - MARGIN + 2)]
