"""Use cases of the risk-limiting audit of the paper count (docs/paper.md, "Audit").

After the count, the committee fixes a risk limit and a seed (digits from dice thrown in public);
the sheets to pull from the stack follow from the seed (``domain.audit.draw``); two members read
each drawn sheet on paper and enter what they see, without being shown the machine's reading; the
two readings must agree; then each is compared with what was counted for that sheet, row by row.
The sample grows until every outcome is confirmed at the risk limit or a subject needs a hand count.
From the start of the audit, the sheets and their decisions are frozen.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from fractions import Fraction
from typing import Any

from tinnhiem.domain import audit as rla
from tinnhiem.domain.errors import InvalidInput
from tinnhiem.domain.model import LEVEL_LABELS, Level, Round, Totals
from tinnhiem.domain.staff import committee_member
from tinnhiem.domain.tally import RoundResult, tally_channels
from tinnhiem.paper import audit_file
from tinnhiem.paper.audit_file import EMPTY, LINE_WORDS, MULTIPLE, RowDifference, StackSheet
from tinnhiem.paper.counting import as_ballot, counted_sheets, paper_figures, sheet_totals
from tinnhiem.paper.forms import Forms, layouts_for
from tinnhiem.reports.content import PaperFigures
from tinnhiem.services.ports import AuditReading, StoredAudit, StoredSheet, UnitOfWork

__all__ = ["EMPTY", "LINE_WORDS", "MULTIPLE", "RowDifference"]


def counted_level(round_: Round) -> Level:
    """The level whose count the rule set's lines are drawn on."""
    return audit_file.counted_level(round_.kind)


def lines(round_: Round) -> tuple[rla.Line, ...]:
    """The outcomes to confirm for each subject: its band's two lines, or the no-confidence line."""
    return audit_file.lines(round_.kind)


def row_words(round_: Round, value: str | None) -> str:
    """A row's reading in words: a level's name, empty or several boxes."""
    if value is None:
        return "—"
    if value == "void":
        return "phiếu không hợp lệ"
    if value == EMPTY:
        return "trống"
    if value == MULTIPLE:
        return "nhiều ô"
    return LEVEL_LABELS[round_.levels[int(value)]]


def machine_rows(sheet: StoredSheet) -> tuple[str, ...]:
    """What was counted for each row of a sheet, in the readings' words."""
    return tuple(str(r.level) if r.state == "marked" and r.level is not None else r.state or EMPTY
                 for r in sheet.rows)


@dataclass(frozen=True, slots=True)
class Draw:
    """One draw: its number, the place it names in the stack, the sheet there and what members read."""

    index: int
    place: int
    sheet: StoredSheet
    readings: tuple[AuditReading, ...]
    agreed: AuditReading | None  # two members' identical readings
    differences: tuple[RowDifference, ...]

    @property
    def differ(self) -> bool:
        """Two members read the sheet differently: they read it again."""
        return len({(r.rows, r.void) for r in self.readings}) > 1


@dataclass(frozen=True, slots=True)
class AuditView:
    """The audit as it stands."""

    round: Round
    stored: StoredAudit
    alpha: Fraction
    stack: tuple[StoredSheet, ...]  # the counted sheets in scan order: place k is stack[k - 1]
    draws: tuple[Draw, ...]
    read: int  # draws read and agreed, from the first without a gap
    claims: tuple[rla.Assertion, ...]
    verdict: rla.Verdict
    stack_hash: str  # of the counted stack the draws are made from (``audit_file.stack_hash``)

    def found(self) -> dict[str, int]:
        """Discrepancy classes over the draws read, every outcome together."""
        total: dict[str, int] = {}
        for s in self.verdict.standings:
            for name, n in s.found.items():
                total[name] = total.get(name, 0) + n
        return total


@dataclass(frozen=True, slots=True)
class _Counted:
    round: Round
    stack: tuple[StoredSheet, ...]
    sheets: tuple[StackSheet, ...]  # the same, as the audit file and its hash hold them
    paper: tuple[Totals, ...]  # the paper channel as counted
    electronic: tuple[int, ...]  # each subject's electronic count of the line's level
    base: int
    claims: tuple[rla.Assertion, ...]


