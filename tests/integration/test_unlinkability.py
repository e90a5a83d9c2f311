"""The operator's attack: from a copy of the database alone, pair delegates with their ballots.

40 delegates check in in a random order, each handed one card drawn from a shuffled stack (as
paper ballots are), and vote in another random order. The attacker then reads every table with
every column and every hidden order the database keeps — SQLite's ``rowid`` and the order rows come
back in; PostgreSQL's ``ctid``, ``xmin`` and physical order — and tries every way of pairing: a value
shared by a delegate's row and a ballot's row, or the n-th delegate of one order with the n-th ballot
of another. With 40 delegates chance pairs one (Poisson(1)); the attack must do no better than 7.
On the schema before anonymous cards (``voters.id`` and ``ciphertexts.id`` advancing together) the
same attack paired 40 of 40.

The harder case is the late arrival: voting opens at the quorum, and each latecomer checks in and votes
at once, between the others' casts. PostgreSQL's ``xmin`` comes from one counter for every table, so
an attacker lays check-ins and casts on one timeline and pairs each latecomer with the next ballot.
Closing rewrites the tables written while voting was open in the order of their random keys, in
one transaction: no order of writing is left in the live rows. Then it erases what the files keep
(storage/erasure.py), and the last tests read what closing leaves behind as the operator can: every
file of PostgreSQL's database folder and every segment of its write-ahead log, byte by byte (dead row
versions and recycled segments included), and the SQLite file with its ``-wal``.
"""

from __future__ import annotations

import itertools
import logging
import random
import sqlite3
import struct
import threading
from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

import pytest
from sqlalchemy import Engine, create_engine, inspect, text

from tinnhiem.crypto.ballot import cast_ballot
from tinnhiem.crypto.credentials import public_credential, signing_key
from tinnhiem.crypto.record import ballot_json
from tinnhiem.domain.model import Delegate
from tinnhiem.services import cards, reserve, roundfile, rounds, voting
from tinnhiem.storage.db import Database
from tinnhiem.storage.erasure import erase_postgres_history, wait_for_older_snapshots
from tinnhiem.storage.repository import SqlUnitOfWork
from tinnhiem.testing import demo
from tinnhiem.testing.hall import seal_reserve, signed_cards
from tinnhiem.testing.simulate import seeded, seeded_cards

DELEGATES = 40
CHANCE_BOUND = 7  # P(Poisson(1) ≥ 7) ≈ 8·10⁻⁵ per strategy


@dataclass(frozen=True)
class Row:
    table: str
    position: int  # the order the rows came back in, without ORDER BY
    hidden: Mapping[str, Hashable]  # rowid, ctid, xmin
    values: Mapping[str, Any]


def dump(engine: Engine) -> list[Row]:
    """Every row of every table, with the hidden order columns the database exposes."""
    rows: list[Row] = []
    postgres = engine.dialect.name == "postgresql"
    with engine.connect() as connection:
        for table in inspect(connection).get_table_names():
            hidden_sql = "ctid::text AS ctid, xmin::text::bigint AS xmin" if postgres else "rowid AS rowid"
            try:
                result = connection.execute(text(f'SELECT {hidden_sql}, * FROM "{table}"'))
                hidden_names = ["ctid", "xmin"] if postgres else ["rowid"]
            except Exception:  # a WITHOUT ROWID table: no rowid to read
                connection.rollback()
                result = connection.execute(text(f'SELECT * FROM "{table}"'))
                hidden_names = []
            for position, record in enumerate(result.mappings()):
                values = dict(record)
                hidden = {name: _order_key(values.pop(name)) for name in hidden_names}
                rows.append(Row(table, position, hidden, values))
    return rows


def _order_key(value: Any) -> Hashable:
    if isinstance(value, str) and value.startswith("("):  # ctid "(page,item)"
        page, item = value.strip("()").split(",")
        return (int(page), int(item))
    return value  # type: ignore[no-any-return]


