"""Reading the lists an office keeps (subjects, delegates, exemptions) from XLSX or CSV.

The first row names the columns, in Vietnamese or English, with or without
diacritics ("Họ và tên", "Ho va ten", "name"). A bad row is refused with its
row number and column, and nothing is imported.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from xml.etree import ElementTree

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter, range_boundaries

from tinnhiem.domain.errors import InvalidInput
from tinnhiem.domain.model import REASON_LABELS, Delegate, Exemption, ExemptionReason, Round, Subject
from tinnhiem.domain.names import folded, tidy
from tinnhiem.i18n import LANGUAGES, gettext
from tinnhiem.services import legacy_text

COLUMNS: Mapping[str, tuple[str, ...]] = {
    "name": ("ho va ten", "ho ten", "name", "full name"),
    "position": ("chuc vu", "position"),
    "group": ("nhom", "group"),
    "person_key": ("ma can bo", "ma", "code", "person key"),
    "unit": ("don vi", "unit"),
    "reason": ("ly do", "reason"),
    "note": ("ghi chu", "note"),
    "birth": ("ngay sinh", "ngay thang nam sinh", "nam sinh", "date of birth", "birth"),
}
LABELS: Mapping[str, str] = {
    "name": "Họ và tên",
    "position": "Chức vụ",
    "group": "Nhóm",
    "person_key": "Mã cán bộ",
    "unit": "Đơn vị",
    "reason": "Lý do",
    "note": "Ghi chú",
    "birth": "Ngày sinh",
}


MAX_ROWS = 5_000  # more than any real conference, Party committee or People's Council has
MAX_COLUMNS = 100  # columns read from a merged range (a list has a dozen at most)
HEADER_ROWS = 15  # the header row is looked for this far down (title rows, dates, signatures above it)
NUMBERING = re.compile(r"^[(\[]?(\d{1,2}|[a-z])[)\]]?$", re.IGNORECASE)  # a row "(1) (2) (3)" under a header


def fold(text: str) -> str:
    """Lower case without diacritics: "Họ và tên" -> "ho va ten"."""
    return folded(text)


def _cell(value: object) -> str:
    """A cell as text: numbers without ".0", dates as YEAR-MONTH-DAY, spaces tidied, NFC."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return tidy(str(value).replace("\u200b", "").replace("\ufeff", ""))


def _too_many(path: Path) -> InvalidInput:
    return InvalidInput("too-many-rows", field=path.name, limit=f"{MAX_ROWS:,}".replace(",", "."))


def _xlsx_rows(path: Path) -> dict[int, list[object]]:
    """The first sheet's non-empty rows by row number, with each merged range's value in every one of
    its cells. The sheet is first streamed to count its rows: a list past MAX_ROWS is refused before
    the workbook (and its table of texts) is opened at all."""
    merges = sheet_outline(path, MAX_ROWS + HEADER_ROWS)
    book = load_workbook(path, read_only=True, data_only=True)
    try:
        sheet = book.worksheets[0]
        sheet.reset_dimensions()  # a wrong <dimension> would cut rows off or pad them
        numbered = enumerate(sheet.iter_rows(values_only=True), start=1)
        rows: dict[int, list[object]] = {number: list(values) for number, values in numbered
                                          if any(v is not None and str(v).strip() for v in values)}
    finally:
        book.close()
    last = max(rows, default=0)
    for top, left, bottom, right in merges:  # a range drawn far past the list fills only the list
        bottom, right = min(bottom, last), min(right, MAX_COLUMNS)
        value = rows.get(top, [])[left - 1] if left <= len(rows.get(top, [])) else None
        for number in range(top, bottom + 1):
            row = rows.setdefault(number, [])
            row.extend([None] * (right - len(row)))
            row[left - 1:right] = [value] * (right - left + 1)
    return dict(sorted(rows.items()))


