"""A whole round through the browser only: setup from files, the key ceremony on three devices, check-in
and quorum, cards, delegates voting (one challenge), closing, decryption on two devices, results, minutes."""

from __future__ import annotations

import io
import re
from pathlib import Path

from openpyxl import Workbook
from playwright.sync_api import Browser, Page, expect
from pypdf import PdfReader

from tests.browser.conftest import Hall, ceremony_on_devices

PHONE = {"width": 390, "height": 844}
DETAILS = """rule_set: nq96-2023
body: {name: Hội đồng nhân dân xã Thử Nghiệm, kind: state}
title: Lấy phiếu tín nhiệm tại kỳ họp cuối năm
date: 2026-12-01
place: Thử Nghiệm
conference: {convened: 5}
committee:
  - {name: Trưởng Ban Kiểm, role: Trưởng ban}
  - {name: Thư Ký Ban, role: Thư ký}
  - {name: Ủy Viên Ban, role: Ủy viên}
"""
DELEGATES = ["Đại Biểu Một", "Đại Biểu Hai", "Đại Biểu Ba", "Đại Biểu Bốn", "Đại Biểu Năm"]


def xlsx(path: Path, rows: list[list[str]]) -> Path:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    book.save(path)
    return path


def sign_in_organiser(page: Page, hall: Hall) -> None:
    page.goto(f"{hall.url}/admin")
    page.get_by_label("Mã của Ban tổ chức").fill(hall.organiser)
    page.get_by_role("button", name="Đăng nhập").click()