def _ballot_of(row: Row, identifiers: Mapping[str, int]) -> int | None:
    """The ballot (by index) a row names: its code, its card's credential or one of its ciphertexts."""
    for value in row.values.values():
        if isinstance(value, str) and value in identifiers:
            return identifiers[value]
    return None


def _orders(rows: list[Row]) -> dict[str, list[Row]]:
    """Every order an attacker can put a table's rows in: physical, hidden columns, integer columns."""
    orders = {"position": sorted(rows, key=lambda r: r.position)}
    for name in rows[0].hidden:
        orders[name] = sorted(rows, key=lambda r: r.hidden[name])  # type: ignore[arg-type, return-value]
    for name, value in rows[0].values.items():
        if isinstance(value, int) and not isinstance(value, bool):
            orders[name] = sorted(rows, key=lambda r: (r.values[name], r.position))
    return orders


def best_pairing(rows: list[Row], delegate_ids: Iterable[int], identifiers: Mapping[str, int],
                 truth: Mapping[int, int]) -> int:
    """The most correct (delegate, ballot) pairs any strategy finds. ``truth``: delegate id → ballot index."""
    wanted = set(delegate_ids)
    by_table: dict[str, list[Row]] = {}
    for row in rows:
        by_table.setdefault(row.table, []).append(row)
    delegate_side = {t: rs for t, rs in by_table.items()
                     if any(r.values.get("delegate_id") in wanted for r in rs)}
    ballot_side = {t: rs for t, rs in by_table.items() if any(_ballot_of(r, identifiers) is not None for r in rs)}
    best = 0
    # 1. A value shared by a delegate's row and a ballot's row (beyond the round and booleans).
    for d_rows, b_rows in itertools.product(delegate_side.values(), ballot_side.values()):
        ballot_values: dict[Hashable, set[int]] = {}
        for r in b_rows:
            ballot = _ballot_of(r, identifiers)
            for key, value in [*r.values.items(), *r.hidden.items()]:
                if ballot is not None and key != "round_id" and isinstance(value, Hashable) \
                        and not isinstance(value, bool):
                    ballot_values.setdefault(value, set()).add(ballot)
        hits = 0
        for r in d_rows:
            delegate = r.values.get("delegate_id")
            if delegate in wanted:
                shared = {v for k, v in [*r.values.items(), *r.hidden.items()] if k not in ("round_id", "delegate_id")}
                guesses = set().union(*(ballot_values.get(v, set()) for v in shared if isinstance(v, Hashable)))
                hits += len(guesses) == 1 and truth[delegate] in guesses  # type: ignore[index]
        best = max(best, hits)
    # 2. A timeline: a hidden key that counts across tables (xmin); each delegate with the next ballot.
    best = max(best, _timeline(delegate_side, ballot_side, wanted, identifiers, truth))
    # 3. The n-th delegate of one order with the n-th ballot of another.
    for d_rows, b_rows in itertools.product(delegate_side.values(), ballot_side.values()):
        for d_order, b_order in itertools.product(_orders(d_rows).values(), _orders(b_rows).values()):
            delegates = [r.values["delegate_id"] for r in d_order if r.values.get("delegate_id") in wanted]
            ballots = list(dict.fromkeys(b for b in (_ballot_of(r, identifiers) for r in b_order) if b is not None))
            best = max(best, sum(truth[d] == b for d, b in zip(delegates, ballots, strict=False)))
    return best