def sheet_outline(path: Path, limit: int) -> list[tuple[int, int, int, int]]:
    """(top, left, bottom, right) of each merged range of the first sheet, read from its XML as a
    stream; refused as soon as more than ``limit`` rows hold a value."""
    with zipfile.ZipFile(path) as archive:
        rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
        book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
        first = next(iter(book.iter(f"{{{MAIN}}}sheet")))
        rid = first.get(f"{{{RELS}}}id")
        target = next(r.get("Target", "") for r in rels if r.get("Id") == rid)
        name = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
        found: list[tuple[int, int, int, int]] = []
        filled = 0
        with archive.open(name) as sheet:
            for _, element in ElementTree.iterparse(sheet):
                if element.tag == f"{{{MAIN}}}mergeCell":
                    left, top, right, bottom = range_boundaries(element.get("ref", "A1"))
                    if None not in (left, top, right, bottom):  # a whole-row or whole-column range: no box
                        found.append((int(top or 0), int(left or 0), int(bottom or 0), int(right or 0)))
                elif element.tag == f"{{{MAIN}}}row":
                    filled += any(c.find(f"{{{MAIN}}}v") is not None or c.find(f"{{{MAIN}}}is") is not None
                                  for c in element)
                    if filled > limit:
                        raise _too_many(path)
                    element.clear()  # rows are not kept: memory stays flat
        return found


MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def _csv_rows(path: Path) -> dict[int, list[object]]:
    """Rows of a CSV file (UTF-8, or the old Windows code page an old Excel saves in)."""
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")  # TCVN3/VNI text is undone cell by cell below
    sample = text[:4096]
    dialect = csv.Sniffer().sniff(sample, delimiters=",;\t") if sample.strip() else csv.excel
    rows: dict[int, list[object]] = {}
    for number, row in enumerate(csv.reader(io.StringIO(text), dialect), start=1):
        if any(v.strip() for v in row):
            if len(rows) >= MAX_ROWS + HEADER_ROWS:
                raise _too_many(path)
            rows[number] = list(row)
    return rows


def _raw_rows(path: Path) -> dict[int, list[str]]:
    try:
        if path.suffix.lower() in {".xlsx", ".xlsm"}:
            if path.stat().st_size > 20_000_000:
                raise _too_many(path)
            found = _xlsx_rows(path)
        else:
            if path.stat().st_size > 5_000_000:
                raise _too_many(path)
            found = _csv_rows(path)
    except (OSError, csv.Error, ValueError, KeyError, zipfile.BadZipFile, ElementTree.ParseError, StopIteration) as exc:
        raise InvalidInput("file-unreadable", field=path.name, reason=str(exc)) from exc
    return {number: [_cell(v) for v in row] for number, row in sorted(found.items())}


def _matches(header: str, column: str) -> bool:
    """A header cell names ``column``: one of its names, or a longer name starting with a two-word one
    ("Họ và tên đại biểu")."""
    name = fold(header)
    return any(name == alias or (" " in alias and name.startswith(alias + " ")) for alias in COLUMNS[column])


def _find_header(path: Path, rows: dict[int, list[str]], required: Sequence[str]) -> int:
    for number in list(rows)[:HEADER_ROWS]:
        if all(any(_matches(h, c) for h in rows[number]) for c in required):
            return number
    raise InvalidInput("header-not-found", field=path.name, value=LABELS[required[0]], rows=HEADER_ROWS)


class Decoded:
    """The list's cells in Unicode: the old encoding the list is in (if any) is undone cell by cell."""

    def __init__(self, path: Path, rows: dict[int, list[str]]) -> None:
        self.path, self.rows = path, rows
        self.decoder = legacy_text.best_decoder(c for row in rows.values() for c in row)

    def cell(self, number: int, index: int) -> str:
        row = self.rows[number]
        text = row[index] if index < len(row) else ""
        if not legacy_text.legacy_candidate(text):
            if legacy_text.unreadable(text):  # old-encoded letters mixed with Unicode ones
                raise self._refused(number, index, text)
            return text
        decoded = legacy_text.DECODERS[self.decoder](text)
        if legacy_text.unreadable(decoded):  # a cell pasted from elsewhere: its own reading
            decoded = legacy_text.DECODERS[legacy_text.best_decoder([text])](text)
        if legacy_text.unreadable(decoded):
            raise self._refused(number, index, text)
        return decoded

    def _refused(self, number: int, index: int, text: str) -> InvalidInput:
        return InvalidInput("legacy-text", field=f"{self.path.name}, ô {get_column_letter(index + 1)}{number}",
                            value=text)

    def header(self, number: int) -> list[str]:
        """A row that may be the header: a cell that cannot be read there is only not a column name."""
        cells = []
        for i, raw in enumerate(self.rows[number]):
            try:
                cells.append(self.cell(number, i))
            except InvalidInput:
                cells.append(raw)
        return cells


