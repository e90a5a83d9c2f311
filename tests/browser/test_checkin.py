"""Check-in for hundreds, on two organisers' phones at once: 500 delegates found by typing without
diacritics, one tap each, the counts and the quorum line the same on both phones, an undo, a clash."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.browser.conftest import Hall
from tinnhiem.domain.names import folded
from tinnhiem.services import rounds
from tinnhiem.storage.repository import SqlUnitOfWork
from tinnhiem.testing.conference import prepare_conference

PHONE = {"width": 390, "height": 844}
CODE = "hoi-nghi-500"
COUNT = 500


@pytest.fixture(scope="module")
def conference(hall: Hall) -> str:
    return prepare_conference(SqlUnitOfWork(hall.database), COUNT, CODE)


def organiser_phone(browser: Browser, hall: Hall) -> tuple[BrowserContext, Page]:
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto(f"{hall.url}/admin")
    page.get_by_label("Tên đăng nhập").fill("quantri")
    page.get_by_label("Mật khẩu", exact=True).fill(hall.organiser)
    page.get_by_role("button", name="Đăng nhập").click()
    page.goto(f"{hall.url}/admin/r/{CODE}/checkin")
    expect(page.locator("#checkin-shown")).to_have_text(f"{COUNT} đại biểu")
    return context, page


def counts(page: Page, present: int) -> None:
    expect(page.locator("#checkin-present")).to_have_text(str(present), timeout=10_000)
    expect(page.locator("#checkin-convened")).to_have_text(str(COUNT))


def tap(page: Page, name: str, channel: str) -> None:
    page.get_by_label(re.compile("^Tìm đại biểu")).fill(folded(name))  # typed without diacritics
    page.get_by_role("button", name=f"{name}: {channel}", exact=True).click()
    expect(page.locator("#checkin-done-name")).to_have_text(re.compile(rf"^✓ \d+\. {re.escape(name)} \(.+\)$"))


def test_two_organisers_check_in_five_hundred(browser: Browser, hall: Hall, conference: str, shots: Path) -> None:
    delegates = rounds.check_in_list(SqlUnitOfWork(hall.database), conference).delegates
    (first, one), (second, two) = organiser_phone(browser, hall), organiser_phone(browser, hall)
    one.screenshot(path=shots / "phone-checkin-start.png")
    expect(one.locator("#quorum-line")).to_have_text("Chưa đủ 2/3: cần ít nhất 334, còn thiếu 334")

    tap(one, delegates[0].name, "Điện tử")
    expect(one.locator("#checkin-hand")).to_have_text("Phát cho đại biểu một thẻ bỏ phiếu.")
    one.screenshot(path=shots / "phone-checkin-card.png")
    counts(two, 1)  # the other phone sees it without reloading
    tap(two, delegates[1].name, "Giấy")
    expect(two.locator("#checkin-hand")).to_have_text("Phát cho đại biểu một phiếu giấy.")
    counts(one, 2)

    two.get_by_role("button", name="Hoàn tác", exact=True).click()  # the wrong tap taken back
    counts(one, 1)
    counts(two, 1)

    # both phones tap the same delegate, each with a channel, before the second phone has heard of the
    # first tap (its list reads are held back meanwhile): the first stands, the second is told why
    both = delegates[2].name
    two.get_by_label(re.compile("^Tìm đại biểu")).fill(folded(both))
    stale = "**/api/rounds/*/checkin"
    two.route(stale, lambda route: route.abort() if route.request.method == "GET" else route.continue_())
    tap(one, both, "Điện tử")
    two.get_by_role("button", name=f"{both}: Giấy", exact=True).click()
    expect(two.locator("#checkin-hand")).to_contain_text("đã được ghi nhận có mặt (bỏ phiếu điện tử)")
    two.unroute(stale)
    counts(two, 2)

    for i, delegate in enumerate(delegates[3:], start=3):
        page = one if i % 2 else two
        tap(page, delegate.name, "Điện tử" if i % 3 else "Giấy")
        if i == 200:
            page.get_by_label(re.compile("^Tìm đại biểu")).fill("nguyen van")
            page.screenshot(path=shots / "phone-checkin-search.png")
    for page in (one, two):
        counts(page, COUNT - 1)
        expect(page.locator("#quorum-line")).to_have_text("Đủ 2/3 số được triệu tập (cần 334)")
    tap(two, delegates[1].name, "Giấy")
    counts(one, COUNT)
    one.get_by_label(re.compile("^Tìm đại biểu")).fill("")
    one.screenshot(path=shots / "phone-checkin-done.png")
    one.evaluate("window.scrollTo(0, document.body.scrollHeight)")  # the end of the list of 500
    box = one.locator("#quorum-line").bounding_box()
    assert box is not None and 0 <= box["y"] and box["y"] + box["height"] <= PHONE["height"]  # still in view
    assert one.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]  # nothing wider than a phone
    one.screenshot(path=shots / "phone-checkin-end-of-list.png")
    final = rounds.check_in_list(SqlUnitOfWork(hall.database), conference)
    assert (COUNT, final.by_channel["paper"]) == (final.present, sum(1 for d in final.delegates if d.channel == "paper"))
    assert all(d.channel for d in final.delegates)
    first.close()
    second.close()
