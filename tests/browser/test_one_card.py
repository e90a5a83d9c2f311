"""One delegate, one card: two organisers' phones tap the same delegate "Điện tử" before either has heard of the
other's tap; the second is told that the card is already handed out, and by whom."""

from __future__ import annotations

import re

from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import PHONE, SHOTS, Hall
from tinnhiem.domain.names import folded
from tinnhiem.domain.staff import Role
from tinnhiem.services import accounts, rounds
from tinnhiem.storage.repository import SqlUnitOfWork
from tinnhiem.testing.conference import prepare_conference

CODE = "mot-the"


def organiser_phone(browser: Browser, hall: Hall, login: str, password: str) -> Page:
    page = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True).new_page()
    page.goto(f"{hall.url}/admin")
    page.get_by_label("Tên đăng nhập").fill(login)
    page.get_by_label("Mật khẩu", exact=True).fill(password)
    page.get_by_role("button", name="Đăng nhập").click()
    page.goto(f"{hall.url}/admin/r/{CODE}/checkin")
    expect(page.locator("#checkin-shown")).to_have_text("12 đại biểu")
    return page


def test_the_second_tap_is_told_the_card_is_handed_out_and_by_whom(browser: Browser, hall: Hall) -> None:
    uow = SqlUnitOfWork(hall.database)
    prepare_conference(uow, 12, CODE)
    password = accounts.create(uow, "lan", "Nguyễn Thị Lan", actor="quantri")
    accounts.grant(uow, CODE, "lan", Role.ORGANISER, actor="quantri")
    one, two = organiser_phone(browser, hall, "quantri", hall.organiser), organiser_phone(browser, hall, "lan", password)
    name = rounds.check_in_list(uow, CODE).delegates[3].name
    for phone in (one, two):
        phone.get_by_label(re.compile("^Tìm đại biểu")).fill(folded(name))
    stale = "**/api/rounds/*/checkin"  # the second phone hears nothing of the first tap meanwhile
    two.route(stale, lambda route: route.abort() if route.request.method == "GET" else route.continue_())
    one.get_by_role("button", name=f"{name}: Điện tử", exact=True).click()
    expect(one.locator("#checkin-hand")).to_have_text("Phát cho đại biểu một thẻ bỏ phiếu.")
    two.get_by_role("button", name=f"{name}: Điện tử", exact=True).click()
    expect(two.locator("#checkin-hand")).to_have_text(
        f"Đại biểu «{name}» đã được phát thẻ bỏ phiếu (tài khoản «quantri» đã ghi nhận): không phát thêm thẻ.")
    two.screenshot(path=SHOTS / "phone-checkin-card-already-handed-out.png")
    two.unroute(stale)
    expect(two.locator("#checkin-electronic")).to_have_text("1", timeout=10_000)
    assert 1 == rounds.check_in_list(uow, CODE).by_channel["electronic"]
    one.context.close()
    two.context.close()
