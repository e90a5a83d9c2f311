"""A whole electronic round in a real browser: organiser, three delegates each signing in from a voting
card's QR address (one challenges), projector, decryption by two of three committee members, results,
minutes and the public record."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

from playwright.sync_api import Browser, Page, expect
from pypdf import PdfReader

from tests.browser.conftest import PHONE, PROJECTOR, SHOTS, Hall, both_sizes, on_one_line
from tinnhiem.reports.content import grouped
from tinnhiem.services.verification import verify_record

SHORT = re.compile(r"^[A-Z2-7]{4}(-[A-Z2-7]{4}){3}$")
FULL = re.compile(r"^[0-9a-f]{64}$")
AXE_SERIOUS = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.filter((v) => ["serious", "critical"].includes(v.impact))
    .map((v) => v.id + ": " + v.nodes.map((n) => n.target.join(" ")).join(", "));
}"""
LABELS = ["Tín nhiệm cao", "Tín nhiệm", "Tín nhiệm thấp"]


def axe_violations(page: Page, hall: Hall) -> list[str]:
    page.add_script_tag(url=f"{hall.url}/static/build/axe.min.js")
    return list(page.evaluate(AXE_SERIOUS))


def fits_the_width(page: Page) -> None:
    """Nothing wider than the screen: no sideways scrolling for the delegate."""
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), page.url


def vote(browser: Browser, hall: Hall, card: str, choices: list[int | None], *,
         challenge_first: bool = False) -> tuple[str, str]:
    """One delegate's phone: the card's QR address signs in; fill, review, encrypt, (challenge,) cast.
    Returns the receipt's short and full tracking codes."""
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True,
                                  accept_downloads=True)
    page = context.new_page()
    page.goto(hall.card_address(card))  # as the phone's camera opens the card's QR code
    expect(page).to_have_url(f"{hall.url}/r/{hall.code}/vote/ballot")
    assert card not in page.url
    expect(page.get_by_text("Thẻ bỏ phiếu điện tử (không ghi tên)")).to_be_visible()
    if challenge_first:  # once: the ballot page as a delegate first sees it, checked by axe-core
        both_sizes(page, "ballot")
        fits_the_width(page)
        assert [] == axe_violations(page, hall)

    def fill_and_review() -> str:
        rows = page.locator("fieldset.row")
        for i, choice in enumerate(choices):
            if choice is not None:
                rows.nth(i).locator("label.choice").nth(choice).click()
        page.get_by_role("button", name="Xem lại phiếu").click()
        expect(page.locator("#review-panel")).to_be_visible()
        return page.locator("#summary").inner_text()

    summary = fill_and_review()
    if None in choices:
        expect(page.locator("#blank-warning")).to_be_visible()
        assert "(để trống)" in summary
    page.screenshot(path=SHOTS / f"phone-review-{choices.count(None)}.png", full_page=True)
    if challenge_first:  # the device check: encrypted, its code shown, then opened (Benaloh)
        page.get_by_role("button", name="Kiểm tra máy trước khi bỏ phiếu").click()
        tracking = page.locator("#tracking")
        expect(tracking).to_have_text(SHORT)
        assert on_one_line(page, "#tracking")
        spoiled = tracking.inner_text()
        posted: list[tuple[str, str | None]] = []
        page.on("request", lambda r: posted.append((r.url, r.headers.get("cookie"))) if r.method == "POST" else None)
        page.get_by_role("button", name="Mở ra để kiểm tra").click()
        expect(page.locator("#opened-panel")).to_be_visible()
        assert [(f"{hall.url}/api/rounds/{hall.code}/spoiled", None)] == posted  # no cookie goes with the opening
        expect(page.locator("#spoiled-code")).to_have_text(spoiled)
        expect(page.locator("#spoiled-full")).to_have_text(FULL)
        assert on_one_line(page, "#spoiled-code")
        opened = page.locator("#opened li").all_inner_texts()
        assert [LABELS[c] if c is not None else "(để trống)" for c in choices] == [t.split(": ")[-1] for t in opened]
        both_sizes(page, "challenge")
        fits_the_width(page)
        page.get_by_role("button", name="Đánh dấu lại").click()
        assert 0 == page.locator("fieldset.row input:checked").count()  # the marks were cleared
        fill_and_review()
    page.get_by_role("button", name="Bỏ phiếu", exact=True).click()
    expect(page.locator("#done-code")).to_have_text(SHORT)
    expect(page.locator("#done-full")).to_have_text(FULL)
    expect(page.locator("#done-qr svg")).to_be_visible()
    expect(page.locator("#receipt-bad")).to_be_hidden()
    code, full = page.locator("#done-code").inner_text(), page.locator("#done-full").inner_text()
    assert on_one_line(page, "#done-code")
    election = grouped(page.request.get(f"{hall.url}/api/rounds/{hall.code}/election").json()["election"])
    expect(page.locator("#done-election")).to_have_text(election)  # E, as the projector and the minutes print it
    if challenge_first:
        assert code != spoiled
        both_sizes(page, "receipt")
        fits_the_width(page)
        assert [] == axe_violations(page, hall)
        kept = json.loads(page.evaluate(f"localStorage.getItem('tinnhiem-receipt-{hall.code}')"))
        assert ("tinnhiem-receipt/1", full) == (kept["receipt"]["format"], kept["receipt"]["code"])
        with page.expect_download() as download:
            page.get_by_role("button", name="Tải biên nhận về máy").click()
        assert json.loads(Path(download.value.path()).read_text(encoding="utf-8")) == kept["receipt"]
        lookup = context.new_page()  # the delegate checks the kept receipt on the lookup page
        lookup.goto(f"{hall.url}/r/{hall.code}/lookup")
        lookup.get_by_label("Hoặc dán biên nhận máy đã lưu khi bỏ phiếu").fill(json.dumps(kept["receipt"]))
        lookup.get_by_role("button", name="Kiểm tra biên nhận").click()
        expect(lookup.locator("#receipt-check")).to_contain_text("phiếu của nó có trong các phiếu đã bỏ")
        lookup.screenshot(path=SHOTS / "phone-lookup-receipt.png", full_page=True)
        fits_the_width(lookup)
        lookup.close()
    page.reload()
    expect(page.get_by_text("Thẻ này đã bỏ phiếu. Cảm ơn đồng chí.")).to_be_visible()
    expect(page.locator("#kept-code")).to_have_text(code)
    expect(page.locator("#kept-election")).to_have_text(election)
    assert page.evaluate(f"sessionStorage.getItem('tinnhiem-card-{hall.code}')") is None  # the card left the tab
    context.close()
    return code, full


