"""What the minutes say (docs/rules.md §7, docs/documents.md), independent of the file format.

``minutes(result)`` builds the words once; ``pdf`` and ``docx`` only lay them out.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from tinnhiem.domain import announcement
from tinnhiem.domain.model import BASE_LABELS, LEVEL_LABELS, REASON_LABELS, BaseKind, BodyKind, Conference
from tinnhiem.domain.percent import printed
from tinnhiem.domain.tally import RoundResult

BLANK = "……"


@dataclass(frozen=True, slots=True)
class Line:
    text: str
    bold: bool = False
    italic: bool = False
    rule: bool = False  # a solid rule under the words, as long as they are


@dataclass(frozen=True, slots=True)
class Signer:
    role: str
    name: str


@dataclass(frozen=True, slots=True)
class Minutes:
    """The minutes of the count (biên bản kiểm phiếu), as words and a table."""

    header_left: tuple[Line, ...]
    header_right: tuple[Line, ...]
    title: str
    subtitle: str
    opening: tuple[str, ...]
    table_head: tuple[str, ...]
    table_rows: tuple[tuple[str, ...], ...]
    base_note: str
    channel_heading: str
    channel_head: tuple[str, ...]
    channel_rows: tuple[tuple[str, ...], ...]
    closing: tuple[str, ...]
    members_heading: tuple[str, ...]
    members: tuple[Signer, ...]
    head_heading: tuple[str, ...]
    head: Signer

    @property
    def all_text(self) -> str:
        """Every character printed, to check the font has them all."""
        parts = [line.text for line in (*self.header_left, *self.header_right)]
        parts += [self.title, self.subtitle, *self.opening, *self.table_head, self.base_note, *self.closing]
        parts += [cell for row in (*self.table_rows, *self.channel_rows) for cell in row]
        parts += [self.channel_heading, *self.channel_head]
        parts += [*self.members_heading, *self.head_heading, self.head.name, self.head.role]
        parts += [s.role + s.name for s in self.members]
        return "".join(parts) + "0123456789"


@dataclass(frozen=True, slots=True)
class PaperFigures:
    """What became of the scanned paper sheets, for the minutes."""

    read: int  # sheets stored from the scans
    decided: int  # sheets and rows a committee member decided by hand
    voided: int  # sheets decided void (R-VALID-1)
    withdrawn: tuple[str, ...]  # one reason per sheet taken out of the count
    counted: int  # sheets counted (valid or void)
    audit: tuple[str, ...] = ()  # the risk-limiting audit: limit, seed, sheets drawn, discrepancies, outcome


def _paper_lines(paper: PaperFigures | None) -> tuple[str, ...]:
    if paper is None:
        return ()
    line = (f"Phiếu giấy: máy đọc {paper.read} tờ; Ban kiểm phiếu xem xét và quyết định {paper.decided} tờ hoặc dòng; "
            f"{paper.voided} tờ không hợp lệ; rút ra {len(paper.withdrawn)} tờ; kiểm {paper.counted} tờ.")
    reasons = [f"Tờ rút ra {i}: {why}." for i, why in enumerate(paper.withdrawn, start=1)]
    return (line, *reasons, *paper.audit)


def grouped(hex_digits: str) -> str:
    """A long hexadecimal value in groups of four, to be read aloud and compared: "1a2b 3c4d …"."""
    return " ".join(hex_digits[i:i + 4] for i in range(0, len(hex_digits), 4))


def _election_lines(result: RoundResult, election: str | None) -> tuple[str, ...]:
    """The election's identity E (docs/protocol.md §12), when the round was voted electronically: an observer
    compares it with the E of the public record (`tinnhiem verify RECORD --election E`)."""
    if election is None or "electronic" not in result.channels:
        return ()
    return (f"Bỏ phiếu điện tử: mã cuộc bỏ phiếu (E), để đối chiếu với hồ sơ công khai: {grouped(election)}.",)


def base_contradiction(result: RoundResult) -> str | None:
    """Why the percentages cannot be shown, when the ballots counted contradict their base, else None.

    Checked when paper sheets were counted by the machine: with the base "ballots returned" or
    "ballots issued", every subject's counted ballots (valid and invalid) must equal the base;
    with any base, no subject may have more ballots than the base.
    """
    if "paper" not in result.channels or not result.subjects:
        return None
    counted = sorted({s.totals.valid + s.totals.invalid for s in result.subjects})
    exact = result.base_kind in (BaseKind.BALLOTS_RETURNED, BaseKind.BALLOTS_ISSUED)
    if (exact and counted != [result.base]) or counted[-1] > result.base:
        shown = ", ".join(map(str, counted))
        return (f"Không tính tỷ lệ %: {BASE_LABELS[result.base_kind]} ghi là {result.base}, nhưng số phiếu đã kiểm "
                f"là {shown}. Ban tổ chức cần xác nhận lại số liệu này (hoặc lấy số phiếu đã kiểm làm căn cứ) "
                "trước khi công bố tỷ lệ.")
    return None


def date_words(date: dt.date, place: str) -> str:
    """"Hà Nội, ngày 05 tháng 02 năm 2025": a leading zero for days below 10 and months 1 and 2."""
    day = f"{date.day:02d}"
    month = f"{date.month:02d}" if date.month <= 2 else str(date.month)
    return f"{place or BLANK}, ngày {day} tháng {month} năm {date.year}"


def _known(value: int | None) -> str:
    return BLANK if value is None else str(value)


def _conference_lines(conf: Conference, party: bool) -> tuple[str, str]:
    who = "đồng chí" if party else "đại biểu"
    absent = None if conf.convened is None or conf.present is None else conf.convened - conf.present
    return (
        f"Tổng số {who} được triệu tập: {_known(conf.convened)}; có mặt: {_known(conf.present)}; "
        f"vắng mặt: {_known(absent)}.",
        f"Số phiếu phát ra: {_known(conf.ballots_issued)}; số phiếu thu về: {_known(conf.ballots_returned)}.",
    )


def national_heading(kind: BodyKind) -> tuple[Line, ...]:
    """The top-right heading: the Party's or the State's (docs/documents.md)."""
    if kind is BodyKind.PARTY:
        return (Line("ĐẢNG CỘNG SẢN VIỆT NAM", bold=True, rule=True),)
    return (Line("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold=True),
            Line("Độc lập - Tự do - Hạnh phúc", bold=True, rule=True))


def _headers(result: RoundResult) -> tuple[tuple[Line, ...], tuple[Line, ...]]:
    body = result.round.body
    when = Line(date_words(result.round.date, result.round.place), italic=True)
    left: tuple[Line, ...] = (Line(body.name.upper()), Line("BAN KIỂM PHIẾU", bold=True))
    if body.kind is BodyKind.PARTY:
        left = (*left, Line("*"))
    return left, (*national_heading(body.kind), when)


def _table(result: RoundResult, percents: bool = True) -> tuple[tuple[str, ...], tuple[tuple[str, ...], ...]]:
    levels = result.round.levels
    style = result.round.style

    def share(s: object, lv: object) -> str:
        return f"{printed(s.percents[lv], style)}%" if percents else "—"  # type: ignore[attr-defined]

    head = ("STT", "Họ và tên", "Chức vụ", *(f"{LEVEL_LABELS[lv]}\n(số phiếu, tỷ lệ %)" for lv in levels),
            "Phiếu hợp lệ", "Phiếu không hợp lệ")
    rows = tuple(
        (
            str(i),
            s.subject.name,
            s.subject.position,
            *(f"{s.totals.counts[lv]}\n{share(s, lv)}" for lv in levels),
            str(s.totals.valid),
            str(s.totals.invalid),
        )
        for i, s in enumerate(result.subjects, start=1)
    )
    return head, rows


CHANNEL_LABELS = {"paper": "Phiếu giấy", "electronic": "Bỏ phiếu điện tử"}  # the minutes are in Vietnamese


def _channels(result: RoundResult) -> tuple[str, tuple[str, ...], tuple[tuple[str, ...], ...]]:
    """Per-channel subtotals when paper and electronic ballots were both used (docs/paper.md)."""
    if len(result.channels) < 2:
        return "", (), ()
    levels = result.round.levels
    short = " / ".join(LEVEL_LABELS[lv] for lv in levels) + " / Không hợp lệ"
    names = list(result.channels)
    head = ("STT", "Họ và tên", *(f"{CHANNEL_LABELS.get(n, n)}\n({short})" for n in names))
    rows = tuple(
        (str(i + 1), s.subject.name,
         *(" / ".join(str(result.channels[n][i].counts[lv]) for lv in levels) + f" / {result.channels[n][i].invalid}"
           for n in names))
        for i, s in enumerate(result.subjects)
    )
    return "Chi tiết theo hình thức bỏ phiếu (số phiếu):", head, rows


def _outcomes(result: RoundResult, party: bool) -> list[str]:
    lines = []
    for s in result.subjects:
        if s.band in (2, 3):
            share = "từ hai phần ba trở lên" if s.band == 3 else "quá nửa đến dưới hai phần ba"
            lines.append(
                f"{'Đồng chí ' if party else ''}{s.subject.name} ({s.subject.position}) có {share} "
                f"số phiếu đánh giá tín nhiệm thấp. Theo {result.rules.short}: {s.consequence}"
            )
        elif s.dismissal_proposed:
            lines.append(f"{s.subject.name}: quá nửa số phiếu không tín nhiệm. {s.consequence}")
    if not lines:
        lines.append(announcement.summary(result).split(". ", 1)[-1])
    return lines


def _exemption_lines(result: RoundResult, party: bool) -> list[str]:
    exemptions = result.round.exemptions
    who = "đồng chí" if party else "người"
    if not exemptions:
        return [f"Những {who} không lấy phiếu tín nhiệm: không có."]
    lines = [f"Những {who} không lấy phiếu tín nhiệm ({len(exemptions)}):"]
    for i, e in enumerate(exemptions, start=1):
        note = f" ({e.note})" if e.note else ""
        lines.append(f"{i}) {e.name}, {e.position}: {REASON_LABELS[e.reason]}{note}.")
    return lines


def minutes(result: RoundResult, paper: PaperFigures | None = None, election: str | None = None) -> Minutes:
    """The words of the minutes of ``result`` (docs/documents.md, docs/rules.md §7); ``paper``: the scanned sheets;
    ``election``: the election's identity E in hexadecimal, printed when the round was voted electronically."""
    round_ = result.round
    party = round_.body.kind is BodyKind.PARTY
    left, right = _headers(result)
    refused = base_contradiction(result)
    head, rows = _table(result, percents=refused is None)
    committee = round_.committee
    named = "; ".join(f"{i}) {'Đ/c ' if party else ''}{m.name}, {m.role}" for i, m in enumerate(committee, 1))
    opening = (
        f"Hôm nay, vào hồi {BLANK} giờ {BLANK} phút, {date_words(round_.date, round_.place).split(', ', 1)[1]}, "
        f"tại {round_.place or BLANK}, {round_.body.name} tiến hành {round_.title[:1].lower()}{round_.title[1:]} "
        f"theo {result.rules.title}.",
        f"Ban kiểm phiếu gồm: {named or BLANK}.",
        *_conference_lines(round_.conference, party),
        *_paper_lines(paper),
        *_election_lines(result, election),
        "Kết quả kiểm phiếu cụ thể như sau (xếp theo thứ tự như trong phiếu):",
    )
    base_note = refused or f"(Tỷ lệ % tính trên {BASE_LABELS[result.base_kind]}: {result.base}.)"
    channel_heading, channel_head, channel_rows = _channels(result)
    closing = (
        *_outcomes(result, party),
        *_exemption_lines(result, party),
        f"Biên bản lập xong hồi {BLANK} giờ {BLANK} phút cùng ngày, đã đọc lại cho Ban kiểm phiếu nghe "
        "và nhất trí ký tên.",
    )
    chair = committee[0] if committee else None
    prefix = "T/M BAN KIỂM PHIẾU" if party else "TM. BAN KIỂM PHIẾU"
    return Minutes(
        header_left=left,
        header_right=right,
        title="BIÊN BẢN KIỂM PHIẾU",
        subtitle=round_.title,
        opening=opening,
        table_head=head,
        table_rows=rows,
        base_note=base_note,
        channel_heading=channel_heading,
        channel_head=channel_head,
        channel_rows=channel_rows,
        closing=closing,
        members_heading=("CÁC THÀNH VIÊN BAN KIỂM PHIẾU", "(Ký, ghi rõ họ tên)"),
        members=tuple(Signer(m.role, m.name) for m in committee[1:]) or (Signer("", ""),) * 2,
        head_heading=(prefix, "TRƯỞNG BAN"),
        head=Signer("Trưởng ban", chair.name if chair else ""),
    )
