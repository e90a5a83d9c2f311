"""The results as a spreadsheet (openpyxl): counts as integers, percentages as exact decimals."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from tinnhiem.domain.model import BASE_LABELS, LEVEL_LABELS, REASON_LABELS
from tinnhiem.domain.tally import RoundResult
from tinnhiem.reports.cells import append_row

RESULTS_SHEET = "Kết quả"
BAND_WORDS = {1: "Không quá 1/2 tín nhiệm thấp", 2: "Quá 1/2 đến dưới 2/3 tín nhiệm thấp",
              3: "Từ 2/3 tín nhiệm thấp trở lên"}  # R-PCT-3 in words: a number alone was read as a grade
EXEMPTIONS_SHEET = "Không lấy phiếu"


def results_xlsx(result: RoundResult) -> bytes:
    """One sheet of results (one row per subject) and one of exemptions with reasons."""
    book = Workbook()
    sheet = book.active
    assert isinstance(sheet, Worksheet)  # a new workbook's one sheet
    sheet.title = RESULTS_SHEET
    round_ = result.round
    append_row(sheet, [round_.title])
    append_row(sheet, [f"{round_.body.name} — {round_.date.strftime('%d/%m/%Y')} — {result.rules.short}"])
    append_row(sheet, [f"Tỷ lệ % tính trên {BASE_LABELS[result.base_kind]}", result.base])
    sheet.append([])
    head = ["STT", "Họ và tên", "Chức vụ", "Nhóm"]
    for level in round_.levels:
        head += [f"{LEVEL_LABELS[level]} (phiếu)", f"{LEVEL_LABELS[level]} (%)"]
    head += ["Hợp lệ", "Không hợp lệ", "Mức tín nhiệm thấp", "Hệ quả"]
    sheet.append(head)
    header_row = sheet.max_row
    for i, s in enumerate(result.subjects, start=1):
        row: list[object] = [i, s.subject.name, s.subject.position, s.subject.group]
        for level in round_.levels:
            row += [s.totals.counts[level], s.percents[level]]
        band = BAND_WORDS[s.band] if s.band is not None else "Quá 1/2 không tín nhiệm" if s.dismissal_proposed else ""
        row += [s.totals.valid, s.totals.invalid, band, s.consequence]
        append_row(sheet, row)
        for column in range(6, 5 + 2 * len(round_.levels), 2):
            sheet.cell(sheet.max_row, column).number_format = "0.00"
    for cell in sheet[header_row]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    sheet.freeze_panes = sheet.cell(header_row + 1, 1).coordinate
    for column, width in enumerate((5, 28, 40, 14), start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    exempt = book.create_sheet(EXEMPTIONS_SHEET)
    exempt.append(["Họ và tên", "Chức vụ", "Lý do", "Mã lý do", "Ghi chú"])
    for e in round_.exemptions:
        append_row(exempt, [e.name, e.position, REASON_LABELS[e.reason], e.reason.value, e.note])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