def _timeline(delegate_side: Mapping[str, list[Row]], ballot_side: Mapping[str, list[Row]], wanted: set[int],
              identifiers: Mapping[str, int], truth: Mapping[int, int]) -> int:
    """Each delegate's row paired with the ballot row that comes next by a hidden key shared by all tables."""
    best = 0
    for d_rows, b_rows in itertools.product(delegate_side.values(), ballot_side.values()):
        for name in set(d_rows[0].hidden) & set(b_rows[0].hidden) & {"xmin"}:
            ballots = sorted((r.hidden[name], b) for r in b_rows
                             if (b := _ballot_of(r, identifiers)) is not None)
            hits = 0
            for r in d_rows:
                delegate = r.values.get("delegate_id")
                after = [b for key, b in ballots if key > r.hidden[name]]  # type: ignore[operator]
                hits += delegate in wanted and bool(after) and truth[delegate] == after[0]  # type: ignore[index]
            best = max(best, hits)
    return best


def run_round(uow: SqlUnitOfWork, seed: int, late: int = 0, round_id: int | None = None,
              before_close: Callable[[], None] | None = None) -> tuple[dict[int, int], dict[str, int]]:
    """Check-in in one random order with cards from a shuffled stack; votes in another. Returns the truth.

    With ``late`` > 0, that many delegates arrive after voting opened: each checks in and votes at once,
    between the casts of those already in the hall; then voting closes.
    """
    generator = random.Random(seed)
    round_ = roundfile.parse_round(roundfile.load(demo.demo_file()))[0]
    names = [f"Đại biểu {i}" for i in range(1, DELEGATES + 1)]
    if round_id is not None:  # a round id no other session's database uses: its bytes find this round's rows
        with uow:
            uow.session.execute(text("SELECT setval(pg_get_serial_sequence('rounds', 'id'), :v, false)"),
                                {"v": round_id})
            uow.commit()
    rounds.create_round(uow, replace(round_, conference=replace(round_.conference, convened=DELEGATES, present=None)),
                        tuple(Delegate(n) for n in names), code="u")
    shares = voting.set_up_election(uow, "u", ["Hà Văn Tâm", "Lâm Thị Kim Oanh", "Tạ Quang Vinh"], 2, seeded(seed))
    stack = seeded_cards("u", DELEGATES + 4, seed)
    cards.upload(uow, "u", signed_cards(uow, "u", stack, {s.member: s.share for s in shares[:2]}).public)
    generator.shuffle(stack)
    with uow:
        ids = {d.name: d.id for d in _delegate_rows(uow)}
    handed: dict[int, str] = {}
    arrivals = generator.sample(names, len(names))

    def check_in(name: str, late: bool = False) -> int:
        rounds.attend(uow, "u", name, "electronic")
        if late:
            reserve.release(uow, "u", member="Hà Văn Tâm")
        handed[ids[name]] = stack.pop()  # nobody writes this down: only the test knows it
        return ids[name]

    early = [check_in(name) for name in arrivals[: len(names) - late]]
    seal_reserve(uow, "u", stack)  # the cards nobody holds yet: sealed, one released per latecomer
    voting.open_voting(uow, "u")
    with uow:
        election = uow.voting.election("u")
    assert election is not None and election.election_id is not None
    manifest, key, e = voting.manifest(election), bytes.fromhex(election.joint_key), bytes.fromhex(election.election_id)
    truth: dict[int, int] = {}
    identifiers: dict[str, int] = {}

    def vote(delegate: int) -> None:
        index = len(truth)
        card = handed[delegate]
        choices = [generator.randrange(3) for _ in manifest.subjects]
        ballot = ballot_json(cast_ballot(manifest, e, key, choices, signing_key("u", card), seeded(seed + index))[0])
        voting.cast(uow, "u", ballot)
        truth[delegate] = index
        identifiers.update({ballot["code"]: index, public_credential("u", card).hex(): index})
        identifiers.update({row["alpha"]: index for row in ballot["rows"]})

    events = [("vote", d) for d in generator.sample(early, len(early))]
    for name in arrivals[len(names) - late:]:  # a latecomer comes in somewhere among the others' casts
        events.insert(generator.randrange(len(events) + 1), ("arrive", name))
    for kind, who in events:
        vote(check_in(who, late=True) if kind == "arrive" else who)  # type: ignore[arg-type]
    if late:
        if before_close is not None:
            before_close()
        voting.close_voting(uow, "u")
    return truth, identifiers


