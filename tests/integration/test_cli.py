"""The ``tinnhiem`` command line, run as a person would (Typer's runner, the embedded SQLite)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from openpyxl import Workbook
from typer.testing import CliRunner

from tests.conftest import PUBLISHED
from tinnhiem.cli.main import app
from tinnhiem.testing import demo

runner = CliRunner()


def test_tally_json_is_the_result_file(home: Path) -> None:
    """docs/round-file.md: --json prints the documented result file with two-decimal strings."""
    result = runner.invoke(app, ["tally", str(PUBLISHED / "vinhphuc-hdnd-2023.yaml"), "--json"])
    assert 0 == result.exit_code, result.output
    document = json.loads(result.stdout)
    assert {"kind": "ballots_returned", "value": 47} == document["base"]
    assert ("53.19", 2) == (document["subjects"][3]["percent"]["thap"], document["subjects"][3]["band"])
    assert document["subjects"][3]["consequence"].startswith("Có thể xin từ chức")


def test_tally_refuses_bad_input_and_writes_nothing(home: Path, tmp_path: Path) -> None:
    """An inconsistent file exits non-zero, names field and subject in both languages, prints no result."""
    bad = tmp_path / "bad.yaml"
    bad.write_text(demo.demo_file().read_text(encoding="utf-8").replace("cao: 44", "cao: 50"), encoding="utf-8")
    result = runner.invoke(app, ["tally", str(bad), "--json"])
    assert 1 == result.exit_code
    assert "" == result.stdout
    assert "subjects[1].counts" in result.stderr and "Trần Thị Bích Hạnh" in result.stderr
    assert "ballots returned" in result.stderr
    assert not home.exists()


def test_demo_writes_and_prints_the_documents(home: Path) -> None:
    """make demo's job: the demo round is stored, counted, and its documents written and printed."""
    result = runner.invoke(app, ["demo"])
    assert 0 == result.exit_code, result.output
    for suffix in ("bien-ban.pdf", "bien-ban.docx", "ket-qua.xlsx", "thong-bao.txt"):
        path = home / "documents" / f"son-thuy-2026-{suffix}"
        assert path.is_file() and str(path) in result.stdout.replace("\n", "")


def test_history_shows_both_rounds(home: Path) -> None:
    """R-USE: tinnhiem history shows a leader's results across years."""
    runner.invoke(app, ["demo"])
    result = runner.invoke(app, ["history", "Ngô Quốc Dũng"], env={"COLUMNS": "200"})
    assert 0 == result.exit_code, result.output
    assert "2023-11-15" in result.stdout and "2026-11-20" in result.stdout and "47,06%" in result.stdout


def _write_subjects_xlsx(path: Path, rows: list[list[object]]) -> None:
    book = Workbook()
    book.active.append(["STT", "Họ và tên", "Chức vụ", "Nhóm"])
    for row in rows:
        book.active.append(row)
    book.save(path)


@pytest.fixture
def meta(tmp_path: Path) -> Path:
    path = tmp_path / "round.yaml"
    text = demo.demo_file().read_text(encoding="utf-8")
    path.write_text(text[: text.index("subjects:")], encoding="utf-8")
    return path


def test_create_round_from_spreadsheets(home: Path, tmp_path: Path, meta: Path) -> None:
    """Subjects from XLSX, delegates and exemptions from CSV (Vietnamese headers, reason in words)."""
    subjects = tmp_path / "subjects.xlsx"
    _write_subjects_xlsx(subjects, [[1, "Nguyễn Văn Ân", "Bí thư Tỉnh ủy", "Thường trực"],
                                    [2, "Lê Quang Minh", "Phó Bí thư Tỉnh ủy", ""]])
    delegates = tmp_path / "delegates.csv"
    with delegates.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([["Họ và tên", "Đơn vị"], ["Đại Biểu Một", "Huyện A"], ["Đại Biểu Hai", ""]])
    exemptions = tmp_path / "exemptions.csv"
    exemptions.write_text("Ho va ten;Chuc vu;Ly do;Ghi chu\nMai Xuân Trường;Chỉ huy trưởng;"
                          "được bầu, bổ nhiệm trong năm lấy phiếu tín nhiệm;tháng 3\n", encoding="utf-8")
    result = runner.invoke(app, ["round", "create", str(meta), "--subjects", str(subjects), "--delegates",
                                 str(delegates), "--exemptions", str(exemptions), "--code", "r1"])
    assert 0 == result.exit_code, result.output
    assert "2 người được lấy phiếu, 1 không lấy phiếu, 2 đại biểu" in result.stdout


def test_spreadsheet_with_bad_row_names_the_row(home: Path, tmp_path: Path, meta: Path) -> None:
    """A row without a position is refused with its row number; nothing is stored."""
    subjects = tmp_path / "subjects.xlsx"
    _write_subjects_xlsx(subjects, [[1, "Nguyễn Văn Ân", "Bí thư Tỉnh ủy"], [2, "Lê Quang Minh", None]])
    result = runner.invoke(app, ["round", "create", str(meta), "--subjects", str(subjects)])
    assert 1 == result.exit_code
    assert "subjects.xlsx, dòng 3, cột Chức vụ" in result.stderr and "Lê Quang Minh" in result.stderr
    listing = runner.invoke(app, ["rounds"])
    assert "Sơn Thủy" not in listing.stdout


