"""A whole round through the browser only: setup from files, the key ceremony on three devices, the
committee's voting cards uploaded, quorum then check-in, delegates signing in from their cards' QR codes
(one reads a dossier, one challenges), closing, decryption on two devices, results, minutes, the record."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

from fpdf import FPDF
from openpyxl import Workbook
from playwright.sync_api import Browser, Page, expect
from pypdf import PdfReader

from tests.browser.conftest import PHONE, Hall, ceremony_on_devices, committee_account, staff_phone
from tinnhiem.cli.hall import unlock_members
from tinnhiem.services.cards import make_cards, read_election_file
from tinnhiem.services.verification import verify_record

ROUND = "xa-thu-nghiem"

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
    page.get_by_label("Tên đăng nhập").fill("quantri")
    page.get_by_label("Mật khẩu", exact=True).fill(hall.organiser)
    page.get_by_role("button", name="Đăng nhập").click()


def dossier_pdf(path: Path) -> Path:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=14)
    pdf.cell(0, 10, "Bao cao tu danh gia")
    path.write_bytes(bytes(pdf.output()))
    return path


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
    organiser.get_by_label(re.compile("^Mã cuộc lấy phiếu")).fill(ROUND)
    organiser.get_by_role("button", name="Tạo").click()
    expect(organiser.get_by_role("heading", level=1)).to_have_text("Lấy phiếu tín nhiệm tại kỳ họp cuối năm")

    organiser.get_by_label("Số thành viên cần để giải mã").fill("2")
    organiser.get_by_role("button", name="Bắt đầu tạo khóa trên máy của từng thành viên").click()
    codes = organiser.locator("code.tracking").all_inner_texts()
    keys = ceremony_on_devices(browser, hall.url, ROUND, codes, "mat-khau-so-{member}-dai", tmp_path)

    # The organisers download the election file; the committee's laptop makes the cards from it, two members
    # signing with their key files (secrets to print, a signed public file); the organisers upload that file.
    election_file = tmp_path / "cuoc-bo-phieu.json"
    election_file.write_bytes(organiser.request.get(f"{hall.url}/committee/r/{ROUND}/election.json").body())
    made = make_cards(read_election_file(json.loads(election_file.read_text(encoding="utf-8"))), len(DELEGATES),
                      unlock_members(keys[:2], ROUND, ["mat-khau-so-1-dai", "mat-khau-so-2-dai"]))
    secrets = made.secrets
    public_file = tmp_path / f"{ROUND}-the-cong-khai.json"
    public_file.write_text(json.dumps(made.public), encoding="utf-8")
    organiser.goto(f"{hall.url}/admin/r/{ROUND}")
    expect(organiser.locator("#election-state")).to_have_attribute("data-state", "ready")
    organiser.get_by_label(re.compile("^Tệp thẻ công khai của Ban kiểm phiếu")).set_input_files(str(public_file))
    organiser.get_by_role("button", name="Tải lên danh sách thẻ").click()
    expect(organiser.locator("#card-counts")).to_contain_text(f"Thẻ: {len(DELEGATES)}")
    organiser.get_by_label("Người được lấy phiếu").select_option("1")
    organiser.get_by_label("Báo cáo tự đánh giá (PDF)").set_input_files(str(dossier_pdf(tmp_path / "1.pdf")))
    organiser.get_by_role("button", name="Tải lên", exact=True).click()

    organiser.get_by_role("button", name="Mở bỏ phiếu").click()
    expect(organiser.get_by_role("alert")).to_contain_text("Không đủ số lượng cần thiết: có mặt 0/5, cần ít nhất 4")
    organiser.goto(f"{hall.url}/admin/r/{ROUND}")
    for name in DELEGATES[:4]:  # each handed a card from the shuffled stack; nobody notes which
        organiser.get_by_label(re.compile("^Tìm đại biểu")).fill(name)
        organiser.get_by_role("button", name=f"{name}: Điện tử", exact=True).click()
        expect(organiser.locator("#checkin-done-name")).to_have_text(re.compile(rf"^✓ \d+\. {re.escape(name)}"))
    expect(organiser.locator("#present-count")).to_have_text("4")
    organiser.get_by_role("button", name="Mở bỏ phiếu").click()  # 5 cards for 4 delegates: one nobody holds
    expect(organiser.get_by_role("alert")).to_contain_text("Chưa mở được: 1 thẻ chưa phát cho ai mà vẫn dùng được")
    chair = staff_phone(browser, hall, "truongban", committee_account(hall, ROUND, "truongban", "Trưởng Ban Kiểm"))
    chair.goto(f"{hall.url}/committee/r/{ROUND}/cards")  # the chair seals it as the reserve
    chair.get_by_label("Mã các thẻ (mỗi dòng một thẻ)").fill(secrets[4])
    chair.get_by_role("button", name="Niêm phong làm thẻ dự phòng").click()
    expect(chair.locator("#status")).to_have_text("Đã niêm phong 1 thẻ dự phòng.")
    chair.close()
    organiser.goto(f"{hall.url}/admin/r/{ROUND}")
    organiser.get_by_role("button", name="Mở bỏ phiếu").click()
    expect(organiser.locator("#election-state")).to_have_attribute("data-state", "open")
    expect(organiser.locator("#cards_file")).to_have_count(0)  # no new cards once voting is open

    receipts: list[tuple[str, str]] = []
    spoiled: tuple[str, str] = ("", "")
    for i, card in enumerate(secrets[:3]):
        page = browser.new_context(viewport=PHONE).new_page()
        page.goto(f"{hall.url}/r/{ROUND}/vote#card={card}")  # what the card's QR code opens
        expect(page).to_have_url(f"{hall.url}/r/{ROUND}/vote/ballot")
        if i == 1:  # reads the first subject's self-assessment before choosing
            link = page.get_by_role("link", name="Đọc báo cáo tự đánh giá")
            expect(link).to_have_count(1)
            report = page.request.get(hall.url + str(link.get_attribute("href")))
            assert report.ok and report.body() == (tmp_path / "1.pdf").read_bytes()
        rows = page.locator("fieldset.row")
        rows.nth(0).locator("label.choice").nth(0).click()
        rows.nth(1).locator("label.choice").nth(i).click()
        page.get_by_role("button", name="Xem lại phiếu").click()
        if i == 0:  # checks the device first, then marks again
            page.get_by_role("button", name="Kiểm tra máy trước khi bỏ phiếu").click()
            code_shown = re.compile(r"^[A-Z2-7]{4}(-[A-Z2-7]{4}){3}$")
            expect(page.locator("#tracking")).to_have_text(code_shown)  # encrypted on the phone: wait for it
            short = page.locator("#tracking").inner_text()
            page.get_by_role("button", name="Mở ra để kiểm tra").click()
            expect(page.locator("#opened")).to_contain_text("Phạm Chủ Tịch: Tín nhiệm cao")
            expect(page.locator("#spoiled-code")).to_have_text(short)
            expect(page.locator("#spoiled-full")).to_have_text(re.compile(r"^[0-9a-f]{64}$"))
            spoiled = (short, page.locator("#spoiled-full").inner_text())
            page.get_by_role("button", name="Đánh dấu lại").click()
            rows.nth(0).locator("label.choice").nth(0).click()
            rows.nth(1).locator("label.choice").nth(i).click()
            page.get_by_role("button", name="Xem lại phiếu").click()
        page.get_by_role("button", name="Bỏ phiếu", exact=True).click()
        expect(page.locator("#done-code")).to_have_text(re.compile(r"^[A-Z2-7]{4}(-[A-Z2-7]{4}){3}$"))
        expect(page.locator("#done-qr svg")).to_be_visible()
        receipts.append((page.locator("#done-code").inner_text(), page.locator("#done-full").inner_text()))
        page.context.close()

    lookup = browser.new_page(viewport=PHONE)
    for (short, full), state in ((receipts[2], "phiếu đã bỏ"), (spoiled, "phiếu hủy để kiểm tra (không tính)")):
        lookup.goto(f"{hall.url}/r/{ROUND}/lookup")
        lookup.get_by_label("Mã theo dõi (mã ngắn hoặc mã đầy đủ)").fill(short)
        lookup.get_by_role("button", name="Tra cứu").click()
        expect(lookup.locator("#found li")).to_have_text([f"{state}: {full}"])

    organiser.goto(f"{hall.url}/admin/r/{ROUND}")
    organiser.get_by_text("Đóng bỏ phiếu…").click()  # the confirmation opens
    organiser.get_by_role("button", name="Đồng ý, đóng bỏ phiếu").click()
    expect(organiser.locator("#election-state")).to_have_attribute("data-state", "closed")
    for act, done in (("Số phiếu trùng màn chiếu: ký xác nhận", "Đã ký xác nhận"), ("Giải mã phần của tôi", "")):
        for member in (2, 3):
            device = browser.new_context(viewport=PHONE).new_page()
            device.goto(f"{hall.url}/committee/r/{ROUND}")
            device.get_by_role("button", name="Kiểm tra hồ sơ trên máy này").click()
            expect(device.locator("#count-ballots")).to_have_text("3", timeout=20_000)
            device.get_by_label("Tệp khóa của đồng chí").set_input_files(str(keys[member - 1]))
            device.get_by_label("Mật khẩu").fill(f"mat-khau-so-{member}-dai")
            device.get_by_role("button", name=act).click()
            expect(device.get_by_role("status")).to_contain_text(done or ("Chờ" if member == 2 else "đã được giải mã"),
                                                                 timeout=20_000)
            device.context.close()

    screen = browser.new_page(viewport={"width": 1920, "height": 1080})
    screen.goto(f"{hall.url}/r/{ROUND}/screen")
    first = screen.locator("table.results tbody tr").first
    expect(first).to_contain_text("Phạm Chủ Tịch")
    assert "3 (100,00%)" in first.inner_text()  # three ballots, three "cao" (base: ballots returned)
    screen.screenshot(path=shots / "projector-full-round.png")
    minutes = organiser.request.get(f"{hall.url}/admin/r/{ROUND}/minutes.pdf")
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(minutes.body())).pages)
    assert "TM. BAN KIỂM PHIẾU" in text and "Lê Phó Chủ Tịch" in text

    record = organiser.request.get(f"{hall.url}/api/rounds/{ROUND}/record")
    (tmp_path / "ho-so.json").write_bytes(record.body())
    verified = verify_record(json.loads((tmp_path / "ho-so.json").read_text(encoding="utf-8")))
    assert (3, 1, (2, 3)) == (verified.ballots, verified.spoiled, verified.decrypting_members)
    assert ((3, 0, 0), (1, 1, 1)) == (verified.counts[0], verified.counts[1])
    assert sorted(full for _, full in receipts) == sorted(b["code"] for b in json.loads(record.text())["ballots"])
