"""The committee's paper page in Chromium: the picture, the machine's reading, reasons in
Vietnamese words, a likely copy beside its original, and a withdrawal with its reason."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import cv2
import numpy as np
import pytest
from playwright.sync_api import Browser, expect

from tests.browser.conftest import served
from tinnhiem.paper import counting
from tinnhiem.paper.forms import forms_for
from tinnhiem.paper.layout import REGULAR, sheets
from tinnhiem.paper.raster import pdf_pages
from tinnhiem.services import roundfile, rounds
from tinnhiem.storage.files import ImageFiles
from tinnhiem.storage.repository import SqlUnitOfWork
from tinnhiem.testing import demo
from tinnhiem.testing.scans import encoded, make_scan
from tinnhiem.testing.staff import add_staff
from tinnhiem.web.app import create_app
from tinnhiem.web.settings import Settings

CODE = "giay"


@pytest.fixture(scope="module")
def paper_hall(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, SqlUnitOfWork, Path, str]]:
    """A hall with a paper round: a sheet with an unsure row, an unplaced page, and a second scan of one sheet."""
    home = tmp_path_factory.mktemp("paper-hall")
    app = create_app(Settings(database_url=f"sqlite:///{home / 'hall.sqlite3'}", home=home, secret_key="test-secret",
                              organiser_code="ORG12345"))
    uow = SqlUnitOfWork(app.state.hall.database)
    round_ = roundfile.parse_round(roundfile.load(demo.demo_file()))[0]
    rounds.create_round(uow, round_, code=CODE)
    password = add_staff(uow, CODE, "vinh", member=round_.committee[0].name)  # a committee member's own account
    forms = forms_for(round_, CODE)
    layout = sheets(round_, CODE, REGULAR)[1]
    blank = list(pdf_pages(forms.pdfs["regular"], 200))[1]
    scan = make_scan(blank, layout, 200, 4, ambiguous_rate=0.3, stray_rate=0.0, near_stray_rate=0.0)
    images = ImageFiles(home / "scans")
    white = np.full((2339, 1654), 240, np.uint8)
    smaller = cv2.resize(scan.image, None, fx=0.75, fy=0.75, interpolation=cv2.INTER_AREA)
    for name, image in (("lo-1.jpg", scan.image), ("trang-trang.png", white), ("quet-lai.png", smaller)):
        data = encoded(image, Path(name).suffix)
        counting.import_sheet(uow, images, CODE, forms, counting.original(name, data), 0, image)
    with served(app) as url:
        yield url, uow, home, password


def test_the_committee_sees_pictures_reasons_and_withdraws_a_copy(browser: Browser, shots: Path,
                                                                   paper_hall: tuple[str, SqlUnitOfWork, Path, str]) -> None:
    url, uow, _, password = paper_hall
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    page.goto(f"{url}/admin?lang=vi")
    page.get_by_label("Tên đăng nhập").fill("vinh")
    page.get_by_label("Mật khẩu", exact=True).fill(password)
    page.get_by_role("button", name="Đăng nhập").click()
    page.goto(f"{url}/committee/r/{CODE}/paper")
    page.wait_for_load_state("networkidle")
    expect(page.get_by_text("Không tìm thấy bốn ô vuông đen", exact=False)).to_be_visible()
    expect(page.get_by_text("Có thể là bản quét lại", exact=False)).to_be_visible()
    expect(page.get_by_text("Máy không chắc chắn về dòng này", exact=False).first).to_be_visible()
    assert "no-corners" not in page.content() and "stray-ink" not in page.content()
    images = page.locator("img.scan")
    for i in range(images.count()):  # every picture loads
        assert images.nth(i).evaluate("img => img.complete && img.naturalWidth > 0")
    page.screenshot(path=shots / "paper-review.png", full_page=True)
    copy = page.locator("form.card", has_text="Có thể là bản quét lại")
    copy.get_by_label("Rút tờ này ra", exact=False).check()
    copy.get_by_role("button", name="Ghi quyết định").click()
    expect(page.get_by_text("Có thể là bản quét lại", exact=False)).to_have_count(0)
    withdrawn = [s for s in counting.export(uow, CODE)["sheets"] if s["decision"] == "withdrawn"]  # type: ignore[index]
    assert 1 == len(withdrawn) and withdrawn[0]["withdrawn_reason"].startswith("Bản quét lại của tờ")


def test_an_unplaced_sheet_is_placed_by_four_clicks(browser: Browser, shots: Path,
                                                    paper_hall: tuple[str, SqlUnitOfWork, Path, str]) -> None:
    """A sheet whose corner square is torn: the member clicks the four corners on the picture (no script);
    the sheet is read again and waits, with its rows, for the member to confirm it."""
    from tinnhiem.paper.corners import find_corners

    url, uow, home, password = paper_hall
    round_ = roundfile.parse_round(roundfile.load(demo.demo_file()))[0]
    forms = forms_for(round_, CODE)
    layout = sheets(round_, CODE, REGULAR)[0]
    scan = make_scan(list(pdf_pages(forms.pdfs["regular"], 150))[0], layout, 150, 21, stray_rate=0.0,
                     upside_down_rate=0.0)
    corners = find_corners(scan.image)
    assert corners is not None
    torn = scan.image.copy()
    x, y = (int(v) for v in corners[3])
    torn[y - 30:y + 40, x - 30:x + 40] = 235
    counting.import_sheet(uow, ImageFiles(home / "scans"), CODE, forms,
                          counting.original("rach-goc.png", encoded(torn, ".png")), 0, torn)
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    page.goto(f"{url}/admin?lang=vi")
    page.get_by_label("Tên đăng nhập").fill("vinh")
    page.get_by_label("Mật khẩu", exact=True).fill(password)
    page.get_by_role("button", name="Đăng nhập").click()
    page.goto(f"{url}/committee/r/{CODE}/paper")
    picker = page.locator("form.corner-picker").last
    scale = 600 / torn.shape[1]
    for cx, cy in corners[[0, 1, 2, 3]]:
        picker.locator("input.corner-image").click(position={"x": float(cx * scale), "y": float(cy * scale)})
        picker = page.locator("form.corner-picker").last
    expect(page.get_by_text("Đã đọc lại tờ phiếu", exact=False)).to_be_visible()
    page.wait_for_load_state("networkidle")
    pictures = page.locator("img.scan, input.corner-image")
    for i in range(pictures.count()):
        src = pictures.nth(i).get_attribute("src") or ""
        answer = page.request.get(url + src)
        assert (200, "image/png") == (answer.status, answer.headers["content-type"]), src
    page.screenshot(path=shots / "paper-placed.png", full_page=True)
    placed = [s for s in counting.export(uow, CODE)["sheets"]  # type: ignore[index]
              if any(p["code"] == "placed-by-hand" for p in s["problems"])]
    assert 1 == len(placed) and placed[0]["form"] and placed[0]["decision"] == "pending"
