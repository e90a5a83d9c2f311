"""The round's printed forms as the reader knows them: every sheet's layout and blank image."""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from tinnhiem.domain.model import Round
from tinnhiem.paper.layout import LARGE, PAGE_H, PAGE_W, REGULAR, SheetLayout, sheets
from tinnhiem.paper.printing import ballot_pdf
from tinnhiem.paper.raster import pdf_pages
from tinnhiem.paper.reader import PX_PER_MM, SheetReading, printed_mask, read_sheet


@dataclass(frozen=True)
class Forms:
    """Layouts and blank templates keyed by QR text, for both the regular and the large print."""

    layouts: dict[str, SheetLayout]
    printed: dict[str, np.ndarray]
    pdfs: dict[str, bytes]

    def read(self, image: np.ndarray, corners: np.ndarray | None = None) -> SheetReading:
        return read_sheet(image, self.layouts, self.printed, corners)


def forms_for(round_: Round, code: str) -> Forms:
    layouts, printed, pdfs = {}, {}, {}
    for style in (REGULAR, LARGE):
        pdf = ballot_pdf(round_, code, style)
        pdfs[style.name] = pdf
        for layout, image in zip(sheets(round_, code, style), pdf_pages(pdf, PX_PER_MM * 25.4), strict=True):
            layouts[layout.qr_text] = layout
            template = cv2.resize(image, (round(PAGE_W * PX_PER_MM), round(PAGE_H * PX_PER_MM)),
                                  interpolation=cv2.INTER_AREA)
            printed[layout.qr_text] = printed_mask(template)
    return Forms(layouts, printed, pdfs)


def layouts_for(round_: Round, code: str) -> Forms:
    """The layouts alone, without printing the templates: enough to count decided sheets, not to read."""
    layouts = {layout.qr_text: layout for style in (REGULAR, LARGE) for layout in sheets(round_, code, style)}
    return Forms(layouts, {}, {})
