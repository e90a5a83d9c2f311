"""Every published table of data/published reproduces exactly (R-PCT-1, R-PCT-2, R-PCT-3)."""

import json
from pathlib import Path

import pytest

from tinnhiem.domain.tally import tally
from tinnhiem.services import roundfile

from tests.conftest import PUBLISHED

CASES = sorted(p.name.removesuffix(".expected.json") for p in PUBLISHED.glob("*.expected.json"))


@pytest.mark.parametrize("name", CASES)
def test_published_table_reproduces(name: str, published: Path) -> None:
    """Base, every percentage and every band equal the published figures."""
    round_, totals = roundfile.parse_round(roundfile.load(published / f"{name}.yaml"))
    assert totals is not None
    document = roundfile.result_document(tally(round_, totals))
    expected = json.loads((published / f"{name}.expected.json").read_text(encoding="utf-8"))
    assert expected["base"] == document["base"]["value"]
    got = [{k: s[k] for k in ("name", "counts", "percent", "band")} for s in document["subjects"]]
    assert expected["subjects"] == got


def test_there_are_published_cases() -> None:
    """The published folder is found, so the test above cannot pass by having nothing to check."""
    assert len(CASES) >= 2
