"""The committee's chain from scan to count: nobody's sheet is decided by the machine,
a voided sheet never breaks the count, copies are caught by content, only members decide."""

from __future__ import annotations

import json
from pathlib import Path

import cv2
import numpy as np
import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from tinnhiem.cli.main import app
from tinnhiem.domain.errors import InvalidInput
from tinnhiem.domain.model import Round
from tinnhiem.paper import counting
from tinnhiem.paper.forms import Forms, forms_for
from tinnhiem.services import roundfile, rounds
from tinnhiem.storage.files import ImageFiles
from tinnhiem.storage.repository import SqlUnitOfWork
from tinnhiem.testing.scans import encoded

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "scans-sample"
CODE = "r12"
MEMBER = "Trần Văn Kiểm"
runner = CliRunner()


@pytest.fixture(scope="module")
def sample_round() -> Round:
    return roundfile.parse_round(roundfile.load(SAMPLE / "r12.yaml"))[0]


@pytest.fixture(scope="module")
def forms(sample_round: Round) -> Forms:
    return forms_for(sample_round, CODE)


def _create(uow: SqlUnitOfWork, round_: Round) -> None:
    rounds.create_round(uow, round_, code=CODE)


def _import(uow: SqlUnitOfWork, images: ImageFiles, forms: Forms, name: str, data: bytes,
            image: np.ndarray) -> counting.Imported:
    return counting.import_sheet(uow, images, CODE, forms, counting.original(name, data), 0, image)


def _sample(n: int) -> tuple[bytes, np.ndarray]:
    data = (SAMPLE / f"scan_{n:03d}.jpg").read_bytes()
    return data, cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_GRAYSCALE)


def _audit(uow: SqlUnitOfWork) -> list[tuple[str, str]]:
    from tinnhiem.storage.tables import AuditRow

    with uow:
        return [(a.action, a.actor) for a in uow.session.scalars(select(AuditRow).order_by(AuditRow.id))]


def test_a_blank_page_waits_for_a_person_and_void_does_not_break_the_count(
        uow: SqlUnitOfWork, tmp_path: Path, forms: Forms, sample_round: Round) -> None:
    """An unlocated sheet is never voided by the machine; once a member voids it, the count runs
    and counts it as a void ballot (the round has one form)."""
    _create(uow, sample_round)
    images = ImageFiles(tmp_path / "scans")
    blank = np.full((2339, 1654), 245, np.uint8)
    data, image = _sample(1)
    _import(uow, images, forms, "scan_001.jpg", data, image)
    sheet = _import(uow, images, forms, "trang-trang.png", encoded(blank, ".png"), blank)
    assert sheet.needs_review and sheet.sheet_id is not None
    waiting = counting.pending(uow, CODE)
    assert [(sheet.sheet_id, None)] == [(p.sheet.id, p.row) for p in waiting]
    with pytest.raises(InvalidInput) as refused:  # an unread sheet cannot be declared valid
        counting.decide_sheet(uow, CODE, sheet.sheet_id, void=False, member=MEMBER)
    assert "sheet-unplaced" == refused.value.code
    counting.decide_sheet(uow, CODE, sheet.sheet_id, void=True, member=MEMBER)
    totals = counting.count_paper(uow, CODE, forms, MEMBER)
    assert [2] * 12 == [t.valid + t.invalid for t in totals]  # two sheets, each row counted once
    assert ("sheet-decided", MEMBER) in _audit(uow)


def test_review_on_the_command_line_never_voids_by_itself(home: Path, tmp_path: Path, sample_round: Round) -> None:
    """`paper review` shows why in Vietnamese words, and an unlocated sheet skipped stays pending."""
    runner.invoke(app, ["round", "import", str(SAMPLE / "r12.yaml"), "--code", CODE])
    blank = tmp_path / "trang-trang.png"
    cv2.imwrite(str(blank), np.full((2339, 1654), 245, np.uint8))
    assert 0 == runner.invoke(app, ["paper", "scan", CODE, str(blank)]).exit_code
    result = runner.invoke(app, ["paper", "review", CODE, "--member", MEMBER], input="b\n")
    assert 0 == result.exit_code, result.output
    assert "Không tìm thấy bốn ô vuông đen" in result.output and "no-corners" not in result.output
    exported = json.loads(runner.invoke(app, ["paper", "export", CODE, "--json"]).stdout)
    assert ["pending"] == [s["decision"] for s in exported["sheets"]]