def stack_sheets(round_: Round, forms: Forms, stack: Sequence[StoredSheet]) -> tuple[StackSheet, ...]:
    """The counted sheets as the audit draws from them: number, place (scan order), file, page, void,
    what was counted per row (a void sheet without rows: the subjects it counted as invalid for)."""
    out = []
    for place, sheet in enumerate(stack, start=1):
        void_for: tuple[int, ...] = ()
        if sheet.void and not sheet.rows:
            ballot = as_ballot(round_, forms, sheet)
            void_for = () if ballot is None else ballot.subjects
        out.append(StackSheet(sheet.id or 0, place, sheet.source, sheet.source_page + 1, bool(sheet.void),
                              tuple((r.subject, v) for r, v in zip(sheet.rows, machine_rows(sheet), strict=True)),
                              void_for))
    return tuple(out)


def _counted(uow: UnitOfWork, code: str) -> _Counted:
    """The stack that was counted and the outcomes to confirm; refused before the count or when the
    sheets changed since."""
    round_ = uow.rounds.get(code)
    channels = uow.rounds.channel_totals(code)
    if "paper" not in channels:
        raise InvalidInput("audit-before-count", field="round")
    forms = layouts_for(round_, code)
    stack = tuple(counted_sheets(uow.paper.sheets(code)))
    paper = tuple(channels["paper"])
    if tuple(sheet_totals(round_, forms, stack)) != paper:
        raise InvalidInput("audit-count-stale", field="round")
    result = tally_channels(round_, channels)
    level = counted_level(round_)
    electronic: Sequence[Totals] = channels.get("electronic", ())
    fixed = tuple(t.counts[level] for t in electronic) or (0,) * len(round_.subjects)
    sheets = stack_sheets(round_, forms, stack)
    claims = audit_file.claims(round_.kind, result.base, fixed, sheets)
    return _Counted(round_, stack, sheets, paper, fixed, result.base, claims)


def counted_stack_hash(uow: UnitOfWork, code: str) -> str:
    """The hash of the counted stack the audit draws from ("" before the paper count)."""
    with uow:
        if "paper" not in uow.rounds.channel_totals(code):
            return ""
        round_ = uow.rounds.get(code)
        stack = counted_sheets(uow.paper.sheets(code))
        return audit_file.stack_hash(stack_sheets(round_, layouts_for(round_, code), stack))


def _view(uow: UnitOfWork, code: str, stored: StoredAudit, counted: _Counted) -> AuditView:
    alpha = Fraction(stored.risk_limit)
    kind = counted.round.kind
    readings: dict[int, list[AuditReading]] = {}
    for r in uow.paper.audit_readings(code):
        readings.setdefault(r.sheet_id, []).append(r)
    draws, read, gap = [], 0, False
    for index, place in enumerate(rla.draws(stored.seed, stored.drawn, len(counted.stack)), start=1):
        sheet = counted.stack[place - 1]
        own = tuple(readings.get(sheet.id or 0, ()))
        agreed = own[0] if len(own) >= 2 and len({(r.rows, r.void) for r in own}) == 1 else None
        differences = () if agreed is None else audit_file.differences(
            kind, counted.sheets[place - 1], agreed.rows, agreed.void, counted.claims)
        draws.append(Draw(index, place, sheet, own, agreed, differences))
        gap = gap or agreed is None
        read += not gap
    votes = audit_file.overstatements(kind, counted.claims, [(counted.sheets[d.place - 1], d.agreed.rows, d.agreed.void)
                                                             for d in draws[:read] if d.agreed is not None])
    verdict = rla.verdict(counted.claims, alpha, votes, read)
    return AuditView(counted.round, stored, alpha, counted.stack, tuple(draws), read, counted.claims, verdict,
                     audit_file.stack_hash(counted.sheets))


