"""The check-in list in the database: delegates in list order with their channel, a tap, an undo.

Mixed into ``repository.SqlPaperStore`` (which has ``session``). Attendance says that a
delegate is present and how they vote, never what: no ballot has a delegate column.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as postgres_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from tinnhiem.domain.errors import InvalidInput, NotFound
from tinnhiem.domain.words import N_
from tinnhiem.services.ports import Attendee
from tinnhiem.storage.round_ids import round_id
from tinnhiem.storage.tables import AttendanceRow, DelegateRow

CHANNEL_WORDS = {"electronic": N_("bỏ phiếu điện tử"), "paper": N_("phiếu giấy")}


class SqlAttendance:
    session: Session

    def attendance(self, code: str) -> list[Attendee]:
        """Every delegate in list order, with their channel once checked in."""
        rows = self.session.execute(
            select(DelegateRow.number, DelegateRow.name, DelegateRow.unit, AttendanceRow.channel)
            .outerjoin(AttendanceRow, AttendanceRow.delegate_id == DelegateRow.id)
            .where(DelegateRow.round_id == round_id(self.session, code)).order_by(DelegateRow.number))
        return [Attendee(number, name, unit, channel) for number, name, unit, channel in rows]

    def _numbered(self, code: str, number: int) -> DelegateRow:
        delegate = self.session.scalar(select(DelegateRow).where(
            DelegateRow.round_id == round_id(self.session, code), DelegateRow.number == number))
        if delegate is None:
            raise NotFound("delegate-not-found", field="number", value=str(number))
        return delegate

    def attend_number(self, code: str, number: int, channel: str) -> Attendee:
        """Delegate ``number`` present by ``channel``; the same again changes nothing (two organisers);
        another channel is refused, also when two organisers tap at the same moment.

        The row is written first (INSERT … ON CONFLICT DO NOTHING on the one-row-per-delegate key), so
        the transaction takes the write lock before it reads: two taps queue instead of failing.
        """
        person = self._numbered(code, number)
        dialect = self.session.get_bind().dialect.name
        insert = sqlite_insert if dialect == "sqlite" else postgres_insert
        self.session.execute(insert(AttendanceRow).values(
            round_id=person.round_id, delegate_id=person.id, present=True, channel=channel,
        ).on_conflict_do_nothing())
        row = self.session.scalar(select(AttendanceRow).where(AttendanceRow.delegate_id == person.id)
                                  .execution_options(populate_existing=True))
        assert row is not None
        if row.channel is None:
            row.channel = channel
        elif row.channel != channel:
            raise InvalidInput("checked-in-other-channel", field="channel", value=person.name,
                               channel=CHANNEL_WORDS[row.channel])
        self.session.flush()
        return Attendee(person.number, person.name, person.unit, channel)

    def _attend_row(self, person: DelegateRow, channel: str) -> None:
        row = self.session.scalar(select(AttendanceRow).where(AttendanceRow.delegate_id == person.id))
        if row is None:
            self.session.add(AttendanceRow(round_id=person.round_id, delegate_id=person.id, channel=channel))
        elif row.channel not in (None, channel):
            raise InvalidInput("two-channels", field="channel", value=person.name, channel=row.channel)
        else:
            row.channel = channel
        self.session.flush()

    def leave(self, code: str, number: int) -> Attendee:
        """Undo delegate ``number``'s check-in (a wrong tap); nothing to undo is not an error."""
        person = self._numbered(code, number)
        row = self.session.scalar(select(AttendanceRow).where(AttendanceRow.delegate_id == person.id))
        if row is not None:
            self.session.delete(row)
            self.session.flush()
        return Attendee(person.number, person.name, person.unit, row.channel if row else None)
