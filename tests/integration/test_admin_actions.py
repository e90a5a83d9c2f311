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
    app = create_app(Settings(database_url=f"sqlite:///{home / 'a.sqlite3'}", home=home, secret_key="secret", organiser_code="ORG"))
    code, _, _ = prepare_hall(SqlUnitOfWork(app.state.hall.database), home / "keys")
    client = TestClient(app)
    csrf = client.get("/admin").text.split('name="csrf-token" content="')[1].split('"')[0]
    client.headers["X-CSRF-Token"] = csrf
    assert 200 == client.post("/admin/sign-in", data={"login": "quantri", "password": "ORG", "csrf": csrf}).status_code
    return client, code


def actions(client: TestClient, code: str) -> tuple[bool, bool]:
    page = client.get(f"/admin/r/{code}").text
    return OPEN.format(code=code) in page, CLOSE.format(code=code) in page


def test_open_only_when_ready_close_only_when_open(signed_in: tuple[TestClient, str]) -> None:
    """A fresh round's page offers Open only; once open, Close only; once closed, neither (states go one way)."""
    from dataclasses import replace

    from tinnhiem.domain.model import Conference, Delegate
    from tinnhiem.services import cards, roundfile, rounds, voting
    from tinnhiem.testing.demo import demo_file
    from tinnhiem.testing.hall import signed_cards
    from tinnhiem.testing.simulate import seeded, seeded_cards

    client, _ = signed_in
    uow = SqlUnitOfWork(client.app.state.hall.database)  # type: ignore[attr-defined]
    round_ = replace(roundfile.parse_round(roundfile.load(demo_file()))[0], conference=Conference(convened=3))
    code = rounds.create_round(uow, round_, tuple(Delegate(f"Đại biểu {i}") for i in range(3)), code="fresh")
    shares = {s.member: s.share for s in voting.set_up_election(uow, code, ["A", "B", "C"], 2, seeded(1))}
    cards.upload(uow, code, signed_cards(uow, code, seeded_cards(code, 3, 1), shares).public)
    for i in range(3):
        rounds.attend(uow, code, f"Đại biểu {i}", "electronic")
    assert (True, False) == actions(client, code)
    client.post(f"/admin/r/{code}/open")
    assert (False, True) == actions(client, code)
    client.post(f"/admin/r/{code}/close")
    assert (False, False) == actions(client, code)


def test_close_asks_first_in_plain_vietnamese_and_cards_change_only_before_opening(
        signed_in: tuple[TestClient, str]) -> None:
    """Close sits inside a confirmation that says what follows; the card list can be replaced only while ready."""
    client, code = signed_in  # the demo hall: open
    page = client.get(f"/admin/r/{code}").text
    close = page.split('<details class="confirm" id="close-voting">')[1].split("</details>")[0]
    assert "Sau khi đóng, không ai bỏ phiếu điện tử được nữa" in close and CLOSE.format(code=code) in close
    assert 'id="cards_file"' not in page
