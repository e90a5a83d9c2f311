"""Reading the lists an office keeps (subjects, delegates, exemptions) from XLSX or CSV.

The first row names the columns, in Vietnamese or English, with or without
diacritics ("Họ và tên", "Ho va ten", "name"). A bad row is refused with its
row number and column, and nothing is imported.
"""

from __future__ import annotations

import csv
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

from openpyxl import load_workbook

from tinnhiem.domain.errors import InvalidInput
from tinnhiem.domain.model import REASON_LABELS, Delegate, Exemption, ExemptionReason, Round, Subject

COLUMNS: Mapping[str, tuple[str, ...]] = {
    "name": ("ho va ten", "ho ten", "name", "full name"),
    "position": ("chuc vu", "position"),
    "group": ("nhom", "group"),
    "person_key": ("ma can bo", "ma", "code", "person key"),
    "unit": ("don vi", "unit"),
    "reason": ("ly do", "reason"),
    "note": ("ghi chu", "note"),
}
LABELS: Mapping[str, str] = {
    "name": "Họ và tên",
    "position": "Chức vụ",
    "group": "Nhóm",
    "person_key": "Mã cán bộ",
    "unit": "Đơn vị",
    "reason": "Lý do",
    "note": "Ghi chú",
}


def fold(text: str) -> str:
    """Lower case without diacritics: "Họ và tên" -> "ho va ten"."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).lower().split())


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return unicodedata.normalize("NFC", str(value).strip())


def _raw_rows(path: Path) -> Iterator[list[str]]:
    try:
        if path.suffix.lower() in {".xlsx", ".xlsm"}:
            book = load_workbook(path, read_only=True, data_only=True)
            for row in book.worksheets[0].iter_rows(values_only=True):
                yield [_cell(v) for v in row]
            book.close()
        else:
            with path.open(encoding="utf-8-sig", newline="") as handle:
                sample = handle.read(4096)
                handle.seek(0)
                dialect = csv.Sniffer().sniff(sample, delimiters=",;\t") if sample else csv.excel
                for row in csv.reader(handle, dialect):
                    yield [_cell(v) for v in row]
    except (OSError, UnicodeDecodeError, csv.Error, ValueError, KeyError) as exc:
        raise InvalidInput("file-unreadable", field=path.name, reason=str(exc)) from exc


def read_rows(path: Path, required: Sequence[str], optional: Sequence[str] = ()) -> list[tuple[int, dict[str, str]]]:
    """(row number, {column: text}) for every non-empty row under the header row."""
    rows = _raw_rows(path)
    header = next(rows, None)
    if header is None:
        raise InvalidInput("column-missing", field=path.name, value=LABELS[required[0]])
    folded = [fold(h) for h in header]
    index: dict[str, int] = {}
    for column in (*required, *optional):
        where = next((i for i, h in enumerate(folded) if h in COLUMNS[column]), None)
        if where is None and column in required:
            raise InvalidInput("column-missing", field=f"{path.name}, dòng 1", value=LABELS[column])
        if where is not None:
            index[column] = where
    found = []
    for number, row in enumerate(rows, start=2):
        if not any(row):
            continue
        found.append((number, {c: row[i] if i < len(row) else "" for c, i in index.items()}))
    return found


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
    """Delegates: name and optional unit."""
    return tuple(
        Delegate(_require(path, n, row, "name"), row.get("unit", ""))
        for n, row in read_rows(path, ("name",), ("unit",))
    )


def _reason(path: Path, number: int, row: dict[str, str]) -> ExemptionReason:
    text = fold(_require(path, number, row, "reason"))
    for reason, (vi, en) in REASON_LABELS.items():
        if text in {reason.value, fold(vi), fold(en)}:
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
