"""The SQLAlchemy implementation of ``services.ports``: rounds, totals, people, audit."""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Sequence
from types import TracebackType
from typing import Any, Self

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload, selectinload

from tinnhiem.domain.errors import InvalidInput, NotFound
from tinnhiem.domain.model import (
    LEVELS,
    BaseKind,
    BodyKind,
    CommitteeMember,
    Conference,
    Delegate,
    Exemption,
    ExemptionReason,
    Level,
    PercentStyle,
    Round,
    Subject,
    Totals,
    VoteKind,
    VotingBody,
)
from tinnhiem.domain.names import Person, find_person, folded
from tinnhiem.services.ports import (
    AccountStore,
    Appearance,
    CeremonyStore,
    Entered,
    PaperStore,
    ReserveStore,
    RoundListing,
    RoundStore,
    StoredRow,
    StoredSheet,
    UnitOfWork,
    VotingStore,
)
from tinnhiem.storage.accounts_store import SqlAccountStore
from tinnhiem.storage.attendance import SqlAttendance
from tinnhiem.storage.db import Database
from tinnhiem.storage.erasure import erase_postgres_history, erase_sqlite_history
from tinnhiem.storage.paper_audit import SqlPaperAudit
from tinnhiem.storage.reserve_store import DELETED_AT_CLOSING, SqlReserveStore
from tinnhiem.storage.tables import (
    AttendanceRow,
    AuditRow,
    BodyRow,
    CeremonyRow,
    ChannelTotalsRow,
    CommitteeRow,
    CountEntryRow,
    DelegateRow,
    ExemptionRow,
    PaperRowRow,
    PaperSheetRow,
    PersonRow,
    RoundRow,
    RoundSubjectRow,
)
from tinnhiem.storage.voting_store import WRITTEN_WHILE_OPEN, SqlVotingStore

COUNT_COLUMNS = {
    Level.HIGH: "count_high",
    Level.CONFIDENCE: "count_confidence",
    Level.LOW: "count_low",
    Level.NO_CONFIDENCE: "count_no_confidence",
}

CHANNEL_ORDER = {"paper": 0, "electronic": 1}  # the minutes list paper first


def person_key(name: str, key: str = "") -> str:
    """The key that keeps a person across rounds: an explicit code, else the NFC name."""
    return unicodedata.normalize("NFC", (key or name).strip())