def _answers(member: str, rows: list[tuple[int, int, int, int]]) -> list[str]:
    lines = [member]
    for row in rows:
        lines += [str(n) for n in row]
    return lines


def test_double_entry_at_the_terminal(home: Path, tmp_path: Path, meta: Path) -> None:
    """Two members type; a difference is shown and typed again; then the totals are saved."""
    subjects = tmp_path / "subjects.xlsx"
    _write_subjects_xlsx(subjects, [[1, "Nguyễn Văn Ân", "Bí thư"], [2, "Lê Quang Minh", "Phó Bí thư"]])
    assert 0 == runner.invoke(app, ["round", "create", str(meta), "--subjects", str(subjects), "--code", "p"]).exit_code
    typed = [
        *_answers("Hà Văn Tâm", [(40, 10, 3, 0), (30, 20, 3, 0)]),
        *_answers("Lâm Thị Kim Oanh", [(40, 10, 3, 0), (31, 19, 3, 0)]),  # row 2 differs
        "y",
        "30", "20", "3", "0",  # first member again, row 2
        "30", "20", "3", "0",  # second member again, row 2
    ]
    result = runner.invoke(app, ["count", "p"], input="\n".join(typed) + "\n", env={"COLUMNS": "200"})
    assert 0 == result.exit_code, result.output
    assert "Hai lần nhập chưa khớp" in result.stdout
    saved = runner.invoke(app, ["tally", "p", "--json"])
    assert [30, 20, 3] == list(json.loads(saved.stdout)["subjects"][1]["counts"].values())


def test_double_entry_refused_saves_nothing(home: Path, tmp_path: Path, meta: Path) -> None:
    """When the members stop at a mismatch, the round stays uncounted."""
    subjects = tmp_path / "subjects.xlsx"
    _write_subjects_xlsx(subjects, [[1, "Nguyễn Văn Ân", "Bí thư"]])
    runner.invoke(app, ["round", "create", str(meta), "--subjects", str(subjects), "--code", "q"])
    typed = [*_answers("A", [(40, 10, 3, 0)]), *_answers("B", [(41, 10, 3, 0)]), "n"]
    result = runner.invoke(app, ["count", "q"], input="\n".join(typed) + "\n")
    assert 4 == result.exit_code
    assert 1 == runner.invoke(app, ["tally", "q"]).exit_code


def test_help_in_english(monkeypatch: pytest.MonkeyPatch) -> None:
    """Help is Vietnamese by default; TINNHIEM_LANG=en gives English."""
    import importlib

    import tinnhiem.cli.main as main

    assert "lấy phiếu tín nhiệm" in runner.invoke(main.app, ["--help"]).stdout
    monkeypatch.setenv("TINNHIEM_LANG", "en")
    english = importlib.reload(main)
    try:
        assert "confidence votes" in runner.invoke(english.app, ["--help"]).stdout
    finally:
        monkeypatch.delenv("TINNHIEM_LANG")
        importlib.reload(main)


def test_demo_record_verifies_and_counts_like_paper(home: Path) -> None:
    """The demo's public record verifies, and its decrypted totals give the paper result exactly."""
    from tinnhiem.crypto.record import from_json
    from tinnhiem.crypto.verify import verify
    from tinnhiem.domain.tally import tally
    from tinnhiem.services import roundfile
    from tinnhiem.services.electronic import totals_from_verified

    assert 0 == runner.invoke(app, ["demo"]).exit_code
    path = home / "documents" / "son-thuy-2026-ho-so-cong-khai.json"
    result = runner.invoke(app, ["verify", str(path), "--workers", "1"])
    assert 0 == result.exit_code, result.output
    assert "HỢP LỆ: 53 phiếu" in result.stdout
    data = json.loads(path.read_text(encoding="utf-8"))
    totals = totals_from_verified(from_json(data).manifest, verify(data))
    round_, paper = roundfile.parse_round(roundfile.load(demo.demo_file()))
    assert roundfile.result_document(tally(round_, paper)) == roundfile.result_document(tally(round_, totals))


def test_verify_names_the_failed_check(home: Path, tmp_path: Path) -> None:
    """A tampered record exits non-zero and says which check failed, in both languages."""
    assert 0 == runner.invoke(app, ["demo"]).exit_code
    data = json.loads((home / "documents" / "son-thuy-2026-ho-so-cong-khai.json").read_text(encoding="utf-8"))
    data["decryption"][0]["counts"][0] += 1
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(data), encoding="utf-8")
    result = runner.invoke(app, ["verify", str(bad), "--workers", "1"])
    assert 1 == result.exit_code
    assert "người thứ 1" in result.stderr and "subject 1" in result.stderr


