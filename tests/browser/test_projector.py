"""The projector at 1,920 × 1,080: 12 subjects all in view in large type, 44 subjects in pages that turn
by themselves and by key, the rows above one half low marked, the turnout screen as large."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import Hall
from tinnhiem.services import roundfile, rounds
from tinnhiem.storage.repository import SqlUnitOfWork
from tinnhiem.testing import demo

PROJECTOR = {"width": 1920, "height": 1080}
FROM_THE_BACK = 30  # px: the smallest name and count type on a 1,080-line projector


def counted_round(hall: Hall, folder: Path, subjects: int, code: str) -> str:
    """The demo round's details with ``subjects`` subjects; every seventh above one half low, one at 2/3."""
    data = roundfile.load(demo.demo_file())
    base = dict(data)
    people = []
    for i in range(subjects):
        model = data["subjects"][i % len(data["subjects"])]
        low = 30 if i % 7 == 3 else (40 if i == 5 else 2)
        people.append({"name": f"{model['name']} {i + 1}" if i >= 12 else model["name"],
                       "position": model["position"], "counts": {"cao": 53 - low - 5, "tin_nhiem": 5, "thap": low}})
    base["subjects"] = people
    if subjects > 12:  # a title on two lines, as the hall round's is
        base["title"] = f"{data['title']} (bỏ phiếu điện tử, hội nghị mở rộng)"
    path = folder / f"{code}.yaml"
    path.write_text(yaml.safe_dump(base, allow_unicode=True), encoding="utf-8")
    return rounds.import_round_file(SqlUnitOfWork(hall.database), path, code=code)


@pytest.fixture(scope="module")
def projected(hall: Hall, tmp_path_factory: pytest.TempPathFactory) -> dict[int, str]:
    folder = tmp_path_factory.mktemp("rounds")
    return {n: counted_round(hall, folder, n, f"chieu-{n}") for n in (12, 44)}


def all_rows_in_view(page: Page) -> int:
    rows = page.locator("table.results tbody:not([hidden]) tr")
    for i in range(rows.count()):
        box = rows.nth(i).bounding_box()
        assert box is not None and box["y"] >= 0 and box["y"] + box["height"] <= PROJECTOR["height"], i
    assert page.evaluate("document.documentElement.scrollHeight") <= PROJECTOR["height"]  # nothing below the fold
    assert page.evaluate("document.documentElement.scrollWidth") <= PROJECTOR["width"]
    return rows.count()


def type_size(page: Page, selector: str) -> float:
    return float(page.locator(selector).first.evaluate("e => parseFloat(getComputedStyle(e).fontSize)"))


def test_twelve_subjects_fit_the_screen(browser: Browser, hall: Hall, projected: dict[int, str], shots: Path) -> None:
    page = browser.new_page(viewport=PROJECTOR)
    page.goto(f"{hall.url}/r/{projected[12]}/screen")
    assert 12 == all_rows_in_view(page)
    assert type_size(page, "table.results .name") >= FROM_THE_BACK
    assert type_size(page, "table.results td.level .count") >= FROM_THE_BACK
    low = page.locator("table.results tr.low")
    expect(low).to_have_count(3)  # subjects 4 and 11 above one half, subject 6 at two thirds
    expect(low.nth(0)).to_contain_text("> 1/2 thấp")
    expect(page.locator("table.results tr.band3")).to_contain_text("≥ 2/3 thấp")
    expect(page.locator("#page-of")).to_have_count(0)
    page.screenshot(path=shots / "projector-12.png")


def test_forty_four_subjects_turn_pages(browser: Browser, hall: Hall, projected: dict[int, str], shots: Path) -> None:
    page = browser.new_page(viewport=PROJECTOR)
    page.goto(f"{hall.url}/r/{projected[44]}/screen")
    assert 11 == all_rows_in_view(page)
    expect(page.locator("#page-of")).to_have_text("trang 1/4")
    page.screenshot(path=shots / "projector-44-page-1.png")
    page.keyboard.press("ArrowRight")
    expect(page.locator("#page-number")).to_have_text("2")
    expect(page.locator("table.results tbody:not([hidden]) tr").first).to_contain_text("12")
    assert 11 == all_rows_in_view(page)
    page.screenshot(path=shots / "projector-44-page-2.png")
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("ArrowLeft")
    expect(page.locator("#page-number")).to_have_text("4")  # back from the first page: the last
    page.evaluate("document.getElementById('results').dataset.seconds = '1'")
    page.keyboard.press("Home")
    expect(page.locator("#page-number")).to_have_text("2", timeout=3_000)  # turned by itself
    assert type_size(page, "table.results .name") >= FROM_THE_BACK


def test_the_turnout_screen_is_as_large(browser: Browser, hall: Hall, shots: Path) -> None:
    page = browser.new_page(viewport=PROJECTOR)
    page.goto(f"{hall.url}/r/{hall.code}/screen")
    expect(page.locator("#voted")).to_be_visible()
    assert type_size(page, "#voted") >= 300 and type_size(page, ".turnout .label") >= 50
    assert page.evaluate("document.documentElement.scrollHeight") <= PROJECTOR["height"]
    page.screenshot(path=shots / "projector-turnout-large.png")
