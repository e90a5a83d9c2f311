"""Synthetic scans of printed ballots, with the truth of every row (the generator behind docs/paper.md's figures).

Marks of several styles (tick, cross, filled box, circle inside or round the box, light
pencil, faint ticks), ambiguous smudges, stray writing, small strokes near a box, two
marks in a row, empty rows; the red seal stamped in its place; then the scanner: a light
or dark backdrop, an edge shadow, a phone's soft shadow, the page upside down, rotation, scale, blur and noise.
``rescan`` scans the same marked sheet again (another resolution, another file format).
Everything is driven by a seed, so tests and the benchmark are reproducible.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import cv2
import numpy as np

from tinnhiem.paper.layout import QR_BOX, SheetLayout


class Truth(StrEnum):
    MARK = "mark"  # one clear mark: must be read as that level
    EMPTY = "empty"
    MULTIPLE = "multiple"
    AMBIGUOUS = "ambiguous"  # must go to the committee, never be counted


STYLES = ("tick", "cross", "filled", "circle", "pencil", "ring", "faint")


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
    marked: np.ndarray | None = None  # the marked sheet before the scanner: ``rescan`` scans it again
    upside_down: bool = False
    dark: bool = False


def _draw(image: np.ndarray, style: str, x: float, y: float, side: float, px: float, rng: random.Random) -> None:
    """One mark in the box at (x, y) mm with side ``side`` mm; ``px`` pixels per mm."""
    colour = rng.randint(150, 185) if style == "pencil" else rng.randint(175, 200) if style == "faint" \
        else rng.randint(0, 60)
    thick = max(1, int(round((0.35 if style in ("pencil", "faint") else rng.uniform(0.45, 0.8)) * px)))

    def p(mx: float, my: float) -> tuple[int, int]:
        """A point in pixels, jittered as a hand would."""
        return int(round((mx + rng.uniform(-0.6, 0.6)) * px)), int(round((my + rng.uniform(-0.6, 0.6)) * px))

    a, b = 1.2, side - 1.2
    if style in ("cross", "pencil"):
        cv2.line(image, p(x + a, y + a), p(x + b, y + b), colour, thick, cv2.LINE_AA)
        cv2.line(image, p(x + b, y + a), p(x + a, y + b), colour, thick, cv2.LINE_AA)
    elif style in ("tick", "faint"):
        cv2.line(image, p(x + a, y + side * 0.55), p(x + side * 0.42, y + b), colour, thick, cv2.LINE_AA)
        cv2.line(image, p(x + side * 0.42, y + b), p(x + b, y + a), colour, thick, cv2.LINE_AA)
    elif style == "filled":
        cv2.rectangle(image, p(x + 1.0, y + 1.0), p(x + side - 1.0, y + side - 1.0), colour, -1)
    elif style == "circle":
        centre = p(x + side / 2, y + side / 2)
        cv2.circle(image, centre, int(side * 0.36 * px), colour, thick, cv2.LINE_AA)
    elif style == "ring":  # a circle drawn round the box, not always closed nor centred
        centre = p(x + side / 2, y + side / 2)
        radius = int(side * rng.uniform(0.72, 0.9) * px)  # beyond the corners: round the box
        start = rng.uniform(0, 360)
        cv2.ellipse(image, centre, (radius, int(radius * rng.uniform(0.95, 1.05))), rng.uniform(0, 180), start,
                    start + rng.uniform(320, 380), colour, thick, cv2.LINE_AA)
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


def _word_across(image: np.ndarray, layout: SheetLayout, px: float, rng: random.Random) -> None:
    """A word written across one row's boxes (from a box on into the gap and the next box)."""
    boxes = layout.boxes()
    row = rng.randrange(len(layout.subjects))
    box = boxes[row * layout.levels + rng.randrange(layout.levels - 1)]
    x, y = box.x + rng.uniform(-2, 2), box.y + box.side * rng.uniform(0.6, 0.9)
    cv2.putText(image, rng.choice(["Dong y", "khong", "Ten toi"]), (int(x * px), int(y * px)),
                cv2.FONT_HERSHEY_SIMPLEX, px / 5, rng.randint(0, 60), max(2, int(0.5 * px)), cv2.LINE_AA)


def _over_qr(image: np.ndarray, px: float, rng: random.Random) -> None:
    """A pen stroke across the QR code (a line or a scribble over some of its modules): the code still reads."""
    x, y, side = QR_BOX
    start = (x + rng.uniform(0, side * 0.3), y + rng.uniform(0.2, 0.8) * side)
    points = [start] + [(start[0] + side * (k + 1) / 4 * rng.uniform(0.5, 0.8), y + rng.uniform(0.2, 0.8) * side)
                        for k in range(3)]
    cv2.polylines(image, [np.array([(int(a * px), int(b * px)) for a, b in points])], False, rng.randint(0, 60),
                  max(2, int(0.5 * px)), cv2.LINE_AA)


