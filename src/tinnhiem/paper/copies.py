"""Copies of one sheet, caught by what is on it rather than by the file's bytes.

The same ballot scanned twice — another resolution, JPEG or PNG or inside a PDF — gives
other bytes but the same marks. Two figures are kept per sheet:

- a *content hash*: the sheet's form and, box by box, whether ink was seen in it; two scans
  of one sheet give the same hash, so only those few sheets need comparing;
- a *signature*: the ink that is not print (marks, the seal, any writing), averaged over
  2-mm cells of the straightened page. Two scans of one sheet correlate closely; two ballots
  marked alike by two hands differ in where exactly each stroke and the seal fell.

A likely copy is never dropped silently: it is put before the committee beside the sheet
it resembles, and they withdraw it or keep it.
"""

from __future__ import annotations

import base64
import hashlib
import zlib
from collections.abc import Sequence

import cv2
import numpy as np

CELL_MM = 2.0
COPY_SIMILAR = 0.95  # correlation of two signatures above which a sheet is shown as a likely copy


def content_hash(qr_text: str, boxes: Sequence[Sequence[bool]]) -> str:
    """The form and where ink was seen, row by row: equal for two scans of one sheet."""
    pattern = "|".join("".join("x" if inked else "." for inked in row) for row in boxes)
    return hashlib.sha256(f"{qr_text}|{pattern}".encode()).hexdigest()


def signature(ink: np.ndarray, px_per_mm: float) -> str:
    """The page's ink (0/1 per pixel, print left out) as 2-mm cells, compressed, as text."""
    cell = int(round(CELL_MM * px_per_mm))
    height, width = ink.shape[0] // cell, ink.shape[1] // cell
    cells = cv2.resize(ink[:height * cell, :width * cell].astype(np.float32), (width, height),
                       interpolation=cv2.INTER_AREA)
    data = np.clip(cells * 255, 0, 255).astype(np.uint8)
    header = np.array([height, width], dtype=np.uint16).tobytes()
    return base64.b64encode(zlib.compress(header + data.tobytes(), 9)).decode("ascii")


def _cells(text: str) -> np.ndarray:
    raw = zlib.decompress(base64.b64decode(text))
    height, width = np.frombuffer(raw[:4], dtype=np.uint16)
    return np.frombuffer(raw[4:], dtype=np.uint8).reshape(int(height), int(width)).astype(np.float32)


def similarity(a: str, b: str) -> float:
    """Correlation (0–1) of two signatures, each cell allowed one cell of misregistration."""
    first, second = _cells(a), _cells(b)
    if first.shape != second.shape:
        return 0.0
    first = cv2.GaussianBlur(first, (3, 3), 0)
    second = cv2.GaussianBlur(second, (3, 3), 0)
    norm = float(np.linalg.norm(first) * np.linalg.norm(second))
    return float((first * second).sum() / norm) if norm else 0.0
