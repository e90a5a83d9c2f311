"""Find the right person first: whole names and whole words before parts of words, the
number and unit on every row and in the banner, namesakes marked, several rows in view on a phone."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import Hall
from tinnhiem.domain.model import Conference, Delegate
from tinnhiem.services import roundfile, rounds
from tinnhiem.storage.repository import SqlUnitOfWork
from tinnhiem.testing.conference import UNITS
from tinnhiem.testing.demo import demo_file
from tinnhiem.testing.hall import delegate_names

PHONE = {"width": 390, "height": 844}
CODE = "tim-dung-nguoi"
AN = "Nguyễn Văn An"
PLACES = (5, 25, 26, 28, 37)  # where the walk found the five Nguyễn Văn An (0-based)


@pytest.fixture(scope="module")
def conference(hall: Hall) -> str:
    """500 delegates: five "Nguyễn Văn An" (two of them of the same unit, told apart by date of birth) among
    names that contain "an" inside a word (Văn, Thanh, Tân, Lan)."""
    from dataclasses import replace

    names = delegate_names(500)
    for i, extra in enumerate(("Nguyễn Văn Thanh", "Trần Văn Tân", "Nguyễn Thị Lan", "Nguyễn Văn Anh",
                               "Phạm Văn Toàn")):
        names[i] = extra
    people = [Delegate(n, UNITS[i % len(UNITS)]) for i, n in enumerate(names)]
    for k, i in enumerate(PLACES):
        people[i] = Delegate(AN, "Sở Tài chính" if k < 2 else UNITS[k], f"sinh 0{k + 1}/01/1970")
    round_ = roundfile.parse_round(roundfile.load(demo_file()))[0]
    return rounds.create_round(SqlUnitOfWork(hall.database), replace(round_, conference=Conference(convened=500)),
                               tuple(people), code=CODE)


def phone(browser: Browser, hall: Hall) -> Page:
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto(f"{hall.url}/admin")
    page.get_by_label("Tên đăng nhập").fill("quantri")
    page.get_by_label("Mật khẩu", exact=True).fill(hall.organiser)
    page.get_by_role("button", name="Đăng nhập").click()
    page.goto(f"{hall.url}/admin/r/{CODE}/checkin")
    expect(page.locator("#checkin-shown")).to_have_text("500 đại biểu")
    return page


def shown(page: Page, part: str = ".who") -> list[str]:
    return page.locator(f"#checkin-list li:not([hidden]) {part}").all_inner_texts()


def in_view(page: Page) -> int:
    """Rows wholly visible under the sticky search panel."""
    page.evaluate("""() => {  // as at the door: the list scrolled under the panel stuck at the top
        const panel = document.querySelector('.checkin-panel');
        window.scrollTo(0, document.getElementById('checkin-list').offsetTop - panel.offsetHeight); }""")
    panel = page.locator(".checkin-panel").bounding_box()
    assert panel is not None
    rows = page.locator("#checkin-list li:not([hidden])")
    seen = 0
    for i in range(min(rows.count(), 20)):
        box = rows.nth(i).bounding_box()
        if box and box["y"] >= panel["y"] + panel["height"] - 1 and box["y"] + box["height"] <= PHONE["height"]:
            seen += 1
    return seen


def test_the_five_namesakes_come_first_told_apart(browser: Browser, hall: Hall, conference: str,
                                                  shots: Path) -> None:
    """Before: "nguyen van an" listed 38 rows in list order ("an" inside Văn, Thanh, Tân), the five at
    places 6, 26, 27, 29, 38; the banner named the person without number or unit."""
    page = phone(browser, hall)
    page.get_by_label(re.compile("^Tìm đại biểu")).fill("nguyen van an")
    rows, names = shown(page), shown(page, ".name")
    assert [AN] * 5 == names[:5] and AN not in names[5:], names[:8]
    assert [f"{i + 1}" for i in PLACES] == shown(page, ".number")[:5]
    assert "Sở Tài chính" in rows[0] and "sinh 01/01/1970" in rows[0] and "sinh 02/01/1970" in rows[1]
    assert 5 == page.locator("#checkin-list li.namesake:not([hidden])").count()
    rows_in_view = in_view(page)  # before: about 2.5
    page.screenshot(path=shots / "phone-checkin-namesakes.png")
    assert rows_in_view >= 7, rows_in_view
    page.get_by_label(re.compile("^Tìm đại biểu")).fill("Nguyễn Văn An")  # with diacritics: the same five
    assert [AN] * 5 == shown(page, ".name")[:5]
    page.locator("#checkin-list li:not([hidden])").nth(1).get_by_role("button", name=f"{AN}: Giấy").click()
    banner = page.locator("#checkin-done-name")
    expect(banner).to_have_text(f"✓ {PLACES[1] + 1}. {AN} (Sở Tài chính, sinh 02/01/1970)")
    page.screenshot(path=shots / "phone-checkin-banner.png")


def test_a_prefix_finds_before_a_part_of_a_word(browser: Browser, hall: Hall, conference: str) -> None:
    """"an": the word An first, then Anh (a word that begins so), then Thanh, Lan, Văn (inside a word)."""
    page = phone(browser, hall)
    page.get_by_label(re.compile("^Tìm đại biểu")).fill("an")
    names = shown(page, ".name")
    assert [AN] * 5 == names[:5] or names.index(AN) < names.index("Nguyễn Văn Anh")
    assert names.index("Nguyễn Văn Anh") < names.index("Nguyễn Văn Thanh") < len(names)
