"""Paper ballots end to end: print, scan (generated), read, review, count with electronic ballots."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from pypdf import PdfReader
from typer.testing import CliRunner

from tinnhiem.cli.main import app
from tinnhiem.domain.errors import InvalidInput
from tinnhiem.domain.model import Level, Round
from tinnhiem.paper import counting
from tinnhiem.paper.forms import Forms, forms_for
from tinnhiem.paper.layout import REGULAR, sheets
from tinnhiem.paper.printing import ballot_pdf
from tinnhiem.paper.raster import pdf_pages
from tinnhiem.paper.reader import Problem, RowState
from tinnhiem.services import roundfile, rounds
from tinnhiem.storage.files import ImageFiles
from tinnhiem.storage.repository import SqlUnitOfWork
from tinnhiem.testing import demo
from tinnhiem.testing.scans import Truth, make_scan, scans_pdf

runner = CliRunner()


@pytest.fixture(scope="module")
def round_() -> Round:
    return roundfile.parse_round(roundfile.load(demo.demo_file()))[0]


@pytest.fixture(scope="module")
def forms(round_: Round) -> Forms:
    return forms_for(round_, demo.DEMO_CODE)


@pytest.fixture(scope="module")
def blanks(forms: Forms) -> dict[float, list[np.ndarray]]:
    return {dpi: list(pdf_pages(forms.pdfs["regular"], dpi)) for dpi in (150, 300)}


def test_ballot_pdf_is_a4_with_every_subject_and_no_voter_data(round_: Round) -> None:
    """R-BALLOT-1/2: A4, one row per subject with name and position, three levels, nothing numbered per copy."""
    reader = PdfReader(__import__("io").BytesIO(ballot_pdf(round_, demo.DEMO_CODE)))
    text = " ".join(" ".join(p.extract_text().split()) for p in reader.pages)
    assert {(595, 842)} == {(round(float(p.mediabox.width)), round(float(p.mediabox.height))) for p in reader.pages}
    assert all(s.name in text for s in round_.subjects)
    assert "PHIẾU TÍN NHIỆM" in text and "Tín nhiệm thấp" in text and "ĐẢNG CỘNG SẢN VIỆT NAM" in text
    assert ballot_pdf(round_, demo.DEMO_CODE) == ballot_pdf(round_, demo.DEMO_CODE)  # every copy identical


def test_one_ballot_type_per_group(round_: Round) -> None:
    """The demo has two groups of posts: two ballot types, each naming its subjects only."""
    layouts = sheets(round_, demo.DEMO_CODE, REGULAR)
    assert [(0, 4), (1, 8)] == [(s.ballot_type, len(s.subjects)) for s in layouts]


@pytest.mark.parametrize("seed", range(6))
def test_reader_reads_generated_scans_right_or_asks(forms: Forms, blanks: dict[float, list[np.ndarray]],
                                                    round_: Round, seed: int) -> None:
    """Every clear mark is read right; ambiguous rows are unsure; nothing is counted wrong."""
    layouts = sheets(round_, demo.DEMO_CODE, REGULAR)
    dpi = (150, 300)[seed % 2]
    scan = make_scan(blanks[dpi][seed % 2], layouts[seed % 2], dpi, seed, stray_rate=0)
    reading = forms.read(scan.image)
    assert () == reading.problems
    for truth, row in zip(scan.rows, reading.rows, strict=True):
        if truth.truth is Truth.MARK:
            assert (RowState.MARKED, truth.level) == (row.state, row.level)
        elif truth.truth is Truth.AMBIGUOUS:
            assert RowState.UNSURE == row.state
        else:
            assert truth.truth.value == row.state.value


def test_writing_on_the_ballot_sends_it_to_the_committee(forms: Forms, blanks: dict[float, list[np.ndarray]],
                                                         round_: Round) -> None:
    """Stray writing outside the boxes flags the whole sheet (possible R-VALID-1)."""
    layouts = sheets(round_, demo.DEMO_CODE, REGULAR)
    scan = make_scan(blanks[300][1], layouts[1], 300, seed=11, stray_rate=1.0)
    assert (Problem.STRAY_INK,) == forms.read(scan.image).problems


def test_another_rounds_form_is_not_counted(blanks: dict[float, list[np.ndarray]], round_: Round) -> None:
    """A sheet printed for another round is refused (R-VALID-1: not issued by this committee)."""
    other = forms_for(round_, "another-round")
    layouts = sheets(round_, demo.DEMO_CODE, REGULAR)
    scan = make_scan(blanks[150][0], layouts[0], 150, seed=3, stray_rate=0)
    assert (Problem.NOT_THIS_ROUND,) == other.read(scan.image).problems


def test_a_blank_page_is_not_a_ballot(forms: Forms) -> None:
    """A page without the corner squares is not read as a ballot."""
    assert (Problem.NO_CORNERS,) == forms.read(np.full((2339, 1654), 245, np.uint8)).problems


def _paper_round(uow: SqlUnitOfWork) -> Round:
    from dataclasses import replace

    round_ = roundfile.parse_round(roundfile.load(demo.demo_file()))[0]
    delegates = tuple(__import__("tinnhiem.domain.model", fromlist=["Delegate"]).Delegate(f"Đại biểu {i}")
                      for i in range(55))
    rounds.create_round(uow, replace(round_), delegates, code=demo.DEMO_CODE)
    return round_


def test_scan_review_count_and_add_electronic(uow: SqlUnitOfWork, tmp_path: Path, forms: Forms,
                                              blanks: dict[float, list[np.ndarray]]) -> None:
    """Scanned sheets are stored with their originals; unsure rows are decided by a named member;
    the paper totals and the electronic totals add up in one result with per-channel subtotals."""
    round_ = _paper_round(uow)
    images = ImageFiles(tmp_path / "scans")
    layouts = sheets(round_, demo.DEMO_CODE, REGULAR)
    scans = [make_scan(blanks[300][n % 2], layouts[n % 2], 300, 100 + n, ambiguous_rate=0.3, stray_rate=0)
             for n in range(4)]
    import cv2

    files = [counting.original(f"scan-{n}.png", cv2.imencode(".png", s.image)[1].tobytes()) for n, s in enumerate(scans)]
    for scan, file in zip(scans, files, strict=True):
        assert counting.import_sheet(uow, images, demo.DEMO_CODE, forms, file, 0, scan.image).sheet_id
    again = counting.original("again.png", files[0].data)
    assert counting.import_sheet(uow, images, demo.DEMO_CODE, forms, again, 0, scans[0].image).sheet_id is None
    waiting = counting.pending(uow, demo.DEMO_CODE)
    assert waiting and all(p.row is not None for p in waiting)
    with pytest.raises(InvalidInput) as caught:
        counting.count_paper(uow, demo.DEMO_CODE, forms, "Hà Văn Tâm")
    assert "paper-pending" == caught.value.code
    for item in waiting:
        assert item.row is not None and item.sheet.id is not None
        counting.decide_row(uow, demo.DEMO_CODE, item.sheet.id, item.row.row, 0, member="Hà Văn Tâm")
    totals = counting.count_paper(uow, demo.DEMO_CODE, forms, "Hà Văn Tâm")
    first = [t for s in scans[::2] for t in s.rows if t.subject == 0]
    expected_high = sum(1 for t in first if t.truth in (Truth.AMBIGUOUS,) or (t.truth is Truth.MARK and t.level == 0))
    assert expected_high == totals[0].counts[Level.HIGH]
    assert len(list(images.root.rglob("*.png"))) == 4
    from tinnhiem.domain.model import Totals

    electronic = tuple(Totals({Level.HIGH: 1, Level.CONFIDENCE: 0, Level.LOW: 0}, 0) for _ in round_.subjects)
    with uow:
        uow.rounds.save_totals(demo.DEMO_CODE, electronic, channel="electronic")
        uow.commit()
    result = rounds.count(uow, demo.DEMO_CODE)
    assert {"paper", "electronic"} == set(result.channels)
    assert totals[0].counts[Level.HIGH] + 1 == result.subjects[0].totals.counts[Level.HIGH]
    from tinnhiem.reports.content import minutes

    assert minutes(result).channel_rows[0][2].startswith(str(totals[0].counts[Level.HIGH]))


def test_a_delegate_votes_on_one_channel_only(uow: SqlUnitOfWork) -> None:
    """docs/paper.md: a delegate who voted electronically cannot also be issued a paper ballot."""
    _paper_round(uow)
    rounds.attend(uow, demo.DEMO_CODE, "Đại biểu 1", "electronic")
    with pytest.raises(InvalidInput) as caught:  # a retry hands out no second card
        rounds.attend(uow, demo.DEMO_CODE, "Đại biểu 1", "electronic")
    assert "card-already-handed-out" == caught.value.code
    with pytest.raises(InvalidInput) as caught:
        rounds.attend(uow, demo.DEMO_CODE, "Đại biểu 1", "paper")
    assert "two-channels" == caught.value.code
    rounds.attend(uow, demo.DEMO_CODE, "Đại biểu 2", "paper")
    with uow:
        assert {"electronic": 1, "paper": 1} == uow.paper.channel_voters(demo.DEMO_CODE)


def test_attendance_is_unique_per_delegate_in_the_database(uow: SqlUnitOfWork, database) -> None:  # type: ignore[no-untyped-def]
    """The database itself refuses a second attendance row for one delegate (two tabs, a race)."""
    from sqlalchemy import insert, select
    from sqlalchemy.exc import IntegrityError

    from tinnhiem.storage.tables import AttendanceRow, DelegateRow

    _paper_round(uow)
    with database.session() as session:
        delegate = session.scalars(select(DelegateRow)).first()
        session.execute(insert(AttendanceRow).values(round_id=delegate.round_id, delegate_id=delegate.id,
                                                     channel="paper"))
        with pytest.raises(IntegrityError):
            session.execute(insert(AttendanceRow).values(round_id=delegate.round_id, delegate_id=delegate.id,
                                                         channel="electronic"))


def test_multi_page_pdf_from_the_command_line(home: Path, blanks: dict[float, list[np.ndarray]],
                                              round_: Round, tmp_path: Path) -> None:
    """A multi-page scanned PDF is read with a progress bar; clean sheets need no review."""
    runner.invoke(app, ["round", "import", str(demo.demo_file()), "--code", "x"])
    from dataclasses import replace

    from tinnhiem.storage.db import Database

    uow = SqlUnitOfWork(Database.open())
    rounds.create_round(uow, replace(round_), code="paper-round")
    layouts = sheets(round_, "paper-round", REGULAR)
    pdf_blanks = {150.0: list(pdf_pages(forms_for(round_, "paper-round").pdfs["regular"], 150))}
    data, scans = scans_pdf(pdf_blanks, list(layouts), 6, seed=40, ambiguous_rate=0.0, stray_rate=0.0)
    path = tmp_path / "scans.pdf"
    path.write_bytes(data)
    result = runner.invoke(app, ["paper", "scan", "paper-round", str(path)], env={"COLUMNS": "120"})
    assert 0 == result.exit_code, result.output
    assert "Đã đọc 6 tờ phiếu (0 tờ đã có từ trước); 0 tờ cần Ban kiểm phiếu xem xét." in result.stdout
    counted = runner.invoke(app, ["paper", "count", "paper-round"], env={"COLUMNS": "200"})
    assert 0 == counted.exit_code, counted.output
    with uow:
        read = uow.paper.sheets("paper-round")[0].id
    placed = runner.invoke(app, ["paper", "place", "paper-round", str(read), "10,10", "90,10", "90,90", "10,90",
                                 "--member", "Hà Văn Tâm"])  # a sheet already read gave a traceback
    assert 1 == placed.exit_code and isinstance(placed.exception, SystemExit), placed.output
    assert "Máy đã đọc được tờ phiếu" in placed.stderr and "Traceback" not in placed.output
    exported = runner.invoke(app, ["paper", "export", "paper-round", "--csv"])  # --csv where --json is
    lines = exported.stdout.lstrip("\ufeff").splitlines()
    assert lines[0].startswith("sheet,file,page,form,decision,row") and len(lines) > 6
    del blanks
