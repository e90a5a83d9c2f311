"""PDF pages to grey images (PDFium through pypdfium2): the printed template, and scans sent as PDF.

A scanner writes each page of a PDF as one JPEG filling the page. Such a page is decoded as
stored (libjpeg-turbo through OpenCV, about five times faster than PDFium drawing it), at its own
resolution, halved while it stays at or above the one asked for; any other page (vector print,
several pictures, a turned or partly covered picture, another compression, a mask or an inverted
decode in the file) is drawn by PDFium at the resolution asked for.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import cv2
import numpy as np
import pypdfium2 as pdfium

_COLOURS = {pdfium.raw.FPDF_COLORSPACE_DEVICEGRAY: 8, pdfium.raw.FPDF_COLORSPACE_DEVICERGB: 24,
            pdfium.raw.FPDF_COLORSPACE_ICCBASED: None}  # colour space: bits a pixel (ICC: grey or RGB)
_REDUCED = ((8, cv2.IMREAD_REDUCED_GRAYSCALE_8), (4, cv2.IMREAD_REDUCED_GRAYSCALE_4),
            (2, cv2.IMREAD_REDUCED_GRAYSCALE_2), (1, cv2.IMREAD_GRAYSCALE))
_FIT_PT = 0.5  # how near the picture's edges must lie to the page's, in points (1/144 inch)


def plain_scans(data: bytes) -> bool:
    """Whether no picture of the file may be drawn otherwise than as stored: no soft or stencil mask,
    no decode array (a picture's dictionary is plain text in any PDF, so a byte search finds them)."""
    return b"/SMask" not in data and b"/Mask" not in data and data.count(b"/Decode") == data.count(b"/DecodeParms")


def _scanned_page(page: pdfium.PdfPage, dpi: float) -> np.ndarray | None:
    """The page's picture decoded as stored, when the page is one upright JPEG filling it and at least
    ``dpi``; else None."""
    if page.get_rotation() != 0 or page.get_mediabox() != page.get_cropbox():
        return None
    objects = list(page.get_objects(max_depth=0))
    if len(objects) != 1 or objects[0].type != pdfium.raw.FPDF_PAGEOBJ_IMAGE:
        return None
    picture = objects[0]
    assert isinstance(picture, pdfium.PdfImage)
    meta = picture.get_metadata()
    if picture.get_filters() != ["DCTDecode"] or meta.colorspace not in _COLOURS \
            or _COLOURS[meta.colorspace] not in (None, meta.bits_per_pixel) or meta.bits_per_pixel not in (8, 24):
        return None
    a, b, c, d, e, f = picture.get_matrix().get()
    left, bottom, right, top = page.get_mediabox()
    off = max(abs(e - left), abs(f - bottom), abs(e + a - right), abs(f + d - top))
    if b or c or a <= 0 or d <= 0 or off > _FIT_PT:
        return None
    own_dpi = min(meta.width / a, meta.height / d) * 72
    for factor, flag in _REDUCED:
        if own_dpi / factor >= dpi * 0.99:  # a scan's page size is rounded to 1/100 inch or so
            stored = np.frombuffer(bytes(picture.get_data(decode_simple=True)), np.uint8)
            image = cv2.imdecode(stored, flag | cv2.IMREAD_IGNORE_ORIENTATION)
            size = (-(-meta.height // factor), -(-meta.width // factor))
            return image if image is not None and image.shape == size else None
    return None


def _drawn(page: pdfium.PdfPage, dpi: float) -> np.ndarray:
    image = np.array(page.render(scale=dpi / 72, grayscale=True).to_numpy(), copy=True)
    return image[:, :, 0] if image.ndim == 3 else image


def pdf_pages(data: bytes, dpi: float) -> Iterator[np.ndarray]:
    """Each page of a PDF as an 8-bit grey image at ``dpi`` (a scanned page: at least ``dpi``)."""
    document = pdfium.PdfDocument(data)
    plain = plain_scans(data)
    try:
        for index in range(len(document)):
            page = document[index]
            image = _scanned_page(page, dpi) if plain else None
            yield _drawn(page, dpi) if image is None else image
            page.close()
    finally:
        document.close()


def pdf_page(data: bytes, index: int, dpi: float) -> np.ndarray:
    """One page of a PDF as an 8-bit grey image (the same as ``pdf_pages`` gives for it)."""
    document = pdfium.PdfDocument(data)
    try:
        page = document[index]
        image = _scanned_page(page, dpi) if plain_scans(data) else None
        return _drawn(page, dpi) if image is None else image
    finally:
        document.close()


def page_count(data: bytes | Path) -> int:
    document = pdfium.PdfDocument(data)
    try:
        return len(document)
    finally:
        document.close()
