"""The audit of the paper count as one file, and a member's own check of it (docs/paper.md, "Checking the
audit on your own device").

The server runs the audit, and its operator is not trusted: a committee member downloads the audit
(``tinnhiem-audit/1``) and ``check`` recomputes everything from that file alone — the hash of the
counted stack, the paper totals from the stack, the draws from the seed, the discrepancies from the
two members' readings, each outcome's risk and the verdict — with the same arithmetic as the server
(``domain.audit``). It names the first check that differs.

Pure: the standard library and ``domain`` only (no database, no images).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, TypeVar

from tinnhiem.domain import audit as rla
from tinnhiem.domain.ballots import Ballot, count_ballots
from tinnhiem.domain.model import LEVELS, Level, Totals, VoteKind
from tinnhiem.domain.words import N_

AUDIT_FORMAT = "tinnhiem-audit/1"
CHECKS = ("format", "stack-hash", "stack-totals", "draws", "discrepancies", "verdict")
EMPTY, MULTIPLE, VOID = "empty", "multiple", "void"
LINE_WORDS = {"half": "quá nửa", "two-thirds": "từ hai phần ba", "no-confidence": "quá nửa không tín nhiệm"}

#: What each check makes sure of, for people (Vietnamese; the edges translate).
CHECK_WORDS: Mapping[str, str] = {
    "format": N_("Tệp đúng định dạng tinnhiem-audit/1, đọc được đủ các phần"),
    "stack-hash": N_("Mã chồng phiếu (SHA-256) tính lại từ các tờ trong tệp khớp với mã máy chủ ghi"),
    "stack-totals": N_("Số phiếu giấy đã kiểm cộng lại từ các tờ trong chồng khớp với kết quả phiếu giấy"),
    "draws": N_("Các tờ được rút đúng theo số ngẫu nhiên (SHA-256 của «số,lần rút»)"),
    "discrepancies": N_("Các khác biệt giữa máy và người đọc đúng như hai thành viên đã đọc"),
    "verdict": N_("Rủi ro của từng kết quả và kết luận tính lại đúng như máy chủ ghi"),
}

T = TypeVar("T")


def counted_level(kind: VoteKind) -> Level:
    """The level whose count the rule set's lines are drawn on."""
    return Level.NO_CONFIDENCE if kind is VoteKind.NO_CONFIDENCE else Level.LOW


def lines(kind: VoteKind) -> tuple[rla.Line, ...]:
    """The outcomes to confirm for each subject: its band's two lines, or the no-confidence line."""
    return (rla.NO_CONFIDENCE,) if kind is VoteKind.NO_CONFIDENCE else (rla.HALF, rla.TWO_THIRDS)


@dataclass(frozen=True, slots=True)
class StackSheet:
    """A counted sheet as the audit draws from it: its number (tờ 17), place in the stack (1…N, scan
    order), file and page, whether it is void, and what was counted for each row."""

    number: int
    place: int
    file: str
    page: int  # from 1
    void: bool
    rows: tuple[tuple[int, str], ...]  # (subject, "0", "1", … a level's index | "empty" | "multiple")
    void_for: tuple[int, ...] = ()  # a void sheet the reader could not place: the subjects it is invalid for


def sheet_json(sheet: StackSheet) -> dict[str, Any]:
    return {"number": sheet.number, "place": sheet.place, "file": sheet.file, "page": sheet.page,
            "void": sheet.void, "rows": [[subject, value] for subject, value in sheet.rows],
            "void_for": list(sheet.void_for)}