def start(uow: UnitOfWork, code: str, risk_limit: str, seed: str, *, member: str, seen_stack: str) -> AuditView:
    """Fix the risk limit and the seed (once: a second seed is refused) and ask for the first draws.

    ``seen_stack``: the hash of the counted stack the member was shown (``counted_stack_hash``); refused
    when the stack changed since, so that the draw is made from the stack the member saw."""
    try:
        alpha = rla.risk_limit(risk_limit)
    except ValueError:
        raise InvalidInput("audit-risk-limit", field="risk_limit", value=risk_limit) from None
    try:
        digits = rla.check_seed(seed)
    except ValueError:
        raise InvalidInput("audit-seed", field="seed", digits=rla.SEED_DIGITS) from None
    with uow:
        name = committee_member(uow.rounds.get(code), member)
        if uow.paper.audit(code) is not None:
            raise InvalidInput("audit-started", field="seed")
        pending = [s for s in uow.paper.sheets(code) if s.withdrawn is None and (
            s.void is None or (s.void is False and any(r.state is None for r in s.rows)))]
        if pending:
            raise InvalidInput("paper-pending", field="paper", count=len(pending))
        counted = _counted(uow, code)
        stack = audit_file.stack_hash(counted.sheets)
        if "".join(seen_stack.split()).lower() != stack:
            raise InvalidInput("audit-stack-changed", field="seen_stack", seen=seen_stack.strip()[:64] or "—",
                               stack=stack)
        first = rla.verdict(counted.claims, alpha, {}, 0).wanted
        stored = StoredAudit(f"{alpha.numerator}/{alpha.denominator}", digits, first, name)
        uow.paper.start_audit(code, stored)
        uow.rounds.audit(code, "paper-audit-started", name, {"risk_limit": stored.risk_limit, "seed": digits,
                                                             "draws": first, "stack": stack})
        view = _view(uow, code, stored, counted)
        uow.commit()
    return view


def view(uow: UnitOfWork, code: str) -> AuditView | None:
    """The audit as it stands (None before it starts)."""
    with uow:
        stored = uow.paper.audit(code)
        if stored is None:
            return None
        return _view(uow, code, stored, _counted(uow, code))


def enter(uow: UnitOfWork, code: str, sheet_id: int, rows: Sequence[str], *, void: bool, member: str) -> AuditView:
    """A member's reading of a drawn sheet (replacing their own earlier one). When every draw asked
    for is read by two members who agree and an outcome is still open, more draws are asked for."""
    return enter_many(uow, code, [(sheet_id, rows, void)], member=member)


def enter_many(uow: UnitOfWork, code: str, readings: Sequence[tuple[int, Sequence[str], bool]], *,
               member: str) -> AuditView:
    """Several sheets' readings by one member (sheet, rows, void), in one transaction: all or none."""
    with uow:
        round_ = uow.rounds.get(code)
        name = committee_member(round_, member)
        stored = uow.paper.audit(code)
        if stored is None:
            raise InvalidInput("audit-not-started", field="round")
        counted = _counted(uow, code)
        drawn = {counted.stack[p - 1].id or 0: counted.stack[p - 1]
                 for p in rla.draws(stored.seed, stored.drawn, len(counted.stack))}
        allowed = {EMPTY, MULTIPLE, *(str(i) for i in range(len(round_.levels)))}
        for sheet_id, rows, void in readings:
            sheet = drawn.get(sheet_id)
            if sheet is None:
                raise InvalidInput("audit-not-drawn", field="sheet", sheet=sheet_id)
            values = tuple(str(v).strip() for v in rows)
            if len(values) != len(sheet.rows) or not set(values) <= allowed:
                raise InvalidInput("audit-reading", field="rows", sheet=sheet_id, rows=len(sheet.rows))
            uow.paper.save_audit_reading(code, AuditReading(sheet_id, name, values, void))
            uow.rounds.audit(code, "paper-audit-read", name, {"sheet": sheet_id})
        now = _view(uow, code, stored, counted)
        if now.read == stored.drawn and now.verdict.open and now.verdict.wanted > stored.drawn:
            uow.paper.extend_audit(code, now.verdict.wanted)
            uow.rounds.audit(code, "paper-audit-extended", name, {"draws": now.verdict.wanted})
            stored = uow.paper.audit(code) or stored
            now = _view(uow, code, stored, counted)
        uow.commit()
    return now


def place_words(view: AuditView, draw: Draw) -> str:
    """Where a drawn sheet is: its number, file and page, and its place among the counted sheets."""
    sheet = draw.sheet
    return (f"tờ {sheet.id} («{sheet.source}», trang {sheet.source_page + 1}; thứ {draw.place}/{len(view.stack)} "
            "trong chồng phiếu đã kiểm)")


def outcome_words(view: AuditView) -> str:
    """The verdict in a sentence for people and the minutes."""
    return audit_file.verdict_words(view.verdict, view.alpha, [s.name for s in view.round.subjects])


def discrepancy_words(view: AuditView) -> str:
    """The discrepancies found, per outcome that has any (each class counted per draw)."""
    per = [(s, s.found) for s in view.verdict.standings if s.found]
    if not per:
        return "không có (o1 0, o2 0, u1 0, u2 0)"
    return "; ".join(
        f"{view.round.subjects[s.assertion.subject].name}, ngưỡng {LINE_WORDS[s.assertion.line.name]}: "
        + ", ".join(f"{k} {found[k]}" for k in (rla.O1, rla.O2, rla.U1, rla.U2) if found.get(k))
        for s, found in per)


