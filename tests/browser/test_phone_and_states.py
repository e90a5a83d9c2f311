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
