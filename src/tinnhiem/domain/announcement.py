"""The announcement sentence (thông báo kết quả), written from the numbers (docs/rules.md §7).

A Party conference usually publishes one sentence such as "all 12 titles reached
90% or more of tín nhiệm cao plus tín nhiệm"; the sentence here is always true
of the numbers, whatever they are.
"""

from __future__ import annotations

from tinnhiem.domain.model import BodyKind, Level, VoteKind
from tinnhiem.domain.percent import at_least_share
from tinnhiem.domain.tally import RoundResult, SubjectResult

SUMMARY_SHARE = (9, 10)  # "90% or more of cao + tín nhiệm", the figure Party conferences publish


def reaches_summary_share(result: SubjectResult, base: int) -> bool:
    """(cao + tín nhiệm) / D ≥ 90%, on integers."""
    positive = result.totals.counts[Level.HIGH] + result.totals.counts[Level.CONFIDENCE]
    return at_least_share(positive, base, *SUMMARY_SHARE)


def _people(result: RoundResult, lang: str) -> str:
    if lang == "en":
        return "people"
    return "đồng chí" if result.rules.scope is BodyKind.PARTY else "người"


def summary(result: RoundResult, lang: str = "vi") -> str:
    """One or two true sentences about the round's outcome."""
    if result.round.kind is VoteKind.NO_CONFIDENCE:
        return _no_confidence_summary(result, lang)
    n = len(result.subjects)
    people = _people(result, lang)
    reached = sum(reaches_summary_share(s, result.base) for s in result.subjects)
    if lang == "en":
        if reached == n:
            first = f"All {n} {people} voted on received 90% or more high confidence plus confidence."
        elif reached == 0:
            first = f"None of the {n} {people} voted on received 90% or more high confidence plus confidence."
        else:
            first = f"{reached} of the {n} {people} voted on received 90% or more high confidence plus confidence."
    elif reached == n:
        first = f"Tất cả {n} {people} được lấy phiếu đều đạt tỷ lệ tín nhiệm cao và tín nhiệm từ 90% trở lên."
    elif reached == 0:
        first = f"Không có {people} nào trong {n} {people} được lấy phiếu đạt tỷ lệ tín nhiệm cao và tín nhiệm từ 90% trở lên."
    else:
        first = f"Có {reached}/{n} {people} được lấy phiếu đạt tỷ lệ tín nhiệm cao và tín nhiệm từ 90% trở lên."
    return f"{first} {_low_sentence(result, lang)}"


def _low_sentence(result: RoundResult, lang: str) -> str:
    band2 = sum(1 for s in result.subjects if s.band == 2)
    band3 = sum(1 for s in result.subjects if s.band == 3)
    people = _people(result, lang)
    if lang == "en":
        parts = [f"{band2} by more than half and less than two thirds" if band2 else "",
                 f"{band3} by two thirds or more" if band3 else ""]
        said = "; ".join(p for p in parts if p)
        return f"Rated low confidence: {said}." if said else "Nobody was rated low confidence by more than half."
    parts = [f"{band2} {people} có từ quá nửa đến dưới hai phần ba" if band2 else "",
             f"{band3} {people} có từ hai phần ba trở lên" if band3 else ""]
    said = " và ".join(p for p in parts if p)
    if not said:
        return f"Không có {people} nào có quá nửa số phiếu đánh giá tín nhiệm thấp."
    return f"Có {said} số phiếu đánh giá tín nhiệm thấp."


def _no_confidence_summary(result: RoundResult, lang: str) -> str:
    lost = [s.subject.name for s in result.subjects if s.dismissal_proposed]
    if lang == "en":
        if not lost:
            return "Nobody received no-confidence votes from more than half."
        return "More than half voted no confidence in: " + ", ".join(lost) + "."
    if not lost:
        return "Không có người nào bị quá nửa số phiếu không tín nhiệm."
    return "Có quá nửa số phiếu không tín nhiệm đối với: " + ", ".join(lost) + "."
