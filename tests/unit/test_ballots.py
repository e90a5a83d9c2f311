"""R-VALID-1 and R-VALID-2: validity is per (ballot, subject)."""

from tinnhiem.domain.ballots import Ballot, count_ballots
from tinnhiem.domain.model import Level, VoteKind

H, C, L = Level.HIGH, Level.CONFIDENCE, Level.LOW


def test_invalid_row_counts_only_for_that_subject() -> None:
    """A row with two marks, or none, is invalid for that person; the other rows still count."""
    ballots = [
        Ballot((frozenset({H}), frozenset({H, L}))),
        Ballot((frozenset({C}), frozenset())),
        Ballot((frozenset({L}), frozenset({C}))),
    ]
    first, second = count_ballots(VoteKind.CONFIDENCE, 2, ballots)
    assert ({H: 1, C: 1, L: 1}, 0) == (dict(first.counts), first.invalid)
    assert ({H: 0, C: 1, L: 0}, 2) == (dict(second.counts), second.invalid)


def test_void_ballot_is_invalid_for_everyone() -> None:
    """R-VALID-1: a ballot not issued by the committee, or written on, counts for nobody."""
    (only,) = count_ballots(VoteKind.CONFIDENCE, 1, [Ballot((frozenset({H}),), void=True)])
    assert (0, 1) == (only.valid, only.invalid)


def test_a_sheet_counts_for_its_own_subjects_only() -> None:
    """A sheet of one group of posts (one ballot type) adds to its subjects and leaves the others alone."""
    sheet = Ballot((frozenset({L}), frozenset()), subjects=(2, 0))
    first, second, third = count_ballots(VoteKind.CONFIDENCE, 3, [sheet])
    assert ((0, 1), (0, 0), (1, 0)) == ((first.valid, first.invalid), (second.valid, second.invalid),
                                        (third.valid, third.invalid))
