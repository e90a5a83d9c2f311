"""The geometry of a printed ballot sheet, shared by the printer and the reader (millimetres, A4).

One ``SheetLayout`` per sheet: a ballot type (one per group of posts) may need several
pages; each page is its own sheet with its own QR code, which names the round, the
ballot type and the page, and never anything about a voter (R-BALLOT-2).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from tinnhiem.domain.model import LEVELS, Round, VoteKind

PAGE_W, PAGE_H = 210.0, 297.0
FIDUCIAL = 8.0  # side of the four solid corner squares
FIDUCIAL_CENTRES = ((14.0, 14.0), (196.0, 14.0), (14.0, 283.0), (196.0, 283.0))
MARGIN = 15.0
TABLE_TOP = 84.0
TABLE_BOTTOM = 258.0
QR_BOX = (MARGIN + 4, 262.0, 22.0)  # x, y, side: bottom left, inside the fiducials
STT_W, NAME_W = 12.5, 42.0
BOX_COLUMN_W = 24.0
HEAD_H = 12.0


@dataclass(frozen=True, slots=True)
class Style:
    """Regular or large print: row height, box side, and every font size (points).

    The large print is larger everywhere — header, title, column headings, rows, notes —
    never smaller than the regular.
    """

    name: str
    row_h: float
    box: float
    font: float
    head_h: float = HEAD_H  # the column headings' row
    header: float = 11.5
    title: float = 17.0
    subtitle: float = 12.0
    note: float = 11.0
    column: float = 10.5
    instructions: float = 10.5
    sheet_mark: float = 14.0  # "TỜ 1/2" when a ballot takes several sheets


REGULAR = Style("regular", 12.5, 8.0, 11.0)
LARGE = Style("large", 18.0, 11.0, 15.0, head_h=20.0, header=14.0, title=24.0, subtitle=15.0, note=14.0,
              column=13.0, instructions=13.0, sheet_mark=20.0)


@dataclass(frozen=True, slots=True)
class Box:
    """A box to mark: subject index in the round, level index, and its square (x, y, side)."""

    subject: int
    level: int
    x: float
    y: float
    side: float


@dataclass(frozen=True, slots=True)
class SheetLayout:
    round_code: str
    ballot_type: int  # index of the group of posts
    group: str
    page: int  # 1-based
    pages: int
    kind: VoteKind
    style: Style
    subjects: tuple[int, ...]  # the round's subject indices printed on this sheet, in order

    @property
    def levels(self) -> int:
        return len(LEVELS[self.kind])

    @property
    def position_w(self) -> float:
        return PAGE_W - 2 * MARGIN - STT_W - NAME_W - self.levels * BOX_COLUMN_W

    def row_top(self, i: int) -> float:
        return TABLE_TOP + self.style.head_h + i * self.style.row_h

    def boxes(self) -> tuple[Box, ...]:
        """Every box of the sheet, row by row."""
        first_x = MARGIN + STT_W + NAME_W + self.position_w
        side = self.style.box
        return tuple(
            Box(subject, level,
                first_x + level * BOX_COLUMN_W + (BOX_COLUMN_W - side) / 2,
                self.row_top(i) + (self.style.row_h - side) / 2, side)
            for i, subject in enumerate(self.subjects)
            for level in range(self.levels)
        )

    @property
    def qr_text(self) -> str:
        """TN1|round|type|page/pages|style|check: the same on every copy of this sheet."""
        body = f"TN1|{self.round_code}|{self.ballot_type}|{self.page}/{self.pages}|{self.style.name}"
        return f"{body}|{fingerprint(body, self.subjects)}"


def fingerprint(body: str, subjects: Sequence[int]) -> str:
    """8 hex digits binding the QR text to the rows printed (a reprinted or edited form differs)."""
    return hashlib.sha256((body + "|" + ",".join(map(str, subjects))).encode()).hexdigest()[:8]


def rows_per_page(style: Style) -> int:
    return int((TABLE_BOTTOM - TABLE_TOP - style.head_h) // style.row_h)


def sheets(round_: Round, code: str, style: Style = REGULAR) -> tuple[SheetLayout, ...]:
    """All sheets of a round: one ballot type per group (in first-seen order), split into pages."""
    groups: dict[str, list[int]] = {}
    for i, subject in enumerate(round_.subjects):
        groups.setdefault(subject.group, []).append(i)
    per_page = rows_per_page(style)
    out = []
    for t, (group, members) in enumerate(groups.items()):
        chunks = [members[i : i + per_page] for i in range(0, len(members), per_page)]
        out += [SheetLayout(code, t, group, p + 1, len(chunks), round_.kind, style, tuple(chunk))
                for p, chunk in enumerate(chunks)]
    return tuple(out)
