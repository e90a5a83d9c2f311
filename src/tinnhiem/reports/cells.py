"""Cell values a spreadsheet must not run: text starting with = + - @ (or a tab or CR) stays text.

A subject named ``=HYPERLINK(…)`` would otherwise become a formula in Excel or LibreOffice
(CSV/formula injection). In XLSX the cell is written as a string with Excel's quote prefix,
so the name reads exactly as typed; in CSV the value gets a leading apostrophe.
"""

from __future__ import annotations

from collections.abc import Iterable

from openpyxl.worksheet.worksheet import Worksheet

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def looks_like_formula(value: object) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_START)


def csv_text(value: object) -> object:
    """A value for a CSV writer: formula-looking text gets a leading apostrophe, the rest as is."""
    return f"'{value}" if looks_like_formula(value) else value


def append_row(sheet: Worksheet, row: Iterable[object]) -> None:
    """``sheet.append(row)``, with every formula-looking text cell written as plain text."""
    sheet.append(list(row))
    for cell in sheet[sheet.max_row]:
        if looks_like_formula(cell.value):
            cell.data_type = "s"
            cell.quotePrefix = True
