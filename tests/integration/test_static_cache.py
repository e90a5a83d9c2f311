"""From an outside review: every static file was served `Cache-Control: no-store`, so each of 500 phones fetched the 188 kB of
scripts again on each of its two pages (94 MB for the hall). Now a phone keeps them ten minutes and then asks
again with their ETag (304, no body); pages and API answers are still never stored."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tinnhiem.web.app import STATIC_CACHE, create_app
from tinnhiem.web.settings import Settings


@pytest.fixture
def client(tmp_path: Path) -> TestClient:
    return TestClient(create_app(Settings(database_url=f"sqlite:///{tmp_path / 'c.sqlite3'}", home=tmp_path,
                                          secret_key="secret", organiser_code="ORG")))


@pytest.mark.parametrize("path", ["/static/build/tinnhiem.js", "/static/page.js", "/static/vote.js",
                                  "/static/app.css"])
def test_scripts_and_style_are_kept_then_checked_by_etag(client: TestClient, path: str) -> None:
    first = client.get(path)
    assert 200 == first.status_code and first.content
    assert "max-age=600" in first.headers["cache-control"] and "no-store" not in first.headers["cache-control"]
    again = client.get(path, headers={"If-None-Match": first.headers["etag"]})
    assert (304, b"", STATIC_CACHE) == (again.status_code, again.content, again.headers["cache-control"])
    assert "default-src 'self'" in again.headers["content-security-policy"]


def test_pages_and_answers_are_never_stored(client: TestClient) -> None:
    assert "no-store" == client.get("/").headers["cache-control"]
    assert "no-store" == client.get("/api/rounds/none/election").headers["cache-control"]
