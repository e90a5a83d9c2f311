"""Use cases of paper ballots: import scans, list what waits for the committee, decide, count.

Each is one transaction (an import: one a batch of sheets). The original image of every sheet is
kept (ImageStore); every decision records who made it. The paper totals join the round as the channel "paper",
beside "electronic", and the two add up in one result.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace

import numpy as np

from tinnhiem.domain.ballots import Ballot, count_ballots
from tinnhiem.domain.errors import InvalidInput
from tinnhiem.domain.model import LEVELS, Level, Round, Totals
from tinnhiem.domain.staff import committee_member
from tinnhiem.domain.words import N_
from tinnhiem.i18n import gettext
from tinnhiem.paper.copies import COPY_SIMILAR, content_hash, similarity
from tinnhiem.paper.forms import Forms
from tinnhiem.paper.reader import Problem, RowState, SheetReading
from tinnhiem.reports.content import PaperFigures
from tinnhiem.services.ports import ImageStore, StoredRow, StoredSheet, UnitOfWork

FINAL = {RowState.MARKED, RowState.EMPTY, RowState.MULTIPLE}
COPY = "copy"  # a sheet that looks like a second scan of another: for the committee, side by side
INKED = 0.03  # a box with this much ink inside (or a ring round it) counts as inked in the content hash

# What the committee reads for each problem code (never the raw code).
REASONS: dict[str, str] = {
    "no-corners": N_("Không tìm thấy bốn ô vuông đen ở góc tờ phiếu (tờ bị cắt, gập, hoặc không phải phiếu)"),
    "not-this-round": N_("Không đọc được mã QR của tờ này, hoặc mã QR không thuộc cuộc lấy phiếu này (ảnh mờ, nhòe, "
                         "hay phiếu của cuộc khác): xem ảnh trước khi quyết định"),
    "stray-ink": N_("Có chữ viết hoặc nét mực ngoài các ô đánh dấu"),
    COPY: N_("Có thể là bản quét lại của một tờ phiếu đã đọc"),
    Problem.BLACK_AND_WHITE: N_("Ảnh quét đen trắng (hai màu): nét bút chì nhạt có thể đã mất; nên quét lại ở chế độ "
                               "xám hoặc màu"),
    "placed-by-hand": N_("Ban kiểm phiếu đã đánh dấu bốn góc; cần xác nhận phiếu hợp lệ"),
    "unsure": N_("Máy không chắc chắn về dòng này"),
}


def reason(code: str) -> str:
    """A problem code in words (Vietnamese; the edges translate it)."""
    return REASONS.get(code, code)


def _ink_figures(reading: SheetReading, index: int) -> tuple[tuple[float, ...], ...]:
    return tuple((round(b.inside, 4), round(b.light, 4), round(b.spread, 3), round(b.ring, 3), round(b.faint_ring, 3))
                 for b in reading.rows[index].ink)


def reading_hash(reading: SheetReading) -> str | None:
    """The sheet's form and its inked boxes: the same for two scans of one sheet."""
    if reading.layout is None:
        return None
    inked = [[b.inside > INKED or b.ring >= 0.45 or b.light > INKED for b in r.ink] for r in reading.rows]
    return content_hash(reading.layout.qr_text, inked)


def stored_sheet(reading: SheetReading, source: str, page: int, sha256: str) -> StoredSheet:
    """What is kept of a reading: rows the reader is sure of are final; the rest wait."""
    rows = tuple(
        StoredRow(i, r.subject, r.state.value, r.level, tuple(round(s, 4) for s in r.scores),
                  r.state.value if r.state in FINAL else None, r.level if r.state is RowState.MARKED else None,
                  ink=_ink_figures(reading, i))
        for i, r in enumerate(reading.rows)
    )
    problems = tuple(p.value for p in reading.problems)
    return StoredSheet(None, source, page, sha256, reading.layout.qr_text if reading.layout else None,
                       problems, None if problems else False, rows, content_hash=reading_hash(reading),
                       signature=reading.signature)


def _copy_of(uow: UnitOfWork, code: str, sheet: StoredSheet) -> int | None:
    """The first kept sheet this one resembles closely enough to be a second scan of it."""
    if sheet.content_hash is None or sheet.signature is None:
        return None
    for other in uow.paper.same_content(code, sheet.content_hash):
        if other.withdrawn is None and other.signature and similarity(other.signature, sheet.signature) >= COPY_SIMILAR:
            return other.id
    return None


def _as_copy(sheet: StoredSheet, original: int) -> StoredSheet:
    return replace(sheet, problems=(*sheet.problems, COPY), void=None, copy_of=original)


