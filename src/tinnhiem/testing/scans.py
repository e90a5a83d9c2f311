"""Synthetic scans of printed ballots, with the truth of every row (the generator behind docs/paper.md's measurements).

Marks of several styles (tick, cross, filled box, circle, light pencil), ambiguous smudges,
stray writing, two marks in a row, empty rows; then rotation, scale, blur and noise.
Everything is driven by a seed, so tests and the benchmark are reproducible.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from enum import StrEnum

import cv2
import numpy as np

from tinnhiem.paper.layout import SheetLayout


class Truth(StrEnum):
    MARK = "mark"  # one clear mark: must be read as that level
    EMPTY = "empty"
    MULTIPLE = "multiple"
    AMBIGUOUS = "ambiguous"  # must go to the committee, never be counted


STYLES = ("tick", "cross", "filled", "circle", "pencil")


@dataclass(frozen=True, slots=True)
class RowTruth:
    subject: int
    truth: Truth
    level: int | None


@dataclass(frozen=True, slots=True)
class Scan:
    image: np.ndarray
    rows: tuple[RowTruth, ...]
    stray: bool  # writing outside the boxes: the sheet must go to the committee
    dpi: float


def _draw(image: np.ndarray, style: str, x: float, y: float, side: float, px: float, rng: random.Random) -> None:
    """One mark in the box at (x, y) mm with side ``side`` mm; ``px`` pixels per mm."""
    colour = rng.randint(150, 185) if style == "pencil" else rng.randint(0, 60)
    thick = max(1, int(round((0.35 if style == "pencil" else rng.uniform(0.45, 0.8)) * px)))

    def p(mx: float, my: float) -> tuple[int, int]:
        """A point in pixels, jittered as a hand would."""
        return int(round((mx + rng.uniform(-0.6, 0.6)) * px)), int(round((my + rng.uniform(-0.6, 0.6)) * px))

    a, b = 1.2, side - 1.2
    if style in ("cross", "pencil"):
        cv2.line(image, p(x + a, y + a), p(x + b, y + b), colour, thick, cv2.LINE_AA)
        cv2.line(image, p(x + b, y + a), p(x + a, y + b), colour, thick, cv2.LINE_AA)
    elif style == "tick":
        cv2.line(image, p(x + a, y + side * 0.55), p(x + side * 0.42, y + b), colour, thick, cv2.LINE_AA)
        cv2.line(image, p(x + side * 0.42, y + b), p(x + b, y + a), colour, thick, cv2.LINE_AA)
    elif style == "filled":
        cv2.rectangle(image, p(x + 1.0, y + 1.0), p(x + side - 1.0, y + side - 1.0), colour, -1)
    elif style == "circle":
        centre = p(x + side / 2, y + side / 2)
        cv2.circle(image, centre, int(side * 0.36 * px), colour, thick, cv2.LINE_AA)
    elif style == "smudge":  # a small dot: neither empty nor clearly marked
        radius = max(1, int(rng.uniform(0.45, 0.7) * px))
        cv2.circle(image, p(x + side / 2, y + side / 2), radius, rng.randint(60, 110), -1, cv2.LINE_AA)


def _stray(image: np.ndarray, px: float, rng: random.Random) -> None:
    """A scribble or a written word somewhere outside the boxes (left part of the table or margins)."""
    x, y = rng.uniform(25, 80), rng.uniform(100, 250)
    if rng.random() < 0.5:
        cv2.putText(image, rng.choice(["Dong y", "X", "Ten", "ok"]), (int(x * px), int(y * px)),
                    cv2.FONT_HERSHEY_SIMPLEX, px / 5, rng.randint(0, 60), max(2, int(0.5 * px)), cv2.LINE_AA)
    else:  # a pen stroke is about half a millimetre wide
        points = np.array([(int((x + rng.uniform(0, 20)) * px), int((y + rng.uniform(-4, 4)) * px)) for _ in range(5)])
        cv2.polylines(image, [points], False, rng.randint(0, 60), max(2, int(0.5 * px)), cv2.LINE_AA)


def _perturb(image: np.ndarray, rng: random.Random, max_angle: float) -> np.ndarray:
    """A scanner's view: the page on a slightly larger bed, turned, scaled, blurred, noisy."""
    pad = int(image.shape[1] * 0.05)
    image = cv2.copyMakeBorder(image, pad, pad, pad, pad, cv2.BORDER_CONSTANT, value=rng.randint(200, 255))
    h, w = image.shape
    angle = rng.uniform(-max_angle, max_angle)
    scale = rng.uniform(0.97, 1.03)
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), angle, scale)
    matrix[:, 2] += (rng.uniform(-0.01, 0.01) * w, rng.uniform(-0.01, 0.01) * h)
    out = cv2.warpAffine(image, matrix, (w, h), flags=cv2.INTER_LINEAR, borderValue=rng.randint(235, 255))
    if rng.random() < 0.6:
        k = rng.choice([3, 5])
        out = cv2.GaussianBlur(out, (k, k), 0)
    noise = np.random.default_rng(rng.randint(0, 2**31)).normal(0, rng.uniform(2, 10), out.shape)
    paper = rng.uniform(-20, 0)  # greyish or yellowed paper
    scanned: np.ndarray = np.clip(out.astype(np.float32) + noise + paper, 0, 255).astype(np.uint8)
    return scanned


