"""The committee signs the minutes on the hall's laptop, in Chromium: a wrong PIN is refused by field, then the three
members and the head sign in turn with their SoftHSM2 tokens; the minutes downloaded from the page carry the four
signatures in order. Screenshots at a phone's 390 px and a laptop's 1280 px, before, refused and after."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import SHOTS, served
from tests.browser.test_hall_round import AXE_SERIOUS, fits_the_width
from tests.conftest import MEMBERS, PIN, SIGNERS, round_file
from tests.integration.test_minutes_page import picture
from tinnhiem.reports.signature_check import check_minutes, load_roots
from tinnhiem.services import rounds
from tinnhiem.storage.repository import SqlUnitOfWork
from tinnhiem.testing.staff import add_staff
from tinnhiem.web.app import create_app
from tinnhiem.web.settings import Settings

pytestmark = pytest.mark.skipif(shutil.which("softhsm2-util") is None, reason="softhsm2 not installed (make system)")
CODE = "vp"
SIZES = {"phone": {"width": 390, "height": 844}, "laptop": {"width": 1280, "height": 900}}


@pytest.fixture(scope="module")
def signing_hall(tokens: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """A served hall trusting the tokens' root, the round stored and counted; its address and a member's password."""
    home = tmp_path_factory.mktemp("signing-hall")
    app = create_app(Settings(database_url=f"sqlite:///{home / 'hall.sqlite3'}", home=home, secret_key="secret",
                              organiser_code="ORG12345", trust_roots=Path(tokens["root"])))
    uow = SqlUnitOfWork(app.state.hall.database)
    rounds.import_round_file(uow, round_file(home), code=CODE)
    password = add_staff(uow, CODE, "phieu", member=MEMBERS[0])
    with served(app) as url:
        yield url, password


def shots(page: Page, name: str) -> None:
    """The page at both sizes, as SHOTS/SIZE-NAME.png: no sideways scrolling, no serious axe-core fault."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    for size, viewport in SIZES.items():
        page.set_viewport_size(viewport)
        fits_the_width(page)
        page.screenshot(path=SHOTS / f"{size}-{name}.png", full_page=True)
    page.add_script_tag(url=page.url.split("/committee/")[0] + "/static/build/axe.min.js")
    assert [] == page.evaluate(AXE_SERIOUS), name
    page.set_viewport_size(SIZES["phone"])


def sign(page: Page, token: str, pin: str, image: Path | None = None) -> None:
    page.get_by_label("Nhãn thiết bị ký số").fill(token)
    page.get_by_label("Mã PIN").fill(pin)
    if image is not None:
        page.locator("#image").set_input_files(image)
    page.get_by_role("button", name="Ký biên bản").click()


def test_the_committee_signs_in_turn_on_one_laptop(browser: Browser, signing_hall: tuple[str, str],
                                                  tokens: dict[str, str], tmp_path: Path) -> None:
    url, password = signing_hall
    page = browser.new_page(viewport=SIZES["phone"])
    page.goto(f"{url}/admin")
    page.get_by_label("Tên đăng nhập").fill("phieu")
    page.get_by_label("Mật khẩu", exact=True).fill(password)
    page.get_by_role("button", name="Đăng nhập").click()
    page.goto(f"{url}/committee/r/{CODE}/minutes")
    expect(page.locator("#places li")).to_have_count(4)
    expect(page.locator("#places li.next")).to_have_count(3)  # the members; the head waits
    shots(page, "minutes-before")
    sign(page, tokens[MEMBERS[0]], "000000")
    expect(page.locator("#sign-error")).to_contain_text("[Mã PIN] Sai mã PIN")
    expect(page.get_by_label("Mã PIN")).to_have_value("")  # never filled back in
    shots(page, "minutes-wrong-pin")
    drawn = tmp_path / "chu-ky.png"
    drawn.write_bytes(picture())
    for who in SIGNERS:
        sign(page, tokens[who], PIN, drawn if who == MEMBERS[1] else None)
        expect(page.locator("#signed-notice")).to_have_text(f"Đã ký: {who}.")
        if who == MEMBERS[1]:
            shots(page, "minutes-halfway")
    expect(page.locator("#all-signed")).to_be_visible()
    expect(page.locator("#places li.signed")).to_have_count(4)
    shots(page, "minutes-after")
    page.goto(f"{url}/committee/r/{CODE}/minutes?lang=en")
    expect(page.locator("h1")).to_have_text("Sign the counting minutes digitally")
    shots(page, "minutes-after-en")
    page.goto(f"{url}/committee/r/{CODE}/minutes?lang=vi")
    with page.expect_download() as download:
        page.get_by_role("link", name="Tải biên bản hiện tại (PDF)").click()
    signed = tmp_path / "signed.pdf"
    download.value.save_as(signed)
    shutil.copy(signed, SHOTS / "minutes-signed.pdf")
    roots = load_roots([Path(tokens["root"]).read_bytes()])
    with ThreadPoolExecutor(1) as other:  # pyHanko's checks run their own event loop; Playwright's runs in this thread
        check = other.submit(check_minutes, signed.read_bytes(), roots).result()
    assert check.ok and list(SIGNERS) == [s.common_name for s in check.signatures]