def _delegate_rows(uow: SqlUnitOfWork) -> list[Any]:
    from sqlalchemy import select

    from tinnhiem.storage.tables import DelegateRow

    return list(uow.session.scalars(select(DelegateRow)))


def test_the_database_pairs_no_more_delegates_with_ballots_than_chance(database: Database, uow: SqlUnitOfWork) -> None:
    """Reading every table, every column and every hidden order pairs at most chance (≤ 7 of 40)."""
    truth, identifiers = run_round(uow, seed=2026)
    paired = best_pairing(dump(database.engine), truth, identifiers, truth)
    print(f"paired {paired} of {DELEGATES} on {database.engine.dialect.name}")
    assert paired <= CHANCE_BOUND, f"{paired} of {DELEGATES} delegates paired with their ballots"


def test_latecomers_who_vote_at_once_are_not_paired_once_voting_closes(database: Database,
                                                                        uow: SqlUnitOfWork) -> None:
    """12 of 40 arrive after opening and vote at once among the others' casts; after closing, the
    timeline of ``xmin`` (and every other order) pairs at most chance."""
    truth, identifiers = run_round(uow, seed=2027, late=12)
    paired = best_pairing(dump(database.engine), truth, identifiers, truth)
    print(f"paired {paired} of {DELEGATES} on {database.engine.dialect.name}, 12 latecomers")
    assert paired <= CHANCE_BOUND, f"{paired} of {DELEGATES} delegates paired with their ballots"


def test_the_attack_finds_a_link_when_one_is_stored(database: Database, uow: SqlUnitOfWork) -> None:
    """The attack is not blind: two sequences that advance together at each cast (as the old ``voters.id``
    and ``ciphertexts.id`` did), one beside the delegate, one beside the ballot, pair every delegate."""
    truth, identifiers = run_round(uow, seed=7)
    code_of = {index: code for code, index in identifiers.items()}  # any identifier of each ballot
    with database.engine.begin() as connection:
        connection.execute(text("CREATE TABLE leak_voters (id INTEGER PRIMARY KEY, delegate_id INTEGER)"))
        connection.execute(text("CREATE TABLE leak_ballots (id INTEGER PRIMARY KEY, code VARCHAR(64))"))
        for number, (delegate, index) in enumerate(sorted(truth.items(), key=lambda item: item[1]), start=1):
            connection.execute(text("INSERT INTO leak_voters VALUES (:n, :d)"), {"n": number, "d": delegate})
            connection.execute(text("INSERT INTO leak_ballots VALUES (:n, :c)"), {"n": number, "c": code_of[index]})
    try:
        assert DELEGATES == best_pairing(dump(database.engine), truth, identifiers, truth)
    finally:
        with database.engine.begin() as connection:
            connection.execute(text("DROP TABLE leak_voters"))
            connection.execute(text("DROP TABLE leak_ballots"))


# --- What closing leaves behind: the raw bytes of the database's files, read as the operator reads them. ---

PAGE = 8192  # PostgreSQL's block: heap pages and write-ahead log pages alike
CHECK_IN = b"\x01\x17electronic"  # present = true, then the channel: a 1-byte varlena header (10 letters) and text
HEX_TEXT = 0x83  # the 1-byte varlena header of a 64-letter text (a credential, a code)


@dataclass
class Found:
    """What an operator finds of one round in raw bytes: per delegate and per ballot, every position
    (a transaction id in the table files, a log position in the write-ahead log) a version of its row had."""

    check_ins: dict[int, list[int]]
    ballots: dict[int, list[int]]

    def paired(self, truth: Mapping[int, int]) -> int:
        """Each delegate with the ballot written first after their check-in was first written."""
        first_ballot = sorted((min(at), b) for b, at in self.ballots.items())
        hits = 0
        for delegate, at in self.check_ins.items():
            after = [b for position, b in first_ballot if position > min(at)]
            hits += bool(after) and truth.get(delegate) == after[0]
        return hits


