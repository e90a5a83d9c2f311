"""Every published table of tests/data/published reproduces exactly (R-PCT-1, R-PCT-2, R-PCT-3)."""

import json
from pathlib import Path

import pytest

from tests.conftest import PUBLISHED
from tinnhiem.domain.tally import tally
from tinnhiem.services import roundfile

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


EXTRA = PUBLISHED


def test_national_assembly_2018_printed_as_published() -> None:
    """NA 2018 (nq85-2014, base 485 deputies): every printed figure, trailing zeros dropped (R-PCT-2)."""
    from tinnhiem.domain.percent import printed

    result = tally(*roundfile.parse_round(roundfile.load(EXTRA / "na-2018.yaml")))  # type: ignore[arg-type]
    expected = json.loads((EXTRA / "na-2018.printed.json").read_text(encoding="utf-8"))["printed"]
    got = [[printed(p, result.round.style) for p in s.percents.values()] for s in result.subjects]
    assert expected == got
    assert (485, [1] * 14) == (result.base, [s.band for s in result.subjects])


def test_national_assembly_2014_high_confidence_shares() -> None:
    """NA 2014 (nq35-2012, base 497 deputies): the published "tín nhiệm cao" shares."""
    from tinnhiem.domain.percent import machine, percent

    data = json.loads((EXTRA / "na-2014-cao.json").read_text(encoding="utf-8"))
    assert [r[2] for r in data["rows"]] == [machine(percent(r[1], data["base"])) for r in data["rows"]]
