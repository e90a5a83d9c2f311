"""The reader on 20 scans made by a generator that is not ours (tests/data/scans-sample)."""

from __future__ import annotations

import json
from pathlib import Path

import cv2
import pytest

from tinnhiem.paper.forms import Forms, forms_for
from tinnhiem.paper.reader import RowState, SheetReading
from tinnhiem.services import roundfile

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "scans-sample"


@pytest.fixture(scope="module")
def forms() -> Forms:
    round_, _ = roundfile.parse_round(roundfile.load(SAMPLE / "r12.yaml"))
    return forms_for(round_, "r12")


@pytest.fixture(scope="module")
def readings(forms: Forms) -> list[tuple[dict, SheetReading]]:
    truth = json.loads((SAMPLE / "truth.json").read_text(encoding="utf-8"))
    return [(image, forms.read(cv2.imread(str(SAMPLE / image["file"])))) for image in truth["images"]]


def test_every_sheet_is_found_and_recognised(readings: list[tuple[dict, SheetReading]]) -> None:
    """Dark backdrops included: every sample is this round's ballot."""
    assert [] == [image["file"] for image, reading in readings if reading.layout is None]


def test_no_clear_mark_lost_and_no_wrong_box(readings: list[tuple[dict, SheetReading]]) -> None:
    """A single mark (circle round the box, light pencil) is counted or sent to people, never
    declared invalid; a blank or double is never counted as a choice; no wrong box."""
    lost, wrong = [], []
    for image, reading in readings:
        if reading.problems:
            continue
        for truth, row in zip(image["rows"], reading.rows, strict=True):
            where = (image["file"], truth["row"], truth["mark"], row.state.value, row.level)
            if row.state is RowState.UNSURE:
                continue
            if isinstance(truth["mark"], int):
                if row.state is not RowState.MARKED:
                    lost.append(where)
                elif row.level != truth["mark"]:
                    wrong.append(where)
            elif row.state is RowState.MARKED:
                wrong.append(where)
    assert ([], []) == (lost, wrong)


def test_few_rows_go_to_people(readings: list[tuple[dict, SheetReading]]) -> None:
    """Goal: at most 5 % of rows to review on ordinary scans (a flagged sheet: all its rows)."""
    total = sum(len(image["rows"]) for image, _ in readings)
    to_people = sum(len(image["rows"]) if reading.problems or reading.layout is None
                    else sum(r.state is RowState.UNSURE for r in reading.rows) for image, reading in readings)
    assert to_people <= 0.05 * total, f"{to_people} of {total} rows to people"
