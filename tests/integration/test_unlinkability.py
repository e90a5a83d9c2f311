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
one transaction, and vacuums them: no order of writing is left in the live rows.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

import pytest
from sqlalchemy import Engine, inspect, text

from tinnhiem.crypto.ballot import cast_ballot
from tinnhiem.crypto.credentials import public_credential, signing_key
from tinnhiem.crypto.record import ballot_json
from tinnhiem.domain.model import Delegate
from tinnhiem.services import cards, roundfile, rounds, voting
from tinnhiem.storage.db import Database
from tinnhiem.storage.repository import SqlUnitOfWork
from tinnhiem.storage.voting_store import WRITTEN_WHILE_OPEN
from tinnhiem.testing import demo
from tinnhiem.testing.hall import signed_cards
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


def run_round(uow: SqlUnitOfWork, seed: int, late: int = 0) -> tuple[dict[int, int], dict[str, int]]:
    """Check-in in one random order with cards from a shuffled stack; votes in another. Returns the truth.

    With ``late`` > 0, that many delegates arrive after voting opened: each checks in and votes at once,
    between the casts of those already in the hall; then voting closes.
    """
    generator = random.Random(seed)
    round_ = roundfile.parse_round(roundfile.load(demo.demo_file()))[0]
    names = [f"Đại biểu {i}" for i in range(1, DELEGATES + 1)]
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

    def check_in(name: str) -> int:
        rounds.attend(uow, "u", name, "electronic")
        handed[ids[name]] = stack.pop()  # nobody writes this down: only the test knows it
        return ids[name]

    early = [check_in(name) for name in arrivals[: len(names) - late]]
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
        vote(check_in(who) if kind == "arrive" else who)  # type: ignore[arg-type]
    if late:
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


@pytest.mark.postgres
@pytest.mark.parametrize("database", ["postgresql"], indirect=True)
def test_closing_leaves_no_older_row_version_in_the_table_files(database: Database, uow: SqlUnitOfWork) -> None:
    """Past the live rows: the raw pages of every table written while voting was open (and of their TOAST
    tables), read with ``pageinspect`` as someone holding the files would, hold row versions of one
    transaction only, the closing. Without the VACUUM after closing, the replaced versions — with the
    ``xmin`` of each cast and check-in — stay in the pages."""
    run_round(uow, seed=2028, late=12)
    xmins: dict[str, set[int]] = {}
    with database.engine.begin() as connection:
        connection.execute(text("CREATE EXTENSION IF NOT EXISTS pageinspect"))
        for table in WRITTEN_WHILE_OPEN:
            toast = connection.execute(text("SELECT reltoastrelid::regclass::text FROM pg_class "
                                            "WHERE oid = CAST(:t AS regclass) AND reltoastrelid <> 0"),
                                       {"t": table.name}).scalar()
            for relation in (table.name, toast) if toast else (table.name,):
                pages = connection.execute(text("SELECT pg_relation_size(CAST(:r AS regclass)) / "
                                                "current_setting('block_size')::int"), {"r": relation}).scalar()
                for page in range(int(pages or 0)):
                    xmins.setdefault(relation, set()).update(int(x) for x in connection.execute(text(
                        "SELECT t_xmin::text FROM heap_page_items(get_raw_page(:r, :p)) WHERE t_xmin IS NOT NULL"),
                        {"r": relation, "p": page}).scalars())
    assert {"attendance", "ballots", "cards"} <= set(xmins)
    assert 1 == len(set().union(*xmins.values())), {r: len(x) for r, x in xmins.items()}


def test_closing_empties_the_sqlite_write_ahead_log(tmp_path: Any) -> None:
    """SQLite writes each commit's pages, in order, to its write-ahead log; after closing it is empty."""
    database = Database.open(f"sqlite:///{tmp_path / 'hall.sqlite3'}")
    run_round(SqlUnitOfWork(database), seed=2029, late=12)
    assert 0 == (tmp_path / "hall.sqlite3-wal").stat().st_size