class SqlRoundStore:
    def __init__(self, session: Session) -> None:
        self.session = session

    def _person(self, name: str, key: str = "") -> PersonRow:
        k = person_key(name, key)
        row = self.session.scalar(select(PersonRow).where(PersonRow.key == k))
        if row is None:
            row = PersonRow(key=k, name=unicodedata.normalize("NFC", name.strip()))
            self.session.add(row)
        return row

    def _body(self, body: VotingBody) -> BodyRow:
        row = self.session.scalar(select(BodyRow).where(BodyRow.name == body.name))
        if row is None:
            row = BodyRow(name=body.name)
            self.session.add(row)
        row.kind = body.kind.value
        if body.members is not None:
            row.members = body.members
        return row

    def _new_code(self, date: dt.date) -> str:
        same_day = self.session.scalar(select(func.count()).where(RoundRow.date == date)) or 0
        return f"{date.isoformat()}-{same_day + 1}"

    def add(self, round_: Round, delegates: Sequence[Delegate] = (), code: str | None = None) -> str:
        if code and self.session.scalar(select(RoundRow.id).where(RoundRow.code == code)) is not None:
            raise InvalidInput("round-code-taken", field="code", value=code)  # said, not a constraint's traceback
        conf = round_.conference
        row = RoundRow(
            code=code or self._new_code(round_.date),
            body=self._body(round_.body),
            rule_set=round_.rule_set,
            kind=round_.kind.value,
            title=round_.title,
            date=round_.date,
            place=round_.place,
            convened=conf.convened,
            present=conf.present,
            ballots_issued=conf.ballots_issued,
            ballots_returned=conf.ballots_returned,
            base=round_.base.value if round_.base else None,
            style=round_.style.value,
        )
        row.subjects = [
            RoundSubjectRow(number=i, person=self._person(s.name, s.person_key), position=s.position, group=s.group)
            for i, s in enumerate(round_.subjects)
        ]
        row.exemptions = [
            ExemptionRow(number=i, person=self._person(e.name), position=e.position, reason=e.reason.value, note=e.note)
            for i, e in enumerate(round_.exemptions)
        ]
        row.committee = [CommitteeRow(number=i, name=m.name, role=m.role) for i, m in enumerate(round_.committee)]
        row.delegates = [DelegateRow(number=i, name=d.name, unit=d.unit, detail=d.detail)
                         for i, d in enumerate(delegates)]
        self.session.add(row)
        self.session.flush()
        return row.code

    def exists(self, code: str) -> bool:
        return self.session.scalar(select(RoundRow.id).where(RoundRow.code == code)) is not None

    def _row(self, code: str) -> RoundRow:
        row = self.session.scalar(select(RoundRow).where(RoundRow.code == code))
        if row is None:
            raise NotFound("round-not-found", field="round", value=code)
        return row

    def _whole(self, code: str) -> RoundRow:
        """The round with its subjects, people, totals, exemptions and committee in five queries, not one
        per subject (the ballot page reads it at every delegate's sign-in)."""
        subjects = selectinload(RoundRow.subjects)
        row = self.session.scalar(select(RoundRow).where(RoundRow.code == code).options(
            joinedload(RoundRow.body), subjects.selectinload(RoundSubjectRow.person),
            subjects.selectinload(RoundSubjectRow.totals),
            selectinload(RoundRow.exemptions).selectinload(ExemptionRow.person), selectinload(RoundRow.committee)))
        if row is None:
            raise NotFound("round-not-found", field="round", value=code)
        return row

    def get(self, code: str) -> Round:
        row = self._whole(code)
        return Round(
            rule_set=row.rule_set,
            body=VotingBody(row.body.name, row.body.members, BodyKind(row.body.kind)),
            title=row.title,
            date=row.date,
            subjects=tuple(
                Subject(s.person.name, s.position, s.group, s.person.key if s.person.key != s.person.name else "")
                for s in row.subjects
            ),
            kind=VoteKind(row.kind),
            place=row.place,
            conference=Conference(row.convened, row.present, row.ballots_issued, row.ballots_returned),
            base=BaseKind(row.base) if row.base else None,
            style=PercentStyle(row.style),
            committee=tuple(CommitteeMember(m.name, m.role) for m in row.committee),
            exemptions=tuple(
                Exemption(e.person.name, e.position, ExemptionReason(e.reason), e.note) for e in row.exemptions
            ),
        )

    def delegates(self, code: str) -> tuple[Delegate, ...]:
        return tuple(Delegate(d.name, d.unit, d.detail) for d in self._row(code).delegates)

    def channel_totals(self, code: str) -> dict[str, tuple[Totals, ...]]:
        """The totals of each channel that has been counted, in ballot order."""
        row = self._whole(code)
        levels = LEVELS[VoteKind(row.kind)]
        found: dict[str, list[Totals]] = {}
        for subject in row.subjects:
            for entry in subject.totals:
                counts = {level: getattr(entry, COUNT_COLUMNS[level]) for level in levels}
                found.setdefault(entry.channel, []).append(Totals(counts, entry.invalid))
        order = sorted(found, key=lambda channel: (CHANNEL_ORDER.get(channel, 9), channel))
        return {channel: tuple(found[channel]) for channel in order if len(found[channel]) == len(row.subjects)}

    def totals(self, code: str) -> tuple[Totals, ...] | None:
        """Every channel added together; None before any count."""
        channels = list(self.channel_totals(code).values())
        if not channels:
            return None
        return tuple(
            Totals({level: sum(c[i].counts[level] for c in channels) for level in channels[0][i].counts},
                   sum(c[i].invalid for c in channels))
            for i in range(len(channels[0]))
        )

    def save_totals(self, code: str, totals: Sequence[Totals], channel: str = "paper") -> None:
        """Set one channel's totals (replacing that channel's earlier ones)."""
        row = self._row(code)
        for subject, entry in zip(row.subjects, totals, strict=True):
            existing = next((t for t in subject.totals if t.channel == channel), None)
            if existing is None:
                existing = ChannelTotalsRow(channel=channel, invalid=0)
                subject.totals.append(existing)
            for level, column in COUNT_COLUMNS.items():
                setattr(existing, column, entry.counts.get(level))
            existing.invalid = entry.invalid

    def listing(self) -> list[RoundListing]:
        rows = self.session.scalars(select(RoundRow).order_by(RoundRow.date, RoundRow.id))
        return [
            RoundListing(
                r.code, r.date, r.body.name, r.title, len(r.subjects),
                bool(r.subjects) and all(s.totals for s in r.subjects),
            )
            for r in rows
        ]

    def appearances(self, name_or_key: str) -> list[Appearance]:
        """Every round of the person ``name_or_key`` means, however typed (domain.names.find_person)."""
        wanted = folded(name_or_key)
        candidates = [p for p in self.session.execute(select(PersonRow.id, PersonRow.key, PersonRow.name))
                      if wanted in (folded(p.key), folded(p.name))]
        notes = self._last_positions([p.id for p in candidates])
        chosen = find_person(name_or_key, [Person(p.key, p.name, notes.get(p.id, "")) for p in candidates])
        ids = [p.id for p in candidates if p.key in {c.key for c in chosen}]
        found: list[tuple[dt.date, int, Appearance]] = []
        models: tuple[tuple[type[RoundSubjectRow] | type[ExemptionRow], bool], ...] = (
            (RoundSubjectRow, False), (ExemptionRow, True))
        for model, exempted in models:
            query = (select(RoundRow, PersonRow).join(model, RoundRow.id == model.round_id)
                     .join(PersonRow, PersonRow.id == model.person_id))
            for round_row, person in self.session.execute(query.where(model.person_id.in_(ids))):
                appearance = Appearance(round_row.code, person.key, person.name, exempted)
                found.append((round_row.date, round_row.id, appearance))
        return [a for _, _, a in sorted(found, key=lambda f: (f[0], f[1]))]

    def _last_positions(self, ids: list[int]) -> dict[int, str]:
        """Each person's latest position and body, to tell namesakes apart."""
        query = (select(RoundSubjectRow.person_id, RoundSubjectRow.position, BodyRow.name, RoundRow.date)
                 .join(RoundRow, RoundRow.id == RoundSubjectRow.round_id).join(BodyRow, BodyRow.id == RoundRow.body_id)
                 .where(RoundSubjectRow.person_id.in_(ids)).order_by(RoundRow.date))
        return {person: f"{position}, {body}, {date.isoformat()}"
                for person, position, body, date in self.session.execute(query)}

    def set_conference(self, code: str, conference: Conference) -> None:
        row = self._row(code)
        row.convened, row.present = conference.convened, conference.present
        row.ballots_issued, row.ballots_returned = conference.ballots_issued, conference.ballots_returned

    def entries(self, code: str) -> dict[str, Entered]:
        """Each member's pending typing of the paper totals (double entry)."""
        row = self._row(code)
        levels = LEVELS[VoteKind(row.kind)]
        found = self.session.scalars(select(CountEntryRow).where(CountEntryRow.round_id == row.id))
        return {e.member: Entered(tuple(Totals({lv: typed[lv.value] for lv in levels}, typed["invalid"])
                                        for typed in e.totals), e.device) for e in found}

    def save_entry(self, code: str, member: str, totals: Sequence[Totals], device: str = "") -> None:
        row = self._row(code)
        data = [{**{lv.value: n for lv, n in t.counts.items()}, "invalid": t.invalid} for t in totals]
        entry = self.session.scalar(select(CountEntryRow).where(
            CountEntryRow.round_id == row.id, CountEntryRow.member == member))
        if entry is None:
            self.session.add(CountEntryRow(round_id=row.id, member=member, totals=data, device=device))
        else:
            entry.totals, entry.device = data, device
        self.session.flush()

    def clear_entries(self, code: str) -> None:
        for entry in self.session.scalars(select(CountEntryRow).where(CountEntryRow.round_id == self._row(code).id)):
            self.session.delete(entry)

    def audit(self, code: str | None, action: str, actor: str, detail: dict[str, object]) -> None:
        round_id = self._row(code).id if code else None
        self.session.add(
            AuditRow(at=dt.datetime.now(dt.UTC).replace(tzinfo=None), round_id=round_id,
                     action=action, actor=actor, detail=detail)
        )


