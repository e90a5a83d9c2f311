"""Office lists as they really are (each file made here with openpyxl): read correctly, or refused
with the file and the cell named and what to do."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook

from tinnhiem.domain.errors import InvalidInput
from tinnhiem.i18n import message
from tinnhiem.office.spreadsheets import MAX_ROWS, read_delegates, read_exemptions, read_subjects


def _book(path: Path, rows: list[list[object]], merges: tuple[str, ...] = ()) -> Path:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    for ref in merges:
        sheet.merge_cells(ref)
    book.save(path)
    return path


def test_title_rows_above_the_header_and_extra_columns(tmp_path: Path) -> None:
    path = _book(tmp_path / "danh-sach.xlsx", [
        ["DANH SÁCH NGƯỜI ĐƯỢC LẤY PHIẾU TÍN NHIỆM"],
        ["(Kèm theo Tờ trình số 12-TTr/TU ngày 10/11/2026)"],
        [],
        ["STT", "Họ và tên", "Ngày sinh", "Chức vụ", "Quê quán", "Ghi chú"],
        [1, "Nguyễn Văn Ân", "12/3/1968", "Bí thư Tỉnh ủy", "Sơn Thủy", ""],
        [2, "Trần Thị Bích Hạnh", "1/9/1972", "Phó Bí thư Thường trực Tỉnh ủy", "Đồng Hòa", "nữ"],
    ], merges=("A1:F1", "A2:F2"))
    subjects = read_subjects(path)
    assert [("Nguyễn Văn Ân", "Bí thư Tỉnh ủy"), ("Trần Thị Bích Hạnh", "Phó Bí thư Thường trực Tỉnh ủy")] == [
        (s.name, s.position) for s in subjects]


def test_merged_cells_give_their_value_to_every_row(tmp_path: Path) -> None:
    """A group merged down its rows; a header merged over two rows with the column numbers under it."""
    path = _book(tmp_path / "danh-sach.xlsx", [
        ["STT", "Họ và tên", "Chức vụ", "Nhóm"],
        [None, None, None, None],
        ["(1)", "(2)", "(3)", "(4)"],
        [1, "Nguyễn Văn Ân", "Bí thư Tỉnh ủy", "Thường trực"],
        [2, "Lê Quang Minh", "Phó Bí thư Tỉnh ủy", None],
        [3, "Hoàng Đức Thắng", "Trưởng Ban Tổ chức Tỉnh ủy", "Ban Thường vụ"],
        [4, "Võ Thị Ngọc Lan", "Chủ nhiệm Ủy ban Kiểm tra Tỉnh ủy", None],
    ], merges=("A1:A2", "B1:B2", "C1:C2", "D1:D2", "D4:D5", "D6:D7"))
    assert [("Nguyễn Văn Ân", "Thường trực"), ("Lê Quang Minh", "Thường trực"),
            ("Hoàng Đức Thắng", "Ban Thường vụ"), ("Võ Thị Ngọc Lan", "Ban Thường vụ")] == [
        (s.name, s.group) for s in read_subjects(path)]


def test_spaces_and_numbers_stored_as_text(tmp_path: Path) -> None:
    path = _book(tmp_path / "danh-sach.xlsx", [
        ["STT ", " Họ và tên ", "Mã cán bộ", "Chức vụ  "],
        ["1", "Nguyễn  Văn Ân ", "00123", " Bí thư Tỉnh ủy "],
        ["2", "\u00a0Lê Quang\u00a0Minh", 456, "Phó Bí thư\nTỉnh ủy"],
    ])
    assert [("Nguyễn Văn Ân", "00123", "Bí thư Tỉnh ủy"), ("Lê Quang Minh", "456", "Phó Bí thư Tỉnh ủy")] == [
        (s.name, s.person_key, s.position) for s in read_subjects(path)]


def test_a_list_in_tcvn3(tmp_path: Path) -> None:
    """Typed with the .VnTime fonts (ABC): header and cells read as Unicode."""
    path = _book(tmp_path / "danh-sach.xlsx", [
        ["STT", "Hä vµ tªn", "Chøc vô", "Nhãm"],
        [1, "NguyÔn V¨n ¢n", "BÝ th\u00ad TØnh ñy", "Th\u00adêng trùc"],
        [2, "TrÇn ThÞ BÝch H¹nh", "Phã BÝ th\u00ad Th\u00adêng trùc TØnh ñy", "Th\u00adêng trùc"],
        [3, "§Æng H÷u Ph\u00adíc", "Chñ tÞch UBND tØnh", "Ban Th\u00adêng vô"],
    ])
    assert [("Nguyễn Văn Ân", "Bí thư Tỉnh ủy", "Thường trực"),
            ("Trần Thị Bích Hạnh", "Phó Bí thư Thường trực Tỉnh ủy", "Thường trực"),
            ("Đặng Hữu Phước", "Chủ tịch UBND tỉnh", "Ban Thường vụ")] == [
        (s.name, s.position, s.group) for s in read_subjects(path)]


def test_a_list_in_vni(tmp_path: Path) -> None:
    """Typed with the VNI-Windows fonts: base letters followed by mark letters."""
    path = _book(tmp_path / "dai-bieu.xlsx", [
        ["STT", "Hoï vaø teân", "Ñôn vò"],
        [1, "Nguyeãn Vaên AÂn", "Tænh uûy"],
        [2, "Traàn Thò Bích Haïnh", "Ban Thöôøng vuï"],
        [3, "Ñaëng Höõu Phöôùc", "UBND tænh"],
    ])
    assert [("Nguyễn Văn Ân", "Tỉnh ủy"), ("Trần Thị Bích Hạnh", "Ban Thường vụ"), ("Đặng Hữu Phước", "UBND tỉnh")] == [
        (d.name, d.unit) for d in read_delegates(path)]


def test_a_csv_saved_by_an_old_excel_in_tcvn3(tmp_path: Path) -> None:
    path = tmp_path / "khong-lay-phieu.csv"
    path.write_bytes("Hä vµ tªn;Chøc vô;Lý do;Ghi chó\r\nMai Xu©n Tr\u00adêng;ChØ huy tr\u00adëng;new-in-year;\r\n"
                     .encode("cp1252"))
    (exemption,) = read_exemptions(path)
    assert ("Mai Xuân Trường", "Chỉ huy trưởng") == (exemption.name, exemption.position)


def test_old_encoding_mixed_with_unicode_is_refused_with_the_cell(tmp_path: Path) -> None:
    path = _book(tmp_path / "danh-sach.xlsx", [
        ["Họ và tên", "Chức vụ"],
        ["Nguyễn Văn Ân", "Bí thư Tỉnh ủy"],
        ["TrÇn Thị Bích Hạnh", "Phó Bí thư Tỉnh ủy"],
    ])
    with pytest.raises(InvalidInput) as caught:
        read_subjects(path)
    assert "danh-sach.xlsx, ô A3" in caught.value.message() and "TCVN3" in caught.value.message()
    assert "Unicode" in message(caught.value, "en")


def test_a_missing_value_names_row_and_column_under_title_rows(tmp_path: Path) -> None:
    path = _book(tmp_path / "danh-sach.xlsx", [
        ["DANH SÁCH"], ["STT", "Họ và tên", "Chức vụ"], [1, "Nguyễn Văn Ân", "Bí thư"], [2, "Lê Quang Minh", "  "],
    ])
    with pytest.raises(InvalidInput) as caught:
        read_subjects(path)
    assert "danh-sach.xlsx, dòng 4, cột Chức vụ" in caught.value.message()


def test_no_header_row_is_said(tmp_path: Path) -> None:
    path = _book(tmp_path / "danh-sach.xlsx", [["Tên", "Việc"], ["Nguyễn Văn Ân", "Bí thư"]])
    with pytest.raises(InvalidInput) as caught:
        read_subjects(path)
    assert "Họ và tên" in caught.value.message() and "15" in caught.value.message()


def test_a_list_longer_than_any_real_body_is_refused(tmp_path: Path) -> None:
    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(["Họ và tên", "Đơn vị"])
    for n in range(MAX_ROWS + 20):
        sheet.append([f"Đại biểu {n}", "Đơn vị"])
    path = tmp_path / "dai-bieu.xlsx"
    book.save(path)
    with pytest.raises(InvalidInput) as caught:
        read_delegates(path)
    assert "too-many-rows" == caught.value.code and "5.000" in caught.value.message()


def test_a_list_of_five_thousand_is_read(tmp_path: Path) -> None:
    path = tmp_path / "dai-bieu.csv"
    path.write_text("Họ và tên,Đơn vị\n" + "".join(f"Đại biểu {n},Đơn vị\n" for n in range(MAX_ROWS)),
                    encoding="utf-8")
    assert MAX_ROWS == len(read_delegates(path))


def test_a_merged_range_drawn_far_below_the_list_stays_within_it(tmp_path: Path) -> None:
    path = _book(tmp_path / "danh-sach.xlsx", [
        ["Họ và tên", "Chức vụ", "Nhóm"], ["Nguyễn Văn Ân", "Bí thư", "Thường trực"], ["Lê Quang Minh", "Phó Bí thư", None],
    ], merges=("C2:C20000",))  # far past MAX_ROWS
    assert ["Thường trực", "Thường trực"] == [s.group for s in read_subjects(path)]
