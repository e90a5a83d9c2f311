"""Voting cards in the browser: a card the committee never uploaded, and a card voided on the committee's
page, are both refused at sign-in with the reason on the delegate's screen; a card still valid signs in."""

from __future__ import annotations

from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import PHONE, SHOTS, Hall, both_sizes, committee_account, shows_all_typed, staff_phone
from tinnhiem.services import cards, reserve, rounds, voting
from tinnhiem.services.cards import new_secret
from tinnhiem.storage.repository import SqlUnitOfWork
from tinnhiem.testing.conference import prepare_conference
from tinnhiem.testing.hall import signed_cards
from tinnhiem.testing.simulate import seeded


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
    """An organiser (here the admin) is refused by name; a committee member types a reserve card on the page; that
    card is then refused, the other reserve is not."""
    voided, kept = hall.cards.secrets[-1], hall.cards.secrets[-2]  # the two sealed in reserve (53 handed out)
    organiser = staff_phone(browser, hall, "quantri", hall.organiser)
    organiser.goto(f"{hall.url}/committee/r/{hall.code}/cards")
    organiser.get_by_label("Mã các thẻ (mỗi dòng một thẻ)").fill(voided)
    organiser.get_by_role("button", name="Hủy các thẻ này").click()
    expect(organiser.locator("#status")).to_contain_text(
        "Chỉ thành viên Ban kiểm phiếu của cuộc lấy phiếu này được hủy, niêm phong hay mở thẻ; tài khoản «quantri»")
    expect(organiser.locator("#void-count")).to_have_text("0")
    both_sizes(organiser, "void-refused-organiser")
    organiser.close()

    committee = staff_phone(browser, hall, "tam", committee_account(hall, hall.code, "tam", "Hà Văn Tâm"))
    committee.goto(f"{hall.url}/committee/r/{hall.code}/cards")
    expect(committee.locator("#void-count")).to_have_text("0")
    codes = committee.get_by_label("Mã các thẻ (mỗi dòng một thẻ)")
    assert codes.evaluate("(e) => parseFloat(getComputedStyle(e).fontSize) >= 16 && e.offsetWidth >= 300")
    codes.fill(f"{voided}\nK7QX-9MPA-2345-ABCD-EFG1")  # a mistyped line: nothing is sent
    committee.get_by_role("button", name="Hủy các thẻ này").click()
    expect(committee.locator("#status")).to_have_text("Có mã thẻ không đúng: kiểm tra lại từng dòng.")
    expect(committee.locator("#void-count")).to_have_text("0")
    codes.fill(f"{voided.lower()}\n")
    committee.get_by_role("button", name="Hủy các thẻ này").click()
    expect(committee.locator("#status")).to_have_text("Đã hủy 1 thẻ.")
    expect(committee.locator("#void-count")).to_have_text("1")
    both_sizes(committee, "void-cards")

    page = open_card(browser, hall, voided)
    refused(page, hall, "Thẻ này đã bị hủy (không được phát hoặc đã đóng bỏ phiếu).")
    page.context.close()
    page = open_card(browser, hall, kept)  # the other reserve card is not void: still sealed, and said so
    refused(page, hall, "Thẻ này là thẻ dự phòng đang niêm phong: chỉ dùng được sau khi Ban kiểm phiếu mở một thẻ "
                        "dự phòng cho đại biểu đến muộn.")
    page.context.close()
    uow = SqlUnitOfWork(hall.database)  # a latecomer is checked in and handed it; a member releases one
    rounds.check_in(uow, hall.code, rounds.check_in_list(uow, hall.code).delegates[-1].number, "electronic")
    reserve.release(uow, hall.code, member="Hà Văn Tâm")
    page = open_card(browser, hall, kept)
    expect(page).to_have_url(f"{hall.url}/r/{hall.code}/vote/ballot")
    page.context.close()


def test_a_sealed_reserve_card_signs_in_only_once_the_committee_releases_one(browser: Browser, hall: Hall) -> None:
    """A round of 8 with 10 cards: 6 handed out, 2 voided, 2 sealed as the reserve before opening. A reserve card is
    refused at sign-in with the reason; a latecomer is checked in, a member presses "release one reserve card" (no card
    is scanned: the server is not told which), and the latecomer's reserve card then signs in."""
    code = "du-phong-tren-may"
    uow = SqlUnitOfWork(hall.database)
    prepare_conference(uow, 8, code)
    shares = voting.set_up_election(uow, code, ["Hà Văn Tâm", "Lâm Thị Kim Oanh", "Tạ Quang Vinh"], 2, seeded(1))
    made = signed_cards(uow, code, [new_secret() for _ in range(10)], {s.member: s.share for s in shares[:2]})
    cards.upload(uow, code, made.public)
    for number in range(6):
        rounds.check_in(uow, code, number, "electronic", actor="quantri")
    committee = staff_phone(browser, hall, "tam", committee_account(hall, code, "tam", "Hà Văn Tâm"))
    committee.goto(f"{hall.url}/committee/r/{code}/cards")
    codes = committee.get_by_label("Mã các thẻ (mỗi dòng một thẻ)")
    codes.fill("\n".join(made.secrets[6:8]))
    committee.get_by_role("button", name="Hủy các thẻ này").click()
    expect(committee.locator("#status")).to_have_text("Đã hủy 2 thẻ.")
    codes.fill("\n".join(made.secrets[8:10]))
    committee.get_by_role("button", name="Niêm phong làm thẻ dự phòng").click()
    expect(committee.locator("#status")).to_have_text("Đã niêm phong 2 thẻ dự phòng.")
    expect(committee.locator("#sealed-count")).to_have_text("2")
    voting.open_voting(uow, code)

    latecomer = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True).new_page()
    latecomer.goto(hall.card_address(made.secrets[9], code))
    expect(latecomer.get_by_role("alert")).to_have_text(
        "Thẻ này là thẻ dự phòng đang niêm phong: chỉ dùng được sau khi Ban kiểm phiếu mở một thẻ dự phòng cho "
        "đại biểu đến muộn.")
    latecomer.screenshot(path=SHOTS / "phone-sign-in-sealed.png", full_page=True)

    committee.goto(f"{hall.url}/committee/r/{code}/cards")
    committee.get_by_role("button", name="Mở một thẻ dự phòng").click()
    expect(committee.locator("#release-status")).to_contain_text("Chưa có đại biểu đến muộn nào cần thẻ dự phòng")
    rounds.check_in(uow, code, 6, "electronic", actor="quantri")
    committee.get_by_role("button", name="Mở một thẻ dự phòng").click()
    expect(committee.locator("#release-status")).to_have_text(
        "Đã mở một thẻ dự phòng (lần thứ 1). Đại biểu đến muộn đăng nhập bằng thẻ của mình.")
    expect(committee.locator("#released-count")).to_have_text("1")
    expect(committee.locator("#electronic-count")).to_have_text("7")
    both_sizes(committee, "reserve-released")

    latecomer.goto(hall.card_address(made.secrets[9], code))
    expect(latecomer).to_have_url(f"{hall.url}/r/{code}/vote/ballot")
    latecomer.context.close()
    committee.close()