def test_a_round_from_setup_to_minutes_in_the_browser(browser: Browser, hall: Hall, tmp_path: Path, shots: Path) -> None:
    organiser = browser.new_context(accept_downloads=True).new_page()
    sign_in_organiser(organiser, hall)
    organiser.get_by_role("link", name="Tạo cuộc lấy phiếu").click()
    (tmp_path / "round.yaml").write_text(DETAILS, encoding="utf-8")
    organiser.get_by_label(re.compile("^Thông tin cuộc lấy phiếu")).set_input_files(str(tmp_path / "round.yaml"))
    organiser.get_by_label(re.compile("^Người được lấy phiếu")).set_input_files(str(xlsx(
        tmp_path / "s.xlsx", [["Họ và tên", "Chức vụ"], ["Phạm Chủ Tịch", "Chủ tịch HĐND xã"],
                              ["Lê Phó Chủ Tịch", "Phó Chủ tịch UBND xã"]])))
    organiser.get_by_label(re.compile("^Đại biểu")).set_input_files(str(xlsx(
        tmp_path / "d.xlsx", [["Họ và tên"], *([name] for name in DELEGATES)])))
    organiser.get_by_label(re.compile("^Mã cuộc lấy phiếu")).fill("xa-thu-nghiem")
    organiser.get_by_role("button", name="Tạo").click()
    expect(organiser.get_by_role("heading", level=1)).to_have_text("Lấy phiếu tín nhiệm tại kỳ họp cuối năm")

    organiser.get_by_label("Số thành viên cần để giải mã").fill("2")
    organiser.get_by_role("button", name="Bắt đầu tạo khóa trên máy của từng thành viên").click()
    codes = organiser.locator("code.tracking").all_inner_texts()
    keys = ceremony_on_devices(browser, hall.url, "xa-thu-nghiem", codes, "mat-khau-so-{member}-dai", tmp_path)

    organiser.goto(f"{hall.url}/admin/r/xa-thu-nghiem")
    organiser.get_by_role("button", name="Mở bỏ phiếu").click()
    expect(organiser.get_by_role("alert")).to_contain_text("Không đủ số lượng cần thiết: có mặt 0/5, cần ít nhất 4")
    organiser.goto(f"{hall.url}/admin/r/xa-thu-nghiem")
    for name in DELEGATES[:4]:
        organiser.get_by_label("Họ và tên đại biểu").fill(name)
        organiser.get_by_role("button", name="Ghi nhận có mặt").click()
    expect(organiser.locator("#present-count")).to_have_text("4")
    organiser.get_by_role("button", name="Mở bỏ phiếu").click()
    expect(organiser.locator("#election-state")).to_have_attribute("data-state", "open")
    organiser.get_by_label("Địa chỉ máy chủ trong hội trường").fill(hall.url)
    with organiser.expect_download() as download:
        organiser.get_by_text("In thẻ với mã mới…").click()
        organiser.get_by_role("button", name="Đồng ý, in thẻ mới").click()
    cards_text = " ".join(p.extract_text() for p in PdfReader(download.value.path()).pages)
    cards = dict(zip(DELEGATES, re.findall(r"\d{3}-[A-Z2-9]{4}-[A-Z2-9]{4}", cards_text), strict=False))

    for i, name in enumerate(DELEGATES[:3]):
        page = browser.new_context(viewport=PHONE).new_page()
        page.goto(f"{hall.url}/r/xa-thu-nghiem/vote")
        page.get_by_label("Mã trên thẻ đại biểu").fill(cards[name])
        page.get_by_role("button", name="Đăng nhập").click()
        rows = page.locator("fieldset.row")
        rows.nth(0).locator("label.choice").nth(0).click()
        rows.nth(1).locator("label.choice").nth(i).click()
        page.get_by_role("button", name="Xem lại phiếu").click()
        page.get_by_role("button", name="Mã hóa phiếu").click()
        expect(page.locator("#cast-panel")).to_be_visible()
        if i == 0:
            page.get_by_role("button", name="Kiểm tra (hủy phiếu này và xem nội dung)").click()
            expect(page.locator("#opened")).to_contain_text("Phạm Chủ Tịch: Tín nhiệm cao")
            page.get_by_role("button", name="Bỏ phiếu lại").click()
            page.get_by_role("button", name="Xem lại phiếu").click()
            page.get_by_role("button", name="Mã hóa phiếu").click()
            expect(page.locator("#cast-panel")).to_be_visible()
        page.get_by_role("button", name="Bỏ phiếu", exact=True).click()
        expect(page.locator("#done-code")).to_have_text(re.compile(r"^[A-Z2-7]{4}(-[A-Z2-7]{4}){3}$"))

    organiser.goto(f"{hall.url}/admin/r/xa-thu-nghiem")
    organiser.get_by_text("Đóng bỏ phiếu…").click()  # the confirmation opens
    organiser.get_by_role("button", name="Đồng ý, đóng bỏ phiếu").click()
    for member in (2, 3):
        device = browser.new_context(viewport=PHONE).new_page()
        device.goto(f"{hall.url}/committee/r/xa-thu-nghiem")
        device.get_by_label("Tệp khóa của đồng chí").set_input_files(str(keys[member - 1]))
        device.get_by_label("Mật khẩu").fill(f"mat-khau-so-{member}-dai")
        device.get_by_role("button", name="Giải mã phần của tôi").click()
        expect(device.get_by_role("status")).to_contain_text("Chờ" if member == 2 else "đã được giải mã",
                                                             timeout=20_000)

    screen = browser.new_page(viewport={"width": 1920, "height": 1080})
    screen.goto(f"{hall.url}/r/xa-thu-nghiem/screen")
    first = screen.locator("table.results tbody tr").first
    expect(first).to_contain_text("Phạm Chủ Tịch")
    assert "3 (100,00%)" in first.inner_text()  # three ballots, three "cao" (base: ballots returned)
    screen.screenshot(path=shots / "projector-full-round.png")
    minutes = organiser.request.get(f"{hall.url}/admin/r/xa-thu-nghiem/minutes.pdf")
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(minutes.body())).pages)
    assert "TM. BAN KIỂM PHIẾU" in text and "Lê Phó Chủ Tịch" in text
