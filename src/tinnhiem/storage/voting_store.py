"""Elections, voting cards and ballots, per ``services.ports.VotingStore``.

Where a choice could leak, and why it does not (docs/security.md): no table written while
voting is open holds a delegate, a time or a sequence. Ballots are keyed by (round, card),
spoiled ballots by (round, code), ciphertexts by (round, α), cards by (round, S): random
values, in tables SQLite keeps WITHOUT ROWID, so no stored order follows the order of casting.
The card is anonymous: nothing records which delegate was handed which card.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Table, delete, func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from tinnhiem.domain.errors import InvalidInput
from tinnhiem.services.ports import Duplicate, Election, Found, PhoneElection, Stamp, StoredCard
from tinnhiem.storage.round_ids import round_id
from tinnhiem.storage.tables import (
    AttendanceRow,
    BallotRow,
    Base,
    CardRow,
    CiphertextRow,
    ElectionRow,
    RoundRow,
    SpoiledBallotRow,
)

NOT_OPEN = "accepted only while voting is open"  # what the ballots' trigger says (migration 0008)

# The tables a cast or a late check-in writes while voting is open; closing rewrites them in key order.
WRITTEN_WHILE_OPEN: tuple[Table, ...] = tuple(Base.metadata.tables[row.__tablename__] for row in (
    AttendanceRow, CardRow, BallotRow, SpoiledBallotRow, CiphertextRow))


class SqlVotingStore:
    def __init__(self, session: Session, rounds: object = None, ids: dict[str, int] | None = None) -> None:
        self.session = session
        self._ids = {} if ids is None else ids  # a round's id, read once per unit of work (a cast asks seven times)

    def _round_id(self, code: str) -> int:
        if code not in self._ids:
            self._ids[code] = round_id(self.session, code)
        return self._ids[code]

    def _election(self, code: str, lock: bool = False) -> ElectionRow:
        query = select(ElectionRow).where(ElectionRow.round_id == self._round_id(code))
        row = self.session.scalar(query.with_for_update() if lock else query)
        if row is None:
            raise InvalidInput("no-election", field="round", value=code)
        return row

    @staticmethod
    def _public(row: ElectionRow) -> Election:
        return Election(row.manifest, row.committee, row.joint_key, row.state, row.decryption, row.shares,
                        row.cards_issued, row.receipt_key, row.election_id, row.card_signatures, row.ballots_at_close,
                        row.checkins_paper, row.ballot_list_hash, row.closing_signatures)

    def create_election(self, code: str, election: Election, receipt_secret: str) -> None:
        self.session.add(ElectionRow(round_id=self._round_id(code), manifest=election.manifest,
                                     committee=election.committee, joint_key=election.joint_key, state=election.state,
                                     receipt_secret=receipt_secret, receipt_key=election.receipt_key))
        self.session.flush()

    def receipt_secret(self, code: str) -> str | None:
        """r, the server's receipt key: read only to sign a receipt, never served."""
        query = select(ElectionRow.receipt_secret).where(ElectionRow.round_id == self._round_id(code))
        return self.session.scalar(query)

    def election(self, code: str) -> Election | None:
        row = self.session.scalar(select(ElectionRow).where(ElectionRow.round_id == self._round_id(code)))
        return None if row is None else self._public(row)

    def stamp(self, code: str) -> Stamp | None:
        """The election's stamp (services.ports.Stamp) in one statement, a few bytes: never its large columns."""
        found = self.session.execute(
            select(RoundRow.id, ElectionRow.joint_key, ElectionRow.state, ElectionRow.election_id)
            .join(ElectionRow, ElectionRow.round_id == RoundRow.id).where(RoundRow.code == code)).first()
        if found is None:
            self._round_id(code)  # no such round: NotFound, as every read of a round's rows says
            return None
        self._ids[code] = found[0]  # the round's id comes with it: the transaction's next reads need no lookup
        return Stamp(found[1], found[2], found[3])

    def phone_election(self, code: str) -> PhoneElection | None:
        """What phones are given, in one statement (not the committee, shares or signatures of ``election``)."""
        found = self.session.execute(
            select(RoundRow.id, ElectionRow.manifest, ElectionRow.joint_key, ElectionRow.state,
                   ElectionRow.election_id, ElectionRow.receipt_key)
            .join(ElectionRow, ElectionRow.round_id == RoundRow.id).where(RoundRow.code == code)).first()
        if found is None:
            self._round_id(code)
            return None
        self._ids[code] = found[0]
        return PhoneElection(found[1], found[2], found[3], found[4], found[5])

    def lock_election(self, code: str) -> Election:
        """The election's row, locked until the transaction ends: casts, closing and the tally queue on it.

        PostgreSQL: SELECT … FOR UPDATE. SQLite: every transaction begins IMMEDIATE (storage/db.py),
        so writers are one at a time already.
        """
        query = select(ElectionRow).where(ElectionRow.round_id == self._round_id(code)).with_for_update()
        row = self.session.scalar(query.execution_options(populate_existing=True))  # read after the wait
        if row is None:
            raise InvalidInput("no-election", field="round", value=code)
        return self._public(row)

    def lock_state(self, code: str) -> str:
        """The election's state, its row locked as by ``lock_election`` (a cast needs no more of it)."""
        query = select(ElectionRow.state).where(ElectionRow.round_id == self._round_id(code)).with_for_update()
        state = self.session.scalar(query)
        if state is None:
            raise InvalidInput("no-election", field="round", value=code)
        return state

    def add_shares(self, code: str, member: int, shares: list[dict[str, object]]) -> None:
        row = self._election(code, lock=True)
        row.shares = {**(row.shares or {}), str(member): shares}  # a new dict: the JSON column sees the change

    def set_state(self, code: str, state: str, decryption: list[object] | None = None) -> None:
        row = self._election(code)
        row.state = state
        if decryption is not None:
            row.decryption = decryption
        self.session.flush()

    def add_closing_signature(self, code: str, member: int, signature: dict[str, str]) -> None:
        row = self._election(code, lock=True)
        row.closing_signatures = {**(row.closing_signatures or {}), str(member): signature}
        self.session.flush()

    def close(self, code: str, cards_issued: int, paper: int, ballots: int, list_hash: str) -> None:
        """Closed, with the exact counts; every card not used is void from now on.

        The rows written while voting was open are written again, in this one transaction, in the
        order of their keys (random values, or the list's delegate ids): PostgreSQL's ``xmin`` and
        ``ctid`` of every live row then say only "closing", never when a card cast or a delegate
        checked in (a latecomer who votes at once would otherwise sit next to their ballot).
        """
        round_id = self._round_id(code)
        self.session.execute(update(CardRow).where(CardRow.round_id == round_id, CardRow.used.is_(False))
                             .values(void=True))
        for table in WRITTEN_WHILE_OPEN:  # before the state changes: the ballots' trigger wants 'open'
            self._rewrite_in_key_order(table, round_id)
        row = self._election(code)
        row.state, row.cards_issued, row.ballots_at_close = "closed", cards_issued, ballots
        row.checkins_paper, row.ballot_list_hash = paper, list_hash
        self.session.flush()

    def _rewrite_in_key_order(self, table: Table, round_id: int) -> None:
        where = table.c.round_id == round_id
        rows = [dict(r) for r in self.session.execute(
            select(table).where(where).order_by(*table.primary_key.columns)).mappings()]
        self.session.execute(delete(table).where(where))
        if rows:
            self.session.execute(insert(table), rows)

    def store_cards(self, code: str, credentials: Sequence[str], election_id: str,
                    signatures: list[dict[str, object]]) -> None:
        """The committee's signed card list, once per election: its identity E and the members' signatures."""
        round_id = self._round_id(code)
        row = self._election(code)
        row.election_id, row.card_signatures = election_id, list(signatures)
        self.session.add_all(CardRow(round_id=round_id, credential=c, void=False, used=False)
                             for c in sorted(credentials))
        self.session.flush()

    def void_cards(self, code: str, credentials: Sequence[str]) -> int:
        result = self.session.execute(update(CardRow).where(
            CardRow.round_id == self._round_id(code), CardRow.credential.in_(list(credentials)),
            CardRow.used.is_(False), CardRow.void.is_(False)).values(void=True))
        return int(result.rowcount)  # type: ignore[attr-defined]

    def cards(self, code: str) -> list[StoredCard]:
        rows = self.session.scalars(select(CardRow).where(CardRow.round_id == self._round_id(code))
                                    .order_by(CardRow.credential))
        return [StoredCard(r.credential, r.void, r.used) for r in rows]

    def card(self, code: str, credential: str) -> StoredCard | None:
        row = self.session.get(CardRow, (self._round_id(code), credential), populate_existing=True)
        return None if row is None else StoredCard(row.credential, row.void, row.used, row.sealed)

    def take_card(self, code: str, credential: str) -> bool | None:
        """Mark a card used (a cast), in one statement: None if the card is used or void by now, else whether it is
        a sealed reserve card (services/reserve.py)."""
        card = [CardRow.round_id == self._round_id(code), CardRow.credential == credential,
                CardRow.used.is_(False), CardRow.void.is_(False)]
        return self.session.scalar(update(CardRow).where(*card).values(used=True).returning(CardRow.sealed)
                                   .execution_options(synchronize_session=False))

    def ballot_code(self, code: str, credential: str) -> str | None:
        row = self.session.get(BallotRow, (self._round_id(code), credential))
        return None if row is None else row.code

    def _insert(self, table: type[BallotRow] | type[SpoiledBallotRow], row: dict[str, object],
                alphas: Sequence[str]) -> None:
        """A ballot (cast or spoiled) and its ciphertexts, two statements; a repeated key: Duplicate.

        A repeated key is refused without an error from the database (INSERT … ON CONFLICT DO NOTHING,
        then the count of rows written): PostgreSQL logs a unique violation with the key, which would
        put a card's credential, a tracking code or an α, and its time, in the server's log.
        Meant as a transaction's first writes (a Duplicate leaves it to be rolled back), before the
        election's lock: the lock is then held only to check the state, the card and the counts, and to commit.
        """
        try:
            if not self._insert_new(table, [row]):
                raise Duplicate(table.__tablename__)
            if self._insert_new(CiphertextRow, [{"round_id": row["round_id"], "alpha": a}
                                                for a in alphas]) != len(alphas):
                raise Duplicate(CiphertextRow.__tablename__)
        except DBAPIError as exc:
            if NOT_OPEN in str(exc.orig):  # the close committed since the caller looked: the trigger refused
                raise InvalidInput("voting-not-open", field="round") from None
            raise

    def _insert_new(self, table: type[BallotRow | SpoiledBallotRow | CiphertextRow],
                    rows: list[dict[str, object]]) -> int:
        """Insert the rows whose keys are new; the number written (the others are left, nothing raised)."""
        if not rows:
            return 0
        dialect = postgresql if self.session.get_bind().dialect.name == "postgresql" else sqlite
        columns = table.__table__.c  # Core, many rows as parameters: one statement compiled once per worker and table
        statement = dialect.insert(table.__table__).on_conflict_do_nothing().returning(columns.round_id)
        return len(self.session.execute(statement, rows).all())  # rowcount: -1 on psycopg

    def cast(self, code: str, credential: str, tracking: str, short: str, ballot: dict[str, object],
             alphas: Sequence[str]) -> None:
        """The ballot and its ciphertexts; a second ballot of the card or a copied α: Duplicate."""
        self._insert(BallotRow, {"round_id": self._round_id(code), "credential": credential, "code": tracking,
                                 "short": short, "ballot": ballot}, alphas)

    def spoil(self, code: str, tracking: str, short: str, ballot: dict[str, object],
              secrets: dict[str, object], alphas: Sequence[str]) -> None:
        """A challenged ballot, opened, naming no card, and its ciphertexts (never cast); a copied α: Duplicate."""
        self._insert(SpoiledBallotRow, {"round_id": self._round_id(code), "code": tracking, "short": short,
                                        "ballot": ballot, "secrets": secrets}, alphas)

    def spoiled_count(self, code: str) -> int:
        return self.session.scalar(select(func.count()).where(SpoiledBallotRow.round_id == self._round_id(code))) or 0

    def turnout(self, code: str) -> int:
        return self.session.scalar(select(func.count()).where(BallotRow.round_id == self._round_id(code))) or 0

    def counts(self, code: str) -> tuple[int, int]:
        """(ballots cast, cards handed out), in one statement: a card per electronic check-in."""
        round_id = self._round_id(code)
        ballots = select(func.count()).where(BallotRow.round_id == round_id).scalar_subquery()
        handed_out = select(func.count()).where(AttendanceRow.round_id == round_id,
                                                AttendanceRow.channel == "electronic").scalar_subquery()
        row = self.session.execute(select(ballots, handed_out)).one()
        return int(row[0]), int(row[1])

    def ballots(self, code: str, spoiled: bool = False) -> list[tuple[dict[str, object], dict[str, object] | None]]:
        """Cast (or spoiled) ballots, ordered by tracking code: the order says nothing of who or when."""
        round_id = self._round_id(code)
        if spoiled:
            rows = self.session.scalars(select(SpoiledBallotRow).where(SpoiledBallotRow.round_id == round_id)
                                        .order_by(SpoiledBallotRow.code))
            return [(r.ballot, r.secrets) for r in rows]
        cast = self.session.scalars(select(BallotRow).where(BallotRow.round_id == round_id).order_by(BallotRow.code))
        return [(r.ballot, None) for r in cast]

    def find(self, code: str, tracking: str) -> list[Found]:
        """Ballots whose full code is ``tracking`` (64 hex digits) or whose short form it is."""
        round_id = self._round_id(code)
        found: list[Found] = []
        for model, spoiled in ((BallotRow, False), (SpoiledBallotRow, True)):
            column = model.code if len(tracking) == 64 else model.short
            query = select(model.code).where(model.round_id == round_id, column == tracking).order_by(model.code)
            found += [Found(c, spoiled) for c in self.session.scalars(query)]
        return found