def _rows_of_round(data: bytes, round_id: int, identifiers: Mapping[str, int], delegates: set[int],
                   position: Callable[[int], int | None], found: Found) -> None:
    """Every row of the round in ``data``: it starts with the round's id (4 bytes, little-endian); an
    attendance row goes on with the delegate's id and "electronic", a ballot row with its card's credential
    and its code (two 64-letter texts). ``position(offset)`` dates a row from where it starts."""
    prefix = struct.pack("<i", round_id)
    at = data.find(prefix)
    while at >= 0:
        after = data[at + 4: at + 4 + 140]
        delegate = struct.unpack("<i", after[:4])[0] if len(after) >= 4 else None
        if delegate in delegates and after[4:4 + len(CHECK_IN)] == CHECK_IN:
            when = position(at)
            if when is not None:
                found.check_ins.setdefault(delegate, []).append(when)  # type: ignore[arg-type]
        elif len(after) >= 130 and after[0] == HEX_TEXT and after[65] == HEX_TEXT:  # credential, then code
            ballot = identifiers.get(after[1:65].decode("latin-1"))
            when = position(at)
            if ballot is not None and when is not None:
                found.ballots.setdefault(ballot, []).append(when)
        at = data.find(prefix, at + 1)


def read_table_files(connection: Any, round_id: int, identifiers: Mapping[str, int], delegates: set[int]) -> Found:
    """Every file of the database's folder (tables, TOAST, indexes, old files not yet deleted), byte by byte:
    each row of the round found with the ``xmin`` of its tuple header, line pointer or not (a VACUUM marks
    a dead row's pointer unused and leaves its bytes)."""
    folder = "base/" + str(connection.execute(text(
        "SELECT oid FROM pg_database WHERE datname = current_database()")).scalar())
    found = Found({}, {})
    for name in connection.execute(text("SELECT pg_ls_dir(:f)"), {"f": folder}).scalars():
        data = connection.execute(text("SELECT pg_read_binary_file(:p, 0, coalesce((pg_stat_file(:p, true)).size, 0), true)"),
                                  {"p": f"{folder}/{name}"}).scalar()
        if not data:
            continue
        data = bytes(data)

        def xmin(at: int, data: bytes = data) -> int | None:
            """The row's data starts right after its header (t_hoff bytes: 24 with no null, or 32)."""
            for t_hoff in (24, 32):
                header = at - t_hoff
                if header >= 0 and header % 8 == 0 and data[header + 22] == t_hoff:
                    return int(struct.unpack_from("<I", data, header)[0])
            return None

        _rows_of_round(data, round_id, identifiers, delegates, xmin, found)
    return found