@dataclass(frozen=True, slots=True)
class Imported:
    sheet_id: int | None  # None: this very image was imported before
    needs_review: bool
    copy_of: int | None = None  # the sheet it looks like a second scan of (for the committee)
    page: int = 0  # the page of the scanned file


@dataclass(frozen=True, slots=True)
class Original:
    """A scanned file as received: kept whole, once, whatever number of sheets it holds."""

    name: str
    suffix: str
    data: bytes
    sha256: str


def original(name: str, data: bytes) -> Original:
    suffix = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    return Original(name, suffix, data, hashlib.sha256(data).hexdigest())


BATCH = 25  # sheets stored in one transaction by import_sheets


def import_sheet(
    uow: UnitOfWork, images: ImageStore, code: str, forms: Forms, original: Original, page: int, image: np.ndarray
) -> Imported:
    """Read page ``page`` of a scanned file (given decoded as ``image``), keep the file, store the reading."""
    (imported,) = import_sheets(uow, images, code, forms, original, [(page, image)])
    return imported


def import_sheets(uow: UnitOfWork, images: ImageStore, code: str, forms: Forms, original: Original,
                  pages: Iterable[tuple[int, np.ndarray]], batch: int = BATCH) -> Iterator[Imported]:
    """Read the pages of a scanned file (``pages``: page number and image, decoded one at a time), keep the file,
    and store the readings, ``batch`` sheets a transaction (a durable commit per sheet cost as much as reading
    it). Each batch is read before its transaction opens: the database waits for no reading. A stopped import
    has stored whole batches only; importing the file again reads the rest (the sheets stored are skipped)."""
    images.save(code, original.sha256, original.suffix, original.data)
    read: list[tuple[StoredSheet, bool]] = []
    for page, image in pages:
        reading = forms.read(image)
        read.append((stored_sheet(reading, original.name, page, original.sha256), reading.needs_review))
        if len(read) >= batch:
            yield from _store(uow, code, read)
            read = []
    if read:
        yield from _store(uow, code, read)


def _store(uow: UnitOfWork, code: str, read: Sequence[tuple[StoredSheet, bool]]) -> list[Imported]:
    """Store sheets read, in one transaction; a sheet like one kept already waits beside it as a likely copy."""
    stored = []
    with uow:
        _not_audited(uow, code)
        for sheet, needs_review in read:
            original_id = _copy_of(uow, code, sheet)
            if original_id is not None:
                sheet = _as_copy(sheet, original_id)
            sheet_id = uow.paper.add_sheet(code, sheet)
            review = needs_review or original_id is not None
            if sheet_id is not None:
                uow.rounds.audit(code, "sheet-scanned", "", {"sheet": sheet_id, "review": review,
                                                             "copy_of": original_id})
            stored.append(Imported(sheet_id, review, original_id, sheet.source_page))
        uow.commit()
    return stored


@dataclass(frozen=True, slots=True)
class Pending:
    """A sheet or a row that waits for the committee."""

    sheet: StoredSheet
    row: StoredRow | None  # None: the whole sheet (R-VALID-1, not this round's form, stray ink)


def pending(uow: UnitOfWork, code: str) -> list[Pending]:
    """Sheets whose validity is undecided first, then unsure rows of valid sheets (withdrawn ones left out)."""
    with uow:
        sheets = [s for s in uow.paper.sheets(code) if s.withdrawn is None]
    whole = [Pending(s, None) for s in sheets if s.void is None]
    rows = [Pending(s, r) for s in sheets if s.void is False for r in s.rows if r.state is None]
    return whole + rows


def _member(uow: UnitOfWork, code: str, member: str) -> str:
    _not_audited(uow, code)
    return committee_member(uow.rounds.get(code), member)


def _not_audited(uow: UnitOfWork, code: str) -> None:
    """Refuse a change to the sheets once the audit has started: the draw is known by then."""
    if uow.paper.audit(code) is not None:
        raise InvalidInput("audit-frozen", field="sheet")


def decide_sheet(uow: UnitOfWork, code: str, sheet_id: int, *, void: bool, member: str) -> None:
    """The committee's decision on a whole sheet: valid (its rows are then read) or void (R-VALID-1).

    A sheet the reader could not place has no rows: it can be voided, never found valid unread.
    """
    with uow:
        name = _member(uow, code, member)
        sheet = _sheet(uow, code, sheet_id)
        if not void and sheet.qr_text is None:
            raise InvalidInput("sheet-unplaced", field="sheet", sheet=sheet_id)
        uow.paper.decide_sheet(sheet_id, void, name)
        uow.rounds.audit(code, "sheet-decided", name, {"sheet": sheet_id, "void": void})
        uow.commit()