def _in_margin(image: np.ndarray, px: float, rng: random.Random) -> None:
    """A word or a stroke in the margin outside the corner squares (top, bottom, left or right edge)."""
    side = rng.choice("tblr")
    if side in "tb":
        x, y = rng.uniform(30, 150), rng.uniform(4.5, 8.5) if side == "t" else rng.uniform(290.5, 294.5)
    else:
        x, y = rng.uniform(2.5, 4) if side == "l" else rng.uniform(201.5, 203), rng.uniform(60, 240)
    if side in "tb" and rng.random() < 0.5:
        cv2.putText(image, rng.choice(["Dong y", "Ten toi", "ok"]), (int(x * px), int(y * px)),
                    cv2.FONT_HERSHEY_SIMPLEX, px / 6, rng.randint(0, 60), max(2, int(0.4 * px)), cv2.LINE_AA)
    else:  # a stroke along the edge, 10–20 mm
        length = rng.uniform(10, 20)
        end = (x + length, y + rng.uniform(-1, 1)) if side in "tb" else (x + rng.uniform(-1, 1), y + length)
        cv2.line(image, (int(x * px), int(y * px)), (int(end[0] * px), int(end[1] * px)), rng.randint(0, 60),
                 max(2, int(0.5 * px)), cv2.LINE_AA)


def _near_stray(image: np.ndarray, box_x: float, box_y: float, side: float, px: float, rng: random.Random) -> None:
    """A small stroke beside a box, clear of it (a slip of the pen): the row's truth is unchanged."""
    x = box_x + side + rng.uniform(1.5, 3.5) if rng.random() < 0.5 else box_x - rng.uniform(3.5, 5.5)
    y = box_y + rng.uniform(0, side - 2)
    end = (x + rng.uniform(-1.5, 1.5), y + rng.uniform(1.5, 2.5))
    cv2.line(image, (int(x * px), int(y * px)), (int(end[0] * px), int(end[1] * px)), rng.randint(0, 80),
             max(1, int(0.4 * px)), cv2.LINE_AA)


def _seal(image: np.ndarray, px: float, rng: random.Random) -> None:
    """The red hanging seal stamped over the printed "(dấu treo)" circle (grey in a grey scan)."""
    cx, cy = (27 + rng.uniform(-3, 3)) * px, (48 + rng.uniform(-3, 3)) * px
    tone, radius = rng.randint(90, 140), rng.uniform(11, 14) * px
    for r in (radius, radius * 0.82):
        cv2.circle(image, (int(cx), int(cy)), int(r), tone, max(2, int(0.6 * px)), cv2.LINE_AA)
    cv2.circle(image, (int(cx), int(cy)), int(radius * 0.25), tone, -1, cv2.LINE_AA)
    for k in range(10):  # the seal's lettering round its edge
        a = k * 0.6 + rng.uniform(0, 0.2)
        x, y = cx + np.cos(a) * radius * 0.62, cy + np.sin(a) * radius * 0.62
        cv2.circle(image, (int(x), int(y)), int(1.0 * px), tone, -1)


def _shadow(image: np.ndarray, rng: random.Random) -> np.ndarray:
    """A dark band fading in from one edge of the page (a book spine, a lid not closed)."""
    h, w = image.shape
    depth = rng.uniform(0.03, 0.06)
    ramp = np.clip(1 - np.arange(w) / (depth * w), 0, 1) * rng.uniform(60, 120)
    shade = np.tile(ramp if rng.random() < 0.5 else ramp[::-1], (h, 1))
    shaded: np.ndarray = np.clip(image.astype(np.float32) - shade, 0, 255).astype(np.uint8)
    return shaded


def _soft_shadow(image: np.ndarray, px: float, rng: random.Random) -> np.ndarray:
    """The soft shadow of a phone or a hand over a photographed sheet: a wide patch, 25–45 % darker,
    fading out over 15–35 mm, across the columns of boxes."""
    h, w = image.shape
    mask: np.ndarray = np.zeros((h, w), np.float32)
    centre = (int(rng.uniform(0.55, 0.8) * w), int(rng.uniform(0.3, 0.7) * h))
    axes = (int(rng.uniform(0.25, 0.4) * w), int(rng.uniform(0.15, 0.3) * h))
    cv2.ellipse(mask, centre, axes, rng.uniform(0, 180), 0, 360, 1.0, -1)
    soft = int(rng.uniform(15, 35) * px) | 1
    mask = cv2.GaussianBlur(mask, (soft, soft), 0)
    shade = 1 - mask * rng.uniform(0.25, 0.45)
    shaded: np.ndarray = np.clip(image.astype(np.float32) * shade, 0, 255).astype(np.uint8)
    return shaded


