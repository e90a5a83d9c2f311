"""`tinnhiem rounds` and `tinnhiem history` at 80 columns (snapshots), and their --json / --csv rows.

Snapshots live in tests/integration/snapshots/; after a deliberate change of layout,
rewrite them with TINNHIEM_UPDATE_SNAPSHOTS=1 and look at the difference before committing.
"""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tinnhiem.cli.main import app

runner = CliRunner()
SNAPSHOTS = Path(__file__).parent / "snapshots"
NARROW = {"COLUMNS": "80", "TINNHIEM_LANG": "vi"}


@pytest.fixture
def demo_home(home: Path) -> Path:
    assert 0 == runner.invoke(app, ["demo"]).exit_code
    return home


def _matches_snapshot(name: str, text: str) -> None:
    path = SNAPSHOTS / name
    text = "".join(line.rstrip() + "\n" for line in text.splitlines())  # editors strip trailing spaces
    if os.environ.get("TINNHIEM_UPDATE_SNAPSHOTS"):
        path.parent.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.read_text(encoding="utf-8") == text


def _fits(text: str, width: int = 80) -> None:
    assert all(len(line) <= width for line in text.splitlines()), max(text.splitlines(), key=len)


def test_rounds_at_80_columns(demo_home: Path) -> None:
    """Codes and whole dates on one line each; the title folds in its own column."""
    result = runner.invoke(app, ["rounds"], env=NARROW)
    assert 0 == result.exit_code, result.output
    _fits(result.stdout)
    lines = result.stdout.splitlines()
    for code, date in (("son-thuy-2023", "2023-11-15"), ("son-thuy-2026", "2026-11-20")):
        assert any(code in line and date in line for line in lines), result.stdout
    assert "…" not in result.stdout
    _matches_snapshot("rounds-80.txt", result.stdout)


def test_history_at_80_columns(demo_home: Path) -> None:
    """Dates whole, the name on one line, the three percentages and the band of each round in view."""
    result = runner.invoke(app, ["history", "Ngô Quốc Dũng"], env=NARROW)
    assert 0 == result.exit_code, result.output
    _fits(result.stdout)
    assert any("Ngô Quốc Dũng" in line for line in result.stdout.splitlines())
    row = next(line for line in result.stdout.splitlines() if "2026-11-20" in line)
    assert "62,26%" in row and "30,19%" in row and "7,55%" in row
    assert "…" not in result.stdout
    _matches_snapshot("history-80.txt", result.stdout)


def test_history_of_an_exempted_person_at_80_columns(demo_home: Path) -> None:
    result = runner.invoke(app, ["history", "Mai Xuân Trường"], env=NARROW)
    assert 0 == result.exit_code, result.output
    _fits(result.stdout)
    assert "không lấy phiếu" in result.stdout and "2026-11-20" in result.stdout
    _matches_snapshot("history-exempted-80.txt", result.stdout)


def test_rounds_json_and_csv(demo_home: Path) -> None:
    rows = json.loads(runner.invoke(app, ["rounds", "--json"]).stdout)
    assert [("son-thuy-2023", "2023-11-15", 3, True), ("son-thuy-2026", "2026-11-20", 12, True)] == [
        (r["code"], r["date"], r["subjects"], r["counted"]) for r in rows]
    text = runner.invoke(app, ["rounds", "--csv"]).stdout
    assert text.startswith("\ufeff")  # Excel reads the diacritics
    table = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert "Ban Chấp hành Đảng bộ tỉnh Sơn Thủy" == table[1]["body"] and "12" == table[1]["subjects"]


def test_history_json_and_csv(demo_home: Path) -> None:
    rows = json.loads(runner.invoke(app, ["history", "ngo quoc dung", "--json"]).stdout)
    assert ["2023-11-15", "2026-11-20"] == [r["date"] for r in rows]
    assert (33, "62.26", 1, 53) == (rows[1]["cao"], rows[1]["cao_percent"], rows[1]["band"], rows[1]["base"])
    text = runner.invoke(app, ["history", "Mai Xuân Trường", "--csv"]).stdout
    (row,) = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    assert ("new-in-year", "False", "") == (row["exempted"], row["counted"], row["cao"])


def test_json_and_csv_together_are_refused(demo_home: Path) -> None:
    result = runner.invoke(app, ["rounds", "--json", "--csv"])
    assert 1 == result.exit_code and "" == result.stdout


def test_csv_cells_that_look_like_formulas_stay_text(home: Path, tmp_path: Path) -> None:
    """An attacker's round file names its body, title and subject as formulas: the CSV listings give each
    one with a leading apostrophe, so Excel shows the text and runs nothing (reports/cells.py)."""
    from tinnhiem.testing import demo

    text = demo.demo_file("demo-2023.yaml").read_text(encoding="utf-8")
    text = text.replace("name: Ban Chấp hành", "name: \"=Ban Chấp hành", 1).replace("Sơn Thủy\n  members", "Sơn Thủy\"\n  members", 1)
    text = text.replace("title: Lấy phiếu", "title: \"+Lấy phiếu", 1).replace("2020–2025\n", "2020–2025\"\n", 1)
    text = text.replace("{name: Ngô Quốc Dũng,", "{name: \"=HYPERLINK(\\\"http://x\\\",\\\"Ngô Quốc Dũng\\\")\",", 1)
    text = text.replace("position: \"Ủy viên Ban Thường vụ, Bí thư Thành ủy", "position: \"@Ủy viên Ban Thường vụ, Bí thư Thành ủy", 1)
    path = tmp_path / "formulas.yaml"
    path.write_text(text, encoding="utf-8")
    created = runner.invoke(app, ["round", "import", str(path), "--code", "f"])
    assert 0 == created.exit_code, created.output
    listing = runner.invoke(app, ["rounds", "--csv"]).stdout
    (row,) = csv.DictReader(io.StringIO(listing.lstrip("\ufeff")))
    assert row["body"].startswith("'=Ban") and row["title"].startswith("'+Lấy"), row
    history = runner.invoke(app, ["history", '=HYPERLINK("http://x","Ngô Quốc Dũng")', "--csv"]).stdout
    (person,) = csv.DictReader(io.StringIO(history.lstrip("\ufeff")))
    assert person["name"].startswith("'=HYPERLINK(") and person["position"].startswith("'@Ủy viên"), person
    assert not any(cell.startswith(("=", "+", "-", "@")) for cell in (*row.values(), *person.values()))
