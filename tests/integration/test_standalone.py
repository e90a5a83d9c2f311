"""The repository stands alone: a fresh clone, with nothing beside it, has every document and test file it needs."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# What would point outside the clone: a sibling folder, the old specification folder, this machine's paths,
# or an issue tracker a user's clone does not have.
OUTSIDE = re.compile(
    r"\.\./(?:shared|spec)\b|shared/(?:spec|data)\b|(?<![\w/])spec/[\w-]+\.md|/work/|/home/|\bissue \d+",
    re.IGNORECASE,
)
CITED_DOCUMENT = re.compile(r"(?<![\w./-])((?:[\w-]+/)*[\w-]+\.md)\b")
# npm's lock names only packages and registry addresses; this file spells out the patterns it looks for.
SKIPPED = {"package-lock.json", Path(__file__).name}


@pytest.fixture(scope="module")
def clone(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The committed HEAD, cloned into an empty folder."""
    if not (ROOT / ".git").exists() or shutil.which("git") is None:
        pytest.skip("not a git checkout")
    head = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "HEAD"], check=True, capture_output=True,
                          text=True).stdout.strip()
    target = tmp_path_factory.mktemp("empty") / "tinnhiem"
    subprocess.run(["git", "clone", "--quiet", "--no-checkout", str(ROOT), str(target)], check=True, timeout=120)
    subprocess.run(["git", "-C", str(target), "checkout", "--quiet", head], check=True, timeout=120)
    assert [target.name] == [p.name for p in target.parent.iterdir()]  # nothing beside the clone
    return target


def tracked(clone: Path) -> list[Path]:
    names = subprocess.run(["git", "-C", str(clone), "ls-files"], check=True, capture_output=True,
                           text=True).stdout.split()
    return [clone / name for name in names if Path(name).name not in SKIPPED]


def text_of(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return None  # images, PDFs: nothing to cite


def test_no_tracked_file_points_outside_the_repository(clone: Path) -> None:
    """No file reads or cites the folder beside the clone, a spec file outside docs/, an absolute path or an issue number."""
    found = [
        f"{path.relative_to(clone)}:{n}: {match.group(0)}"
        for path in tracked(clone)
        if (text := text_of(path)) is not None
        for n, line in enumerate(text.splitlines(), start=1)
        for match in OUTSIDE.finditer(line)
    ]
    assert [] == found


def test_every_cited_document_is_in_the_repository(clone: Path) -> None:
    """Each `something.md` a file names exists: from the root, beside the file, or in docs/."""
    missing = []
    for path in tracked(clone):
        text = text_of(path)
        for name in CITED_DOCUMENT.findall(text or ""):
            places = (clone / name, path.parent / name, clone / "docs" / name)
            if not any(place.is_file() for place in places):
                missing.append(f"{path.relative_to(clone)}: {name}")
    assert [] == missing


def test_the_documents_the_issue_asked_for_are_there(clone: Path) -> None:
    """The round file, the rules with their ids and the document conventions are written down in docs/."""
    rules = (clone / "docs" / "rules.md").read_text(encoding="utf-8")
    for rule in ("R-EXEMPT", "R-CONV", "R-QUORUM", "R-VALID-1", "R-VALID-2", "R-PCT-1", "R-PCT-2", "R-PCT-3",
                 "R-NOCONF-2"):
        assert rule in rules
    assert "ballots_returned" in (clone / "docs" / "round-file.md").read_text(encoding="utf-8")
    assert "Liberation Serif" in (clone / "docs" / "documents.md").read_text(encoding="utf-8")


def test_the_published_tables_are_checked_inside_the_clone(clone: Path) -> None:
    """The published-results test runs from the clone's own files and checks every table there."""
    published = clone / "tests" / "data" / "published"
    cases = sorted(p.name.removesuffix(".expected.json") for p in published.glob("*.expected.json"))
    assert len(cases) >= 2
    assert all((published / f"{case}.yaml").is_file() for case in cases)
    env = {**os.environ, "PYTHONPATH": str(clone / "src")}
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/unit/test_published.py"],
        cwd=clone, env=env, capture_output=True, text=True, timeout=300,
    )
    assert 0 == run.returncode, run.stdout + run.stderr
    passed = re.search(r"(\d+) passed", run.stdout)
    assert passed is not None and int(passed.group(1)) > len(cases), run.stdout
    assert "skipped" not in run.stdout


def test_every_cited_rule_is_stated_in_docs_rules(clone: Path) -> None:
    """Each rule id (R-…) a file cites is stated, in bold, in docs/rules.md."""
    rules = (clone / "docs" / "rules.md").read_text(encoding="utf-8")
    cited = {
        rule
        for path in tracked(clone)
        for rule in re.findall(r"\bR-[A-Z]+(?:-[A-Z]+)*(?:-\d+)?\b", text_of(path) or "")
    }
    assert len(cited) > 10
    assert [] == sorted(rule for rule in cited if f"**{rule}**" not in rules)