def test_verify_json_names_the_check_and_never_prints_a_traceback(home: Path, tmp_path: Path) -> None:
    """--json gives the failed check's name for machines; a huge integer or a non-JSON file fails cleanly."""
    assert 0 == runner.invoke(app, ["demo"]).exit_code
    good = home / "documents" / "son-thuy-2026-ho-so-cong-khai.json"
    data = json.loads(good.read_text(encoding="utf-8"))
    assert json.loads(runner.invoke(app, ["verify", str(good), "--workers", "1", "--json"]).stdout)["valid"]
    repeated = json.dumps(data).replace('"group": "ristretto255"', '"group": "ristretto255", "group": "x"', 1)
    data["committee"]["members"] = 2**70
    cases = {"huge.json": (json.dumps(data), "bounds"), "text.json": ("not json at all", "format"),
             "repeated.json": (repeated, "format")}
    for name, (content, check) in cases.items():
        (tmp_path / name).write_text(content, encoding="utf-8")
        result = runner.invoke(app, ["verify", str(tmp_path / name), "--workers", "1", "--json"])
        assert (1, False, check) == (result.exit_code, json.loads(result.stdout)["valid"], json.loads(result.stdout)["check"])
        assert "Traceback" not in result.output


def test_an_account_is_added_and_its_lost_password_renewed_on_the_server(home: Path) -> None:
    """The operator at the server's console: a new account's password, printed once; a lost one renewed."""
    from tinnhiem.services import accounts
    from tinnhiem.storage.db import Database
    from tinnhiem.storage.repository import SqlUnitOfWork

    added = runner.invoke(app, ["account", "add", "Lan.Nguyen", "--name", "Nguyễn Thị Lan", "--admin"])
    assert 0 == added.exit_code, added.output
    first = added.stdout.rsplit(": ", 1)[1].strip()
    renewed = runner.invoke(app, ["account", "password", "lan.nguyen"])
    second = renewed.stdout.rsplit(": ", 1)[1].strip()
    assert 0 == renewed.exit_code and first != second and 19 == len(second)
    uow = SqlUnitOfWork(Database.open())
    staff = accounts.staff(uow, accounts.sign_in(uow, "lan.nguyen", second))
    assert staff is not None and staff.admin
    refused = runner.invoke(app, ["account", "add", "Lan Nguyen", "--name", "X"])
    assert 1 == refused.exit_code and "login" in refused.stderr


def _csv(stdout: str) -> list[dict[str, str]]:
    import csv

    assert stdout.startswith("\ufeff")  # Excel reads the diacritics
    return list(csv.DictReader(stdout[1:].splitlines()))


def test_verify_csv_gives_the_verdict_then_one_row_per_check(home: Path, tmp_path: Path) -> None:
    """--csv, as --json: the verdict, each check of §12 in order, each receipt; a receipt file named like a
    formula reaches the spreadsheet as text; a tampered record names its failed check and concludes nothing else."""
    from tinnhiem.crypto.verify import CHECKS

    assert 0 == runner.invoke(app, ["demo"]).exit_code
    good = home / "documents" / "son-thuy-2026-ho-so-cong-khai.json"
    result = runner.invoke(app, ["verify", str(good), "--workers", "1", "--csv"])
    assert 0 == result.exit_code, result.output
    rows = _csv(result.stdout)
    assert ["verdict", *CHECKS] == [r["check"] for r in rows]
    assert ("valid", "ballots=53; spoiled=") == (rows[0]["result"], rows[0]["detail"][:20])
    assert {"not-run"} == {r["result"] for r in rows if r["check"] in ("receipt-election", "receipt")}
    assert {"passed"} == {r["result"] for r in rows[1:] if r["check"] not in ("receipt-election", "receipt")}

    formula = tmp_path / '=HYPERLINK("x.vn",1).json'
    formula.write_text("{}", encoding="utf-8")
    rows = _csv(runner.invoke(app, ["verify", str(good), "--workers", "1", "--csv", "--receipt", str(formula)]).stdout)
    assert {"check": "receipt-file", "result": "invalid", "detail": "'" + formula.name} == rows[-1]
    assert {"passed"} == {r["result"] for r in rows if r["check"] in ("receipt-election", "receipt")}

    data = json.loads(good.read_text(encoding="utf-8"))
    data["decryption"][0]["counts"][0] += 1
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(data), encoding="utf-8")
    result = runner.invoke(app, ["verify", str(bad), "--workers", "1", "--csv"])
    assert 1 == result.exit_code
    rows = _csv(result.stdout)
    failed = [r for r in rows[1:] if r["result"] == "failed"]
    assert [("invalid", failed[0]["check"])] == [(rows[0]["result"], rows[0]["detail"])]
    assert 1 == len(failed) and "người thứ 1" in failed[0]["detail"]
    assert {"not-concluded"} == {r["result"] for r in rows[1:] if r is not failed[0]}
    both = runner.invoke(app, ["verify", str(good), "--json", "--csv"])
    assert 2 == both.exit_code and "Traceback" not in both.output
