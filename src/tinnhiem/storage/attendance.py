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
        """Every delegate in list order, with their channel once checked in (and not undone)."""
        rows = self.session.execute(
            select(DelegateRow.number, DelegateRow.name, DelegateRow.unit, AttendanceRow.channel, AttendanceRow.present,
                   DelegateRow.detail)
            .outerjoin(AttendanceRow, AttendanceRow.delegate_id == DelegateRow.id)
            .where(DelegateRow.round_id == round_id(self.session, code)).order_by(DelegateRow.number))
        return [Attendee(number, name, unit, channel if present else None, detail)
                for number, name, unit, channel, present, detail in rows]

    def _numbered(self, code: str, number: int) -> DelegateRow:
        delegate = self.session.scalar(select(DelegateRow).where(
            DelegateRow.round_id == round_id(self.session, code), DelegateRow.number == number))
        if delegate is None:
            raise NotFound("delegate-not-found", field="number", value=str(number))
        return delegate

    def attend_number(self, code: str, number: int, channel: str, by: str = "") -> Attendee:
        """Delegate ``number`` present by ``channel``, checked in by account ``by``. Exactly one check-in stands:
        a second tap (another organiser at the same moment, a double tap) is refused, saying who handed out the
        card or paper ballot; another channel is refused too.

        The row is written first (INSERT … ON CONFLICT DO NOTHING on the one-row-per-delegate key), so
        the transaction takes the write lock before it reads: two taps queue, and the second finds the first's row.
        """
        person = self._numbered(code, number)
        dialect = self.session.get_bind().dialect.name
        insert = sqlite_insert if dialect == "sqlite" else postgres_insert
        written = self.session.execute(insert(AttendanceRow).values(
            round_id=person.round_id, delegate_id=person.id, present=True, channel=channel, checked_in_by=by or None,
        ).on_conflict_do_nothing().returning(AttendanceRow.delegate_id))  # a row back: this tap wrote it
        if written.first() is None:
            row = self.session.scalar(select(AttendanceRow).where(AttendanceRow.delegate_id == person.id)
                                      .execution_options(populate_existing=True))
            assert row is not None
            self._again(person, row, channel, by)
        self.session.flush()
        return Attendee(person.number, person.name, person.unit, channel, person.detail)

    @staticmethod
    def _again(person: DelegateRow, row: AttendanceRow, channel: str, by: str) -> None:
        """A check-in of a delegate who has a row already: refused unless it was undone (or never had a channel)."""
        if row.channel is None:
            row.channel, row.present, row.checked_in_by = channel, True, by or None
        elif not row.present:  # a paper check-in undone while voting is open: its channel stays
            if row.channel != channel:
                raise InvalidInput("channel-fixed-while-open", field="channel", value=person.name,
                                   channel=CHANNEL_WORDS[row.channel])
            row.present, row.checked_in_by = True, by or None
        elif row.channel != channel:
            raise InvalidInput("checked-in-other-channel", field="channel", value=person.name,
                               channel=CHANNEL_WORDS[row.channel])
        else:
            raise InvalidInput("card-already-handed-out" if channel == "electronic" else "paper-already-handed-out",
                               field="number", value=person.name, by=row.checked_in_by or "—")

    def _attend_row(self, person: DelegateRow, channel: str, by: str = "") -> None:
        row = self.session.scalar(select(AttendanceRow).where(AttendanceRow.delegate_id == person.id))
        if row is None:
            self.session.add(AttendanceRow(round_id=person.round_id, delegate_id=person.id, channel=channel,
                                           checked_in_by=by or None))
        elif row.present and row.channel not in (None, channel):
            raise InvalidInput("two-channels", field="channel", value=person.name, channel=row.channel)
        else:
            self._again(person, row, channel, by)
        self.session.flush()

    def leave(self, code: str, number: int, keep_channel: bool = False) -> Attendee:
        """Undo delegate ``number``'s check-in (a wrong tap); nothing to undo is not an error.

        With ``keep_channel`` (voting is open) the row stays, marked not present, so that the delegate
        cannot come back on the other channel: one person, one way to vote.
        """
        person = self._numbered(code, number)
        row = self.session.scalar(select(AttendanceRow).where(AttendanceRow.delegate_id == person.id))
        if row is None or not row.present:
            return Attendee(person.number, person.name, person.unit, None, person.detail)
        channel = row.channel
        if keep_channel:
            row.present, row.checked_in_by = False, None
        else:
            self.session.delete(row)
        self.session.flush()
        return Attendee(person.number, person.name, person.unit, channel, person.detail)