def read_rows(path: Path, required: Sequence[str], optional: Sequence[str] = ()) -> list[tuple[int, dict[str, str]]]:
    """(row number, {column: text}) for every non-empty row under the header row.

    The header row may have title rows above it; columns not asked for are ignored; merged
    cells give their value to every cell they cover; TCVN3 and VNI text is read as Unicode.
    """
    raw = _raw_rows(path)
    if not raw:
        raise InvalidInput("column-missing", field=path.name, value=LABELS[required[0]])
    sheet = Decoded(path, raw)
    headers = {n: sheet.header(n) for n in list(raw)[:HEADER_ROWS]}
    top = _find_header(path, headers, required)
    index = {}
    for column in (*required, *optional):
        where = next((i for i, h in enumerate(headers[top]) if _matches(h, column)), None)
        if where is not None:
            index[column] = where
    found: list[tuple[int, dict[str, str]]] = []
    for number in (n for n in raw if n > top):
        if len(found) >= MAX_ROWS:
            raise _too_many(path)
        row = {c: sheet.cell(number, i) for c, i in index.items()}
        if not any(row.values()) or _repeats_header(row):
            continue
        found.append((number, row))
    return found


def _repeats_header(row: dict[str, str]) -> bool:
    """A second header line (merged header cells, or the column numbers "(1) (2) (3)")."""
    name = row.get("name", "")
    return bool(name) and (_matches(name, "name") or NUMBERING.match(name) is not None)


def _require(path: Path, number: int, row: dict[str, str], column: str) -> str:
    if not row.get(column):
        raise InvalidInput(
            "missing", field=f"{path.name}, dòng {number}, cột {LABELS[column]}", subject=row.get("name") or None
        )
    return row[column]


def read_subjects(path: Path) -> tuple[Subject, ...]:
    """Subjects: name, position, optional group and person code (R-SUBJ-1)."""
    return tuple(
        Subject(
            name=_require(path, n, row, "name"),
            position=_require(path, n, row, "position"),
            group=row.get("group", ""),
            person_key=row.get("person_key", ""),
        )
        for n, row in read_rows(path, ("name", "position"), ("group", "person_key"))
    )


def read_delegates(path: Path) -> tuple[Delegate, ...]:
    """Delegates: name, optional unit, and what tells namesakes apart when the list has it (date of birth,
    Mã cán bộ), kept as the check-in list shows it ("sinh 12/03/1975 · mã CB-0042")."""
    return tuple(
        Delegate(_require(path, n, row, "name"), row.get("unit", ""), _detail(row))
        for n, row in read_rows(path, ("name",), ("unit", "birth", "person_key"))
    )


def _detail(row: Mapping[str, str]) -> str:
    parts = []
    if row.get("birth"):
        born = row["birth"]
        with contextlib.suppress(ValueError):  # otherwise as the office wrote it ("1975", "12/3/1975")
            born = dt.date.fromisoformat(born).strftime("%d/%m/%Y")
        parts.append(f"sinh {born}")
    if row.get("person_key"):
        parts.append(f"mã {row['person_key']}")
    return " · ".join(parts)


def _reason(path: Path, number: int, row: dict[str, str]) -> ExemptionReason:
    text = fold(_require(path, number, row, "reason"))
    for reason, words in REASON_LABELS.items():  # the code, or its words in any language of the catalogue
        if text in {reason.value, *(fold(gettext(lang, words)) for lang in LANGUAGES)}:
            return reason
    raise InvalidInput(
        "unknown-value", field=f"{path.name}, dòng {number}, cột {LABELS['reason']}", subject=row.get("name"),
        value=row["reason"], choices=", ".join(r.value for r in ExemptionReason),
    )


def read_exemptions(path: Path) -> tuple[Exemption, ...]:
    """Exemptions: name, position, reason (a code such as new-in-year, or its Vietnamese words), note."""
    return tuple(
        Exemption(_require(path, n, row, "name"), row.get("position", ""), _reason(path, n, row), row.get("note", ""))
        for n, row in read_rows(path, ("name", "reason"), ("position", "note"))
    )


def round_from_office_files(
    meta: Mapping[str, object], subjects: Path, delegates: Path | None = None, exemptions: Path | None = None
) -> tuple[Round, tuple[Delegate, ...]]:
    """A round from its details (a round file without subjects) and the office's lists."""
    from dataclasses import replace

    from tinnhiem.services import roundfile

    data = dict(meta)
    data.setdefault("subjects", [])
    round_, _ = roundfile.parse_round(data)
    round_ = replace(
        round_,
        subjects=read_subjects(subjects),
        exemptions=read_exemptions(exemptions) if exemptions else round_.exemptions,
    )
    return round_, read_delegates(delegates) if delegates else ()
