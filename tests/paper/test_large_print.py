"""Large print is large: every heading at least as big as in the regular print, and it reads as well."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from tinnhiem.domain.model import Round
from tinnhiem.paper.forms import forms_for
from tinnhiem.paper.layout import LARGE, REGULAR, sheets
from tinnhiem.paper.printing import ballot_pdf
from tinnhiem.paper.raster import pdf_pages
from tinnhiem.paper.reader import RowState
from tinnhiem.services import roundfile
from tinnhiem.testing import demo
from tinnhiem.testing.scans import Truth, make_scan


@pytest.fixture(scope="module")
def round_() -> Round:
    return roundfile.parse_round(roundfile.load(demo.demo_file()))[0]


def _sizes(pdf: bytes) -> dict[str, float]:
    """The largest font size each printed word is set in (first page)."""
    sizes: dict[str, float] = {}

    def visit(text: str, cm: list[float], tm: list[float], font: object, size: float) -> None:
        for word in text.split():
            sizes[word] = max(sizes.get(word, 0.0), size * abs(tm[3] or 1) * abs(cm[3] or 1))

    PdfReader(io.BytesIO(pdf)).pages[0].extract_text(visitor_text=visit)
    return sizes


def test_every_heading_of_the_large_print_is_at_least_as_large(round_: Round) -> None:
    regular, large = _sizes(ballot_pdf(round_, demo.DEMO_CODE, REGULAR)), _sizes(ballot_pdf(round_, demo.DEMO_CODE, LARGE))
    for word in ("PHIẾU", "CỘNG", "STT", "Họ", "Chức", "thấp", "Ghi"):  # title, header, column headings, notes
        assert large[word] >= regular[word] + 1, (word, regular[word], large[word])


def test_a_ballot_of_several_sheets_says_which_sheet_in_large_bold() -> None:
    """Twelve subjects take two large-print sheets: each says "TỜ 1/2", "TỜ 2/2" in large bold."""
    from pathlib import Path

    twelve = roundfile.parse_round(roundfile.load(Path(__file__).parents[1] / "data" / "scans-sample" / "r12.yaml"))[0]
    assert [2, 2] == [s.pages for s in sheets(twelve, "r12", LARGE)]
    assert _sizes(ballot_pdf(twelve, "r12", LARGE)).get("TỜ", 0) >= 18


def test_large_print_reads_as_well_as_the_regular(round_: Round) -> None:
    """Twelve generated large-print scans: every clear mark read, nothing counted wrong, few rows to people."""
    forms = forms_for(round_, demo.DEMO_CODE)
    layouts = sheets(round_, demo.DEMO_CODE, LARGE)
    blanks = {dpi: list(pdf_pages(forms.pdfs["large"], dpi)) for dpi in (150, 200)}
    rows = unsure = 0
    for seed in range(12):
        dpi = (150, 200)[seed % 2]
        scan = make_scan(blanks[dpi][seed % len(layouts)], layouts[seed % len(layouts)], dpi, 900 + seed,
                         stray_rate=0, ambiguous_rate=0)
        reading = forms.read(scan.image)
        assert () == reading.problems
        for truth, row in zip(scan.rows, reading.rows, strict=True):
            rows += 1
            unsure += row.state is RowState.UNSURE
            if row.state is not RowState.UNSURE:
                expected = (RowState.MARKED, truth.level) if truth.truth is Truth.MARK else (RowState(truth.truth.value), None)
                assert expected == (row.state, row.level)
    assert unsure <= 0.05 * rows