def read_write_ahead_log(connection: Any, round_id: int, identifiers: Mapping[str, int],
                         delegates: set[int]) -> tuple[Found, list[int]]:
    """Every segment file in pg_wal (``pg_ls_waldir``, ``pg_read_binary_file``), recycled ones included:
    each row of the round found, dated by its log position (the page header's address plus the offset),
    and the address of every page. A recycled segment keeps its pages' old addresses until overwritten."""
    found, pages = Found({}, {}), []
    for name in connection.execute(text("SELECT name FROM pg_ls_waldir()")).scalars():
        if len(name) != 24:
            continue
        data = connection.execute(text("SELECT pg_read_binary_file(:p, 0, coalesce((pg_stat_file(:p, true)).size, 0), true)"),
                                  {"p": f"pg_wal/{name}"}).scalar()
        if not data:
            continue
        data = bytes(data)
        addresses = [struct.unpack_from("<Q", data, p + 8)[0] if data[p + 1] == 0xD1 else None
                     for p in range(0, len(data), PAGE)]  # xlp_magic 0xD1xx, then xlp_pageaddr at byte 8
        pages += [a for a in addresses if a]

        def lsn(at: int, addresses: list[int | None] = addresses) -> int | None:
            page = addresses[at // PAGE]
            return None if page is None else page + at % PAGE

        _rows_of_round(data, round_id, identifiers, delegates, lsn, found)
    return found, pages


@pytest.mark.postgres
@pytest.mark.parametrize("database", ["postgresql"], indirect=True)
def test_closing_leaves_no_timeline_in_the_table_files_or_the_write_ahead_log(database: Database,
                                                                                uow: SqlUnitOfWork) -> None:
    """The attacker of an outside review reads what closing leaves behind, as superuser: every file of the database's
    folder byte by byte (row versions whose line pointer VACUUM marked unused included), with each row's
    ``xmin``; and every segment of pg_wal, recycled ones included, with each row's log position. The
    latecomers (12 of 40 check in and vote at once) are paired with the next ballot on either timeline.

    After closing: the rows of this round in the files carry one transaction, the closing's; pg_wal holds
    no page written before closing began, and no check-in or ballot row; either timeline pairs at most
    chance. Before this was built (VACUUM only): 13 of 40 by the files' ``xmin``, 13 of 40 by pg_wal."""
    round_id = random.SystemRandom().randrange(10**8, 2**31 - 1)  # this round's rows, not other sessions'
    start: dict[str, int] = {}

    def before_close() -> None:
        with database.engine.connect() as connection:
            start["lsn"] = int(connection.execute(text(
                "SELECT pg_current_wal_insert_lsn() - '0/0'::pg_lsn")).scalar() or 0)

    truth, identifiers = run_round(uow, seed=2027, late=12, round_id=round_id, before_close=before_close)
    with database.engine.connect() as connection:
        log, pages = read_write_ahead_log(connection, round_id, identifiers, set(truth))
        connection.execute(text("CHECKPOINT"))  # the table files as they are once the server wrote its buffers
        files = read_table_files(connection, round_id, identifiers, set(truth))
    stale = [p for p in pages if p < start["lsn"]]
    old_rows = sum(p < start["lsn"] for at in [*log.check_ins.values(), *log.ballots.values()] for p in at)
    xmins = {x for at in [*files.check_ins.values(), *files.ballots.values()] for x in at}
    print(f"files: {len(xmins)} xmin(s), paired {files.paired(truth)} of {DELEGATES}; pg_wal: {len(pages)} pages, "
          f"{len(stale)} from before closing, {old_rows} rows of the round from before closing, "
          f"paired {log.paired(truth)}")
    assert len(files.check_ins) == DELEGATES and len(files.ballots) == DELEGATES  # the live rows are read
    assert files.paired(truth) <= CHANCE_BOUND and log.paired(truth) <= CHANCE_BOUND
    assert 1 == len(xmins), f"{len(xmins)} transactions' row versions in the table files"
    assert (0, 0) == (len(stale), old_rows), "pg_wal keeps what was written while voting was open"


def test_closing_leaves_the_sqlite_file_as_a_fresh_copy_of_its_rows(tmp_path: Any) -> None:
    """SQLite writes each commit's pages, in order, to its write-ahead log, and places rows in pages in the
    order they came; after closing the ``-wal`` file is empty and the database file is, page for page,
    what a fresh copy of its live rows is (``VACUUM INTO``): no freed page, no older row, no page order
    left from the voting."""
    database = Database.open(f"sqlite:///{tmp_path / 'hall.sqlite3'}")
    _, identifiers = run_round(SqlUnitOfWork(database), seed=2029, late=12)
    assert 0 == (tmp_path / "hall.sqlite3-wal").stat().st_size  # read while the server still has it open
    database.engine.dispose()
    with sqlite3.connect(tmp_path / "hall.sqlite3") as connection:
        page = connection.execute("PRAGMA page_size").fetchone()[0]
        connection.execute(f"VACUUM INTO '{tmp_path / 'copy.sqlite3'}'")
    raw, copy = (tmp_path / "hall.sqlite3").read_bytes(), (tmp_path / "copy.sqlite3").read_bytes()
    counts = {i: (raw.count(i.encode()), copy.count(i.encode())) for i in identifiers}
    assert all(a == b for a, b in counts.values()), "older copies of a ballot's values in the file"
    assert len(raw) == len(copy) and raw[page:] == copy[page:], "the file's pages differ from a fresh copy's"


@pytest.mark.postgres
@pytest.mark.parametrize("database", ["postgresql"], indirect=True)
def test_a_database_role_without_the_rights_closing_needs_is_told_why(database: Database,
                                                                      caplog: pytest.LogCaptureFixture) -> None:
    """Run by a role that may neither checkpoint nor switch the log (docs/operations.md lists the grants),
    the erasure cannot reach pg_wal: it says so in the server's log, with PostgreSQL's reason, and returns
    it; it does not fail (the close has committed already)."""
    role = f"tinnhiem_hall_{random.SystemRandom().randrange(10**9)}"
    with database.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text(f'CREATE ROLE "{role}" LOGIN'))
    limited = create_engine(database.engine.url.set(username=role))
    try:
        with caplog.at_level(logging.WARNING, logger="tinnhiem.storage.erasure"):
            left = erase_postgres_history(limited, ["attendance"])
    finally:
        limited.dispose()
        with database.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text(f'DROP ROLE "{role}"'))
    assert 1 == len(left) and "write-ahead log still holds the order of voting" in left[0]
    assert "permission denied" in left[0] or "must be superuser" in left[0], left
    assert left[0] in caplog.text


