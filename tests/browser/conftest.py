"""A live hall server in a thread, and Debian's Chromium driven by Playwright (never a downloaded browser)."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from playwright.sync_api import Browser, Page, expect, sync_playwright

from tinnhiem.domain.staff import Role
from tinnhiem.services import accounts
from tinnhiem.services.cards import CardSet
from tinnhiem.storage.db import Database
from tinnhiem.storage.repository import SqlUnitOfWork
from tinnhiem.testing.hall import prepare_hall
from tinnhiem.web.app import create_app
from tinnhiem.web.settings import Settings

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SHOTS = Path(__file__).resolve().parents[2] / "tinnhiem-data" / "screenshots"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Hall:
    """The served hall: its round, the committee's key files and the round's 55 cards (secrets as printed)."""

    def __init__(self, url: str, code: str, cards: CardSet, keys: list[Path], database: Database,
                 organiser: str) -> None:
        self.url, self.code, self.cards, self.keys, self.database, self.organiser = (
            url, code, cards, keys, database, organiser)

    def card_address(self, secret: str, code: str | None = None) -> str:
        """What a card's QR code opens: the secret in the fragment, never sent to the server."""
        return f"{self.url}/r/{code or self.code}/vote#card={secret}"


@contextlib.contextmanager
def served(app: Any) -> Iterator[str]:
    """``app`` served by uvicorn in a thread on a free loopback port, for as long as the block runs."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(100):
        if server.started:
            break
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(5)


@pytest.fixture(scope="module")
def hall(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hall]:
    """The demo hall on SQLite, served by uvicorn on a free loopback port."""
    home = tmp_path_factory.mktemp("hall")
    settings = Settings(database_url=f"sqlite:///{home / 'hall.sqlite3'}", home=home, secret_key="test-secret", organiser_code="ORG12345")
    app = create_app(settings)
    database = app.state.hall.database
    code, keys, cards = prepare_hall(SqlUnitOfWork(database), home / "keys")
    with served(app) as url:
        yield Hall(url, code, cards, keys, database, "ORG12345")


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Per module: while open, Playwright's sync API keeps an event loop running in this thread, and the
    tests after the browser tier (asyncio.run in the screens tests) need it closed."""
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield launched
        launched.close()


PHONE = {"width": 390, "height": 844}
PROJECTOR = {"width": 1920, "height": 1080}


def both_sizes(page: Page, name: str) -> None:
    """The page as a delegate's phone and as a projector show it: SHOTS/phone-NAME.png, projector-NAME.png."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    kept = page.viewport_size
    for size, viewport in (("phone", PHONE), ("projector", PROJECTOR)):
        page.set_viewport_size(viewport)
        page.screenshot(path=SHOTS / f"{size}-{name}.png", full_page=True)
    if kept:
        page.set_viewport_size(kept)


ON_ONE_LINE = """(selector) => {
  const element = document.querySelector(selector), range = document.createRange();
  range.selectNodeContents(element);
  const lines = new Set(Array.from(range.getClientRects()).map((r) => Math.round(r.top)));
  return lines.size === 1 && element.getBoundingClientRect().right <= document.documentElement.clientWidth;
}"""


def on_one_line(page: Page, selector: str) -> bool:
    """The element's text sits on one line, inside the screen (a code read aloud is not broken in two)."""
    return bool(page.evaluate(ON_ONE_LINE, selector))


def shows_all_typed(page: Page, selector: str) -> bool:
    """A text field shows all of its value: nothing scrolled out of sight."""
    return bool(page.locator(selector).evaluate("(e) => e.scrollWidth <= e.clientWidth"))


@pytest.fixture(scope="session")
def shots() -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    return SHOTS


def ceremony_on_devices(browser: Browser, hall_url: str, code: str, codes: list[str], passphrase: str,
                        folder: Path) -> list[Path]:
    """Each member, on their own phone context, takes part in the key ceremony and downloads their file."""
    from playwright.sync_api import expect

    devices = []
    for member, member_code in enumerate(codes, start=1):
        device = browser.new_context(viewport={"width": 390, "height": 844}, accept_downloads=True).new_page()
        device.goto(f"{hall_url}/committee/r/{code}/ceremony")
        device.get_by_label("Thành viên").select_option(str(member))
        device.get_by_label("Mã tham gia (Ban tổ chức trao)").fill(member_code)
        device.get_by_label("Mật khẩu cho tệp khóa (ít nhất 10 ký tự)").fill(passphrase.format(member=member))
        device.get_by_label("Nhập lại mật khẩu").fill(passphrase.format(member=member))
        device.get_by_role("button", name="Tham gia tạo khóa").click()
        devices.append(device)
    files = []
    for member, device in enumerate(devices, start=1):
        expect(device.locator("#download")).to_be_visible(timeout=30_000)
        if member == 1:
            SHOTS.mkdir(parents=True, exist_ok=True)
            device.screenshot(path=SHOTS / "phone-ceremony-done.png", full_page=True)
        with device.expect_download() as download:
            device.locator("#download").click()
        files.append(folder / f"{member}.key")
        download.value.save_as(files[-1])
    return files


def staff_phone(browser: Browser, hall: Hall, login: str, password: str) -> Page:
    page = browser.new_page(viewport=PHONE)
    page.goto(f"{hall.url}/admin")
    page.get_by_label("Tên đăng nhập").fill(login)
    page.get_by_label("Mật khẩu", exact=True).fill(password)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("button", name="Đăng xuất").first).to_be_visible()
    return page


def committee_account(hall: Hall, code: str, login: str, member: str) -> str:
    """An account with the committee role in round ``code``, as the admin gives it on the round's page."""
    uow = SqlUnitOfWork(hall.database)
    if login not in {a.login for a in accounts.listing(uow)}:
        password = accounts.create(uow, login, member, actor="quantri")
        (hall.keys[0].parent / f"{login}.password").write_text(password)
    accounts.grant(uow, code, login, Role.COMMITTEE, member=member, actor="quantri")
    return (hall.keys[0].parent / f"{login}.password").read_text()
