"""The roll-up the level above makes from its bodies' reports (QĐ 96 Art. 7; NQ 96 Art. 19).

One row per person (their latest round), with the unit, the post, the ballots, each level with its
percentage and the band; the counts of people over one half low and of those at two thirds or more;
the posts the level above manages marked; and each person's rounds, oldest first. Pure: it adds up
counted results (``RoundResult``) and nothing else.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from tinnhiem.domain.model import Level
from tinnhiem.domain.names import folded
from tinnhiem.domain.tally import RoundResult


@dataclass(frozen=True, slots=True)
class RollupRow:
    """One person in one round, as the roll-up prints them."""

    person: str  # the person's key across rounds: person_key, else the unit and the name
    unit: str
    title: str
    date: dt.date
    name: str
    position: str
    issued: int | None
    returned: int | None
    valid: int
    invalid: int
    counts: Mapping[Level, int]
    percents: Mapping[Level, Decimal]
    band: int | None
    dismissal_proposed: bool
    managed: bool


@dataclass(frozen=True, slots=True)
class Rollup:
    """Every person's latest row, the counts by band, and each person's rows across rounds."""

    rows: tuple[RollupRow, ...]
    history: Mapping[str, tuple[RollupRow, ...]]
    rounds: int
    over_half: int  # people whose latest result is more than one half low (band 2 or 3)
    two_thirds: int  # of them, two thirds or more low (band 3)
    managed: int  # rows of posts the level above manages

    @property
    def people(self) -> int:
        return len(self.rows)


def person_key(unit: str, name: str, key: str) -> str:
    """The same person across rounds: the office's staff code when given, else the unit and the name."""
    return key or f"{folded(unit)}|{folded(name)}"


def rows_of(result: RoundResult, managed: frozenset[str]) -> list[RollupRow]:
    """The rows of one counted round; ``managed`` holds posts as ``folded`` text."""
    round_ = result.round
    return [
        RollupRow(
            person=person_key(round_.body.name, s.subject.name, s.subject.person_key),
            unit=round_.body.name, title=round_.title, date=round_.date, name=s.subject.name,
            position=s.subject.position, issued=round_.conference.ballots_issued,
            returned=round_.conference.ballots_returned, valid=s.totals.valid, invalid=s.totals.invalid,
            counts=dict(s.totals.counts), percents=dict(s.percents), band=s.band,
            dismissal_proposed=s.dismissal_proposed, managed=folded(s.subject.position) in managed,
        )
        for s in result.subjects
    ]


def rollup(results: Sequence[RoundResult], managed_posts: Sequence[str] = ()) -> Rollup:
    """The roll-up of counted rounds (each round once: the caller removes duplicates)."""
    managed = frozenset(folded(p) for p in managed_posts)
    by_person: dict[str, list[RollupRow]] = {}
    order: list[str] = []
    for result in sorted(results, key=lambda r: (r.round.date, r.round.body.name)):
        for row in rows_of(result, managed):
            if row.person not in by_person:
                order.append(row.person)
            by_person.setdefault(row.person, []).append(row)
    history = {key: tuple(rows) for key, rows in by_person.items()}
    latest = sorted((history[key][-1] for key in order), key=lambda r: (r.unit, order.index(r.person)))
    return Rollup(
        rows=tuple(latest), history=history, rounds=len(results),
        over_half=sum(1 for r in latest if (r.band or 0) >= 2),
        two_thirds=sum(1 for r in latest if r.band == 3),
        managed=sum(1 for r in latest if r.managed),
    )
