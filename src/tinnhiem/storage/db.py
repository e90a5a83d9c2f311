"""Opening the database: the SQLite file by default, PostgreSQL when TINNHIEM_DATABASE_URL says so."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from tinnhiem.settings import current

MIGRATIONS = Path(__file__).parent / "migrations"


def home() -> Path:
    """Where tinnhiem keeps its files: TINNHIEM_HOME, else ./tinnhiem-data (``tinnhiem.settings``)."""
    return current().home


def database_url() -> str:
    """TINNHIEM_DATABASE_URL, else an embedded SQLite file under ``home()`` (``tinnhiem.settings``)."""
    return current().database()


def _sqlite_pragmas(dbapi_connection: sqlite3.Connection, _record: object) -> None:
    dbapi_connection.isolation_level = None  # SQLAlchemy emits BEGIN itself
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")  # a reader never blocks the writer
    cursor.execute("PRAGMA synchronous=FULL")  # durable on commit
    cursor.execute("PRAGMA secure_delete=ON")  # what is deleted or rewritten is zeroed, not left in free pages
    cursor.close()


def _begin_immediate(connection: Connection) -> None:
    """SQLite: every transaction takes the write lock at once, so a transaction that reads a state
    and then writes (a cast checking that voting is open) cannot interleave with another writer."""
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def make_engine(url: str | None = None) -> Engine:
    url = url or database_url()
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _begin_immediate)
        return engine
    # A worker runs up to 40 requests at once (its thread pool): with SQLAlchemy's 5 kept connections, a burst of
    # phones opened and closed a new PostgreSQL connection for one request in two (bench load's profile). 16 kept,
    # 8 more at the peak: two workers hold at most 48 of PostgreSQL's 100.
    return create_engine(url, pool_size=16, max_overflow=8)


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest Alembic revision."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


class Database:
    """An engine and its session factory; ``Database.open()`` migrates first."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.sessions = sessionmaker(engine, expire_on_commit=False)

    @classmethod
    def open(cls, url: str | None = None) -> Database:
        engine = make_engine(url)
        migrate(engine)
        return cls(engine)

    def session(self) -> Session:
        return self.sessions()