def test_only_the_rounds_committee_decides(uow: SqlUnitOfWork, tmp_path: Path, forms: Forms,
                                           sample_round: Round) -> None:
    """A name that is not on the round's committee is refused, on every decision."""
    _create(uow, sample_round)
    blank = np.full((2339, 1654), 245, np.uint8)
    sheet = _import(uow, ImageFiles(tmp_path), forms, "x.png", encoded(blank, ".png"), blank)
    assert sheet.sheet_id is not None
    for decide in (lambda: counting.decide_sheet(uow, CODE, sheet.sheet_id or 0, void=True, member="Người Lạ"),
                   lambda: counting.withdraw_sheet(uow, CODE, sheet.sheet_id or 0, reason="x", member="Người Lạ"),
                   lambda: counting.decide_row(uow, CODE, sheet.sheet_id or 0, 0, 1, member="Người Lạ")):
        with pytest.raises(InvalidInput) as refused:
            decide()
        assert "not-a-committee-member" == refused.value.code
    assert [] == [a for a in _audit(uow) if a[1] == "Người Lạ"]


@pytest.mark.parametrize("suffix", [".png", ".pdf", ".jpg"])
def test_a_second_scan_of_one_sheet_is_caught_by_content(uow: SqlUnitOfWork, tmp_path: Path, forms: Forms,
                                                         sample_round: Round, suffix: str) -> None:
    """The same sheet re-encoded (PNG, inside a PDF, JPEG at another size) is shown as a likely copy,
    not counted twice; withdrawn with a reason, it leaves the count as it was."""
    _create(uow, sample_round)
    images = ImageFiles(tmp_path / "scans")
    for n in (3, 4):
        data, image = _sample(n)
        _import(uow, images, forms, f"scan_{n:03d}.jpg", data, image)
    data, image = _sample(3)
    smaller = cv2.resize(image, None, fx=0.7, fy=0.7, interpolation=cv2.INTER_AREA)
    again = encoded(smaller, suffix, 70)
    if suffix == ".pdf":
        from tinnhiem.paper.raster import pdf_page

        smaller = pdf_page(again, 0, 150)
    copy = _import(uow, images, forms, f"lai{suffix}", again, smaller)
    assert copy.copy_of is not None and copy.needs_review
    with pytest.raises(InvalidInput):
        counting.count_paper(uow, CODE, forms, MEMBER)
    counting.withdraw_sheet(uow, CODE, copy.sheet_id or 0, reason="Bản quét lại của tờ 1", member=MEMBER)
    totals = counting.count_paper(uow, CODE, forms, MEMBER)
    assert [2] * 12 == [t.valid + t.invalid for t in totals]
    assert ("sheet-withdrawn", MEMBER) in _audit(uow)


def test_different_ballots_are_not_taken_for_copies(uow: SqlUnitOfWork, tmp_path: Path, forms: Forms,
                                                    sample_round: Round) -> None:
    """Twenty ballots from the outside generator: none is taken for a copy of another."""
    _create(uow, sample_round)
    images = ImageFiles(tmp_path / "scans")
    copies = []
    for n in range(1, 21):
        data, image = _sample(n)
        copies.append(_import(uow, images, forms, f"scan_{n:03d}.jpg", data, image).copy_of)
    assert [None] * 20 == copies


def test_a_text_file_named_jpg_is_named_and_the_batch_goes_on(home: Path, tmp_path: Path) -> None:
    runner.invoke(app, ["round", "import", str(SAMPLE / "r12.yaml"), "--code", CODE])
    fake = tmp_path / "anh-hong.jpg"
    fake.write_text("not an image", encoding="utf-8")
    result = runner.invoke(app, ["paper", "scan", CODE, str(fake), str(SAMPLE / "scan_005.jpg")],
                           env={"COLUMNS": "200"})
    assert 0 == result.exit_code, result.output
    assert "anh-hong.jpg" in result.output
    assert "Đã đọc 1 tờ phiếu" in result.output


