"""`tinnhiem round template`: a commented Vietnamese example of every key the round loader reads."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import yaml
from typer.testing import CliRunner

from tinnhiem.cli.main import app
from tinnhiem.services import roundfile

runner = CliRunner()
README = Path(__file__).resolve().parents[2] / "README.md"


def loader_keys() -> set[str]:
    """The top-level keys parse_round reads, found in its source (a new key fails this test)."""
    source = inspect.getsource(roundfile.parse_round)
    return set(re.findall(r'(?:\bdata\.get\(|\bdata\[|_text\(data, |_list\(data, )"(\w+)"', source)) - {"subjects"}


def test_template_holds_every_key_and_creates_a_round(home: Path, tmp_path: Path) -> None:
    folder = tmp_path / "mau"
    result = runner.invoke(app, ["round", "template", str(folder)])
    assert 0 == result.exit_code, result.output
    info = folder / "thong-tin.yaml"
    text = info.read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    assert {"rule_set", "title", "date", "base", "body", "conference", "committee"} <= loader_keys()
    assert loader_keys() <= set(data)
    assert {"name", "members", "kind"} == set(data["body"])
    assert {"convened", "present", "ballots_issued", "ballots_returned"} == set(data["conference"])
    assert {"name", "role"} == set(data["committee"][0])
    assert text.count("\n#") >= 30 and "Bộ quy tắc" in text  # commented, in Vietnamese
    created = runner.invoke(app, ["round", "create", str(info), "--subjects", str(folder / "danh-sach.xlsx"),
                                  "--delegates", str(folder / "dai-bieu.xlsx"),
                                  "--exemptions", str(folder / "khong-lay-phieu.xlsx"), "--code", "mau-2026"])
    assert 0 == created.exit_code, created.output
    assert "4 người được lấy phiếu, 1 không lấy phiếu, 6 đại biểu" in " ".join(created.stdout.split())


def test_template_keeps_an_existing_file(home: Path, tmp_path: Path) -> None:
    (tmp_path / "thong-tin.yaml").write_text("rule_set: qd96-2023\n", encoding="utf-8")
    result = runner.invoke(app, ["round", "template", str(tmp_path)])
    assert 1 == result.exit_code and "--force" in result.stderr
    assert "rule_set: qd96-2023\n" == (tmp_path / "thong-tin.yaml").read_text(encoding="utf-8")


def test_readme_documents_the_keys_in_vietnamese() -> None:
    text = README.read_text(encoding="utf-8")
    vietnamese = text[text.index("## Bắt đầu nhanh"):text.index("## Command line")]
    assert "tinnhiem round template" in vietnamese
    for key in loader_keys():
        assert f"`{key}`" in vietnamese, key
