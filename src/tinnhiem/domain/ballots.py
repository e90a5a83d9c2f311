"""Counting individual ballots, with validity per (ballot, subject) (R-VALID-1, R-VALID-2).

Paper ballots read from a scanner and decrypted electronic tallies both end in
``Totals``, so every channel feeds the same ``tally``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from tinnhiem.domain.errors import InvalidInput
from tinnhiem.domain.model import LEVELS, Level, Totals, VoteKind


@dataclass(frozen=True, slots=True)
class Ballot:
    """One returned ballot (phiếu): the boxes marked on each row, in the ballot's order.

    It carries no number and nothing about the voter (R-BALLOT-2).
    """

    rows: tuple[frozenset[Level], ...]
    void: bool = False  # R-VALID-1: wrong form, a name crossed out, something written in
    subjects: tuple[int, ...] = ()  # the subjects its rows are for (a sheet of one group); () = all, in order


def row_choice(marks: frozenset[Level]) -> Level | None:
    """R-VALID-2: exactly one box marked is that level; none, two or three is an invalid row."""
    if len(marks) == 1:
        (level,) = marks
        return level
    return None


def count_ballots(kind: VoteKind, n_subjects: int, ballots: Iterable[Ballot]) -> tuple[Totals, ...]:
    """Add ballots into each subject's totals; a void ballot is an invalid row for everyone."""
    levels = LEVELS[kind]
    counts = [dict.fromkeys(levels, 0) for _ in range(n_subjects)]
    invalid = [0] * n_subjects
    for number, ballot in enumerate(ballots):
        _check_shape(ballot, levels, n_subjects, number)
        for i, marks in zip(ballot.subjects or range(n_subjects), ballot.rows, strict=True):
            choice = None if ballot.void else row_choice(marks)
            if choice is None:
                invalid[i] += 1
            else:
                counts[i][choice] += 1
    return tuple(Totals(c, inv) for c, inv in zip(counts, invalid, strict=True))


def _check_shape(ballot: Ballot, levels: Sequence[Level], n_subjects: int, number: int) -> None:
    expected = len(ballot.subjects) if ballot.subjects else n_subjects
    if len(ballot.rows) != expected or any(not 0 <= s < n_subjects for s in ballot.subjects):
        raise InvalidInput("missing", field=f"ballots[{number}].rows")
    for i, marks in enumerate(ballot.rows):
        if not marks <= set(levels):
            raise InvalidInput(
                "unknown-value",
                field=f"ballots[{number}].rows[{i}]",
                value=",".join(sorted(m.value for m in marks)),
                choices=", ".join(level.value for level in levels),
            )
