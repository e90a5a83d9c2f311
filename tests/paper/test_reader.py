"""The reader under the scanner's and the voter's hard cases, one case at a time,
on our own generator: each case forced on every sheet, everything else kept plain."""

from __future__ import annotations

import numpy as np
import pytest

from tinnhiem.domain.model import Round
from tinnhiem.paper.forms import Forms, forms_for
from tinnhiem.paper.layout import REGULAR, sheets
from tinnhiem.paper.raster import pdf_pages
from tinnhiem.paper.reader import RowState
from tinnhiem.services import roundfile
from tinnhiem.testing import demo
from tinnhiem.testing.scans import Truth, make_scan

PLAIN = {"seal_rate": 0.0, "dark_rate": 0.0, "shadow_rate": 0.0, "upside_down_rate": 0.0, "near_stray_rate": 0.0,
         "stray_rate": 0.0, "ambiguous_rate": 0.0, "styles": ("tick", "cross", "filled")}
CASES = {
    "dark backdrop": {"dark_rate": 1.0},
    "upside down": {"upside_down_rate": 1.0},
    "circle round the box": {"styles": ("ring",)},
    "faint tick": {"styles": ("faint",)},
    "seal stamped": {"seal_rate": 1.0},
    "edge shadow": {"shadow_rate": 1.0},
    "strokes near the boxes": {"near_stray_rate": 1.0},
}


@pytest.fixture(scope="module")
def round_() -> Round:
    return roundfile.parse_round(roundfile.load(demo.demo_file()))[0]


@pytest.fixture(scope="module")
def forms(round_: Round) -> Forms:
    return forms_for(round_, demo.DEMO_CODE)


@pytest.fixture(scope="module")
def blanks(forms: Forms) -> dict[float, list[np.ndarray]]:
    return {dpi: list(pdf_pages(forms.pdfs["regular"], dpi)) for dpi in (150, 200, 300)}


@pytest.mark.parametrize("case", sorted(CASES))
def test_every_clear_mark_is_read_right(forms: Forms, blanks: dict[float, list[np.ndarray]], round_: Round,
                                        case: str) -> None:
    """Six sheets per case (150, 200, 300 dpi): found, not flagged, every row read as marked: no row to people."""
    layouts = sheets(round_, demo.DEMO_CODE, REGULAR)
    for seed in range(6):
        dpi = (150, 200, 300)[seed % 3]
        scan = make_scan(blanks[dpi][seed % 2], layouts[seed % 2], dpi, 500 + seed, **(PLAIN | CASES[case]))
        reading = forms.read(scan.image)
        assert () == reading.problems, (case, seed)
        for truth, row in zip(scan.rows, reading.rows, strict=True):
            if truth.truth is Truth.MARK:
                assert (RowState.MARKED, truth.level) == (row.state, row.level), (case, seed, row)
            else:
                assert truth.truth.value == row.state.value, (case, seed, row)


def test_a_smudge_goes_to_people(forms: Forms, blanks: dict[float, list[np.ndarray]], round_: Round) -> None:
    """A dot in a box is neither a mark nor nothing: it is never counted, it is shown to people."""
    layouts = sheets(round_, demo.DEMO_CODE, REGULAR)
    scan = make_scan(blanks[200][1], layouts[1], 200, 7,
                     **(PLAIN | {"ambiguous_rate": 1.0, "empty_rate": 0.0, "multiple_rate": 0.0}))
    assert {RowState.UNSURE} == {row.state for row in forms.read(scan.image).rows}