def canonical(value: object) -> bytes:
    """JSON with sorted keys, no spaces, UTF-8 (not escaped)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def stack_json(sheets: Sequence[StackSheet]) -> bytes:
    """The counted stack in canonical JSON: what its hash is taken of."""
    return canonical([sheet_json(s) for s in sheets])


def stack_hash(sheets: Sequence[StackSheet]) -> str:
    """SHA-256 of ``stack_json``, in hex."""
    return hashlib.sha256(stack_json(sheets)).hexdigest()


def totals_json(totals: Sequence[Totals]) -> list[dict[str, Any]]:
    return [{"counts": {level.value: n for level, n in t.counts.items()}, "invalid": t.invalid} for t in totals]


def stack_totals(kind: VoteKind, subjects: int, sheets: Sequence[StackSheet]) -> tuple[Totals, ...]:
    """Each subject's paper totals from the stack, by the same code as any ballot (R-VALID-1, R-VALID-2)."""
    levels = LEVELS[kind]

    def marks(value: str) -> frozenset[Level]:
        if value.isdigit():
            return frozenset({levels[int(value)]})
        return frozenset(levels) if value == MULTIPLE else frozenset()

    ballots = [Ballot(tuple(marks(v) for _, v in s.rows), s.void, tuple(subject for subject, _ in s.rows))
               if s.rows else Ballot(tuple(frozenset() for _ in s.void_for), True, s.void_for)
               for s in sheets if s.rows or (s.void and s.void_for)]
    return count_ballots(kind, subjects, ballots)


def low(sheet: StackSheet, subject: int, index: int) -> bool:
    """The sheet was counted at the line's level for ``subject``."""
    return not sheet.void and any(s == subject and v == str(index) for s, v in sheet.rows)


def claims(kind: VoteKind, base: int, electronic: Sequence[int], sheets: Sequence[StackSheet],
           ) -> tuple[rla.Assertion, ...]:
    """The outcomes to confirm: each subject's count of the line's level (the stack's plus ``electronic``)
    against each line of the rule set."""
    level = str(LEVELS[kind].index(counted_level(kind)))
    paper, rows = [0] * len(electronic), [0] * len(electronic)
    for sheet in sheets:  # one pass: a sheet counts once for each subject it holds a row of, and is low on
        for subject in {s for s, _ in sheet.rows if 0 <= s < len(electronic)}:
            rows[subject] += 1
        if not sheet.void:
            for subject in {s for s, v in sheet.rows if v == level and 0 <= s < len(electronic)}:
                paper[subject] += 1
    return rla.assertions(lines(kind), base, [p + e for p, e in zip(paper, electronic, strict=True)],
                          electronic, max(len(sheets), 1), rows)


@dataclass(frozen=True, slots=True)
class RowDifference:
    """A row whose paper reading differs from what was counted, and the class of each outcome it moves."""

    row: int  # from 0; -1: a void sheet without rows read as valid, or the other way
    subject: int
    machine: str
    people: str
    classes: tuple[tuple[str, str], ...]  # (line, o2 / u2 …) for the outcomes it moves


def differences(kind: VoteKind, sheet: StackSheet, rows: Sequence[str], void: bool,
                outcomes: Sequence[rla.Assertion]) -> tuple[RowDifference, ...]:
    """Each row the members read (``rows``, ``void``) differently from what was counted."""
    counted = (VOID,) * len(sheet.rows) if sheet.void else tuple(v for _, v in sheet.rows)
    seen = (VOID,) * len(sheet.rows) if void else tuple(rows)
    index = str(LEVELS[kind].index(counted_level(kind)))
    out = []
    for row, ((subject, _), machine, people) in enumerate(zip(sheet.rows, counted, seen, strict=True)):
        if machine == people:
            continue
        classes = tuple(
            (c.line.name, name) for c in outcomes if c.subject == subject and not c.certain
            and (name := rla.classify(c.votes(machine == index, people == index))) is not None)
        out.append(RowDifference(row, subject, machine, people, classes))
    if sheet.void != void and not sheet.rows:
        out.append(RowDifference(-1, -1, VOID if sheet.void else "", VOID if void else "", ()))
    return tuple(out)


