"""From an outside review: every static file was served `Cache-Control: no-store`, so each of 500 phones fetched the 188 kB of
scripts again on each of its two pages (94 MB for the hall); then ten minutes and an ETag check. Now the pages name
each script and style with its content's hash and a phone keeps it a year (`immutable`): it never asks again. A
name without the hash (or with an old one) is still kept ten minutes then checked by its ETag; pages and API
answers are still never stored."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tinnhiem.web.app import create_app
from tinnhiem.web.assets import IMMUTABLE, REVALIDATE
from tinnhiem.web.settings import Settings

NAMES = ["build/tinnhiem.js", "page.js", "vote.js", "sign_in.js", "app.css"]


@pytest.fixture
def client(tmp_path: Path) -> TestClient:
    return TestClient(create_app(Settings(database_url=f"sqlite:///{tmp_path / 'c.sqlite3'}", home=tmp_path,
                                          secret_key="secret", organiser_code="ORG")))


def _named(client: TestClient) -> dict[str, str]:
    """The static addresses the hall's pages name (sign-in form of the staff, the verifier), by file."""
    pages = client.get("/admin").text + client.get("/verify").text
    return {m.group(1): m.group(0) for m in re.finditer(r'/static/([^"?]+)\?v=[0-9a-f]{16}', pages)}


def test_pages_name_scripts_and_style_with_their_hash_and_phones_keep_them(client: TestClient) -> None:
    named = _named(client)
    assert {"app.css", "page.js", "build/verifier.js"} <= set(named)
    for address in named.values():
        first = client.get(address)
        assert (200, IMMUTABLE) == (first.status_code, first.headers["cache-control"]) and first.content
        assert "default-src 'self'" in first.headers["content-security-policy"]


def test_the_hash_is_the_content_s(client: TestClient) -> None:
    """Another file's content, another address: a phone never keeps an old script under a new page's name."""
    import hashlib

    for name in NAMES:
        body = client.get(f"/static/{name}").content
        assert client.app.state.hall.assets.url(name).endswith(f"?v={hashlib.sha256(body).hexdigest()[:16]}")


@pytest.mark.parametrize("path", [f"/static/{n}" for n in NAMES] + ["/static/vote.js?v=0123456789abcdef"])
def test_without_the_current_hash_kept_ten_minutes_then_checked_by_etag(client: TestClient, path: str) -> None:
    first = client.get(path)
    assert 200 == first.status_code and first.content
    assert REVALIDATE == first.headers["cache-control"]
    again = client.get(path, headers={"If-None-Match": first.headers["etag"]})
    assert (304, b"", REVALIDATE) == (again.status_code, again.content, again.headers["cache-control"])
    assert "default-src 'self'" in again.headers["content-security-policy"]


@pytest.mark.parametrize("path", ["/static/none.js", "/static/../app.py", "/static/%2e%2e/app.py", "/static/build"])
def test_no_file_outside_or_missing(client: TestClient, path: str) -> None:
    assert 404 == client.get(path).status_code


def test_pages_and_answers_are_never_stored(client: TestClient) -> None:
    assert "no-store" == client.get("/").headers["cache-control"]
    assert "no-store" == client.get("/api/rounds/none/election").headers["cache-control"]
