"""Voting cards in the browser: a card the committee never uploaded, and a card voided on the committee's
page, are both refused at sign-in with the reason on the delegate's screen; a card still valid signs in."""

from __future__ import annotations

from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import PHONE, Hall, both_sizes, shows_all_typed
from tinnhiem.services.cards import new_secret


def open_card(browser: Browser, hall: Hall, secret: str) -> Page:
    """A phone opening the card's QR address (the page signs in by itself)."""
    page = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True).new_page()
    page.goto(hall.card_address(secret))
    return page


def refused(page: Page, hall: Hall, message: str) -> None:
    """The reason in the delegate's words (no field name), and the whole code in view to compare with the card."""
    expect(page.get_by_role("alert")).to_have_text(message)
    for width in (390, 360):
        page.set_viewport_size({"width": width, "height": 800})
        assert shows_all_typed(page, "#card"), width
    page.set_viewport_size(PHONE)
    assert page.url == f"{hall.url}/r/{hall.code}/vote"  # still on the sign-in page, the secret gone from the address
    assert page.evaluate(f"sessionStorage.getItem('tinnhiem-card-{hall.code}')") is None


def test_a_card_never_uploaded_is_refused_with_the_reason(browser: Browser, hall: Hall) -> None:
    """Well-formed, from this round's card alphabet, but not in the committee's public file."""
    stranger = new_secret()  # drawn as the committee draws its cards, never listed
    assert stranger not in hall.cards.secrets
    page = open_card(browser, hall, stranger)
    refused(page, hall, "Thẻ này không thuộc cuộc bỏ phiếu này.")
    both_sizes(page, "sign-in-refused")
    page.goto(f"{hall.url}/r/{hall.code}/vote/ballot")  # and no ballot without a card
    expect(page).to_have_url(f"{hall.url}/r/{hall.code}/vote")
    page.context.close()


def test_the_void_page_voids_a_card_and_its_sign_in_is_refused(browser: Browser, hall: Hall) -> None:
    """The committee types a reserve card on its page; that card is then refused, the other reserve is not."""
    voided, kept = hall.cards.secrets[-1], hall.cards.secrets[-2]  # the two kept in reserve (53 handed out)
    committee = browser.new_page(viewport=PHONE)
    committee.goto(f"{hall.url}/admin")
    committee.get_by_label("Tên đăng nhập").fill("quantri")
    committee.get_by_label("Mật khẩu", exact=True).fill(hall.organiser)
    committee.get_by_role("button", name="Đăng nhập").click()
    committee.goto(f"{hall.url}/committee/r/{hall.code}/cards")
    expect(committee.locator("#void-count")).to_have_text("0")
    codes = committee.get_by_label("Mã các thẻ cần hủy (mỗi dòng một thẻ)")
    assert codes.evaluate("(e) => parseFloat(getComputedStyle(e).fontSize) >= 16 && e.offsetWidth >= 300")
    codes.fill(f"{voided}\nK7QX-9MPA-2345-ABCD-EFG1")  # a mistyped line: nothing is sent
    committee.get_by_role("button", name="Hủy các thẻ này").click()
    expect(committee.get_by_role("status")).to_have_text("Có mã thẻ không đúng: kiểm tra lại từng dòng.")
    expect(committee.locator("#void-count")).to_have_text("0")
    codes.fill(f"{voided.lower()}\n")
    committee.get_by_role("button", name="Hủy các thẻ này").click()
    expect(committee.get_by_role("status")).to_have_text("Đã hủy 1 thẻ.")
    expect(committee.locator("#void-count")).to_have_text("1")
    both_sizes(committee, "void-cards")

    page = open_card(browser, hall, voided)
    refused(page, hall, "Thẻ này đã bị hủy (không được phát hoặc đã đóng bỏ phiếu).")
    page.context.close()
    page = open_card(browser, hall, kept)
    expect(page).to_have_url(f"{hall.url}/r/{hall.code}/vote/ballot")
    page.context.close()
