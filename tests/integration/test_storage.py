"""Storage and services on real SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import func, select

from tinnhiem.domain.double_entry import Entry
from tinnhiem.domain.errors import EntriesDiffer, InvalidInput, NotFound
from tinnhiem.domain.model import Level, Totals
from tinnhiem.services import rounds
from tinnhiem.storage.db import Database
from tinnhiem.storage.repository import SqlUnitOfWork
from tinnhiem.storage.tables import AuditRow, Base
from tinnhiem.testing import demo


def test_migrations_match_the_tables(database: Database) -> None:
    """The Alembic revisions create exactly the tables the code declares."""
    with database.engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert [] == diff


def test_round_file_round_trips(uow: SqlUnitOfWork) -> None:
    """A stored round reads back equal, and counts to the same result as the file."""
    code = rounds.import_round_file(uow, demo.demo_file(), code="r1")
    stored, totals = rounds.load(uow, code)
    from tinnhiem.services import roundfile

    original, original_totals = roundfile.parse_round(roundfile.load(demo.demo_file()))
    assert (original, original_totals) == (stored, totals)


def test_history_spans_rounds(uow: SqlUnitOfWork) -> None:
    """R-USE: a person's results are kept across rounds, oldest first, with positions then held."""
    demo.load_demo(uow)
    items = rounds.history(uow, "Nguyễn Văn Ân")
    assert ["son-thuy-2023", "son-thuy-2026"] == [i.code for i in items]
    assert "Phó Bí thư Tỉnh ủy, Chủ tịch UBND tỉnh" == items[0].result.subject.position  # type: ignore[union-attr]
    assert 39 == items[0].result.totals.counts[Level.HIGH]  # type: ignore[union-attr]


def test_history_shows_exemptions(uow: SqlUnitOfWork) -> None:
    """R-EXEMPT: an exempted person's history says why they were not voted on."""
    demo.load_demo(uow)
    (item,) = rounds.history(uow, "Mai Xuân Trường")
    assert ("new-in-year", None) == (item.exemption.reason.value, item.result)  # type: ignore[union-attr]


def test_unknown_person_is_not_found(uow: SqlUnitOfWork) -> None:
    """A name nobody has is an error that names it."""
    with pytest.raises(NotFound) as caught:
        rounds.history(uow, "Không Có Ai")
    assert "person-not-found" == caught.value.code


def _entry(member: str, uow: SqlUnitOfWork, code: str, bump: int = 0) -> Entry:
    round_, _ = rounds.load(uow, code)
    rows = [Totals({Level.HIGH: 40 + (bump if i == 1 else 0), Level.CONFIDENCE: 10, Level.LOW: 3}, 0)
            for i, _ in enumerate(round_.subjects)]
    return Entry(member, tuple(rows))


def _blank_round(uow: SqlUnitOfWork) -> str:
    from dataclasses import replace

    from tinnhiem.services import roundfile

    round_, _ = roundfile.parse_round(roundfile.load(demo.demo_file()))
    return rounds.create_round(uow, replace(round_), code="paper")


def test_double_entry_that_differs_saves_nothing(uow: SqlUnitOfWork, database: Database) -> None:
    """Nothing is saved until both members agree; the mismatch names the subject."""
    code = _blank_round(uow)
    with pytest.raises(EntriesDiffer) as caught:
        rounds.record_totals(uow, code, _entry("A", uow, code), _entry("B", uow, code, bump=1))
    assert ["Trần Thị Bích Hạnh"] == [m.subject.name for m in caught.value.mismatches]  # type: ignore[attr-defined]
    assert None is rounds.load(uow, code)[1]


def test_double_entry_that_agrees_is_saved_and_audited(uow: SqlUnitOfWork, database: Database) -> None:
    """Agreeing entries are saved; the audit log names both members."""
    code = _blank_round(uow)
    result = rounds.record_totals(uow, code, _entry("A", uow, code), _entry("B", uow, code))
    assert 40 == result.subjects[0].totals.counts[Level.HIGH]
    assert rounds.load(uow, code)[1] is not None
    with database.session() as session:
        actors = session.scalars(select(AuditRow.actor).where(AuditRow.action == "totals-recorded")).all()
    assert ["A; B"] == actors


def test_inconsistent_totals_are_not_saved(uow: SqlUnitOfWork, database: Database) -> None:
    """Totals above the ballots returned are refused even when both entries agree."""
    code = _blank_round(uow)
    too_many = tuple(Totals({Level.HIGH: 50, Level.CONFIDENCE: 10, Level.LOW: 3}, 0) for _ in range(12))
    with pytest.raises(InvalidInput) as caught:
        rounds.record_totals(uow, code, Entry("A", too_many), Entry("B", too_many))
    assert "counts-above-returned" == caught.value.code
    assert None is rounds.load(uow, code)[1]
    with database.session() as session:
        assert 0 == session.scalar(select(func.count()).where(AuditRow.action == "totals-recorded"))


def test_invalid_round_file_writes_nothing(uow: SqlUnitOfWork, database: Database, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """An inconsistent round file leaves the database empty."""
    text = demo.demo_file().read_text(encoding="utf-8").replace("cao: 47", "cao: 99")
    bad = tmp_path / "bad.yaml"
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(InvalidInput) as caught:
        rounds.import_round_file(uow, bad)
    assert "counts-above-returned" == caught.value.code
    assert [] == rounds.listing(uow)


def test_migration_0002_moves_typed_totals_into_the_paper_channel(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Data counted under schema 0001 survives the move of totals into channel_totals."""
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import text

    from tinnhiem.storage.db import MIGRATIONS, make_engine

    engine = make_engine(f"sqlite:///{tmp_path / 'old.sqlite3'}")
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0001")
        connection.execute(text("INSERT INTO bodies (id, name, kind) VALUES (1, 'B', 'state')"))
        connection.execute(text("INSERT INTO people (id, key, name) VALUES (1, 'A', 'A')"))
        connection.execute(text(
            "INSERT INTO rounds (id, code, body_id, rule_set, kind, title, date, place, base, style) "
            "VALUES (1, 'r', 1, 'nq96-2023', 'confidence', 't', '2026-01-01', '', NULL, 'two-decimals')"))
        connection.execute(text(
            "INSERT INTO round_subjects (id, round_id, number, person_id, position, \"group\", count_high, "
            "count_confidence, count_low, invalid) VALUES (1, 1, 0, 1, 'p', '', 5, 6, 7, 1)"))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
        row = connection.execute(text(
            "SELECT channel, count_high, count_confidence, count_low, invalid FROM channel_totals")).one()
    assert ("paper", 5, 6, 7, 1) == tuple(row)
