"""A whole electronic round in a real browser: organiser, three delegates (one challenges), projector,
decryption by two of three committee members, results, minutes and the public record."""

from __future__ import annotations

import io
import json
from pathlib import Path

from playwright.sync_api import Browser, Page, expect
from pypdf import PdfReader

from tests.browser.conftest import Hall
from tinnhiem.crypto.verify import verify
from tinnhiem.testing.hall import delegate_names

PHONE = {"width": 390, "height": 844}
PROJECTOR = {"width": 1920, "height": 1080}
AXE_SERIOUS = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.filter((v) => ["serious", "critical"].includes(v.impact))
    .map((v) => v.id + ": " + v.nodes.map((n) => n.target.join(" ")).join(", "));
}"""


def axe_violations(page: Page, hall: Hall) -> list[str]:
    page.add_script_tag(url=f"{hall.url}/static/build/axe.min.js")
    return list(page.evaluate(AXE_SERIOUS))


def vote(browser: Browser, hall: Hall, name: str, choices: list[int | None], shots: Path, *,
         challenge_first: bool = False) -> str:
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto(f"{hall.url}/r/{hall.code}/vote")
    page.get_by_label("Mã trên thẻ đại biểu").fill(hall.cards[name])
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_text(name)).to_be_visible()
    if challenge_first:  # once: the ballot page as a delegate first sees it, checked by axe-core
        page.screenshot(path=shots / "phone-ballot.png", full_page=True)
        assert [] == axe_violations(page, hall)

    def fill_and_encrypt() -> str:
        rows = page.locator("fieldset.row")
        for i, choice in enumerate(choices):
            if choice is not None:
                rows.nth(i).locator("label.choice").nth(choice).click()
        page.get_by_role("button", name="Xem lại phiếu").click()
        expect(page.locator("#review-panel")).to_be_visible()
        return page.locator("#summary").inner_text()

    summary = fill_and_encrypt()
    if None in choices:
        expect(page.locator("#blank-warning")).to_be_visible()
        assert "(để trống)" in summary
    page.screenshot(path=shots / f"phone-review-{choices.count(None)}.png", full_page=True)
    page.get_by_role("button", name="Mã hóa phiếu").click()
    tracking = page.locator("#tracking")
    expect(tracking).to_have_text(__import__("re").compile(r"^[A-Z2-7]{4}(-[A-Z2-7]{4}){3}$"))
    if challenge_first:
        spoiled = tracking.inner_text()
        page.get_by_role("button", name="Kiểm tra (hủy phiếu này và xem nội dung)").click()
        expect(page.locator("#challenge-panel")).to_be_visible()
        opened = page.locator("#opened li").all_inner_texts()
        labels = ["Tín nhiệm cao", "Tín nhiệm", "Tín nhiệm thấp"]
        assert [labels[c] if c is not None else "(để trống)" for c in choices] == [t.split(": ")[-1] for t in opened]
        page.screenshot(path=shots / "phone-challenge.png", full_page=True)
        page.get_by_role("button", name="Bỏ phiếu lại").click()
        page.get_by_role("button", name="Xem lại phiếu").click()
        page.get_by_role("button", name="Mã hóa phiếu").click()
        expect(tracking).not_to_have_text(spoiled)
        expect(page.locator("#cast-panel")).to_be_visible()
    code = tracking.inner_text()
    page.get_by_role("button", name="Bỏ phiếu", exact=True).click()
    expect(page.locator("#done-code")).to_have_text(code)
    page.screenshot(path=shots / f"phone-done-{name[:6]}.png", full_page=True)
    page.reload()
    expect(page.get_by_text("Đại biểu đã bỏ phiếu.")).to_be_visible()
    context.close()
    return code


def test_a_whole_round_in_the_browser(browser: Browser, hall: Hall, shots: Path) -> None:
    organiser = browser.new_page(viewport=PROJECTOR)
    organiser.goto(f"{hall.url}/admin")
    organiser.get_by_label("Mã của Ban tổ chức").fill(hall.organiser)
    organiser.get_by_role("button", name="Đăng nhập").click()
    organiser.goto(f"{hall.url}/admin/r/{hall.code}")
    expect(organiser.locator("#election-state")).to_have_attribute("data-state", "open")
    organiser.screenshot(path=shots / "organiser-round.png", full_page=True)
    organiser.set_viewport_size(PHONE)
    organiser.screenshot(path=shots / "phone-organiser-round.png", full_page=True)
    assert [] == axe_violations(organiser, hall)
    organiser.set_viewport_size(PROJECTOR)

    screen = browser.new_page(viewport=PROJECTOR)
    screen.goto(f"{hall.url}/r/{hall.code}/screen")
    expect(screen.locator("#voted")).to_have_text("0")

    sign_in = browser.new_page(viewport=PHONE)
    sign_in.goto(f"{hall.url}/r/{hall.code}/vote")
    assert [] == axe_violations(sign_in, hall)
    sign_in.screenshot(path=shots / "phone-sign-in.png", full_page=True)
    sign_in.goto(f"{hall.url}/r/{hall.code}/vote#card=007-ABCD-EFGH")  # as the card's QR code opens it
    expect(sign_in.get_by_label("Mã trên thẻ đại biểu")).to_have_value("007-ABCD-EFGH")
    assert "#" not in sign_in.url
    sign_in.get_by_label("Mã trên thẻ đại biểu").fill("001-AAAA-AAAA")
    sign_in.get_by_role("button", name="Đăng nhập").click()
    expect(sign_in.get_by_role("alert")).to_contain_text("Mã đăng nhập không đúng")

    names = delegate_names(3)
    ballots = {names[0]: [0] * 12, names[1]: [1, 2] * 6, names[2]: [0, None] + [2] * 10}
    codes = [vote(browser, hall, names[0], ballots[names[0]], shots, challenge_first=True),
             vote(browser, hall, names[1], ballots[names[1]], shots),
             vote(browser, hall, names[2], ballots[names[2]], shots)]
    expect(screen.locator("#voted")).to_have_text("3", timeout=10_000)
    screen.screenshot(path=shots / "projector-turnout.png")

    ballot_page = browser.new_page(viewport=PHONE)
    ballot_page.goto(f"{hall.url}/r/{hall.code}/lookup?tracking={codes[1]}")
    expect(ballot_page.get_by_role("status")).to_contain_text("Có trong hồ sơ")

    organiser.get_by_text("Đóng bỏ phiếu…").click()  # the confirmation opens
    organiser.get_by_role("button", name="Đồng ý, đóng bỏ phiếu").click()
    expect(organiser.locator("#election-state")).to_have_attribute("data-state", "closed")
    for member in (1, 3):  # two of three members, each on their own device
        device = browser.new_context(viewport=PHONE).new_page()
        device.goto(f"{hall.url}/committee/r/{hall.code}")
        device.get_by_label("Tệp khóa của đồng chí").set_input_files(str(hall.keys[member - 1]))
        device.get_by_label("Mật khẩu").fill(f"mat-khau-mau-{member}")
        device.get_by_role("button", name="Giải mã phần của tôi").click()
        expected = "Chờ các thành viên khác" if member == 1 else "kết quả đã được giải mã"
        expect(device.get_by_role("status")).to_contain_text(expected, timeout=20_000)
        device.screenshot(path=shots / f"phone-committee-{member}.png", full_page=True)

    screen.reload()
    expect(screen.locator("table.results")).to_contain_text("Nguyễn Văn Ân")
    screen.screenshot(path=shots / "projector-results.png", full_page=True)
    first_row = screen.locator("table.results tbody tr").first.inner_text()
    assert "2 (66,67%)" in first_row  # two of three ballots chose "cao" for the first subject (base: 3 returned)

    english = browser.new_page(viewport=PHONE)
    english.goto(f"{hall.url}/r/{hall.code}/vote?lang=en")
    expect(english.get_by_label("The code on your delegate card")).to_be_visible()
    assert [] == axe_violations(english, hall)

    record = json.loads(organiser.request.get(f"{hall.url}/api/rounds/{hall.code}/record").text())
    verified = verify(record)
    assert (3, 1) == (verified.ballots, verified.spoiled)
    assert ((1, 0, 1), 1) == (verified.counts[1], verified.empty[1])  # cao, thấp, one row left empty
    assert sorted(codes) == sorted(b["code"] for b in record["ballots"])

    minutes = organiser.request.get(f"{hall.url}/admin/r/{hall.code}/minutes.pdf")
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(minutes.body())).pages)
    assert "BIÊN BẢN KIỂM PHIẾU" in text and "Nguyễn Văn Ân" in text