def overstatements(kind: VoteKind, outcomes: Sequence[rla.Assertion],
                   read: Sequence[tuple[StackSheet, Sequence[str], bool]]) -> dict[int, list[int]]:
    """Each outcome's overstatement in votes, per draw read in order (the sheet, the agreed rows, void)."""
    index = LEVELS[kind].index(counted_level(kind))
    votes: dict[int, list[int]] = {}
    for i, claim in enumerate(outcomes):
        votes[i] = [claim.votes(low(sheet, claim.subject, index),
                                not void and any(s == claim.subject and v == str(index)
                                                 for (s, _), v in zip(sheet.rows, rows, strict=True)))
                    for sheet, rows, void in read]
    return votes


def agreed(readings: Sequence[tuple[str, tuple[str, ...], bool]]) -> tuple[tuple[str, ...], bool] | None:
    """Two or more members' identical readings (member, rows, void) of one sheet; None otherwise."""
    if len({member for member, _, _ in readings}) < 2 or len({(rows, void) for _, rows, void in readings}) != 1:
        return None
    _, rows, void = readings[0]
    return rows, void


def verdict_words(verdict: rla.Verdict, alpha: Fraction, names: Sequence[str]) -> str:
    """The verdict in a sentence for people and the minutes."""
    limit = rla.percent_text(alpha)
    if verdict.confirmed:
        return f"mọi kết quả được xác nhận với giới hạn rủi ro {limit} %"
    parts = []
    if verdict.hand_count:
        parts.append("cần kiểm phiếu bằng tay cho: " + ", ".join(names[i] for i in verdict.hand_count))
    if verdict.open:
        parts.append(f"chưa đủ bằng chứng: cần rút đến {verdict.wanted} lần")
    else:
        parts.append(f"mọi kết quả khác được xác nhận với giới hạn rủi ro {limit} %")
    return "; ".join(parts)


def fraction_text(value: Fraction) -> str:
    return f"{value.numerator}/{value.denominator}"


def discrepancies_json(read: int, drawn: Sequence[tuple[int, int, Sequence[RowDifference]]],
                       verdict: rla.Verdict) -> dict[str, Any]:
    """The discrepancies section: draws read, the rows that differ per draw (index, sheet number, rows),
    and each outcome's classes found."""
    return {
        "read": read,
        "sheets": [{"index": index, "number": number,
                    "rows": [{"row": x.row, "subject": x.subject, "machine": x.machine, "people": x.people,
                              "classes": [list(c) for c in x.classes]} for x in rows]}
                   for index, number, rows in drawn if rows],
        "found": [{"subject": s.assertion.subject, "line": s.assertion.line.name, **dict(sorted(s.found.items()))}
                  for s in verdict.standings if s.found],
    }


def verdict_json(verdict: rla.Verdict, alpha: Fraction, names: Sequence[str]) -> dict[str, Any]:
    """The verdict section: every outcome's risk (an exact fraction) and state, and the verdict."""
    return {
        "confirmed": verdict.confirmed, "open": verdict.open, "hand_count": list(verdict.hand_count),
        "wanted": verdict.wanted,
        "outcomes": [{"subject": s.assertion.subject, "line": s.assertion.line.name, "certain": s.assertion.certain,
                      "risk": fraction_text(s.risk), "confirmed": s.confirmed, "hand_count": s.hand_count}
                     for s in verdict.standings],
        "words": verdict_words(verdict, alpha, names),
    }


# ---- the member's check ------------------------------------------------------------------------------


class Unreadable(ValueError):
    """A part of the file is missing or of the wrong kind."""


@dataclass(frozen=True, slots=True)
class Finding:
    """One check: passed (True), failed (False) or not run (None: an earlier failure stops it)."""

    name: str
    passed: bool | None
    detail: str = ""  # where it differs, in Vietnamese (the edges translate it)
    params: Mapping[str, object] | None = None