def test_withdrawn_sheet_and_its_reason_are_in_the_export(home: Path) -> None:
    """`paper withdraw` takes a sheet out with a reason; `paper export --json` shows it, with who."""
    runner.invoke(app, ["round", "import", str(SAMPLE / "r12.yaml"), "--code", CODE])
    assert 0 == runner.invoke(app, ["paper", "scan", CODE, str(SAMPLE / "scan_007.jpg")]).exit_code
    result = runner.invoke(app, ["paper", "withdraw", CODE, "1", "--reason", "Phiếu mẫu, không phải phiếu bầu",
                                 "--member", "Lê Thị Phiếu"])
    assert 0 == result.exit_code, result.output
    exported = json.loads(runner.invoke(app, ["paper", "export", CODE, "--json"]).stdout)
    (sheet,) = exported["sheets"]
    assert ("withdrawn", "Lê Thị Phiếu", "Phiếu mẫu, không phải phiếu bầu") == (
        sheet["decision"], sheet["decided_by"], sheet["withdrawn_reason"])
    assert 12 == len(sheet["rows"]) and {"inside", "light", "spread", "ring", "faint_ring"} == set(sheet["rows"][0]["ink"][0])
    assert sheet["content_hash"] and sheet["file_sha256"]


def test_the_minutes_say_what_became_of_the_sheets_and_refuse_a_contradicted_base(
        uow: SqlUnitOfWork, tmp_path: Path, forms: Forms, sample_round: Round) -> None:
    """Two sheets counted while the round says 510 ballots returned: no percentage on 510, said plainly;
    the sheets read, decided, voided and withdrawn (with the reason) are in the minutes."""
    from tinnhiem.reports.content import minutes

    _create(uow, sample_round)
    images = ImageFiles(tmp_path / "scans")
    for n in (8, 9):
        data, image = _sample(n)
        _import(uow, images, forms, f"scan_{n:03d}.jpg", data, image)
    blank = np.full((2339, 1654), 245, np.uint8)
    extra = _import(uow, images, forms, "bia.png", encoded(blank, ".png"), blank)
    counting.withdraw_sheet(uow, CODE, extra.sheet_id or 0, reason="Trang bìa, không phải phiếu", member=MEMBER)
    counting.count_paper(uow, CODE, forms, MEMBER)
    words = minutes(rounds.count(uow, CODE), counting.paper_figures(uow, CODE))
    assert "Không tính tỷ lệ %" in words.base_note and "510" in words.base_note
    assert all("%" not in cell for row in words.table_rows for cell in row[3:6])
    text = " ".join(words.opening)
    assert "máy đọc 3 tờ" in text and "rút ra 1 tờ" in text and "kiểm 2 tờ" in text
    assert "Trang bìa, không phải phiếu" in text


def test_a_sheet_with_a_torn_corner_is_placed_by_hand_and_then_confirmed(
        uow: SqlUnitOfWork, tmp_path: Path, forms: Forms, sample_round: Round) -> None:
    """A corner square torn off: the reader cannot place the sheet; a member marks the four corners
    (the torn one where it would be), the sheet is read, and waits for the member to confirm it."""
    from tinnhiem.paper.corners import find_corners

    _create(uow, sample_round)
    images = ImageFiles(tmp_path / "scans")
    _, image = _sample(12)
    corners = find_corners(image)
    assert corners is not None
    torn = image.copy()
    x, y = (int(v) for v in corners[0])
    torn[max(0, y - 60):y + 60, max(0, x - 60):x + 60] = 250
    sheet = _import(uow, images, forms, "rach-goc.png", encoded(torn, ".png"), torn)
    assert forms.read(torn).layout is None and sheet.sheet_id is not None
    marked = [(float(px) + 2, float(py) - 1) for px, py in corners[[3, 0, 2, 1]]]  # any order, a little off
    assert counting.place_sheet(uow, images, CODE, forms, sheet.sheet_id, marked, member=MEMBER)
    (waiting,) = [p for p in counting.pending(uow, CODE) if p.row is None]
    assert waiting.sheet.qr_text and "placed-by-hand" in waiting.sheet.problems
    counting.decide_sheet(uow, CODE, sheet.sheet_id, void=False, member=MEMBER)
    assert [] == counting.pending(uow, CODE)
    totals = counting.count_paper(uow, CODE, forms, MEMBER)
    assert [1] * 12 == [t.valid + t.invalid for t in totals]
    assert ("sheet-placed", MEMBER) in _audit(uow)
