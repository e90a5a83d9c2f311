"""The phone and the organiser's page: no sideways scroll at 390 px, only the allowed actions, plain confirmations."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import Hall
from tinnhiem.storage.repository import SqlUnitOfWork
from tinnhiem.testing import demo

PHONE = {"width": 390, "height": 844}
WIDTH = "() => Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)"


def phone(browser: Browser) -> Page:
    return browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True).new_page()


def test_the_results_on_a_phone_need_no_sideways_scroll(browser: Browser, hall: Hall, shots: Path) -> None:
    """The counted demo round's results page, and the live turnout page, fit 390 px."""
    demo.load_demo(SqlUnitOfWork(hall.database))
    page = phone(browser)
    widths = {}
    for code in (demo.DEMO_CODE, hall.code):
        page.goto(f"{hall.url}/r/{code}/screen")
        widths[code] = page.evaluate(WIDTH)
        page.screenshot(path=shots / f"phone-screen-{'results' if code == demo.DEMO_CODE else 'turnout'}.png",
                        full_page=True)
    expect(page.locator("#voted")).to_be_visible()
    assert {demo.DEMO_CODE: 390, hall.code: 390} == widths
    page.context.close()


def test_close_is_confirmed_on_a_phone(browser: Browser, hall: Hall, shots: Path) -> None:
    """The organiser on a phone: Open is not offered while voting is open; Close asks first; no card upload after."""
    page = phone(browser)
    page.goto(f"{hall.url}/admin")
    page.get_by_label("Tên đăng nhập").fill("quantri")
    page.get_by_label("Mật khẩu", exact=True).fill(hall.organiser)
    page.get_by_role("button", name="Đăng nhập").click()
    page.goto(f"{hall.url}/admin/r/{hall.code}")
    expect(page.get_by_role("button", name="Mở bỏ phiếu")).to_have_count(0)
    confirm_close = page.get_by_role("button", name="Đồng ý, đóng bỏ phiếu")
    expect(confirm_close).to_be_hidden()
    page.get_by_text("Đóng bỏ phiếu…").click()
    expect(page.locator("#close-voting")).to_contain_text("Sau khi đóng, không ai bỏ phiếu điện tử được nữa")
    page.screenshot(path=shots / "phone-org-close-confirm.png", full_page=True)
    assert 390 == page.evaluate(WIDTH)
    confirm_close.click()
    expect(page.locator("#election-state")).to_have_attribute("data-state", "closed")
    expect(page.get_by_text("Đóng bỏ phiếu…")).to_have_count(0)
    expect(page.get_by_role("button", name="Mở bỏ phiếu")).to_have_count(0)
    # The cards are the committee's (made offline, uploaded while ready): nothing to re-issue once voting opened.
    expect(page.locator("#cards_file")).to_have_count(0)
    expect(page.get_by_text("In thẻ với mã mới…")).to_have_count(0)
    page.context.close()