@dataclass(frozen=True, slots=True)
class AuditCheck:
    """Every check in order; ``first_failed`` names the first that differs."""

    findings: tuple[Finding, ...]

    @property
    def ok(self) -> bool:
        return all(f.passed for f in self.findings)

    @property
    def first_failed(self) -> str | None:
        return next((f.name for f in self.findings if f.passed is False), None)


def _of(kind: type[T], value: object, where: str) -> T:
    """``value`` if it is exactly of ``kind`` (JSON's true is no number here), else Unreadable naming ``where``."""
    if type(value) is not kind:
        raise Unreadable(where)
    return value


def _int(value: object, where: str) -> int:
    return _of(int, value, where)


def _str(value: object, where: str) -> str:
    return _of(str, value, where)


def _list(value: object, where: str) -> list[Any]:
    return _of(list, value, where)


def _dict(value: object, where: str) -> dict[str, Any]:
    return _of(dict, value, where)


def _bool(value: object, where: str) -> bool:
    return _of(bool, value, where)


@dataclass(frozen=True, slots=True)
class _Audit:
    kind: VoteKind
    names: tuple[str, ...]
    base: int
    alpha: Fraction
    seed: str
    electronic: tuple[int, ...]
    stack: tuple[StackSheet, ...]
    draws: tuple[tuple[int, int, int], ...]  # (index, place, number)
    readings: Mapping[int, tuple[tuple[str, tuple[str, ...], bool], ...]]  # sheet number → (member, rows, void)


def _sheet(raw: object, n: int, subjects: int, allowed: frozenset[str]) -> StackSheet:
    where = f"stack[{n}]"
    item = _dict(raw, where)
    rows = []
    for r in _list(item.get("rows"), where + ".rows"):
        pair = _list(r, where + ".rows")
        if len(pair) != 2 or not 0 <= _int(pair[0], where) < subjects or _str(pair[1], where) not in allowed:
            raise Unreadable(where + ".rows")
        rows.append((pair[0], pair[1]))
    void_for = tuple(_int(s, where + ".void_for") for s in _list(item.get("void_for", []), where + ".void_for"))
    if any(not 0 <= s < subjects for s in void_for):
        raise Unreadable(where + ".void_for")
    return StackSheet(_int(item.get("number"), where + ".number"), _int(item.get("place"), where + ".place"),
                      _str(item.get("file"), where + ".file"), _int(item.get("page"), where + ".page"),
                      _bool(item.get("void"), where + ".void"), tuple(rows), void_for)


def _parse(data: object) -> _Audit:
    top = _dict(data, "file")
    if top.get("format") != AUDIT_FORMAT:
        raise Unreadable("format")
    round_ = _dict(top.get("round"), "round")
    try:
        kind = VoteKind(_str(round_.get("kind"), "round.kind"))
        alpha = Fraction(_str(top.get("risk_limit"), "risk_limit"))
    except (ValueError, ZeroDivisionError):
        raise Unreadable("round.kind / risk_limit") from None
    if not 0 < alpha <= Fraction(1, 2):
        raise Unreadable("risk_limit")
    names = tuple(_str(s, "round.subjects") for s in _list(round_.get("subjects"), "round.subjects"))
    base = _int(round_.get("base"), "round.base")
    try:
        seed = rla.check_seed(_str(top.get("seed"), "seed"))
    except ValueError:
        raise Unreadable("seed") from None
    electronic = tuple(_int(n, "electronic") for n in _list(top.get("electronic"), "electronic"))
    if len(electronic) != len(names) or base <= 0:
        raise Unreadable("electronic")
    allowed = frozenset({EMPTY, MULTIPLE, *(str(i) for i in range(len(LEVELS[kind])))})
    stack = tuple(_sheet(s, n, len(names), allowed) for n, s in enumerate(_list(top.get("stack"), "stack")))
    _str(top.get("stack_hash"), "stack_hash")
    _list(top.get("paper_totals"), "paper_totals")
    draws = tuple((_int(d.get("index"), "draws"), _int(d.get("place"), "draws"), _int(d.get("number"), "draws"))
                  for d in (_dict(x, "draws") for x in _list(top.get("draws"), "draws")))
    readings: dict[int, list[tuple[str, tuple[str, ...], bool]]] = {}
    for x in _list(top.get("readings"), "readings"):
        r = _dict(x, "readings")
        rows = tuple(_str(v, "readings.rows") for v in _list(r.get("rows"), "readings.rows"))
        readings.setdefault(_int(r.get("number"), "readings.number"), []).append(
            (_str(r.get("member"), "readings.member"), rows, _bool(r.get("void"), "readings.void")))
    _dict(top.get("discrepancies"), "discrepancies")
    _dict(top.get("verdict"), "verdict")
    return _Audit(kind, names, base, alpha, seed, electronic, stack, draws,
                  {k: tuple(v) for k, v in readings.items()})


