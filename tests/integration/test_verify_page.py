"""The verifier page's edges: which records the hall lists for a search by SHA-256, the page, and the
page to keep (one file, nothing fetched from anywhere)."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi.testclient import TestClient

from tinnhiem.services import voting
from tinnhiem.storage.repository import SqlUnitOfWork
from tinnhiem.testing.hall import prepare_hall
from tinnhiem.web.app import create_app
from tinnhiem.web.settings import Settings


def test_only_closed_rounds_are_listed_and_the_saved_page_stands_alone(tmp_path: Path) -> None:
    app = create_app(Settings(database_url=f"sqlite:///{tmp_path / 'v.sqlite3'}", home=tmp_path, secret_key="s",
                              organiser_code="ORG"))
    uow = SqlUnitOfWork(app.state.hall.database)
    code, _, _ = prepare_hall(uow, tmp_path / "keys")
    client = TestClient(app)
    assert {"rounds": []} == client.get("/api/records").json()  # voting open: no record is served yet
    assert 400 <= client.get(f"/api/rounds/{code}/record").status_code < 500
    assert f'<option value="{code}">' not in client.get("/verify").text
    voting.close_voting(uow, code)
    assert {"rounds": [code]} == client.get("/api/records").json()
    served = client.get(f"/api/rounds/{code}/record")
    assert 200 == served.status_code
    # What the page pre-fills as "E announced by the hall" for a record loaded by round: the round's E as the
    # phones were given it, still served once closed; an honest hall's record states that same E.
    announced = client.get(f"/api/rounds/{code}/election").json()["election"]
    assert 64 == len(announced) and announced == served.json()["election"]
    page = client.get("/verify")
    assert f'<option value="{code}">' in page.text and 'src="/static/build/verifier.js?v=' in page.text
    assert 'id="election-e"' in page.text
    saved = client.get("/verify/offline?lang=en")
    assert 'attachment; filename="tinnhiem-verify.html"' == saved.headers["content-disposition"]
    html = saved.text
    assert not re.search(r"<script[^>]*\bsrc=|<link[^>]*href=", html)  # every script and the style inline
    assert "TinnhiemVerifier" in html and "Verify the whole record" in html
    assert html.count("</script>") == html.count("<script")  # no script ends early inside a bundle
    assert 'id="from-hall"' not in html  # no hall to ask: the record comes from a file
