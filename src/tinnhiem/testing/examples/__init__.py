"""Example files an office starts from: the round's information file (commented, Vietnamese) and the lists.

``tinnhiem round template`` writes them into a folder, the lists as XLSX (as offices keep
them) made from the CSV files here.
"""

from __future__ import annotations

import csv
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from tinnhiem.domain.errors import InvalidInput

HERE = Path(__file__).parent
INFORMATION = HERE / "thong-tin.yaml"
LISTS = ("danh-sach", "dai-bieu", "khong-lay-phieu")


def write_examples(folder: Path, *, overwrite: bool = False) -> list[Path]:
    """thong-tin.yaml and the three lists (XLSX) in ``folder``; an existing file is kept unless ``overwrite``."""
    targets = [folder / INFORMATION.name, *(folder / f"{name}.xlsx" for name in LISTS)]
    existing = [p for p in targets if p.exists()]
    if existing and not overwrite:
        raise InvalidInput("file-exists", field=str(existing[0]))
    folder.mkdir(parents=True, exist_ok=True)
    targets[0].write_text(INFORMATION.read_text(encoding="utf-8"), encoding="utf-8")
    for name, target in zip(LISTS, targets[1:], strict=True):
        book = Workbook()
        sheet = book.active
        assert isinstance(sheet, Worksheet)  # a new workbook's one sheet
        with (HERE / f"{name}.csv").open(encoding="utf-8", newline="") as handle:
            for row in csv.reader(handle):
                sheet.append([int(v) if v.isdigit() else v for v in row])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for column in sheet.columns:
            letter = get_column_letter(column[0].column or 1)
            sheet.column_dimensions[letter].width = max(len(str(c.value or "")) for c in column) + 2
        book.save(target)
    return targets
