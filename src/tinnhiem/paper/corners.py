"""Finding the sheet in a scan: its four solid corner squares, on any backdrop, any way up.

The squares are black on white paper. Each pixel is compared with its own neighbourhood
(an adaptive threshold), so a dark scanner lid, a desk round a photographed sheet or an
edge shadow does not hide them, and squares nested inside a dark backdrop are found as
well as any other contour. Four candidates are chosen that form the printed rectangle
(182 × 269 mm between centres); the page may lie upright, upside down or on its side —
the corners alone cannot tell which, so every turn is offered and the QR code decides.
"""

from __future__ import annotations

import itertools

import cv2
import numpy as np

from tinnhiem.paper.layout import FIDUCIAL, FIDUCIAL_CENTRES, PAGE_H

WORK_WIDTH = 840  # pixels: about the copy the squares are looked for on (≈ 100 dpi for a whole page)
_SPAN_X = FIDUCIAL_CENTRES[1][0] - FIDUCIAL_CENTRES[0][0]
_SPAN_Y = FIDUCIAL_CENTRES[2][1] - FIDUCIAL_CENTRES[0][1]


def _candidates(image: np.ndarray) -> list[tuple[float, float, float]]:
    """Dark, solid, square blobs darker than their own surroundings: (x, y, side)."""
    height, width = image.shape
    mm = max(height, width) / PAGE_H  # pixels per mm if the page filled the scan: the largest it can be
    block = int(3 * FIDUCIAL * mm) | 1
    blurred = cv2.GaussianBlur(image, (3, 3), 0)
    dark = cv2.adaptiveThreshold(blurred, 1, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, block, 25)
    contours, _ = cv2.findContours(dark, cv2.RETR_LIST, cv2.CHAIN_APPROX_SIMPLE)
    found = []
    for contour in contours:
        area = cv2.contourArea(contour)
        if not (0.35 * FIDUCIAL * mm) ** 2 < area < (1.25 * FIDUCIAL * mm) ** 2:
            continue
        (cx, cy), (w, h), _ = cv2.minAreaRect(contour)
        if min(w, h) == 0 or max(w, h) / min(w, h) > 1.3 or area / (w * h) < 0.8:
            continue
        core = dark[int(cy - h / 4):int(cy + h / 4) + 1, int(cx - w / 4):int(cx + w / 4) + 1]
        if not core.size or core.mean() < 0.8:  # a printed box is a square too, but hollow
            continue
        if _solid_and_framed(blurred, cx, cy, (w + h) / 2):
            found.append((float(cx), float(cy), float((w + h) / 2)))
    return found


def _solid_and_framed(image: np.ndarray, cx: float, cy: float, side: float) -> bool:
    """Black inside, paper round it (not a hole in a dark backdrop): the frame may be cut by the scan's edge."""
    half, ring = side / 2, side * 0.6
    inner = image[max(0, int(cy - half * 0.6)):int(cy + half * 0.6) + 1,
                  max(0, int(cx - half * 0.6)):int(cx + half * 0.6) + 1]
    near, far = half + ring * 0.4, half + ring
    top, bottom = max(0, int(cy - far)), min(image.shape[0], int(cy + far) + 1)
    left, right = max(0, int(cx - far)), min(image.shape[1], int(cx + far) + 1)
    strips = [image[top:max(top, int(cy - near)), left:right], image[int(cy + near) + 1:bottom, left:right],
              image[top:bottom, left:max(left, int(cx - near))], image[top:bottom, int(cx + near) + 1:right]]
    frame = np.concatenate([strip.ravel() for strip in strips])
    if not inner.size or frame.size < side:
        return False
    paper = float(np.percentile(frame, 25))
    return float(inner.mean()) < 0.55 * paper and paper > 60


def _quad_error(points: np.ndarray) -> float:
    """How far four points (TL, TR, BL, BR) are from the printed rectangle's shape (0 = exact)."""
    tl, tr, bl, br = points
    top, bottom = np.linalg.norm(tr - tl), np.linalg.norm(br - bl)
    left, right = np.linalg.norm(bl - tl), np.linalg.norm(br - tr)
    if min(top, bottom, left, right) <= 0:
        return float("inf")
    aspect = ((left + right) / 2) / ((top + bottom) / 2)
    diagonals = np.linalg.norm(br - tl), np.linalg.norm(bl - tr)
    return float(abs(np.log(aspect / (_SPAN_Y / _SPAN_X))) + abs(np.log(top / bottom)) + abs(np.log(left / right))
                 + abs(np.log(diagonals[0] / diagonals[1])))


