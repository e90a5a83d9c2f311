"""Shared fixtures: the published tables, real SQLite and PostgreSQL databases, and SoftHSM2 signing tokens for a
committee of three members and the head (the signed-minutes tests of the command line, the page and the browser)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tinnhiem.storage.db import Database, make_engine, migrate
from tinnhiem.storage.repository import SqlUnitOfWork
from tinnhiem.storage.tables import Base

ROOT = Path(__file__).resolve().parents[1]
PUBLISHED = ROOT / "tests" / "data" / "published"  # published tables, kept in the repository
# Each folder of tests/ is a tier, marked by that folder's name: `pytest -m "unit or property"` (make test-fast).
TIERS = ("unit", "property", "integration", "api", "paper", "browser")
POSTGRES_URL = os.environ.get(
    "TINNHIEM_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark every test with its tier; a test outside the tier folders is an error, not a test no tier runs."""
    for item in items:
        parts = item.path.relative_to(ROOT / "tests").parts
        if len(parts) < 2 or parts[0] not in TIERS:
            raise pytest.UsageError(f"{item.nodeid}: put the test in one of tests/{{{','.join(TIERS)}}}/")
        item.add_marker(getattr(pytest.mark, parts[0]))


@pytest.fixture(scope="session")
def published() -> Path:
    """The folder of published results (tests/data/published)."""
    assert PUBLISHED.is_dir(), f"missing {PUBLISHED}"
    return PUBLISHED


@pytest.fixture(scope="session")
def postgres_database() -> Iterator[Database]:
    """A fresh PostgreSQL database for this test session, migrated, dropped at the end."""
    name = f"tinnhiem_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine = make_engine(make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False))
    migrate(engine)
    yield Database(engine)
    engine.dispose()
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """A migrated, empty database: an SQLite file, then the PostgreSQL server."""
    if request.param == "sqlite":
        yield Database.open(f"sqlite:///{tmp_path / 'test.sqlite3'}")
        return
    database = request.getfixturevalue("postgres_database")
    with database.engine.begin() as connection:
        tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    yield database


@pytest.fixture
def uow(database: Database) -> SqlUnitOfWork:
    return SqlUnitOfWork(database)


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """TINNHIEM_HOME in a temporary folder, with the embedded SQLite database."""
    monkeypatch.setenv("TINNHIEM_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("TINNHIEM_DATABASE_URL", raising=False)
    return tmp_path / "home"


PIN = "246810"
HEAD = "Trần Văn Kiểm"
MEMBERS = ("Lê Thị Phiếu", "Phạm Văn Đếm", "Ngô Thị Hà")
SIGNERS = (*MEMBERS, HEAD)


@pytest.fixture(scope="session")
def tokens(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """One SoftHSM2 token per signer, made by the project's script; SOFTHSM2_CONF for this process.

    The PKCS#11 library reads SOFTHSM2_CONF once, when first loaded: every token is made before that, once per
    test session, whichever test module asks first.
    """
    folder = tmp_path_factory.mktemp("tokens")
    made = subprocess.run([sys.executable, str(ROOT / "scripts" / "softhsm-tokens.py"), str(folder), "--pin", PIN,
                           *SIGNERS, "--pkcs12", "Người lạ"], check=True, capture_output=True, text=True)
    os.environ["SOFTHSM2_CONF"] = str(folder / "softhsm2.conf")
    return json.loads(made.stdout) | {"root": str(folder / "root.pem")}  # type: ignore[no-any-return]


def round_file(folder: Path) -> Path:
    """A published round (with its counts) whose committee is the head and the three members."""
    data = yaml.safe_load((PUBLISHED / "vinhphuc-hdnd-2023.yaml").read_text(encoding="utf-8"))
    data["committee"] = [{"name": HEAD, "role": "Trưởng ban"}, *({"name": m} for m in MEMBERS)]
    path = folder / "vinhphuc.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path
