"""After closing: what the database's files still hold of the order of voting leaves them.

While voting is open, the database writes each check-in and each cast as it comes, and keeps that
order where an operator can read it after closing, unless it is erased:

- **PostgreSQL's table files.** Closing wrote every row of the voting tables again, in key order
  (storage/voting_store.py). The versions it replaced, each stamped with the transaction (``xmin``)
  of its cast or check-in, stay in the pages: VACUUM marks them unused but leaves their bytes.
  ``VACUUM FULL`` writes each table (its TOAST table and indexes too) into new files holding the
  live rows only; the old files are emptied at once (truncated) and deleted at the next checkpoint.
- **PostgreSQL's write-ahead log** (``pg_wal``) holds every write in order, with its transaction:
  each check-in (the delegate's id) and each cast (the card's credential), until a checkpoint no
  longer needs the segment. Then the server deletes it, or — by default (``wal_recycle``, up to
  ``min_wal_size`` and more after busy times) — *recycles* it: renames it to a future segment's name,
  content intact, until the log reaches that name and overwrites it. So: switch out of the current
  segment, checkpoint (every segment up to the close is now free, deleted or recycled ahead), then
  switch segment by segment until the log has passed every file the checkpoint left: each switch
  writes the rest of the segment as zeros, so every recycled segment is overwritten.
- **SQLite** writes each commit's pages to its ``-wal`` file in order; ``VACUUM`` writes the whole
  database anew (pages in key order, nothing freed left behind), and a TRUNCATE checkpoint empties
  the ``-wal`` file.

What the application cannot erase is reported, never hidden: a segment kept for ``wal_keep_size``,
a replication slot or the WAL archive (copies elsewhere are beyond any application), or a database
role without the rights below. docs/operations.md says what the server needs; docs/security.md
what stays. The steps are timed by ``bench/closing.py``.
"""

from __future__ import annotations

import logging
import re
import sqlite3
import time
from collections.abc import Sequence

from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import DBAPIError

log = logging.getLogger(__name__)

SEGMENT = re.compile(r"^[0-9A-F]{24}$")
SNAPSHOT_WAIT = 60.0  # seconds closing waits for a session reading from before it (an ANALYZE, say)
MOST_SWITCHES = 4096  # 64 GB of log: more segments than any max_wal_size here keeps; never loops for ever


def erase_sqlite_history(engine: Engine) -> list[str]:
    """The file written anew (VACUUM), then its write-ahead log emptied (checkpoint, TRUNCATE).

    Returns what could not be done (a reader or writer kept the file busy past the 30 s timeout),
    each also logged as a warning: the close has committed, it does not fail.
    """
    left = []
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute("VACUUM")
        # A reader (a projector's read) holds the log back: the busy timeout (30 s, storage/db.py) waits for it.
        if cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]:
            left.append("the -wal file was not emptied: another connection kept reading it")
    except sqlite3.OperationalError as error:
        left.append(f"the database file still holds the order of voting: {error}")
    finally:
        raw.close()
    for line in left:
        log.warning("closing: %s", line)
    return left


def erase_postgres_history(engine: Engine, tables: Sequence[str],
                           timings: dict[str, float] | None = None) -> list[str]:
    """The voting tables rewritten into new files, then the write-ahead log pushed past its segments.

    Returns what could not be erased (empty when all was), each also logged as a warning; ``timings``
    receives each step's seconds (bench/closing.py).
    """
    timings = {} if timings is None else timings
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        started = time.perf_counter()
        try:
            waiting = wait_for_older_snapshots(connection)
            timings["wait_for_snapshots"] = time.perf_counter() - started
            started = time.perf_counter()
            connection.exec_driver_sql("VACUUM (FULL) " + ", ".join(f'"{t}"' for t in tables))
        except DBAPIError as error:  # the close has committed: say what is left, do not fail it
            left = [f"the table files still hold the order of voting: {str(error.orig).strip()}"]
        else:
            timings["vacuum_full"] = time.perf_counter() - started
            try:
                left = waiting + push_out_write_ahead_log(connection, timings)
            except DBAPIError as error:
                left = [f"the write-ahead log still holds the order of voting: {str(error.orig).strip()} "
                        "(docs/operations.md: the rights closing needs)"]
    for line in left:
        log.warning("closing: %s", line)
    return left


