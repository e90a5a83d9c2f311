"""The SQLAlchemy implementation of ``services.ports``: rounds, totals, people, audit."""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Sequence
from types import TracebackType
from typing import Self

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from tinnhiem.domain.errors import NotFound
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
from tinnhiem.services.ports import Appearance, RoundListing
from tinnhiem.storage.db import Database
from tinnhiem.storage.tables import (
    AuditRow,
    BodyRow,
    CommitteeRow,
    DelegateRow,
    ExemptionRow,
    PersonRow,
    RoundRow,
    RoundSubjectRow,
)

COUNT_COLUMNS = {
    Level.HIGH: "count_high",
    Level.CONFIDENCE: "count_confidence",
    Level.LOW: "count_low",
    Level.NO_CONFIDENCE: "count_no_confidence",
}


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
        row.delegates = [DelegateRow(number=i, name=d.name, unit=d.unit) for i, d in enumerate(delegates)]
        self.session.add(row)
        self.session.flush()
        return row.code

    def _row(self, code: str) -> RoundRow:
        row = self.session.scalar(select(RoundRow).where(RoundRow.code == code))
        if row is None:
            raise NotFound("round-not-found", field="round", value=code)
        return row

    def get(self, code: str) -> Round:
        row = self._row(code)
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
        return tuple(Delegate(d.name, d.unit) for d in self._row(code).delegates)

    def totals(self, code: str) -> tuple[Totals, ...] | None:
        row = self._row(code)
        if any(s.invalid is None for s in row.subjects):
            return None
        levels = LEVELS[VoteKind(row.kind)]
        return tuple(
            Totals({level: getattr(s, COUNT_COLUMNS[level]) for level in levels}, s.invalid or 0)
            for s in row.subjects
        )

    def save_totals(self, code: str, totals: Sequence[Totals]) -> None:
        row = self._row(code)
        for subject, entry in zip(row.subjects, totals, strict=True):
            for level, column in COUNT_COLUMNS.items():
                setattr(subject, column, entry.counts.get(level))
            subject.invalid = entry.invalid

    def listing(self) -> list[RoundListing]:
        rows = self.session.scalars(select(RoundRow).order_by(RoundRow.date, RoundRow.id))
        return [
            RoundListing(
                r.code, r.date, r.body.name, r.title, len(r.subjects),
                all(s.invalid is not None for s in r.subjects) and bool(r.subjects),
            )
            for r in rows
        ]

    def appearances(self, name_or_key: str) -> list[Appearance]:
        text = unicodedata.normalize("NFC", name_or_key.strip())
        people = self.session.scalars(
            select(PersonRow).where(or_(PersonRow.key == text, PersonRow.name == text))
        ).all()
        if not people:
            raise NotFound("person-not-found", field="name", value=name_or_key)
        ids = [p.id for p in people]
        found: list[tuple[dt.date, int, Appearance]] = []
        for model, exempted in ((RoundSubjectRow, False), (ExemptionRow, True)):
            query = select(model, RoundRow).join(RoundRow, RoundRow.id == model.round_id)
            for entry, round_row in self.session.execute(query.where(model.person_id.in_(ids))):
                appearance = Appearance(round_row.code, entry.person.key, entry.person.name, exempted)
                found.append((round_row.date, round_row.id, appearance))
        return [a for _, _, a in sorted(found, key=lambda f: (f[0], f[1]))]

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

    def __enter__(self) -> Self:
        self.session = self.database.session()
        self.rounds = SqlRoundStore(self.session)
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.session.rollback()
        self.session.close()

    def commit(self) -> None:
        self.session.commit()
