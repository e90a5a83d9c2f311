"""The command line at 80 columns and with bad input: every command given something wrong
answers in both languages and never with a traceback; `tally` and `round show` fit 80 columns, in words."""

from __future__ import annotations

import csv
import io
import json
import traceback
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tinnhiem.cli.main import app
from tinnhiem.testing import demo

runner = CliRunner()
NARROW = {"COLUMNS": "80", "TINNHIEM_LANG": "vi"}


def run(args: list[str], stdin: str = "") -> tuple[int, str]:
    """The exit code and everything printed (out and err), with any exception's traceback as a person sees it."""
    result = runner.invoke(app, args, input=stdin, env=NARROW)
    printed = result.stdout + result.stderr
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        printed += "".join(traceback.format_exception(result.exception))
    return result.exit_code, printed


@pytest.fixture
def stored(home: Path) -> str:
    assert 0 == run(["round", "import", str(demo.demo_file()), "--code", "d"])[0]
    return "d"


def bad_inputs(tmp: Path) -> list[list[str]]:
    """Each command with something a person gets wrong: an unknown round, a missing file, a used code, a
    sheet that does not exist, a wrong number."""
    missing, junk = str(tmp / "khong-co.yaml"), tmp / "rac.json"
    junk.write_text("{not json", encoding="utf-8")
    return [
        ["tally", "khong-co"], ["tally", missing], ["tally", "d", "--json", "--csv"],
        ["round", "import", str(demo.demo_file()), "--code", "d"],  # a code already used
        ["round", "import", missing],
        ["round", "create", missing, "--subjects", missing],
        ["round", "create", str(demo.demo_file()), "--subjects", str(junk), "--code", "d"],
        ["round", "show", "khong-co"], ["round", "figures", "khong-co", "--convened", "5"],
        ["round", "figures", "d", "--present", "999"],
        ["rounds", "--json", "--csv"], ["count", "khong-co"], ["documents", "khong-co"],
        ["history", "Không Có Ai"], ["verify", missing], ["verify", str(junk)],
        ["paper", "print", "khong-co"], ["paper", "scan", "d", missing], ["paper", "review", "khong-co",
                                                                          "--member", "x"],
        ["paper", "withdraw", "d", "999", "--reason", "x", "--member", "Hà Văn Tâm"],
        ["paper", "place", "d", "999", "1,1", "2,2", "3,3", "4,4", "--member", "Hà Văn Tâm"],
        ["paper", "place", "d", "1", "1,1", "x", "--member", "Hà Văn Tâm"],
        ["paper", "export", "khong-co"], ["paper", "count", "khong-co"],
        ["checkin", "khong-co", "Ai Đó"], ["checkin", "d", "Ai Đó"],
        ["electronic", "d", missing], ["electronic", "d", str(junk)],
        ["committee", "setup", "khong-co", "--member", "A", "--threshold", "2"],
        ["committee", "decrypt", "d", "--key", missing],
        ["cards", "make", "khong-co", "--count", "5"], ["cards", "upload", "d", str(junk)],
        ["cards", "upload", "d", missing], ["cards", "void", "khong-co", "ABC", "--member", "Ai Đó"],
        ["account", "add", "Tên Sai", "--name", "X"], ["account", "password", "khong-co"],
        ["serve", "--certfile", missing],
    ]


def test_no_command_answers_bad_input_with_a_traceback(stored: str, tmp_path: Path) -> None:
    """Before: `round import` with a used code printed a 98-line SQLAlchemy traceback; a missing file was
    said in English only."""
    for args in bad_inputs(tmp_path):
        code, printed = run(args)
        assert code != 0, args
        assert "Traceback" not in printed, (args, printed[-2000:])
        assert "Lỗi / Error" in printed or "KHÔNG HỢP LỆ / INVALID" in printed, (args, printed)


def test_a_missing_file_is_said_in_both_languages(home: Path, tmp_path: Path) -> None:
    code, printed = run(["tally", str(tmp_path / "khong-co.yaml")])
    said = " ".join(printed.split())
    assert 1 == code and "Không có tệp «" in said and "No such file: «" in said


def test_tally_fits_80_columns_in_words(home: Path) -> None:
    """Before: 97 lines for 12 subjects, positions over 6 to 9 lines, headers broken, "Tỷ lệ tính trên:
    ballots_returned = 493" and an unexplained "Mức" column."""
    code, printed = run(["tally", str(demo.demo_file())])
    assert 0 == code, printed
    lines = printed.splitlines()
    assert max(len(line) for line in lines) <= 80
    assert len(lines) <= 60
    assert "ballots_returned" not in printed and "Mức" not in printed
    assert "Tỷ lệ tính trên tổng số phiếu thu về: 53" in printed
    assert any("Bí thư Tỉnh ủy" in line and "88,68%" in line for line in lines)  # the position on its own line


def test_tally_csv_has_a_row_per_subject_with_the_band_in_words(home: Path, published: Path) -> None:
    code, printed = run(["tally", str(published / "vinhphuc-hdnd-2023.yaml"), "--csv"])
    assert 0 == code, printed
    rows = list(csv.DictReader(io.StringIO(printed.lstrip("\ufeff"))))
    assert "> 1/2 thấp" == rows[3]["Lưu ý"] and "53.19" == rows[3]["Tín nhiệm thấp (%)"]
    assert "tổng số phiếu thu về" == rows[0]["Tỷ lệ tính trên"]


def test_round_show_says_what_was_imported(stored: str) -> None:
    code, printed = run(["round", "show", stored])
    assert 0 == code, printed
    assert max(len(line) for line in printed.splitlines()) <= 80
    assert "Số được triệu tập" in printed and "55" in printed and "tổng số phiếu thu về" in printed
    assert "Ủy viên Ban Thường vụ" in printed
    data = json.loads(run(["round", "show", stored, "--json"])[1])
    assert (12, 2) == tuple(sum(r["kind"] == kind for r in data["subjects"]) for kind in ("subject", "exemption"))
    assert 1 + 12 + 2 == len(run(["round", "show", stored, "--csv"])[1].splitlines())
