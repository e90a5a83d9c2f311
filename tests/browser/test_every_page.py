"""Every page at phone and projector sizes: a screenshot to look at, and axe-core finds no serious fault."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser

from tests.browser.conftest import Hall
from tests.browser.test_hall_round import axe_violations

SIZES = {"phone": {"width": 390, "height": 844}, "projector": {"width": 1920, "height": 1080}}
PUBLIC = ["/", "/r/{code}/vote", "/r/{code}/screen", "/r/{code}/lookup", "/r/{code}/lookup?tracking=AAAA-BBBB",
          "/committee/r/{code}", "/admin", "/r/{code}/vote?lang=en"]
ORGANISER = ["/admin", "/admin/new", "/admin/reports", "/admin/r/{code}", "/admin/r/{code}/checkin", "/committee/r/{code}/cards",
             "/committee/r/{code}/paper", "/committee/r/{code}/audit", "/committee/r/{code}/totals", "/admin/r/{code}/documents"]


@pytest.mark.parametrize("size", sorted(SIZES))
def test_every_page_renders_and_passes_axe(browser: Browser, hall: Hall, shots: Path, size: str) -> None:
    context = browser.new_context(viewport=SIZES[size])
    page = context.new_page()
    faults = {}
    for signed_in, paths in ((False, PUBLIC), (True, ORGANISER)):
        if signed_in:
            page.goto(f"{hall.url}/admin?lang=vi")  # the English page before switched this session to English
            page.get_by_label("Tên đăng nhập").fill("quantri")
            page.get_by_label("Mật khẩu", exact=True).fill(hall.organiser)
            page.get_by_role("button", name="Đăng nhập").click()
        for path in paths:
            url = hall.url + path.format(code=hall.code)
            response = page.goto(url)
            assert response is not None and response.status < 500, url
            name = path.format(code="R").strip("/").replace("/", "-").replace("?", "-").replace("=", "-") or "home"
            page.screenshot(path=shots / f"{size}-{'org-' if signed_in else ''}{name}.png", full_page=True)
            violations = axe_violations(page, hall)
            if violations:
                faults[path] = violations
    context.close()
    assert {} == faults
