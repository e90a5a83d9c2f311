"""The sealed reserve of voting cards and the sign-in limiter's per-round key, per ``services.ports.ReserveStore``.

A reserve card is sealed by the committee before opening (``cards.sealed``); the committee then releases
reserve cards by count only (``card_reserves.released``): the server never learns which reserve card a
latecomer holds when it is released. At closing the seals are lifted from every row before closing rewrites
the cards (voiding the unused ones), so what closing leaves says nothing of which card was in the reserve.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence

from sqlalchemy import ColumnElement, ScalarSelect, Table, delete, func, select, update
from sqlalchemy.dialects.postgresql import insert as postgres_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from tinnhiem.services.ports import Reserve
from tinnhiem.storage.round_ids import round_id
from tinnhiem.storage.tables import AttendanceRow, Base, CardReserveRow, CardRow, RoundRow, SignInKeyRow

# Vacuumed with the voting tables after closing: the deleted secret's row version leaves the pages' live use.
DELETED_AT_CLOSING: tuple[Table, ...] = (Base.metadata.tables[SignInKeyRow.__tablename__],)


class SqlReserveStore:
    def __init__(self, session: Session) -> None:
        self.session = session

    def seal(self, code: str, credentials: Sequence[str]) -> int:
        """Seal the listed cards that are neither used nor void (nor sealed already); how many were sealed."""
        done = self.session.execute(update(CardRow).where(
            CardRow.round_id == round_id(self.session, code), CardRow.credential.in_(list(credentials)),
            CardRow.used.is_(False), CardRow.void.is_(False), CardRow.sealed.is_(False)).values(sealed=True))
        return int(done.rowcount)  # type: ignore[attr-defined]

    def sealed(self, code: str, credential: str) -> bool:
        """Whether the card is sealed and has not voted (a sealed card that voted signs in to be told so)."""
        found = self.session.scalar(select(CardRow.sealed).join(RoundRow, RoundRow.id == CardRow.round_id).where(
            RoundRow.code == code, CardRow.credential == credential,
            CardRow.used.is_(False)).execution_options(populate_existing=True))  # one statement, the round's id in it
        return bool(found)

    def reserve(self, code: str) -> Reserve:
        """The counts, in one statement: sealed cards (unused), released, sealed cards used, cards usable unsealed,
        and electronic check-ins."""
        rid = round_id(self.session, code)
        cards = CardRow.round_id == rid

        def count(*where: ColumnElement[bool]) -> ScalarSelect[int]:
            return select(func.count()).select_from(CardRow).where(cards, *where).scalar_subquery()

        released = select(CardReserveRow.released).where(CardReserveRow.round_id == rid).scalar_subquery()
        opened_with = select(CardReserveRow.opened_with).where(CardReserveRow.round_id == rid).scalar_subquery()
        electronic = select(func.count()).select_from(AttendanceRow).where(
            AttendanceRow.round_id == rid, AttendanceRow.channel == "electronic").scalar_subquery()
        row = self.session.execute(select(
            count(CardRow.sealed.is_(True), CardRow.used.is_(False), CardRow.void.is_(False)), released,
            count(CardRow.sealed.is_(True), CardRow.used.is_(True)),
            count(CardRow.sealed.is_(False), CardRow.void.is_(False)), electronic, opened_with)).one()
        return Reserve(sealed=int(row[0]), released=int(row[1] or 0), sealed_used=int(row[2]),
                       unsealed=int(row[3]), electronic=int(row[4]), opened_with=int(row[5] or 0))

    def release(self, code: str) -> None:
        """One more reserve card released (a count: which card is never said)."""
        rid = round_id(self.session, code)
        insert = sqlite_insert if self.session.get_bind().dialect.name == "sqlite" else postgres_insert
        self.session.execute(insert(CardReserveRow).values(round_id=rid, released=0).on_conflict_do_nothing())
        self.session.execute(update(CardReserveRow).where(CardReserveRow.round_id == rid)
                             .values(released=CardReserveRow.released + 1))

    def mark_opened(self, code: str, electronic: int) -> None:
        """Voting opens with ``electronic`` check-ins: a release needs one made after."""
        rid = round_id(self.session, code)
        insert = sqlite_insert if self.session.get_bind().dialect.name == "sqlite" else postgres_insert
        self.session.execute(insert(CardReserveRow).values(round_id=rid, released=0).on_conflict_do_nothing())
        self.session.execute(update(CardReserveRow).where(CardReserveRow.round_id == rid)
                             .values(opened_with=electronic))

    def lift_seals(self, code: str) -> None:
        """At closing (before the rewrite that voids the unused cards): no row says which card was in the reserve."""
        self.session.execute(update(CardRow).where(CardRow.round_id == round_id(self.session, code),
                                                   CardRow.sealed.is_(True)).values(sealed=False))

    def sign_in_secret(self, code: str) -> str:
        """The round's secret for the sign-in limiter's keys, made on first use (32 bytes from the OS CSPRNG)."""
        rid = round_id(self.session, code)
        insert = sqlite_insert if self.session.get_bind().dialect.name == "sqlite" else postgres_insert
        self.session.execute(insert(SignInKeyRow).values(round_id=rid, secret=secrets.token_hex(32))
                             .on_conflict_do_nothing())
        found = self.session.scalar(select(SignInKeyRow.secret).where(SignInKeyRow.round_id == rid))
        assert found is not None
        return found

    def drop_sign_in_secret(self, code: str) -> None:
        self.session.execute(delete(SignInKeyRow).where(SignInKeyRow.round_id == round_id(self.session, code)))