@pytest.mark.postgres
@pytest.mark.parametrize("database", ["postgresql"], indirect=True)
def test_closing_waits_for_a_session_reading_from_before_it(database: Database) -> None:
    """A session that still reads from a snapshot taken before closing (an autovacuum ANALYZE, a long report)
    would make VACUUM FULL copy the replaced row versions it may see into the new files (one run in four
    kept 81 xmins so before the wait). Closing waits for it; past the wait it says who held one."""
    reader = database.engine.connect()
    try:
        reader.execute(text("BEGIN ISOLATION LEVEL REPEATABLE READ"))
        reader.execute(text("SELECT count(*) FROM attendance")).scalar()  # its snapshot is taken: older than now
        with database.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as closing:
            closing.execute(text("SELECT pg_current_xact_id()"))  # a transaction commits after the snapshot
            held = wait_for_older_snapshots(closing, most_seconds=0.5)
            reader.rollback()
            released = wait_for_older_snapshots(closing, most_seconds=5)
    finally:
        reader.close()
    assert 1 == len(held) and "held a snapshot from before closing" in held[0] and [] == released


def test_closing_on_sqlite_empties_the_log_once_a_reader_has_finished(tmp_path: Any) -> None:
    """A reader in the middle of a read (a projector, say) holds SQLite's log back from being emptied; closing
    waits for it (the busy timeout), and would say so if it never finished."""
    from tinnhiem.storage.erasure import erase_sqlite_history

    database = Database.open(f"sqlite:///{tmp_path / 'hall.sqlite3'}")
    run_round(SqlUnitOfWork(database), seed=2030)
    reader = sqlite3.connect(tmp_path / "hall.sqlite3", isolation_level=None, check_same_thread=False)
    reader.execute("BEGIN")
    reader.execute("SELECT count(*) FROM ballots").fetchone()
    finished = threading.Timer(1.0, reader.rollback)
    finished.start()
    try:
        assert [] == erase_sqlite_history(database.engine)
        assert 0 == (tmp_path / "hall.sqlite3-wal").stat().st_size
    finally:
        finished.join()
        reader.close()