def ordered_corners(points: np.ndarray) -> np.ndarray:
    """Four points as TL, TR, BL, BR in the image, by their sums and differences."""
    total, diff = points.sum(axis=1), points[:, 0] - points[:, 1]
    return np.array([points[np.argmin(total)], points[np.argmax(diff)], points[np.argmin(diff)],
                     points[np.argmax(total)]], dtype=np.float32)


def _best_four(found: list[tuple[float, float, float]]) -> np.ndarray | None:
    """The largest four of the outermost candidates that make the sheet's rectangle, or None.

    Filled boxes look like corner squares too; the corner squares enclose them all.
    """
    centre = np.mean([(c[0], c[1]) for c in found], axis=0)
    ranked = sorted(found, key=lambda c: -float(np.hypot(c[0] - centre[0], c[1] - centre[1])))[:10]
    best, best_area = None, 0.0
    for four in itertools.combinations(ranked, 4):
        sides = [c[2] for c in four]
        if max(sides) > 1.5 * min(sides):
            continue
        points = ordered_corners(np.array([(c[0], c[1]) for c in four], dtype=np.float32))
        if len({tuple(p) for p in points}) < 4:
            continue
        area = cv2.contourArea(points[[0, 1, 3, 2]])
        for turned in (points, points[[1, 3, 0, 2]]):  # upright, or the page on its side
            if area > best_area and _quad_error(turned) < 0.25:
                best, best_area = turned, area
    return best


def _work_copy(full: np.ndarray) -> tuple[np.ndarray, float]:
    """The scan shrunk to about WORK_WIDTH by a whole factor (each pixel the mean of a k × k block: OpenCV's
    fast path, four times faster than a fractional one), and the factor it was shrunk by."""
    k = max(1, round(max(full.shape) / WORK_WIDTH))
    if k == 1:
        return full, 1.0
    height, width = full.shape[0] // k, full.shape[1] // k
    return cv2.resize(full[:height * k, :width * k], (width, height), interpolation=cv2.INTER_AREA), 1 / k


def find_corners(full: np.ndarray) -> np.ndarray | None:
    """The centres of the four corner squares as TL, TR, BL, BR of the page as it lies, or None.

    "As it lies": the page may be upside down; ``turns`` gives the other readings.
    """
    image, shrink = _work_copy(full)
    found = _candidates(image)
    if len(found) < 4:
        return None
    best = _best_four(found)
    if best is None:
        return None
    side = float(np.median([c[2] for c in found])) / shrink
    return np.array([_refined(full, point / shrink, side) for point in best], dtype=np.float32)


def _refined(full: np.ndarray, point: np.ndarray, side: float) -> np.ndarray:
    """A square's centre measured again on the full scan (the small copy is off by up to half a mm)."""
    reach = int(side)
    x0, y0 = max(0, int(point[0]) - reach), max(0, int(point[1]) - reach)
    patch = full[y0:int(point[1]) + reach + 1, x0:int(point[0]) + reach + 1]
    if patch.size == 0:
        return point
    _, dark = cv2.threshold(cv2.GaussianBlur(patch, (3, 3), 0), 0, 1, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    count, labels, stats, centres = cv2.connectedComponentsWithStats(dark)
    local = (point[0] - x0, point[1] - y0)
    best = min(range(1, count), default=None,
               key=lambda i: np.hypot(centres[i][0] - local[0], centres[i][1] - local[1]) - stats[i][4] ** 0.5)
    if best is None or abs(stats[best][4] - side * side) > 0.5 * side * side:
        return point
    return np.array((centres[best][0] + x0, centres[best][1] + y0), dtype=np.float32)


def turns(corners: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The corners read upright, then the same page turned 180° (TL ↔ BR, TR ↔ BL)."""
    return corners, corners[[3, 2, 1, 0]]


def to_page(corners: np.ndarray) -> np.ndarray:
    """The homography from the scan's pixels to the page's millimetres."""
    return cv2.getPerspectiveTransform(corners.astype(np.float32), np.array(FIDUCIAL_CENTRES, dtype=np.float32))