class SqlUnitOfWork:
    """A session and its transaction, per ``services.ports.UnitOfWork``."""

    def __init__(self, database: Database) -> None:
        self.database = database
        self.round_ids: dict[str, int] = {}  # a round's id by its code, read once per unit (rounds are never deleted)

    rounds: RoundStore
    paper: PaperStore
    voting: VotingStore
    ceremonies: CeremonyStore
    accounts: AccountStore
    reserve: ReserveStore

    def __enter__(self) -> Self:
        self.session = self.database.session()
        rounds = SqlRoundStore(self.session)
        self.rounds = rounds
        self.paper = SqlPaperStore(self.session, rounds)
        self.voting = SqlVotingStore(self.session, rounds, self.round_ids)
        self.ceremonies = SqlCeremonyStore(self.session, rounds)
        self.accounts = SqlAccountStore(self.session)
        self.reserve = SqlReserveStore(self.session)
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.session.rollback()
        self.session.close()

    def commit(self) -> None:
        self.session.commit()

    def drop_old_row_versions(self) -> None:
        """After closing: the row versions that closing replaced, and the log of the writes made while
        voting was open, leave the database's files (storage/erasure.py, docs/security.md)."""
        engine = self.database.engine
        if engine.dialect.name == "postgresql":
            erase_postgres_history(engine, [t.name for t in (*WRITTEN_WHILE_OPEN, *DELETED_AT_CLOSING)])
        else:
            erase_sqlite_history(engine)


