"""`tinnhiem history` finds a person however the name is typed; namesakes are told apart by their code."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tinnhiem.cli.main import app

runner = CliRunner()
WIDE = {"COLUMNS": "200"}

NAMESAKES = """rule_set: qd96-2023
body: {name: Ban Chấp hành Đảng bộ huyện Đồng Hòa, members: 30, kind: party}
title: Lấy phiếu tín nhiệm năm 2026
date: 2026-12-01
conference: {convened: 30, present: 30, ballots_issued: 30, ballots_returned: 30}
base: ballots_returned
subjects:
  - {name: Nguyễn Văn Ân, person_key: CB-0101, position: Bí thư Huyện ủy, counts: {cao: 20, tin_nhiem: 9, thap: 1}}
  - {name: Nguyễn Văn An, person_key: CB-0102, position: Phó Bí thư Huyện ủy, counts: {cao: 18, tin_nhiem: 10, thap: 2}}
  - {name: Trần Đình Đức, person_key: CB-0103, position: Chủ tịch UBND huyện, counts: {cao: 17, tin_nhiem: 10, thap: 3}}
"""


@pytest.fixture
def stored(home: Path, tmp_path: Path) -> Path:
    assert 0 == runner.invoke(app, ["demo"]).exit_code
    path = tmp_path / "dong-hoa.yaml"
    path.write_text(NAMESAKES, encoding="utf-8")
    assert 0 == runner.invoke(app, ["round", "import", str(path), "--code", "dong-hoa-2026"]).exit_code
    return home


@pytest.mark.parametrize("typed", [
    "Ngô  Quốc Dũng ",                                 # two spaces, a trailing space
    "ngô quốc dũng",                                   # lower case
    "NGÔ QUỐC DŨNG",                                   # upper case
    unicodedata.normalize("NFD", "Ngô Quốc Dũng"),     # decomposed (macOS, some keyboards)
    "ngo quoc dung",                                   # without diacritics
    "Ngo\u00a0Quoc Dung",                              # a non-breaking space from a copied cell
])
def test_history_finds_a_person_however_typed(stored: Path, typed: str) -> None:
    result = runner.invoke(app, ["history", typed], env=WIDE)
    assert 0 == result.exit_code, result.output
    assert "2023-11-15" in result.stdout and "2026-11-20" in result.stdout


def test_d_with_stroke_is_typed_as_d(stored: Path) -> None:
    result = runner.invoke(app, ["history", "tran dinh duc"], env=WIDE)
    assert 0 == result.exit_code, result.output
    assert "2026-12-01" in result.stdout and "Chủ tịch UBND huyện" in result.stdout


def test_namesakes_without_diacritics_are_listed_with_their_codes(stored: Path) -> None:
    """"nguyen van an" means three people: the demo's Nguyễn Văn Ân (no code) and two with codes."""
    result = runner.invoke(app, ["history", "nguyen van an"], env=WIDE)
    assert 1 == result.exit_code
    assert "" == result.stdout
    assert "CB-0101" in result.stderr and "CB-0102" in result.stderr
    assert "Phó Bí thư Huyện ủy" in result.stderr and "Bí thư Tỉnh ủy" in result.stderr
    assert "mã cán bộ" in result.stderr and "person code" in result.stderr


def test_a_code_or_the_exact_name_chooses_one_namesake(stored: Path) -> None:
    by_code = runner.invoke(app, ["history", "cb-0102"], env=WIDE)
    assert 0 == by_code.exit_code, by_code.output
    assert "Phó Bí thư Huyện ủy" in by_code.stdout and "2026-12-01" in by_code.stdout
    exact = runner.invoke(app, ["history", "Nguyễn Văn An"], env=WIDE)
    assert 0 == exact.exit_code, exact.output
    assert "Phó Bí thư Huyện ủy" in exact.stdout


def test_nobody_is_said_plainly(stored: Path) -> None:
    result = runner.invoke(app, ["history", "Không Có Ai"], env=WIDE)
    assert 3 == result.exit_code
    assert "Không tìm thấy" in result.stderr
