"""The organiser's round page offers only what the election's state allows, each irreversible step behind a confirmation."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tinnhiem.storage.repository import SqlUnitOfWork
from tinnhiem.testing.hall import prepare_hall
from tinnhiem.web.app import create_app
from tinnhiem.web.settings import Settings

OPEN = 'action="/admin/r/{code}/open"'
CLOSE = 'action="/admin/r/{code}/close"'


@pytest.fixture(scope="module")
def signed_in(tmp_path_factory: pytest.TempPathFactory) -> tuple[TestClient, str]:
    home = tmp_path_factory.mktemp("actions")
    app = create_app(Settings(f"sqlite:///{home / 'a.sqlite3'}", home, "secret", "ORG"))
    code, _ = prepare_hall(SqlUnitOfWork(app.state.hall.database), home / "keys")
    client = TestClient(app)
    csrf = client.get("/admin").text.split('name="csrf-token" content="')[1].split('"')[0]
    client.headers["X-CSRF-Token"] = csrf
    assert 200 == client.post("/admin/sign-in", data={"organiser_code": "ORG", "csrf": csrf}).status_code
    return client, code


def actions(client: TestClient, code: str) -> tuple[bool, bool]:
    page = client.get(f"/admin/r/{code}").text
    return OPEN.format(code=code) in page, CLOSE.format(code=code) in page


def test_open_only_when_ready_close_only_when_open(signed_in: tuple[TestClient, str]) -> None:
    client, code = signed_in
    with SqlUnitOfWork(client.app.state.hall.database) as uow:  # type: ignore[attr-defined]
        uow.voting.set_state(code, "ready")
        uow.commit()
    assert (True, False) == actions(client, code)
    client.post(f"/admin/r/{code}/open")
    assert (False, True) == actions(client, code)
    client.post(f"/admin/r/{code}/close")
    assert (False, False) == actions(client, code)


def test_close_and_new_cards_ask_first_in_plain_vietnamese(signed_in: tuple[TestClient, str]) -> None:
    """The buttons that act sit inside a confirmation that says what follows."""
    client, code = signed_in
    with SqlUnitOfWork(client.app.state.hall.database) as uow:  # type: ignore[attr-defined]
        uow.voting.set_state(code, "open")
        uow.commit()
    page = client.get(f"/admin/r/{code}").text
    close = page.split('<details class="confirm" id="close-voting">')[1].split("</details>")[0]
    assert "Sau khi đóng, không ai bỏ phiếu điện tử được nữa" in close and CLOSE.format(code=code) in close
    cards = page.split('<details class="confirm" id="reissue-cards">')[1].split("</details>")[0]
    assert "Mọi mã trên thẻ đã phát sẽ hết hiệu lực" in cards and "Đồng ý, in thẻ mới" in cards
