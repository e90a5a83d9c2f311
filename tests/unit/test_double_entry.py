"""Double entry: the subjects where two members' typing differs."""

from tinnhiem.domain.double_entry import Entry, mismatches
from tinnhiem.domain.model import Level, Subject, Totals

SUBJECTS = (Subject("A", "x"), Subject("B", "y"))


def totals(high: int, invalid: int = 0) -> Totals:
    return Totals({Level.HIGH: high, Level.CONFIDENCE: 1, Level.LOW: 0}, invalid)


def test_equal_entries_have_no_mismatch() -> None:
    """Two identical entries agree."""
    assert [] == mismatches(SUBJECTS, Entry("m1", (totals(3), totals(4))), Entry("m2", (totals(3), totals(4))))


def test_a_differing_count_or_invalid_row_is_a_mismatch() -> None:
    """A count or an invalid count that differs names that subject."""
    first = Entry("m1", (totals(3), totals(4)))
    second = Entry("m2", (totals(3, invalid=1), totals(5)))
    assert ["A", "B"] == [m.subject.name for m in mismatches(SUBJECTS, first, second)]
