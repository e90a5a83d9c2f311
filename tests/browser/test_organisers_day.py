"""The organisers' day, second pass: the projector with a missing figure (said, never reloaded in a
loop), a committee member's home, the documents page; at 390 px and 1,920 px, screenshots to look at."""

from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from tests.browser.conftest import Hall, both_sizes
from tinnhiem.domain.model import BaseKind, Conference, Delegate, Level, Totals
from tinnhiem.services import roundfile, rounds
from tinnhiem.services.ports import Election
from tinnhiem.storage.repository import SqlUnitOfWork
from tinnhiem.testing import demo
from tinnhiem.testing.staff import add_staff

CODE = "thieu-so-lieu"


@pytest.fixture(scope="module")
def counted_without_base(hall: Hall) -> str:
    """A round stored before the figures were checked (base: ballots returned, left blank), voted on and
    decrypted: the walk's dead end, with the election marked tallied."""
    uow = SqlUnitOfWork(hall.database)
    round_ = replace(roundfile.parse_round(roundfile.load(demo.demo_file()))[0], base=BaseKind.BALLOTS_RETURNED,
                     conference=Conference(convened=60))
    with uow:
        uow.rounds.add(round_, tuple(Delegate(f"Đại biểu {i}") for i in range(1, 61)), CODE)
        uow.rounds.save_totals(CODE, [Totals({Level.HIGH: 50, Level.CONFIDENCE: 3, Level.LOW: 1})
                                      for _ in round_.subjects], channel="electronic")
        uow.commit()
    for i in range(1, 55):
        rounds.attend(uow, CODE, f"Đại biểu {i}", "electronic")
    with uow:
        uow.voting.create_election(CODE, Election({}, {}, "", "tallied"), "")  # only its state matters here
        uow.commit()
    return CODE


def test_the_projector_says_what_is_missing_and_stays(browser: Browser, hall: Hall, counted_without_base: str,
                                                     shots: Path) -> None:
    """Before: 4.6 reloads a second in front of the hall. Now: the missing figure by name, no reload; once the
    organisers fill it in, the results appear by themselves."""
    page = browser.new_page(viewport={"width": 1920, "height": 1080})
    loads: list[float] = []
    page.on("load", lambda _: loads.append(time.monotonic()))
    page.goto(f"{hall.url}/r/{CODE}/screen")
    expect(page.locator("#problem")).to_contain_text("Số phiếu thu về")
    page.wait_for_timeout(3000)
    assert 1 == len(loads), loads  # no reload while nothing changes
    page.screenshot(path=shots / "projector-missing-figure.png")
    rounds.correct_figures(SqlUnitOfWork(hall.database), CODE, {"ballots_returned": 54}, actor="test")
    expect(page.locator("#results")).to_be_visible(timeout=15_000)  # the hub re-reads every second without Redis
    page.wait_for_timeout(2500)
    assert 2 == len(loads), loads  # one reload for the new figure, then none


def test_a_members_home_and_the_documents_page(browser: Browser, hall: Hall, counted_without_base: str) -> None:
    password = add_staff(SqlUnitOfWork(hall.database), hall.code, "oanh", member="Lâm Thị Kim Oanh")
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(f"{hall.url}/admin")
    page.get_by_label("Tên đăng nhập").fill("oanh")
    page.get_by_label("Mật khẩu", exact=True).fill(password)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.locator("h1")).to_have_text("Ban kiểm phiếu")
    expect(page.locator(".step-now")).to_contain_text("Việc cần làm bây giờ")
    both_sizes(page, "committee-home")
    page.goto(f"{hall.url}/admin/r/{hall.code}/documents")
    expect(page.locator("#documents-missing")).to_be_visible()  # voting is open: nothing counted yet
    both_sizes(page, "documents-missing")
    page.goto(f"{hall.url}/admin?lang=vi")
    organiser = browser.new_page(viewport={"width": 390, "height": 844})
    organiser.goto(f"{hall.url}/admin")
    organiser.get_by_label("Tên đăng nhập").fill("quantri")
    organiser.get_by_label("Mật khẩu", exact=True).fill(hall.organiser)
    organiser.get_by_role("button", name="Đăng nhập").click()
    organiser.goto(f"{hall.url}/admin/r/{CODE}/documents")
    expect(organiser.locator("#documents a.button")).to_have_count(5)  # four documents and the record
    both_sizes(organiser, "documents")
    with organiser.expect_download() as download:
        organiser.locator("#documents a.button").nth(2).click()
    assert download.value.suggested_filename == f"{CODE}-2026-11-20-ket-qua.xlsx"