def wait_for_older_snapshots(connection: Connection, most_seconds: float = SNAPSHOT_WAIT) -> list[str]:
    """Wait until no other session of this database holds a snapshot from before now (an ANALYZE of
    autovacuum, a long read): VACUUM FULL copies every row version such a snapshot may still see, so
    the closing's replaced versions would move into the new files. Returns who still held one, if any.

    Needs to see other sessions' ``backend_xmin`` (pg_monitor, or superuser): else none is seen.
    """
    now = int(connection.execute(text("SELECT pg_current_xact_id()::text::bigint")).scalar() or 0) % 2**32
    older = text("SELECT pid, backend_type FROM pg_stat_activity WHERE datname = current_database() "
                 "AND pid <> pg_backend_pid() AND backend_xmin IS NOT NULL "
                 "AND age(backend_xmin) > age(CAST(CAST(:now AS text) AS xid))")
    deadline = time.monotonic() + most_seconds
    while True:
        holders = connection.execute(older, {"now": now}).all()
        if not holders:
            return []
        if time.monotonic() > deadline:
            return [f"sessions {', '.join(f'{pid} ({kind})' for pid, kind in holders)} held a snapshot from "
                    "before closing: VACUUM FULL kept the row versions they may still see"]
        time.sleep(0.1)


def _segment(connection: Connection) -> str:
    """The segment being written now (a transaction's commit first, so the position is inside it)."""
    connection.execute(text("SELECT pg_current_xact_id()"))  # commits at once: one small WAL record
    return str(connection.execute(text("SELECT pg_walfile_name(pg_current_wal_insert_lsn())")).scalar())


def _segments(connection: Connection) -> list[str]:
    return sorted(n for n in connection.execute(text("SELECT name FROM pg_ls_waldir()")).scalars() if SEGMENT.match(n))


def push_out_write_ahead_log(connection: Connection, timings: dict[str, float] | None = None) -> list[str]:
    """Every segment written until now deleted or overwritten; what stays is returned, by reason."""
    timings = {} if timings is None else timings
    started = time.perf_counter()
    last = _segment(connection)  # holds the close, and the voting before it (with older segments)
    connection.execute(text("SELECT pg_switch_wal()"))
    connection.exec_driver_sql("CHECKPOINT")  # every segment up to ``last`` is free: deleted or renamed ahead
    timings["switch_and_checkpoint"] = time.perf_counter() - started
    started = time.perf_counter()
    segments = _segments(connection)
    target, switches = max(segments), 0
    while switches < MOST_SWITCHES and _segment(connection) <= target:  # until past it: overwritten to its end
        connection.execute(text("SELECT pg_switch_wal()"))
        switches += 1
    timings["segments_in_pg_wal"], timings["switches"] = len(segments), switches
    timings["overwrite_segments"] = time.perf_counter() - started
    kept = [n for n in _segments(connection) if n <= last]
    left = []
    if kept:
        left.append(f"{len(kept)} segment(s) of the write-ahead log from before closing are kept by the server "
                    "(wal_keep_size, a replication slot or the archiver): " + ", ".join(kept))
    if connection.execute(text("SHOW archive_mode")).scalar() != "off":
        left.append("archive_mode is on: the archived write-ahead log keeps the order of voting")
    slots = connection.execute(text("SELECT count(*) FROM pg_replication_slots")).scalar()
    if slots:
        left.append(f"{slots} replication slot(s): a replica or its archive keeps the order of voting")
    return left