def withdraw_sheet(uow: UnitOfWork, code: str, sheet_id: int, *, reason: str, member: str) -> None:
    """Take a sheet out of the count (a copy, a page that is not a ballot), with a reason for the minutes."""
    if not reason.strip():
        raise InvalidInput("reason-required", field="reason")
    with uow:
        name = _member(uow, code, member)
        _sheet(uow, code, sheet_id)
        uow.paper.withdraw_sheet(sheet_id, reason.strip(), name)
        uow.rounds.audit(code, "sheet-withdrawn", name, {"sheet": sheet_id, "reason": reason.strip()})
        uow.commit()


PLACED = "placed-by-hand"  # the committee marked the corners: a member confirms the sheet is valid


def place_sheet(uow: UnitOfWork, images: ImageStore, code: str, forms: Forms, sheet_id: int,
                corners: Sequence[tuple[float, float]], *, member: str) -> bool:
    """Read again a sheet the reader could not place, from the four corner squares a member marked
    (pixels of the kept original, any order). True when the form is then recognised: its rows are
    stored, and the sheet waits for a member to confirm it (it is never made valid by placing)."""
    from tinnhiem.paper.pictures import scan_image  # noqa: PLC0415 - PDFium

    if len(corners) != 4:
        raise InvalidInput("missing", field="corners")
    with uow:
        name = _member(uow, code, member)
        sheet = _sheet(uow, code, sheet_id)
    if sheet.rows or sheet.qr_text:  # read already: its rows stand (placing again would store them twice)
        raise InvalidInput("sheet-already-read", field="sheet", sheet=sheet_id)
    reading = forms.read(scan_image(images, code, sheet), np.array(corners, dtype=np.float32))
    if reading.layout is None:
        return False
    placed = stored_sheet(reading, sheet.source, sheet.source_page, sheet.image_sha256)
    placed = replace(placed, problems=(*placed.problems, PLACED), void=None)
    with uow:
        uow.paper.replace_reading(sheet_id, placed)
        uow.rounds.audit(code, "sheet-placed", name, {"sheet": sheet_id})
        uow.commit()
    return True


def _sheet(uow: UnitOfWork, code: str, sheet_id: int) -> StoredSheet:
    for sheet in uow.paper.sheets(code):
        if sheet.id == sheet_id:
            return sheet
    raise InvalidInput("missing", field="sheet")


def decide_row(uow: UnitOfWork, code: str, sheet_id: int, row: int, level: int | None, *, multiple: bool = False,
               member: str) -> None:
    """The committee's reading of a row: a level, or empty / several boxes (invalid for that subject)."""
    state = RowState.MARKED if level is not None else RowState.MULTIPLE if multiple else RowState.EMPTY
    with uow:
        name = _member(uow, code, member)
        uow.paper.decide_row(sheet_id, row, state.value, level, name)
        uow.rounds.audit(code, "row-decided", name, {"sheet": sheet_id, "row": row})
        uow.commit()


def as_ballot(round_: Round, forms: Forms, sheet: StoredSheet) -> Ballot | None:
    """A decided sheet as the domain's ballot: its subjects' rows, void if the committee said so.

    A void sheet the reader could not place is void for every subject when the round's regular
    print is one sheet (the usual ballot); with several sheets nobody can say whose rows it held:
    None (it is still counted among the sheets voided, in the minutes).
    """
    levels = LEVELS[round_.kind]

    def marks(row: StoredRow) -> frozenset[Level]:
        if row.state == RowState.MARKED.value and row.level is not None:
            return frozenset({levels[row.level]})
        return frozenset(levels) if row.state == RowState.MULTIPLE.value else frozenset()

    if sheet.rows or not sheet.void:
        return Ballot(tuple(marks(r) for r in sheet.rows), bool(sheet.void), tuple(r.subject for r in sheet.rows))
    kinds = {layout.subjects for layout in forms.layouts.values() if layout.style.name == "regular"}
    if len(kinds) != 1:
        return None
    (subjects,) = kinds
    return Ballot(tuple(frozenset() for _ in subjects), True, subjects)


def counted_sheets(sheets: Sequence[StoredSheet]) -> list[StoredSheet]:
    """The sheets that count: decided, not withdrawn."""
    return [s for s in sheets if s.withdrawn is None and s.void is not None]


def sheet_totals(round_: Round, forms: Forms, sheets: Sequence[StoredSheet]) -> tuple[Totals, ...]:
    """Decided sheets counted by the same code as any ballot (R-VALID-1, R-VALID-2)."""
    ballots = [b for b in (as_ballot(round_, forms, s) for s in counted_sheets(sheets)) if b is not None]
    return count_ballots(round_.kind, len(round_.subjects), ballots)


