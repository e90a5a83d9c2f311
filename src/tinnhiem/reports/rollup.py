"""The roll-up of the reports received (tổng hợp kết quả lấy phiếu), as XLSX and as a landscape A4 PDF."""

from __future__ import annotations

import io
from collections.abc import Sequence

from fpdf import FPDF, FontFace
from fpdf.enums import XPos, YPos
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from tinnhiem.domain.model import LEVEL_LABELS, Level
from tinnhiem.domain.percent import printed
from tinnhiem.domain.rollup import Rollup, RollupRow
from tinnhiem.reports.cells import append_row
from tinnhiem.reports.fonts import ALPHABET, find_family, require_glyphs

TITLE = "TỔNG HỢP KẾT QUẢ LẤY PHIẾU TÍN NHIỆM"
MANAGED_MARK = "x"


def levels(rollup: Rollup) -> tuple[Level, ...]:
    """The levels of every round in the roll-up, in the ballots' order."""
    seen = {level for row in rollup.rows for level in row.counts}
    return tuple(level for level in Level if level in seen)


def summary_lines(rollup: Rollup) -> tuple[str, ...]:
    return (
        f"Số cuộc lấy phiếu: {rollup.rounds}; số người: {rollup.people}; "
        f"chức danh do cấp trên quản lý: {rollup.managed}.",
        f"Trên 1/2 số phiếu tín nhiệm thấp: {rollup.over_half} người; "
        f"trong đó từ 2/3 trở lên: {rollup.two_thirds} người.",
    )


def _band(row: RollupRow) -> str:
    if row.band is None:
        return "Đề nghị miễn nhiệm" if row.dismissal_proposed else "—"
    return str(row.band)


def _blank(value: int | None) -> object:
    return "" if value is None else value


def rollup_xlsx(rollup: Rollup) -> bytes:
    """Sheet "Tổng hợp": one row per person; sheet "Quá trình": each person's rounds, oldest first."""
    book = Workbook()
    sheet = book.active
    assert isinstance(sheet, Worksheet)
    sheet.title = "Tổng hợp"
    append_row(sheet, [TITLE])
    for line in summary_lines(rollup):
        append_row(sheet, [line])
    sheet.append([])
    shown = levels(rollup)
    head = ["STT", "Đơn vị", "Họ và tên", "Chức vụ", "Cấp trên quản lý", "Ngày", "Phiếu phát ra", "Phiếu thu về",
            "Hợp lệ", "Không hợp lệ"]
    for level in shown:
        head += [f"{LEVEL_LABELS[level]} (phiếu)", f"{LEVEL_LABELS[level]} (%)"]
    head += ["Mức"]
    sheet.append(head)
    header_row = sheet.max_row
    for i, row in enumerate(rollup.rows, start=1):
        cells: list[object] = [i, row.unit, row.name, row.position, MANAGED_MARK if row.managed else "",
                               row.date.isoformat(), _blank(row.issued), _blank(row.returned), row.valid, row.invalid]
        for level in shown:
            cells += [row.counts.get(level, ""), row.percents.get(level, "")]
        cells.append(_band(row))
        append_row(sheet, cells)
        for column in range(12, 11 + 2 * len(shown), 2):
            sheet.cell(sheet.max_row, column).number_format = "0.00"
    for cell in sheet[header_row]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    sheet.freeze_panes = sheet.cell(header_row + 1, 1).coordinate
    for column, width in enumerate((5, 30, 26, 34, 10, 11), start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    history = book.create_sheet("Quá trình")
    history.append(["Họ và tên", "Đơn vị", "Ngày", "Cuộc lấy phiếu", "Chức vụ", "Tín nhiệm thấp (%)", "Mức"])
    for rows in rollup.history.values():
        for row in rows:
            low = row.percents.get(Level.LOW, row.percents.get(Level.NO_CONFIDENCE, ""))
            append_row(history, [row.name, row.unit, row.date.isoformat(), row.title, row.position, low, _band(row)])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _cell(row: RollupRow, level: Level) -> str:
    if level not in row.counts:
        return ""
    return f"{row.counts[level]} ({printed(row.percents[level])}%)"


def rollup_pdf(rollup: Rollup) -> bytes:
    """The roll-up on landscape A4: the summary, the table of people, then each person's history."""
    family = find_family()
    shown = levels(rollup)
    head = ("STT", "Đơn vị", "Họ và tên", "Chức vụ", "QL", "Thu về", "Hợp lệ",
            *(LEVEL_LABELS[level] for level in shown), "Mức")
    rows = [(str(i), r.unit, r.name, r.position, MANAGED_MARK if r.managed else "", str(_blank(r.returned)),
             str(r.valid), *(_cell(r, level) for level in shown), _band(r)) for i, r in enumerate(rollup.rows, 1)]
    history = [(r.name, r.unit, r.date.strftime("%d/%m/%Y"), r.position,
                _cell(r, Level.LOW if Level.LOW in r.counts else Level.NO_CONFIDENCE), _band(r))
               for rs in rollup.history.values() if len(rs) > 1 for r in rs]
    text = "".join(c for row in (head, *rows, *history) for c in row) + "".join(summary_lines(rollup)) + TITLE
    require_glyphs(family, text + ALPHABET)
    pdf = FPDF(orientation="L", format="A4", unit="mm")
    for style, path in family.files.items():
        pdf.add_font("Serif", style, str(path))
    pdf.set_margins(15, 15, 15)
    pdf.set_auto_page_break(True, 15)
    pdf.set_title("Tổng hợp kết quả lấy phiếu tín nhiệm")
    pdf.set_creator("tinnhiem")
    pdf.add_page()
    pdf.set_font("Serif", "B", 14)
    pdf.multi_cell(0, 7, TITLE, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("Serif", "", 11)
    for line in summary_lines(rollup):
        pdf.multi_cell(0, 6, line, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(2)
    widths = (9, 42, 36, 48, 9, 14, 14, *([26] * len(shown)), 12)
    _table(pdf, head, rows, widths)
    if history:
        pdf.ln(4)
        pdf.set_font("Serif", "B", 12)
        pdf.multi_cell(0, 6, "Quá trình của những người đã được lấy phiếu nhiều lần", new_x=XPos.LMARGIN,
                       new_y=YPos.NEXT)
        _table(pdf, ("Họ và tên", "Đơn vị", "Ngày", "Chức vụ", "Tín nhiệm thấp", "Mức"), history,
               (40, 55, 22, 70, 32, 25))
    return bytes(pdf.output())


def _table(pdf: FPDF, head: tuple[str, ...], rows: Sequence[tuple[str, ...]], widths: tuple[float, ...]) -> None:
    pdf.set_font("Serif", "", 9.5)
    with pdf.table(width=sum(widths), align="LEFT", col_widths=widths, text_align="CENTER", line_height=4.6,
                   headings_style=FontFace(emphasis="BOLD"), padding=0.8) as table:
        for cells in (head, *rows):
            row = table.row()
            for text in cells:
                row.cell(text)
