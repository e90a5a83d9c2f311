"""The audit file's pure parts: the stack's canonical JSON and hash, its totals, the rows that differ."""

from __future__ import annotations

import hashlib

from tinnhiem.domain.model import Level, VoteKind
from tinnhiem.paper.audit_file import StackSheet, check, claims, differences, stack_hash, stack_json, stack_totals

STACK = (StackSheet(17, 1, "quét 1.pdf", 2, False, ((0, "2"), (1, "multiple"))),
         StackSheet(4, 2, "quét 1.pdf", 3, True, ((0, "0"), (1, "1"))),
         StackSheet(9, 3, "ảnh.jpg", 1, True, (), (0, 1)))


def test_the_stack_is_canonical_json_sorted_without_spaces_in_utf8() -> None:
    first = stack_json(STACK[:1])
    assert first == ('[{"file":"quét 1.pdf","number":17,"page":2,"place":1,"rows":[[0,"2"],[1,"multiple"]],'
                     '"void":false,"void_for":[]}]').encode()
    assert stack_hash(STACK) == hashlib.sha256(stack_json(STACK)).hexdigest()
    assert stack_hash(STACK) != stack_hash((STACK[1], STACK[0], STACK[2]))  # the order is part of the stack


def test_the_stack_adds_up_as_ballots_do() -> None:
    """Row 2 of sheet 17 has several boxes, sheet 4 is void, sheet 9 is a void sheet never placed."""
    totals = stack_totals(VoteKind.CONFIDENCE, 2, STACK)
    assert [t.counts[Level.LOW] for t in totals] == [1, 0]
    assert [t.invalid for t in totals] == [2, 3]


def test_a_row_read_otherwise_is_classed_by_the_outcomes_it_moves() -> None:
    outcomes = claims(VoteKind.CONFIDENCE, 3, (1, 0), STACK)  # subject 0: 1 low on paper + 1 electronic of 3
    moved = differences(VoteKind.CONFIDENCE, STACK[0], ("1", "multiple"), False, outcomes)
    assert [(d.row, d.machine, d.people) for d in moved] == [(0, "2", "1")]
    assert dict(moved[0].classes) == {"half": "o2", "two-thirds": "o2"}  # 2 of 3 low as counted: both lines reached
    unplaced = differences(VoteKind.CONFIDENCE, STACK[2], (), False, outcomes)
    assert [(d.row, d.machine, d.people) for d in unplaced] == [(-1, "void", "")]


def test_anything_but_an_audit_file_fails_the_format_check_alone() -> None:
    for data in (None, [], {"format": "tinnhiem-audit/1"}, {"format": "tinnhiem-record/1"}):
        found = check(data)
        assert found.first_failed == "format" and [f.passed for f in found.findings[1:]] == [None] * 5