def _stack_hash(data: Mapping[str, Any], audit: _Audit, seen: str | None) -> Finding:
    places = [s.place for s in audit.stack]
    if places != list(range(1, len(places) + 1)):
        return Finding("stack-hash", False, N_("các tờ không đánh số thứ tự 1…{count} trong chồng"),
                       {"count": len(places)})
    if len({s.number for s in audit.stack}) != len(audit.stack):
        return Finding("stack-hash", False, N_("một số tờ xuất hiện hai lần trong chồng"))
    found = stack_hash(audit.stack)
    if found != data["stack_hash"]:
        return Finding("stack-hash", False, N_("tính lại được {found}, tệp ghi {given}"),
                       {"found": found, "given": data["stack_hash"]})
    if seen is not None and "".join(seen.split()).lower() != found:
        return Finding("stack-hash", False, N_("chồng phiếu trong tệp có mã {found}, khác mã bạn đã ghi {seen}"),
                       {"found": found, "seen": seen})
    return Finding("stack-hash", True)


def _stack_totals(data: Mapping[str, Any], audit: _Audit) -> Finding:
    found = totals_json(stack_totals(audit.kind, len(audit.names), audit.stack))
    given = data["paper_totals"]
    if len(given) != len(found):
        return Finding("stack-totals", False, N_("tệp ghi kết quả cho {given} người, cuộc lấy phiếu có {count}"),
                       {"given": len(given), "count": len(found)})
    for subject, (mine, theirs) in enumerate(zip(found, given, strict=True)):
        if mine != theirs:
            return Finding("stack-totals", False, N_("{name}: các tờ cộng lại {found}, tệp ghi {given}"),
                           {"name": audit.names[subject], "found": _totals_text(mine),
                            "given": _totals_text(theirs)})
    for subject, (paper, electronic) in enumerate(zip(stack_totals(audit.kind, len(audit.names), audit.stack),
                                                      audit.electronic, strict=True)):
        room = audit.base - paper.valid - paper.invalid  # ballots the base leaves for the electronic channel
        if not 0 <= electronic <= room:  # a count that moves every margin: no verdict rests on it
            return Finding("stack-totals", False, N_("{name}: tệp ghi {electronic} phiếu điện tử ở mức tính ngưỡng, "
                                                     "ngoài khoảng 0…{room} mà cơ sở {base} trừ phiếu giấy còn lại"),
                           {"name": audit.names[subject], "electronic": electronic, "room": room,
                            "base": audit.base})
    return Finding("stack-totals", True)


def _totals_text(totals: object) -> str:
    return canonical(totals).decode("utf-8")