def test_a_whole_round_in_the_browser(browser: Browser, hall: Hall, shots: Path) -> None:
    organiser = browser.new_page(viewport=PROJECTOR)
    organiser.goto(f"{hall.url}/admin")
    organiser.get_by_label("Tên đăng nhập").fill("quantri")
    organiser.get_by_label("Mật khẩu", exact=True).fill(hall.organiser)
    organiser.get_by_role("button", name="Đăng nhập").click()
    organiser.goto(f"{hall.url}/admin/r/{hall.code}")
    expect(organiser.locator("#election-state")).to_have_attribute("data-state", "open")
    expect(organiser.locator("#card-counts")).to_contain_text("Thẻ: 55")
    organiser.screenshot(path=shots / "organiser-round.png", full_page=True)
    organiser.set_viewport_size(PHONE)
    organiser.screenshot(path=shots / "phone-organiser-round.png", full_page=True)
    assert [] == axe_violations(organiser, hall)
    organiser.set_viewport_size(PROJECTOR)

    screen = browser.new_page(viewport=PROJECTOR)
    screen.goto(f"{hall.url}/r/{hall.code}/screen")
    expect(screen.locator("#voted")).to_have_text("0")
    e = screen.request.get(f"{hall.url}/api/rounds/{hall.code}/election").json()["election"]
    expect(screen.locator("#election-id .lead")).to_have_text(grouped(e[:16]))  # the cards are stored: E is shown
    expect(screen.locator("#election-id .full")).to_have_text(grouped(e))

    sign_in = browser.new_page(viewport=PHONE)
    sign_in.goto(f"{hall.url}/r/{hall.code}/vote")
    assert [] == axe_violations(sign_in, hall)
    both_sizes(sign_in, "sign-in")
    fits_the_width(sign_in)
    sign_in.get_by_label("Mã trên thẻ bỏ phiếu").fill("K7QX-9MPA-2345-ABCD-EFG1")  # 1 is not on any card
    sign_in.get_by_role("button", name="Đăng nhập").click()
    expect(sign_in.get_by_role("alert")).to_contain_text("Mã thẻ không đúng: cần 20 ký tự")
    sign_in.close()

    secrets = hall.cards.secrets
    ballots = [[0] * 12, [1, 2] * 6, [0, None] + [2] * 10]
    receipts = [vote(browser, hall, secrets[0], ballots[0], challenge_first=True),
                vote(browser, hall, secrets[1], ballots[1]),
                vote(browser, hall, secrets[2].lower().replace("-", ""), ballots[2])]  # typed as it came
    expect(screen.locator("#voted")).to_have_text("3", timeout=10_000)
    screen.screenshot(path=shots / "projector-turnout.png")

    lookup = browser.new_page(viewport=PHONE)
    lookup.goto(f"{hall.url}/r/{hall.code}/lookup")
    lookup.get_by_label("Mã theo dõi (mã ngắn hoặc mã đầy đủ)").fill(receipts[1][0])
    lookup.get_by_role("button", name="Tra cứu").click()
    expect(lookup.locator("#found")).to_contain_text("Có trong hồ sơ công khai")
    expect(lookup.locator("#found code.full-code")).to_have_text([receipts[1][1]])
    both_sizes(lookup, "lookup")
    fits_the_width(lookup)

    organiser.get_by_text("Đóng bỏ phiếu…").click()  # the confirmation opens
    organiser.get_by_role("button", name="Đồng ý, đóng bỏ phiếu").click()
    expect(organiser.locator("#election-state")).to_have_attribute("data-state", "closed")
    for step, act in (("sign", "Số phiếu trùng màn chiếu: ký xác nhận"), ("decrypt", "Giải mã phần của tôi")):
        for member in (1, 3):  # two of three members, each on their own device: sign the close, then decrypt
            device = browser.new_context(viewport=PHONE).new_page()
            device.goto(f"{hall.url}/committee/r/{hall.code}")
            device.get_by_role("button", name="Kiểm tra hồ sơ trên máy này").click()
            expect(device.locator("#count-ballots")).to_have_text("3", timeout=30_000)
            device.get_by_label("Tệp khóa của đồng chí").set_input_files(str(hall.keys[member - 1]))
            device.get_by_label("Mật khẩu").fill(f"mat-khau-mau-{member}")
            device.get_by_role("button", name=act).click()
            expected = {"sign": "Đã ký xác nhận", "decrypt": "Chờ các thành viên khác" if member == 1
                        else "kết quả đã được giải mã"}[step]
            expect(device.get_by_role("status")).to_contain_text(expected, timeout=20_000)
            device.screenshot(path=shots / f"phone-committee-{step}-{member}.png", full_page=True)
            device.context.close()

    # the projector turns to the results by itself once the tally is done (no reload by hand: it would
    # race the page's own reload)
    expect(screen.locator("table.results")).to_contain_text("Nguyễn Văn Ân", timeout=20_000)
    screen.screenshot(path=shots / "projector-results.png", full_page=True)
    expect(screen.locator("#election-id .lead")).to_have_text(grouped(e[:16]))
    assert screen.evaluate("document.documentElement.scrollHeight <= window.innerHeight"), "the results fit"
    first_row = screen.locator("table.results tbody tr").first.inner_text()
    assert "2 (66,67%)" in first_row  # two of three ballots chose "cao" for the first subject (base: 3 returned)

    english = browser.new_page(viewport=PHONE)
    english.goto(f"{hall.url}/r/{hall.code}/vote?lang=en")
    expect(english.get_by_label("The code on your voting card")).to_be_visible()
    assert [] == axe_violations(english, hall)
    english.get_by_label("The code on your voting card").fill("K7QX")  # the page's script answers, in English
    english.get_by_role("button", name="Sign in").click()
    expect(english.get_by_role("alert")).to_have_text(
        "Wrong card code: 20 characters (capital letters and digits 2–9) are needed.")

    record = json.loads(organiser.request.get(f"{hall.url}/api/rounds/{hall.code}/record").text())
    verified = verify_record(record)
    assert (3, 1) == (verified.ballots, verified.spoiled)
    assert ((1, 0, 1), 1) == (verified.counts[1], verified.empty[1])  # cao, thấp, one row left empty
    assert sorted(full for _, full in receipts) == sorted(b["code"] for b in record["ballots"])

    minutes = organiser.request.get(f"{hall.url}/admin/r/{hall.code}/minutes.pdf")
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(minutes.body())).pages)
    assert "BIÊN BẢN KIỂM PHIẾU" in text and "Nguyễn Văn Ân" in text
    assert f"mã cuộc bỏ phiếu (E), để đối chiếu với hồ sơ công khai: {grouped(e)}." in text
    (shots / "minutes-hall-round.pdf").write_bytes(minutes.body())
    assert e == record["election"]  # the very E the record carries