def _perturb(image: np.ndarray, rng: random.Random, max_angle: float, *, dark: bool = False,
             upside_down: bool = False) -> np.ndarray:
    """A scanner's view: the page on a slightly larger bed (light, or dark), turned, scaled, blurred, noisy."""
    if upside_down:
        image = cv2.rotate(image, cv2.ROTATE_180)
    pad = int(image.shape[1] * 0.05)
    bed = rng.randint(15, 70) if dark else rng.randint(200, 255)
    image = cv2.copyMakeBorder(image, pad, pad, pad, pad, cv2.BORDER_CONSTANT, value=bed)
    h, w = image.shape
    angle = rng.uniform(-max_angle, max_angle)
    scale = rng.uniform(0.97, 1.03)
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), angle, scale)
    matrix[:, 2] += (rng.uniform(-0.01, 0.01) * w, rng.uniform(-0.01, 0.01) * h)
    border = bed if dark else rng.randint(235, 255)
    out = cv2.warpAffine(image, matrix, (w, h), flags=cv2.INTER_LINEAR, borderValue=border)
    if rng.random() < 0.6:
        k = rng.choice([3, 5])
        out = cv2.GaussianBlur(out, (k, k), 0)
    noise = np.random.default_rng(rng.randint(0, 2**31)).normal(0, rng.uniform(2, 10), out.shape)
    paper = rng.uniform(-20, 0)  # greyish or yellowed paper
    scanned: np.ndarray = np.clip(out.astype(np.float32) + noise + paper, 0, 255).astype(np.uint8)
    return scanned


def _mark_rows(image: np.ndarray, layout: SheetLayout, px: float, rng: random.Random, rates: tuple[float, ...],
               near_stray_rate: float, styles: Sequence[str] = STYLES) -> list[RowTruth]:
    """Mark every row as a voter would; return the truth of each."""
    empty_rate, multiple_rate, ambiguous_rate = rates
    boxes = layout.boxes()
    rows = []
    for i, subject in enumerate(layout.subjects):
        row_boxes = boxes[i * layout.levels:(i + 1) * layout.levels]
        draw = rng.random()
        level = rng.randrange(layout.levels)
        style = rng.choice(styles)
        if rng.random() < near_stray_rate:
            near = row_boxes[rng.randrange(layout.levels)]
            _near_stray(image, near.x, near.y, near.side, px, rng)
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
    return rows


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
    seal_rate: float = 0.8,
    dark_rate: float = 0.2,
    shadow_rate: float = 0.2,
    upside_down_rate: float = 0.1,
    near_stray_rate: float = 0.05,
    styles: Sequence[str] = STYLES,
    soft_shadow_rate: float = 0.0,
    word_across_rate: float = 0.0,
    over_qr_rate: float = 0.0,
    margin_rate: float = 0.0,
) -> Scan:
    """Mark a blank sheet (rendered at ``dpi``) as a voter would, stamp the seal, then scan it badly."""
    rng = random.Random(seed)
    image = blank.copy()
    px = dpi / 25.4
    rows = _mark_rows(image, layout, px, rng, (empty_rate, multiple_rate, ambiguous_rate), near_stray_rate, styles)
    stray = rng.random() < stray_rate
    if stray:
        _stray(image, px, rng)
    if word_across_rate and rng.random() < word_across_rate:  # drawn only when asked: earlier seeds stay the same
        _word_across(image, layout, px, rng)
        stray = True
    if over_qr_rate and rng.random() < over_qr_rate:  # drawn only when asked, as the word across
        _over_qr(image, px, rng)
        stray = True
    if margin_rate and rng.random() < margin_rate:
        _in_margin(image, px, rng)
        stray = True
    if rng.random() < seal_rate:
        _seal(image, px, rng)
    if rng.random() < shadow_rate:
        image = _shadow(image, rng)
    if soft_shadow_rate and rng.random() < soft_shadow_rate:  # drawn only when asked: earlier seeds stay the same
        image = _soft_shadow(image, px, rng)
    dark, upside_down = rng.random() < dark_rate, rng.random() < upside_down_rate
    scanned = _perturb(image, rng, max_angle, dark=dark, upside_down=upside_down)
    return Scan(scanned, tuple(rows), stray, dpi, image, upside_down, dark)


def rescan(scan: Scan, dpi: float, seed: int, *, max_angle: float = 3.0) -> np.ndarray:
    """The same marked sheet through the scanner again, at another resolution (a copy of one ballot)."""
    assert scan.marked is not None
    factor = dpi / scan.dpi
    sheet = cv2.resize(scan.marked, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)
    return _perturb(sheet, random.Random(seed), max_angle)


def encoded(image: np.ndarray, suffix: str, quality: int = 80) -> bytes:
    """An image as a file of the given kind (.jpg, .png, .webp or a one-page .pdf)."""
    if suffix == ".pdf":
        import io

        from PIL import Image

        out = io.BytesIO()
        Image.fromarray(image).save(out, "PDF", resolution=200.0, quality=quality)
        return out.getvalue()
    params = [cv2.IMWRITE_JPEG_QUALITY, quality] if suffix == ".jpg" else []
    return bytes(cv2.imencode(suffix, image, params)[1].tobytes())


def scans_pdf(blanks: dict[float, list[np.ndarray]], layouts: list[SheetLayout], count: int, seed: int = 0,
              **options: Any) -> tuple[bytes, list[Scan]]:
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
