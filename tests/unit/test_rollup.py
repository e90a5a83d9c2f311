"""The roll-up of counted rounds (domain/rollup.py): latest row per person, history, bands counted."""

from __future__ import annotations

import datetime as dt
import re

from tests.conftest import PUBLISHED
from tinnhiem.domain.model import Level, Subject, Totals
from tinnhiem.domain.rollup import rollup
from tinnhiem.domain.tally import tally
from tinnhiem.services import roundfile


def _round(date: dt.date, low: int, key: str = "") -> object:
    round_, totals = roundfile.parse_round(roundfile.load(PUBLISHED / "vinhphuc-hdnd-2023.yaml"))
    assert totals is not None
    subjects = tuple(Subject(s.name, s.position, s.group, key if i == 3 else s.person_key)
                     for i, s in enumerate(round_.subjects))
    counts = list(totals)
    counts[3] = Totals({Level.HIGH: 46 - low, Level.CONFIDENCE: 0, Level.LOW: low}, 1)
    from dataclasses import replace

    return tally(replace(round_, date=date, subjects=subjects), counts)


def test_latest_row_and_history_per_person() -> None:
    """Two rounds of one body: one row per person, from the later round; each person's history has both;
    the counts over one half and two thirds are of the latest rows."""
    earlier, later = _round(dt.date(2023, 12, 13), 32, "CB-04"), _round(dt.date(2026, 12, 1), 10, "CB-04")
    summary = rollup([later, earlier], ["chủ tịch ubnd tinh"])  # type: ignore[list-item]
    assert (2, 7) == (summary.rounds, summary.people)
    row = next(r for r in summary.rows if r.person == "CB-04")
    assert (dt.date(2026, 12, 1), 10, 1, True) == (row.date, row.counts[Level.LOW], row.band, row.managed)
    assert [dt.date(2023, 12, 13), dt.date(2026, 12, 1)] == [r.date for r in summary.history["CB-04"]]
    assert [3, 1] == [r.band for r in summary.history["CB-04"]]
    assert (0, 0, 1) == (summary.over_half, summary.two_thirds, summary.managed)
    assert all(re.fullmatch(r"[a-zà-ỹđ ]+\|[a-zà-ỹđ ]+", r.person) for r in summary.rows if r.person != "CB-04")
