"""Double entry of paper totals: two committee members type them independently.

Nothing is saved until both entries agree on every subject.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from tinnhiem.domain.model import Subject, Totals


@dataclass(frozen=True, slots=True)
class Entry:
    """One member's typing of the totals (lần nhập của một thành viên Ban kiểm phiếu)."""

    member: str
    totals: tuple[Totals, ...]


@dataclass(frozen=True, slots=True)
class Mismatch:
    """A subject on which the two entries differ."""

    index: int
    subject: Subject
    first: Totals
    second: Totals


def mismatches(subjects: Sequence[Subject], first: Entry, second: Entry) -> list[Mismatch]:
    """Every subject whose counts or invalid rows differ between the two entries."""
    return [
        Mismatch(i, subject, a, b)
        for i, (subject, a, b) in enumerate(zip(subjects, first.totals, second.totals, strict=True))
        if dict(a.counts) != dict(b.counts) or a.invalid != b.invalid
    ]
