"""PDF pages to grey images (PDFium through pypdfium2): the printed template, and scans sent as PDF."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pypdfium2 as pdfium


def pdf_pages(data: bytes, dpi: float) -> Iterator[np.ndarray]:
    """Each page of a PDF as an 8-bit grey image at ``dpi``."""
    document = pdfium.PdfDocument(data)
    try:
        for index in range(len(document)):
            page = document[index]
            bitmap = page.render(scale=dpi / 72, grayscale=True)
            image = np.array(bitmap.to_numpy(), copy=True)
            if image.ndim == 3:
                image = image[:, :, 0]
            yield image
            page.close()
    finally:
        document.close()


def pdf_page(data: bytes, index: int, dpi: float) -> np.ndarray:
    """One page of a PDF as an 8-bit grey image."""
    document = pdfium.PdfDocument(data)
    try:
        image = np.array(document[index].render(scale=dpi / 72, grayscale=True).to_numpy(), copy=True)
        return image[:, :, 0] if image.ndim == 3 else image
    finally:
        document.close()


def page_count(data: bytes) -> int:
    document = pdfium.PdfDocument(data)
    try:
        return len(document)
    finally:
        document.close()
