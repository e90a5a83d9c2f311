"""One Settings: every TINNHIEM_* variable read there only, checked, and documented in the README."""

import ast
import re
from pathlib import Path

import pytest
from pydantic import ValidationError

from tinnhiem.settings import Settings
from tinnhiem.storage import db

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src" / "tinnhiem"


def _reads_environment(path: Path) -> list[int]:
    """Lines that read the environment: ``os.environ``, ``os.getenv``, ``environ.get``, ``from os import environ``."""
    readers = {"environ", "getenv", "environb"}
    lines = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        attribute = isinstance(node, ast.Attribute) and node.attr in readers
        imported = isinstance(node, ast.ImportFrom) and node.module == "os" and bool({a.name for a in node.names} & readers)
        if attribute or imported:
            lines.append(node.lineno)
    return lines


def test_the_environment_is_read_in_settings_only() -> None:
    wrong = [f"{p.relative_to(SRC)}:{n}" for p in sorted(SRC.rglob("*.py")) if p.name != "settings.py" or
             p.parent != SRC for n in _reads_environment(p)]
    assert [] == wrong


def test_every_setting_is_documented_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    settings_line = readme[readme.index("Settings (environment variables"):]
    settings_line = settings_line[:settings_line.index("\n\n")]
    documented = set(re.findall(r"`TINNHIEM_([A-Z_]+)`", settings_line))
    assert {name.upper() for name in Settings.model_fields} == documented


def test_home_and_database_come_from_the_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("TINNHIEM_HOME", str(tmp_path / "hall"))
    monkeypatch.delenv("TINNHIEM_DATABASE_URL", raising=False)
    assert tmp_path / "hall" == db.home()
    assert f"sqlite:///{tmp_path / 'hall' / 'tinnhiem.sqlite3'}" == db.database_url()
    monkeypatch.setenv("TINNHIEM_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1/x")
    assert "postgresql+psycopg://postgres@127.0.0.1/x" == db.database_url()


@pytest.mark.parametrize(("variable", "value"), [
    ("TINNHIEM_SIGN_IN_ATTEMPTS", "0"),
    ("TINNHIEM_ATTEMPT_WINDOW", "ten"),
    ("TINNHIEM_REDIS_URL", "http://127.0.0.1:6379"),
    ("TINNHIEM_DATABASE_URL", "mysql://x"),
    ("TINNHIEM_LANG", "fr"),
    ("TINNHIEM_FONT_DIR", "/no/such/folder"),
])
def test_a_wrong_value_is_refused_by_name(monkeypatch: pytest.MonkeyPatch, variable: str, value: str) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(ValidationError) as refused:
        Settings()
    assert [variable.removeprefix("TINNHIEM_").lower()] == [str(e["loc"][0]) for e in refused.value.errors()]


def test_values_passed_in_win_over_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("TINNHIEM_ORGANISER_CODE", "FROM-ENV")
    monkeypatch.setenv("TINNHIEM_LANG", "en_GB.UTF-8")
    settings = Settings(home=tmp_path, organiser_code="GIVEN")
    assert ("GIVEN", "en", tmp_path) == (settings.organiser_code, settings.lang, settings.home)


def test_the_hall_keeps_its_secrets_once_made(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("TINNHIEM_HOME", str(tmp_path))
    for name in ("SECRET_KEY", "ORGANISER_CODE", "DATABASE_URL"):
        monkeypatch.delenv(f"TINNHIEM_{name}", raising=False)
    first, again = Settings.from_env(), Settings.from_env()
    assert first.secret_key and first.organiser_code
    assert (first.secret_key, first.organiser_code) == (again.secret_key, again.organiser_code)
    assert (tmp_path / "organiser.code").read_text(encoding="utf-8").strip() == first.organiser_code


def test_a_person_sees_the_variable_to_fix(monkeypatch: pytest.MonkeyPatch) -> None:
    """The command line stops with the variable's own name and value, not a traceback."""
    from tinnhiem.settings import current

    monkeypatch.setenv("TINNHIEM_SIGN_IN_ATTEMPTS", "0")
    with pytest.raises(SystemExit) as stopped:
        current()
    assert str(stopped.value).startswith("Cài đặt sai / Wrong setting: TINNHIEM_SIGN_IN_ATTEMPTS='0': ")


@pytest.mark.parametrize("weak", ["1234", "quantri", "ORG-1234", "aaaa-aaaa-aaaa-aaaa", "1212-1212-1212"])
def test_a_weak_organiser_code_is_refused_by_name(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, weak: str) -> None:
    """From an outside review: TINNHIEM_ORGANISER_CODE=1234 became the first admin's password. Now the hall does not start;
    the message names the variable and never prints the value."""
    monkeypatch.setenv("TINNHIEM_HOME", str(tmp_path))
    monkeypatch.setenv("TINNHIEM_ORGANISER_CODE", weak)
    with pytest.raises(SystemExit) as stopped:
        Settings.from_env()
    assert "TINNHIEM_ORGANISER_CODE" in str(stopped.value) and weak not in str(stopped.value)


def test_a_strong_organiser_code_is_kept(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("TINNHIEM_HOME", str(tmp_path))
    monkeypatch.setenv("TINNHIEM_ORGANISER_CODE", "7QF2-MX9K-PA4D")
    assert "7QF2-MX9K-PA4D" == Settings.from_env().organiser_code