class SqlPaperStore(SqlAttendance, SqlPaperAudit):
    """Scanned sheets, their rows and decisions, attendance and the audit, per ``services.ports.PaperStore``."""

    def __init__(self, session: Session, rounds: SqlRoundStore) -> None:
        self.session = session
        self.rounds = rounds

    def add_sheet(self, code: str, sheet: StoredSheet) -> int | None:
        """Store a sheet; None (and nothing stored) when this very image was imported before."""
        round_row = self.rounds._row(code)
        exists = self.session.scalar(select(PaperSheetRow.id).where(
            PaperSheetRow.round_id == round_row.id, PaperSheetRow.image_sha256 == sheet.image_sha256,
            PaperSheetRow.source_page == sheet.source_page))
        if exists is not None:
            return None
        row = PaperSheetRow(
            round_id=round_row.id, source=sheet.source, source_page=sheet.source_page,
            image_sha256=sheet.image_sha256, qr_text=sheet.qr_text, problems=list(sheet.problems), void=sheet.void,
            content_hash=sheet.content_hash, signature=sheet.signature, copy_of=sheet.copy_of,
            rows=[PaperRowRow(row=r.row, subject_number=r.subject, read_state=r.read_state, read_level=r.read_level,
                              scores=list(r.scores), state=r.state, level=r.level, ink=[list(b) for b in r.ink])
                  for r in sheet.rows],
        )
        self.session.add(row)
        self.session.flush()
        return row.id

    def sheets(self, code: str) -> list[StoredSheet]:
        round_row = self.rounds._row(code)
        rows = self.session.scalars(
            select(PaperSheetRow).where(PaperSheetRow.round_id == round_row.id).order_by(PaperSheetRow.id)
            .options(selectinload(PaperSheetRow.rows)))  # one query for every sheet's rows, not one per sheet
        return [self._sheet(s) for s in rows]

    def same_content(self, code: str, content_hash: str) -> list[StoredSheet]:
        """The round's sheets whose mark pattern reads the same (copies are looked for among them)."""
        round_row = self.rounds._row(code)
        rows = self.session.scalars(select(PaperSheetRow).where(
            PaperSheetRow.round_id == round_row.id, PaperSheetRow.content_hash == content_hash,
        ).order_by(PaperSheetRow.id))
        return [self._sheet(s) for s in rows]

    @staticmethod
    def _sheet(s: PaperSheetRow) -> StoredSheet:
        rows = tuple(StoredRow(r.row, r.subject_number, r.read_state, r.read_level, tuple(r.scores), r.state, r.level,
                               r.decided_by, tuple(tuple(b) for b in r.ink or ())) for r in s.rows)
        return StoredSheet(s.id, s.source, s.source_page, s.image_sha256, s.qr_text, tuple(s.problems), s.void,
                           rows, s.decided_by, s.content_hash, s.signature, s.copy_of, s.withdrawn, s.withdrawn_by)

    def replace_reading(self, sheet_id: int, sheet: StoredSheet) -> None:
        """A new reading of a kept sheet (placed by hand): its form, problems, rows; undecided again."""
        row = self.session.get_one(PaperSheetRow, sheet_id)
        row.qr_text, row.problems, row.void, row.decided_by = sheet.qr_text, list(sheet.problems), sheet.void, ""
        row.content_hash, row.signature = sheet.content_hash, sheet.signature
        row.rows = [PaperRowRow(row=r.row, subject_number=r.subject, read_state=r.read_state, read_level=r.read_level,
                                scores=list(r.scores), state=r.state, level=r.level, ink=[list(b) for b in r.ink])
                    for r in sheet.rows]
        self.session.flush()

    def withdraw_sheet(self, sheet_id: int, reason: str, member: str) -> None:
        sheet = self.session.get_one(PaperSheetRow, sheet_id)
        sheet.withdrawn, sheet.withdrawn_by = reason, member

    def decide_row(self, sheet_id: int, row: int, state: str, level: int | None, member: str) -> None:
        entry = self.session.scalars(
            select(PaperRowRow).where(PaperRowRow.sheet_id == sheet_id, PaperRowRow.row == row)).one()
        entry.state, entry.level, entry.decided_by = state, level, member

    def decide_sheet(self, sheet_id: int, void: bool, member: str) -> None:
        sheet = self.session.get_one(PaperSheetRow, sheet_id)
        sheet.void, sheet.decided_by = void, member

    def _delegate(self, code: str, name: str) -> DelegateRow:
        round_row = self.rounds._row(code)
        found = list(self.session.scalars(select(DelegateRow).where(
            DelegateRow.round_id == round_row.id, DelegateRow.name == unicodedata.normalize("NFC", name.strip()))
            .order_by(DelegateRow.number)))
        if not found:
            raise NotFound("delegate-not-found", field="delegate", value=name)
        if len(found) > 1:  # namesakes: never the first one by default (check in by number instead)
            choices = "".join(f"\n  • {d.number + 1}. {d.name}" + (f" ({d.unit})" if d.unit else "") for d in found)
            raise InvalidInput("delegate-ambiguous", field="delegate", value=name, count=len(found), choices=choices)
        return found[0]

    def attend(self, code: str, delegate: str, channel: str, by: str = "") -> None:
        """Record presence and channel; a delegate with another channel already, or present already, is refused."""
        self._attend_row(self._delegate(code, delegate), channel, by)

    def channel_voters(self, code: str) -> dict[str, int]:
        round_row = self.rounds._row(code)
        rows = self.session.execute(
            select(AttendanceRow.channel, func.count()).where(
                AttendanceRow.round_id == round_row.id, AttendanceRow.channel.is_not(None),
                AttendanceRow.present.is_(True)  # not a paper check-in undone while voting is open
            ).group_by(AttendanceRow.channel))
        return {channel: count for channel, count in rows if channel is not None}