def make_scan(
    blank: np.ndarray,
    layout: SheetLayout,
    dpi: float,
    seed: int,
    *,
    empty_rate: float = 0.08,
    multiple_rate: float = 0.04,
    ambiguous_rate: float = 0.04,
    stray_rate: float = 0.05,
    max_angle: float = 5.0,
) -> Scan:
    """Mark a blank sheet (rendered at ``dpi``) as a voter would, then scan it badly."""
    rng = random.Random(seed)
    image = blank.copy()
    px = dpi / 25.4
    boxes = layout.boxes()
    rows = []
    for i, subject in enumerate(layout.subjects):
        row_boxes = boxes[i * layout.levels:(i + 1) * layout.levels]
        draw = rng.random()
        level = rng.randrange(layout.levels)
        style = rng.choice(STYLES)
        if draw < empty_rate:
            rows.append(RowTruth(subject, Truth.EMPTY, None))
            continue
        if draw < empty_rate + multiple_rate:
            other = (level + 1 + rng.randrange(layout.levels - 1)) % layout.levels
            for lv in (level, other):
                _draw(image, style, row_boxes[lv].x, row_boxes[lv].y, row_boxes[lv].side, px, rng)
            rows.append(RowTruth(subject, Truth.MULTIPLE, None))
            continue
        if draw < empty_rate + multiple_rate + ambiguous_rate:
            _draw(image, "smudge", row_boxes[level].x, row_boxes[level].y, row_boxes[level].side, px, rng)
            rows.append(RowTruth(subject, Truth.AMBIGUOUS, None))
            continue
        box = row_boxes[level]
        _draw(image, style, box.x, box.y, box.side, px, rng)
        rows.append(RowTruth(subject, Truth.MARK, level))
    stray = rng.random() < stray_rate
    if stray:
        _stray(image, px, rng)
    return Scan(_perturb(image, rng, max_angle), tuple(rows), stray, dpi)


def scans_pdf(blanks: dict[float, list[np.ndarray]], layouts: list[SheetLayout], count: int, seed: int = 0,
              **options: float) -> tuple[bytes, list[Scan]]:
    """A multi-page PDF of ``count`` generated scans (JPEG pages, as a scanner writes them)."""
    import io

    from PIL import Image

    dpis = sorted(blanks)
    scans = [make_scan(blanks[dpis[n % len(dpis)]][n % len(layouts)], layouts[n % len(layouts)],
                       dpis[n % len(dpis)], seed + n, **options) for n in range(count)]
    pages = [Image.fromarray(scan.image) for scan in scans]
    out = io.BytesIO()
    pages[0].save(out, "PDF", save_all=True, append_images=pages[1:], resolution=200.0, quality=85)
    return out.getvalue(), scans
