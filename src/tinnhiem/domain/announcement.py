"""The announcement sentence (thông báo kết quả), written from the numbers (docs/rules.md §7).

A Party conference usually publishes one sentence such as "all 12 titles reached
90% or more of tín nhiệm cao plus tín nhiệm"; the sentence here is always true
of the numbers, whatever they are.
"""

from __future__ import annotations

from collections.abc import Callable

from tinnhiem.domain.model import BodyKind, Level, VoteKind
from tinnhiem.domain.percent import at_least_share
from tinnhiem.domain.tally import RoundResult, SubjectResult
from tinnhiem.domain.words import N_

SUMMARY_SHARE = (9, 10)  # "90% or more of cao + tín nhiệm", the figure Party conferences publish


def reaches_summary_share(result: SubjectResult, base: int) -> bool:
    """(cao + tín nhiệm) / D ≥ 90%, on integers."""
    positive = result.totals.counts[Level.HIGH] + result.totals.counts[Level.CONFIDENCE]
    return at_least_share(positive, base, *SUMMARY_SHARE)


def _as_written(text: str) -> str:
    return text


def _people(result: RoundResult) -> str:
    return N_("đồng chí") if result.rules.scope is BodyKind.PARTY else N_("người")


def summary(result: RoundResult, translate: Callable[[str], str] = _as_written) -> str:
    """One or two true sentences about the round's outcome, in Vietnamese or through ``translate``
    (the message catalogue of ``tinnhiem.i18n``)."""
    if result.round.kind is VoteKind.NO_CONFIDENCE:
        return _no_confidence_summary(result, translate)
    n = len(result.subjects)
    people = translate(_people(result))
    reached = sum(reaches_summary_share(s, result.base) for s in result.subjects)
    if reached == n:
        first = translate(N_("Tất cả {n} {people} được lấy phiếu đều đạt tỷ lệ tín nhiệm cao và tín nhiệm từ 90% "
                             "trở lên."))
    elif reached == 0:
        first = translate(N_("Không có {people} nào trong {n} {people} được lấy phiếu đạt tỷ lệ tín nhiệm cao và "
                             "tín nhiệm từ 90% trở lên."))
    else:
        first = translate(N_("Có {reached}/{n} {people} được lấy phiếu đạt tỷ lệ tín nhiệm cao và tín nhiệm từ 90% "
                             "trở lên."))
    return f"{first.format(n=n, people=people, reached=reached)} {_low_sentence(result, translate)}"


def _low_sentence(result: RoundResult, translate: Callable[[str], str]) -> str:
    band2 = sum(1 for s in result.subjects if s.band == 2)
    band3 = sum(1 for s in result.subjects if s.band == 3)
    if band2 and band3:
        sentence = N_("Có {band2} {people} có từ quá nửa đến dưới hai phần ba và {band3} {people} có từ hai phần ba "
                      "trở lên số phiếu đánh giá tín nhiệm thấp.")
    elif band2:
        sentence = N_("Có {band2} {people} có từ quá nửa đến dưới hai phần ba số phiếu đánh giá tín nhiệm thấp.")
    elif band3:
        sentence = N_("Có {band3} {people} có từ hai phần ba trở lên số phiếu đánh giá tín nhiệm thấp.")
    else:
        sentence = N_("Không có {people} nào có quá nửa số phiếu đánh giá tín nhiệm thấp.")
    return translate(sentence).format(band2=band2, band3=band3, people=translate(_people(result)))


def _no_confidence_summary(result: RoundResult, translate: Callable[[str], str]) -> str:
    lost = [s.subject.name for s in result.subjects if s.dismissal_proposed]
    if not lost:
        return translate(N_("Không có người nào bị quá nửa số phiếu không tín nhiệm."))
    return translate(N_("Có quá nửa số phiếu không tín nhiệm đối với: {names}.")).format(names=", ".join(lost))