class SqlCeremonyStore:
    def __init__(self, session: Session, rounds: SqlRoundStore) -> None:
        self.session = session
        self.rounds = rounds

    def ceremony(self, code: str, lock: bool = False) -> dict[str, Any] | None:
        """The ceremony's state; with ``lock``, its row stays locked until the transaction ends."""
        query = select(CeremonyRow).where(CeremonyRow.round_id == self.rounds._row(code).id)
        row = self.session.scalar(query.with_for_update() if lock else query)
        return None if row is None else dict(row.data)

    def save_ceremony(self, code: str, data: dict[str, Any]) -> None:
        round_id = self.rounds._row(code).id
        row = self.session.scalar(select(CeremonyRow).where(CeremonyRow.round_id == round_id).with_for_update())
        if row is None:
            self.session.add(CeremonyRow(round_id=round_id, data=data))
        else:
            row.data = data
        self.session.flush()


# The ports are checked: mypy refuses the module if a store stops satisfying its Protocol.
_round_store: type[RoundStore] = SqlRoundStore
_paper_store: type[PaperStore] = SqlPaperStore
_voting_store: type[VotingStore] = SqlVotingStore
_ceremony_store: type[CeremonyStore] = SqlCeremonyStore
_unit_of_work: type[UnitOfWork] = SqlUnitOfWork
