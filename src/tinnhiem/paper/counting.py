"""Use cases of paper ballots: import scans, list what waits for the committee, decide, count.

Each is one transaction. The original image of every sheet is kept (ImageStore); every
decision records who made it. The paper totals join the round as the channel "paper",
beside "electronic", and the two add up in one result.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import cv2
import numpy as np

from tinnhiem.domain.ballots import Ballot, count_ballots
from tinnhiem.domain.errors import InvalidInput
from tinnhiem.domain.model import LEVELS, Level, Round, Totals
from tinnhiem.paper.forms import Forms
from tinnhiem.paper.reader import RowState, SheetReading
from tinnhiem.services.ports import ImageStore, StoredRow, StoredSheet, UnitOfWork

FINAL = {RowState.MARKED, RowState.EMPTY, RowState.MULTIPLE}


def stored_sheet(reading: SheetReading, source: str, page: int, sha256: str) -> StoredSheet:
    """What is kept of a reading: rows the reader is sure of are final; the rest wait."""
    rows = tuple(
        StoredRow(i, r.subject, r.state.value, r.level, tuple(round(s, 4) for s in r.scores),
                  r.state.value if r.state in FINAL else None, r.level if r.state is RowState.MARKED else None)
        for i, r in enumerate(reading.rows)
    )
    problems = tuple(p.value for p in reading.problems)
    return StoredSheet(None, source, page, sha256, reading.layout.qr_text if reading.layout else None,
                       problems, None if problems else False, rows)


@dataclass(frozen=True, slots=True)
class Imported:
    sheet_id: int | None  # None: this very image was imported before
    needs_review: bool


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


def import_sheet(
    uow: UnitOfWork, images: ImageStore, code: str, forms: Forms, original: Original, page: int, image: np.ndarray
) -> Imported:
    """Read page ``page`` of a scanned file (given decoded as ``image``), keep the file, store the reading."""
    sha256, source = original.sha256, original.name
    images.save(code, sha256, original.suffix, original.data)
    reading = forms.read(image)
    with uow:
        sheet_id = uow.paper.add_sheet(code, stored_sheet(reading, source, page, sha256))
        if sheet_id is not None:
            uow.rounds.audit(code, "sheet-scanned", "", {"sheet": sheet_id, "review": reading.needs_review})
        uow.commit()
    return Imported(sheet_id, reading.needs_review)


@dataclass(frozen=True, slots=True)
class Pending:
    """A sheet or a row that waits for the committee."""

    sheet: StoredSheet
    row: StoredRow | None  # None: the whole sheet (R-VALID-1, not this round's form, stray ink)


def pending(uow: UnitOfWork, code: str) -> list[Pending]:
    """Sheets whose validity is undecided first, then unsure rows of valid sheets."""
    with uow:
        sheets = uow.paper.sheets(code)
    whole = [Pending(s, None) for s in sheets if s.void is None]
    rows = [Pending(s, r) for s in sheets if s.void is False for r in s.rows if r.state is None]
    return whole + rows


def decide_sheet(uow: UnitOfWork, code: str, sheet_id: int, *, void: bool, member: str) -> None:
    """The committee's decision on a whole sheet: valid (its rows are then read) or void (R-VALID-1)."""
    with uow:
        uow.paper.decide_sheet(sheet_id, void, member)
        uow.rounds.audit(code, "sheet-decided", member, {"sheet": sheet_id, "void": void})
        uow.commit()


def decide_row(uow: UnitOfWork, code: str, sheet_id: int, row: int, level: int | None, *, multiple: bool = False,
               member: str) -> None:
    """The committee's reading of a row: a level, or empty / several boxes (invalid for that subject)."""
    state = RowState.MARKED if level is not None else RowState.MULTIPLE if multiple else RowState.EMPTY
    with uow:
        uow.paper.decide_row(sheet_id, row, state.value, level, member)
        uow.rounds.audit(code, "row-decided", member, {"sheet": sheet_id, "row": row})
        uow.commit()


def as_ballot(round_: Round, sheet: StoredSheet) -> Ballot:
    """A decided sheet as the domain's ballot: its subjects' rows, void if the committee said so."""
    levels = LEVELS[round_.kind]

    def marks(row: StoredRow) -> frozenset[Level]:
        if row.state == RowState.MARKED.value and row.level is not None:
            return frozenset({levels[row.level]})
        return frozenset(levels) if row.state == RowState.MULTIPLE.value else frozenset()

    return Ballot(tuple(marks(r) for r in sheet.rows), bool(sheet.void), tuple(r.subject for r in sheet.rows))


def sheet_totals(round_: Round, sheets: Sequence[StoredSheet]) -> tuple[Totals, ...]:
    """Decided sheets counted by the same code as any ballot (R-VALID-1, R-VALID-2)."""
    return count_ballots(round_.kind, len(round_.subjects), [as_ballot(round_, s) for s in sheets])


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
        sheets = [s for s in uow.paper.sheets(code) if s.qr_text is not None or s.void]
        issued = uow.paper.channel_voters(code).get("paper", round_.conference.ballots_returned)
        copies = Counter(s.qr_text for s in sheets if s.qr_text)
        for qr_text, n in copies.items():
            if issued is not None and n > issued:
                layout = forms.layouts[qr_text]
                raise InvalidInput("too-many-sheets", field="paper", sheets=n, issued=issued,
                                   sheet=f"{layout.group or '—'} {layout.page}/{layout.pages}")
        totals = sheet_totals(round_, sheets)
        uow.rounds.save_totals(code, totals, channel="paper")
        uow.rounds.audit(code, "paper-counted", member, {"sheets": len(sheets)})
        uow.commit()
    return totals


def picture(images: ImageStore, forms: Forms, code: str, item: Pending, dpi: float = 200) -> np.ndarray:
    """What the committee looks at: the straightened row, or the whole sheet (from the kept original)."""
    from tinnhiem.paper.raster import pdf_page  # noqa: PLC0415 - only the pictures need PDFium
    from tinnhiem.paper.reader import row_crop  # noqa: PLC0415

    data, suffix = images.load(code, item.sheet.image_sha256)
    if suffix == ".pdf":
        scan = pdf_page(data, item.sheet.source_page, dpi)
    else:
        scan = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_GRAYSCALE)
    reading = forms.read(scan)
    return row_crop(reading, item.row.row) if item.row is not None and reading.layout else reading.page


def find(uow: UnitOfWork, code: str, sheet_id: int, row: int | None) -> Pending:
    """One pending sheet (row None) or row, or InvalidInput if it is not pending."""
    for item in pending(uow, code):
        if item.sheet.id == sheet_id and (item.row.row if item.row else None) == row:
            return item
    raise InvalidInput("missing", field="sheet")