def count_paper(uow: UnitOfWork, code: str, forms: Forms, member: str) -> tuple[Totals, ...]:
    """Store the scanned sheets' totals as the round's paper channel, when nothing is pending.

    Checks that no sheet type has more copies than paper ballots were issued (attendance),
    or than ballots were returned when attendance was not recorded.
    """
    waiting = pending(uow, code)
    if waiting:
        raise InvalidInput("paper-pending", field="paper", count=len(waiting))
    with uow:
        round_ = uow.rounds.get(code)
        name = committee_member(round_, member) if member else ""
        sheets = counted_sheets(uow.paper.sheets(code))
        issued = uow.paper.channel_voters(code).get("paper", round_.conference.ballots_returned)
        copies = Counter(s.qr_text for s in sheets if s.qr_text)
        for qr_text, n in copies.items():
            if issued is not None and n > issued:
                layout = forms.layouts[qr_text]
                raise InvalidInput("too-many-sheets", field="paper", sheets=n, issued=issued,
                                   sheet=f"{layout.group or '—'} {layout.page}/{layout.pages}")
        totals = sheet_totals(round_, forms, sheets)
        uow.rounds.save_totals(code, totals, channel="paper")
        uow.rounds.audit(code, "paper-counted", name, {"sheets": len(sheets)})
        uow.commit()
    return totals


def picture(uow: UnitOfWork, images: ImageStore, forms: Forms, code: str, item: Pending,
            dpi: float = 200) -> np.ndarray:
    """What the committee looks at: the row with the machine's reading, or the whole sheet (beside the
    sheet it resembles, for a likely copy), from the kept originals."""
    from tinnhiem.paper.pictures import row_picture, scan_image, sheet_picture  # noqa: PLC0415 - PDFium

    scan = scan_image(images, code, item.sheet, dpi)
    if item.row is not None:
        reading = forms.read(scan)
        if reading.layout is not None:
            return row_picture(reading, item.row.row)
    other = None
    if item.sheet.copy_of is not None:
        with uow:
            original = _sheet(uow, code, item.sheet.copy_of)
        other = scan_image(images, code, original, dpi)
    return sheet_picture(forms, scan, other)


def find(uow: UnitOfWork, code: str, sheet_id: int, row: int | None) -> Pending:
    """One pending sheet (row None) or row, or InvalidInput if it is not pending."""
    for item in pending(uow, code):
        if item.sheet.id == sheet_id and (item.row.row if item.row else None) == row:
            return item
    raise InvalidInput("missing", field="sheet")


def export(uow: UnitOfWork, code: str) -> dict[str, object]:
    """Everything the machine read and everyone decided, to audit the machine against the paper."""
    with uow:
        sheets = uow.paper.sheets(code)
    return {
        "round": code,
        "sheets": [{
            "id": s.id, "file": s.source, "page": s.source_page + 1, "file_sha256": s.image_sha256,
            "content_hash": s.content_hash, "form": s.qr_text,
            "problems": [{"code": p, "vi": reason(p), "en": gettext("en", reason(p))} for p in s.problems],
            "copy_of": s.copy_of,
            "decision": "withdrawn" if s.withdrawn is not None else
                        {None: "pending", True: "void", False: "valid"}[s.void],
            "decided_by": s.withdrawn_by if s.withdrawn is not None else s.decided_by,
            "withdrawn_reason": s.withdrawn,
            "rows": [{
                "row": r.row + 1, "subject": r.subject, "read": r.read_state, "read_level": r.read_level,
                "ink": [dict(zip(("inside", "light", "spread", "ring", "faint_ring"), b, strict=False)) for b in r.ink],
                "state": r.state or "pending", "level": r.level, "decided_by": r.decided_by,
            } for r in s.rows],
        } for s in sheets],
    }


def paper_figures(uow: UnitOfWork, code: str) -> PaperFigures | None:
    """What became of the scanned sheets, for the minutes (None when none was scanned)."""
    with uow:
        sheets = uow.paper.sheets(code)
    if not sheets:
        return None
    decided = sum(bool(s.decided_by) for s in sheets) + sum(bool(r.decided_by) for s in sheets for r in s.rows)
    return PaperFigures(
        read=len(sheets), decided=decided + sum(s.withdrawn is not None for s in sheets),
        voided=sum(s.void is True and s.withdrawn is None for s in sheets),
        withdrawn=tuple(f"tờ {s.id} («{s.source}», trang {s.source_page + 1}) — {s.withdrawn} ({s.withdrawn_by})"
                        for s in sheets if s.withdrawn is not None),
        counted=len(counted_sheets(sheets)))
