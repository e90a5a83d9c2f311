"""Pages of a scanned PDF: a page that is one JPEG is decoded as stored; any other page is drawn by PDFium."""

from __future__ import annotations

import io

import cv2
import numpy as np
import pypdfium2 as pdfium
from PIL import Image

from tinnhiem.paper.raster import pdf_page, pdf_pages, plain_scans


def _sheet(height: int = 400, width: int = 300) -> np.ndarray:
    image = np.full((height, width), 235, np.uint8)
    cv2.rectangle(image, (20, 20), (60, 60), 0, -1)
    cv2.putText(image, "TN", (100, 200), cv2.FONT_HERSHEY_SIMPLEX, 2, 30, 3)
    return image


def _pdf(images: list[np.ndarray], resolution: float = 200.0) -> bytes:
    out = io.BytesIO()
    pages = [Image.fromarray(image) for image in images]
    pages[0].save(out, "PDF", save_all=True, append_images=pages[1:], resolution=resolution, quality=90)
    return out.getvalue()


def _jpeg_pixels(image: np.ndarray) -> np.ndarray:
    """What the scanner's JPEG holds, decoded (Pillow wrote it at quality 90)."""
    out = io.BytesIO()
    Image.fromarray(image).save(out, "JPEG", quality=90)
    return np.asarray(Image.open(io.BytesIO(out.getvalue())).convert("L"))


def test_a_scanned_page_is_the_stored_jpeg_at_its_own_resolution() -> None:
    sheet = _sheet()
    data = _pdf([sheet, sheet])
    pages = list(pdf_pages(data, 200))
    assert [p.shape for p in pages] == [sheet.shape, sheet.shape]
    assert np.abs(pages[0].astype(int) - _jpeg_pixels(sheet)).max() <= 2  # libjpeg-turbo either way
    assert pdf_page(data, 1, 150).shape == sheet.shape  # 200 dpi is kept for 150 asked
    assert pdf_page(data, 1, 100).shape == (200, 150)  # halved while it stays at or above what is asked


def test_a_scan_finer_than_asked_is_decoded_reduced_and_a_coarser_one_is_drawn() -> None:
    sheet = _sheet(800, 600)
    fine = _pdf([sheet], resolution=600.0)
    assert pdf_page(fine, 0, 150).shape == (200, 150)  # 600 dpi read at 150 (a quarter)
    coarse = _pdf([_sheet()], resolution=100.0)  # a 100-dpi scan: PDFium draws it at the 200 asked for
    assert pdf_page(coarse, 0, 200).shape == (800, 600)


def test_a_page_that_is_not_one_upright_jpeg_is_drawn_by_pdfium() -> None:
    sheet = _sheet()
    document = pdfium.PdfDocument(_pdf([sheet]))
    document[0].set_rotation(180)
    out = io.BytesIO()
    document.save(out)
    turned = pdf_page(out.getvalue(), 0, 200)
    assert turned.shape == sheet.shape
    assert np.abs(turned.astype(int) - np.rot90(_jpeg_pixels(sheet), 2)).mean() < 2  # as PDFium shows it
    document.close()
    out = io.BytesIO()
    Image.fromarray(sheet > 128).save(out, "PDF", resolution=200.0)  # a black-and-white page: no JPEG
    assert pdf_page(out.getvalue(), 0, 200).shape == sheet.shape


def test_a_file_with_masks_or_inverted_pictures_is_drawn_by_pdfium() -> None:
    assert plain_scans(_pdf([_sheet()]))
    assert not plain_scans(b"%PDF-1.4 << /Type /XObject /Decode [1 0] /DecodeParms << >> >>")
    assert not plain_scans(b"%PDF-1.4 << /Type /XObject /SMask 5 0 R >>")
    assert plain_scans(b"%PDF-1.4 << /Type /XObject /DecodeParms << /ColorTransform 0 >> >>")