def _draws(audit: _Audit) -> Finding:
    if not audit.stack:
        return Finding("draws", False, N_("chồng phiếu không có tờ nào"))
    places = rla.draws(audit.seed, len(audit.draws), len(audit.stack))
    for i, ((index, place, number), expected) in enumerate(zip(audit.draws, places, strict=True), start=1):
        sheet = audit.stack[expected - 1]
        if (index, place, number) != (i, expected, sheet.number):
            return Finding("draws", False, N_("lần rút {index}: số ngẫu nhiên chỉ thứ {place} (tờ {number}), tệp ghi "
                                              "thứ {given_place} (tờ {given_number})"),
                           {"index": i, "place": expected, "number": sheet.number, "given_place": place,
                            "given_number": number})
    return Finding("draws", True)


@dataclass(frozen=True, slots=True)
class _Recomputed:
    read: int
    drawn: tuple[tuple[int, int, tuple[RowDifference, ...]], ...]
    verdict: rla.Verdict


def _recompute(audit: _Audit) -> _Recomputed:
    """The readings, discrepancies and verdict from the stack, the seed and the members' readings alone."""
    outcomes = claims(audit.kind, audit.base, audit.electronic, audit.stack)
    places = rla.draws(audit.seed, len(audit.draws), len(audit.stack))
    read: list[tuple[StackSheet, Sequence[str], bool]] = []
    drawn = []
    for index, place in enumerate(places, start=1):
        sheet = audit.stack[place - 1]
        own = audit.readings.get(sheet.number, ())
        if any(len(rows) != len(sheet.rows) for _, rows, _ in own):
            raise Unreadable(f"readings of sheet {sheet.number}")
        both = agreed(own)
        if both is None or len(read) < index - 1:
            continue
        rows, void = both
        read.append((sheet, rows, void))
        drawn.append((index, sheet.number, differences(audit.kind, sheet, rows, void, outcomes)))
    votes = overstatements(audit.kind, outcomes, read)
    return _Recomputed(len(read), tuple(drawn), rla.verdict(outcomes, audit.alpha, votes, len(read)))


def _section(name: str, mine: Mapping[str, Any], theirs: Mapping[str, Any]) -> Finding:
    if canonical(mine) == canonical(theirs):
        return Finding(name, True)
    part = next((k for k in sorted({*mine, *theirs}) if mine.get(k) != theirs.get(k)), "")
    return Finding(name, False, N_("phần «{part}»: tính lại được {found}, tệp ghi {given}"),
                   {"part": part, "found": _short(mine.get(part)), "given": _short(theirs.get(part))})


def _short(value: object) -> str:
    text = canonical(value).decode("utf-8")
    return text if len(text) <= 300 else text[:300] + "…"


def check(data: object, seen_stack: str | None = None) -> AuditCheck:
    """Recompute the audit from the exported file alone; each check in ``CHECKS`` order. ``seen_stack``:
    the stack hash the member noted before the start, which the file's stack must have."""
    try:
        audit = _parse(data)
    except Unreadable as exc:
        return AuditCheck((Finding("format", False, N_("không đọc được «{part}»"), {"part": str(exc)}),
                           *(Finding(name, None) for name in CHECKS[1:])))
    top: Mapping[str, Any] = data  # type: ignore[assignment]  # a dict: _parse said so
    findings = [Finding("format", True), _stack_hash(top, audit, seen_stack), _stack_totals(top, audit), _draws(audit)]
    if findings[-1].passed:
        steps: tuple[tuple[str, Callable[[_Recomputed], dict[str, Any]]], ...] = (
            ("discrepancies", lambda r: discrepancies_json(r.read, r.drawn, r.verdict)),
            ("verdict", lambda r: verdict_json(r.verdict, audit.alpha, audit.names)))
        try:
            again = _recompute(audit)
        except Unreadable as exc:
            findings.append(Finding("discrepancies", False, N_("không đọc được «{part}»"), {"part": str(exc)}))
            findings.append(Finding("verdict", None))
        else:
            findings += [_section(name, build(again), top[name]) for name, build in steps]
    else:
        findings += [Finding("discrepancies", None), Finding("verdict", None)]
    return AuditCheck(tuple(findings))
