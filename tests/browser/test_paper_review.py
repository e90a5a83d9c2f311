"""The committee's paper page in Chromium (issue 10): the picture, the machine's reading, reasons in
Vietnamese words, a likely copy beside its original, and a withdrawal with its reason."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import cv2
import numpy as np
import pytest
import uvicorn
from playwright.sync_api import Browser, expect

from tests.browser.conftest import free_port
from tinnhiem.paper import counting
from tinnhiem.paper.forms import forms_for
from tinnhiem.paper.layout import REGULAR, sheets
from tinnhiem.paper.raster import pdf_pages
from tinnhiem.services import roundfile, rounds
from tinnhiem.storage.files import ImageFiles
from tinnhiem.storage.repository import SqlUnitOfWork
from tinnhiem.testing import demo
from tinnhiem.testing.scans import encoded, make_scan
from tinnhiem.web.app import create_app
from tinnhiem.web.settings import Settings

CODE = "giay"


@pytest.fixture(scope="module")
def paper_hall(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, SqlUnitOfWork]]:
    """A hall with a paper round: a sheet with an unsure row, an unplaced page, and a second scan of one sheet."""
    home = tmp_path_factory.mktemp("paper-hall")
    app = create_app(Settings(f"sqlite:///{home / 'hall.sqlite3'}", home, "test-secret", "ORG12345"))
    uow = SqlUnitOfWork(app.state.hall.database)
    round_ = roundfile.parse_round(roundfile.load(demo.demo_file()))[0]
    rounds.create_round(uow, round_, code=CODE)
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
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(100):
        if server.started:
            break
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", uow
    server.should_exit = True
    thread.join(5)


def test_the_committee_sees_pictures_reasons_and_withdraws_a_copy(browser: Browser, shots: Path,
                                                                   paper_hall: tuple[str, SqlUnitOfWork]) -> None:
    url, uow = paper_hall
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    page.goto(f"{url}/admin?lang=vi")
    page.get_by_label("Mã của Ban tổ chức").fill("ORG12345")
    page.get_by_role("button", name="Đăng nhập").click()
    page.goto(f"{url}/committee/r/{CODE}/paper")
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
