"""The values of a vote round: body, conference, subjects, exemptions, committee.

Every value is immutable. Vietnamese terms appear once, beside the English name.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from tinnhiem.domain.words import N_


class Level(StrEnum):
    """A mark on one row of a ballot (R-BALLOT-1, R-NOCONF)."""

    HIGH = "cao"  # tín nhiệm cao
    CONFIDENCE = "tin_nhiem"  # tín nhiệm
    LOW = "thap"  # tín nhiệm thấp
    NO_CONFIDENCE = "khong_tin_nhiem"  # không tín nhiệm (no-confidence vote only)


class VoteKind(StrEnum):
    """Lấy phiếu tín nhiệm (three levels) or bỏ phiếu tín nhiệm (two)."""

    CONFIDENCE = "confidence"
    NO_CONFIDENCE = "no-confidence"


LEVELS: Mapping[VoteKind, tuple[Level, ...]] = {
    VoteKind.CONFIDENCE: (Level.HIGH, Level.CONFIDENCE, Level.LOW),
    VoteKind.NO_CONFIDENCE: (Level.CONFIDENCE, Level.NO_CONFIDENCE),
}

LEVEL_LABELS: Mapping[Level, str] = {
    Level.HIGH: N_("Tín nhiệm cao"),
    Level.CONFIDENCE: N_("Tín nhiệm"),
    Level.LOW: N_("Tín nhiệm thấp"),
    Level.NO_CONFIDENCE: N_("Không tín nhiệm"),
}


class BaseKind(StrEnum):
    """The denominator D of every percentage (R-PCT-1)."""

    MEMBERS = "members"  # tổng số đại biểu / thành viên
    CONVENED = "convened"  # số được triệu tập
    PRESENT = "present"  # số có mặt
    BALLOTS_ISSUED = "ballots_issued"  # số phiếu phát ra
    BALLOTS_RETURNED = "ballots_returned"  # số phiếu thu về


BASE_LABELS: Mapping[BaseKind, str] = {
    BaseKind.MEMBERS: N_("tổng số thành viên"),
    BaseKind.CONVENED: N_("tổng số người được triệu tập"),
    BaseKind.PRESENT: N_("tổng số người có mặt"),
    BaseKind.BALLOTS_ISSUED: N_("tổng số phiếu phát ra"),
    BaseKind.BALLOTS_RETURNED: N_("tổng số phiếu thu về"),
}


class ExemptionReason(StrEnum):
    """Why someone on the list is not voted on (R-EXEMPT). Không lấy phiếu."""

    RETIRING = "retiring"
    NEW_IN_YEAR = "new-in-year"
    ILLNESS = "illness"
    VOTED_ELSEWHERE = "voted-elsewhere"
    MOVED = "moved"
    SHORT_TENURE = "short-tenure"
    OTHER = "other"


REASON_LABELS: Mapping[ExemptionReason, str] = {
    ExemptionReason.RETIRING: N_("đã có thông báo nghỉ công tác chờ nghỉ hưu"),
    ExemptionReason.NEW_IN_YEAR: N_("được bầu, bổ nhiệm trong năm lấy phiếu tín nhiệm"),
    ExemptionReason.ILLNESS: N_("nghỉ điều trị bệnh hiểm nghèo từ 06 tháng liên tục trở lên"),
    ExemptionReason.VOTED_ELSEWHERE: N_("đã được lấy phiếu tín nhiệm ở nơi khác theo quy định"),
    ExemptionReason.MOVED: N_("đã điều động, chuyển công tác"),
    ExemptionReason.SHORT_TENURE: N_("giữ chức vụ chưa đủ 9 tháng liên tục"),
    ExemptionReason.OTHER: N_("lý do khác"),
}


class PercentStyle(StrEnum):
    """How percentages are printed (R-PCT-2)."""

    TWO_DECIMALS = "two-decimals"
    DROP_TRAILING_ZEROS = "drop-trailing-zeros"


class BodyKind(StrEnum):
    """Which document header a body uses (docs/documents.md)."""

    PARTY = "party"  # Đảng: ĐẢNG CỘNG SẢN VIỆT NAM
    STATE = "state"  # Nhà nước: CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM


@dataclass(frozen=True, slots=True)
class VotingBody:
    """The body that votes (cơ quan lấy phiếu), e.g. a provincial Party Executive Committee."""

    name: str
    members: int | None = None
    kind: BodyKind = BodyKind.STATE


@dataclass(frozen=True, slots=True)
class Conference:
    """R-CONV: convened, present, ballots issued and returned; None where unknown."""

    convened: int | None = None
    present: int | None = None
    ballots_issued: int | None = None
    ballots_returned: int | None = None


@dataclass(frozen=True, slots=True)
class Subject:
    """A person voted on (người được lấy phiếu), R-SUBJ-1."""

    name: str
    position: str
    group: str = ""
    person_key: str = ""  # keeps the person across rounds (R-USE); the name when empty


@dataclass(frozen=True, slots=True)
class Exemption:
    """A person not voted on, with the reason (không lấy phiếu), R-EXEMPT."""

    name: str
    position: str
    reason: ExemptionReason
    note: str = ""


@dataclass(frozen=True, slots=True)
class CommitteeMember:
    """A member of the counting committee (Ban kiểm phiếu), R-COMMITTEE."""

    name: str
    role: str = "Ủy viên"


@dataclass(frozen=True, slots=True)
class Totals:
    """One subject's counted rows: a count per level and the invalid rows (R-VALID-2)."""

    counts: Mapping[Level, int]
    invalid: int = 0

    @property
    def valid(self) -> int:
        return sum(self.counts.values())


@dataclass(frozen=True, slots=True)
class Round:
    """A vote round (cuộc lấy phiếu): everything but the counts."""

    rule_set: str
    body: VotingBody
    title: str
    date: dt.date
    subjects: tuple[Subject, ...]
    kind: VoteKind = VoteKind.CONFIDENCE
    place: str = ""
    conference: Conference = field(default_factory=Conference)
    base: BaseKind | None = None
    style: PercentStyle = PercentStyle.TWO_DECIMALS
    committee: tuple[CommitteeMember, ...] = ()
    exemptions: tuple[Exemption, ...] = ()

    @property
    def levels(self) -> tuple[Level, ...]:
        return LEVELS[self.kind]


@dataclass(frozen=True, slots=True)
class Delegate:
    """A voter of the round (đại biểu / người tham gia lấy phiếu)."""

    name: str
    unit: str = ""
    detail: str = ""  # what tells namesakes apart when the list gives it: date of birth, Mã cán bộ