def minutes_lines(view: AuditView) -> tuple[str, ...]:
    """The audit in the minutes: risk limit, seed, sheets drawn, discrepancies, outcome."""
    read = view.draws[:view.read]
    sheets = ", ".join(str(d.sheet.id) for d in read) or "—"
    rows: dict[tuple[int, int, int, str, str], int] = {}
    for d in read:
        for x in d.differences:
            key = (d.sheet.id or 0, x.row, x.subject, x.machine, x.people)
            rows[key] = rows.get(key, 0) + 1
    listed = "; ".join(
        f"tờ {sheet}" + (f" dòng {row + 1} ({view.round.subjects[subject].name})" if row >= 0 else "")
        + f": máy «{row_words(view.round, machine)}», người đọc «{row_words(view.round, people)}»"
        + (f" (rút {times} lần)" if times > 1 else "")
        for (sheet, row, subject, machine, people), times in rows.items())
    return (
        f"Kiểm tra đối chiếu máy đọc với phiếu giấy (kiểm tra giới hạn rủi ro, so sánh từng tờ): giới hạn rủi ro "
        f"{rla.percent_text(view.alpha)} %; số ngẫu nhiên từ xúc xắc gieo công khai: {view.stored.seed}; "
        f"rút {view.read} lần trong {len(view.stack)} tờ đã kiểm theo thứ tự quét (SHA-256, docs/paper.md; tờ rút "
        f"hai lần được tính hai lần): tờ {sheets}.",
        f"Khác biệt giữa máy và người đọc: {discrepancy_words(view)}" + (f". Các dòng khác nhau: {listed}" if listed
                                                                         else "") + ".",
        f"Kết luận: {outcome_words(view)}.",
    )


def figures(uow: UnitOfWork, code: str) -> PaperFigures | None:
    """The paper figures of the minutes, with the audit's lines once it has started."""
    paper = paper_figures(uow, code)
    audited = view(uow, code) if paper is not None else None
    return paper if paper is None or audited is None else replace(paper, audit=minutes_lines(audited))


def export(uow: UnitOfWork, code: str) -> dict[str, Any]:
    """The audit as one file (``tinnhiem-audit/1``) a member checks on their own device
    (``audit_file.check``): the stack and its hash, the draws, both members' readings of each drawn
    sheet, the discrepancies and the verdict the server gave."""
    with uow:
        stored = uow.paper.audit(code)
        if stored is None:
            raise InvalidInput("audit-not-started", field="round")
        counted = _counted(uow, code)
        now = _view(uow, code, stored, counted)
    names = [s.name for s in counted.round.subjects]
    drawn: dict[int, Draw] = {}
    for d in now.draws:
        drawn.setdefault(d.sheet.id or 0, d)  # each drawn sheet's readings once, in the order first drawn
    return {
        "format": audit_file.AUDIT_FORMAT,
        "round": {"code": code, "title": counted.round.title, "kind": counted.round.kind.value, "subjects": names,
                  "base": counted.base},
        "risk_limit": stored.risk_limit, "seed": stored.seed, "started_by": stored.started_by,
        "electronic": list(counted.electronic),
        "paper_totals": audit_file.totals_json(counted.paper),
        "stack": [audit_file.sheet_json(s) for s in counted.sheets],
        "stack_hash": audit_file.stack_hash(counted.sheets),
        "draws": [{"index": d.index, "place": d.place, "number": d.sheet.id or 0} for d in now.draws],
        "readings": [{"number": r.sheet_id, "member": r.member, "rows": list(r.rows), "void": r.void}
                     for d in drawn.values() for r in d.readings],
        "discrepancies": audit_file.discrepancies_json(
            now.read, [(d.index, d.sheet.id or 0, d.differences) for d in now.draws[:now.read]], now.verdict),
        "verdict": audit_file.verdict_json(now.verdict, now.alpha, names),
    }


def minutes_extras(uow: UnitOfWork, code: str, result: RoundResult) -> tuple[PaperFigures | None, str | None]:
    """What the minutes add for a stored round: the paper figures (with the audit) and the election's E."""
    paper, election = None, None
    if "paper" in result.channels:
        paper = figures(uow, code)
    if "electronic" in result.channels:
        from tinnhiem.services import voting

        election = voting.identity(uow, code)
    return paper, election
