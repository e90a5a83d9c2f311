"""Each worker makes the election's JSON and the sign-in and ballot pages once per election stamp (state, E, K) and
language, then gives each session its own CSRF token and nonce (web/kept.py). A copy made before a change is never
served after it: a new card list (E), opening, closing; and two sessions never share a token or a nonce."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tinnhiem.crypto.group import random_scalar
from tinnhiem.domain.model import Delegate, Round, Subject, VotingBody
from tinnhiem.services import cards, rounds, voting
from tinnhiem.storage.repository import SqlUnitOfWork
from tinnhiem.testing.hall import sign_in_body
from tinnhiem.web.app import create_app
from tinnhiem.web.settings import Settings

CODE = "kept"


@pytest.fixture
def hall(tmp_path: Path) -> tuple[TestClient, SqlUnitOfWork, list[str], dict[str, object]]:
    """A two-delegate round with its committee's key, no cards yet: the hall, a unit of work, the cards to upload."""
    app = create_app(Settings(database_url=f"sqlite:///{tmp_path / 'k.sqlite3'}", home=tmp_path, secret_key="secret",
                              organiser_code="ORG"))
    uow = SqlUnitOfWork(app.state.hall.database)
    round_ = Round("nq96-2023", VotingBody("Hội đồng nhân dân (thử)", 2), "Lấy phiếu thử", dt.date(2026, 11, 27),
                   (Subject("Người thứ nhất", "Chức vụ 1"), Subject("Người thứ hai", "Chức vụ 2")))
    rounds.create_round(uow, round_, (Delegate("Đại biểu Một"), Delegate("Đại biểu Hai")), code=CODE)
    shares = {s.member: s.share for s in voting.set_up_election(uow, CODE, ["A", "B", "C"], 2, random_scalar)[:2]}
    made = cards.make_cards(cards.read_election_file(cards.election_file(uow, CODE)), 2, shares)
    return TestClient(app), uow, list(made.secrets), made.public


def _tokens(page: str) -> tuple[str, str]:
    csrf = re.search(r'name="csrf-token" content="([^"]+)"', page)
    nonce = re.search(r'data-nonce="([0-9a-f]+)"', page)
    assert csrf and nonce
    return csrf.group(1), nonce.group(1)


def test_the_election_is_never_served_older_than_its_stamp(hall: tuple[TestClient, SqlUnitOfWork, list[str],
                                                                       dict[str, object]]) -> None:
    client, uow, _, public = hall
    before = client.get(f"/api/rounds/{CODE}/election").json()
    assert (None, "ready") == (before["election"], before["state"])
    assert before == client.get(f"/api/rounds/{CODE}/election").json()  # the kept copy
    cards.upload(uow, CODE, public)  # a new card list: E
    with_cards = client.get(f"/api/rounds/{CODE}/election").json()
    assert with_cards["election"] == voting.identity(uow, CODE) and with_cards["election"] is not None
    for name in ("Đại biểu Một", "Đại biểu Hai"):
        rounds.attend(uow, CODE, name, "electronic")
    voting.open_voting(uow, CODE)
    assert "open" == client.get(f"/api/rounds/{CODE}/election").json()["state"]
    voting.close_voting(uow, CODE)
    closed = client.get(f"/api/rounds/{CODE}/election").json()
    assert ("closed", with_cards["election"], before["manifest"]) == (closed["state"], closed["election"],
                                                                     closed["manifest"])


def test_each_worker_writes_the_election_once_per_stamp(hall: tuple[TestClient, SqlUnitOfWork, list[str],
                                                                    dict[str, object]],
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    client, uow, _, public = hall
    cards.upload(uow, CODE, public)
    reads: list[str] = []
    whole = voting.phone_election
    monkeypatch.setattr(voting, "phone_election", lambda u, c: reads.append(c) or whole(u, c))
    answers = {client.get(f"/api/rounds/{CODE}/election").text for _ in range(3)}
    assert (1, [CODE]) == (len(answers), reads)


def test_pages_follow_the_state_and_each_session_has_its_own_tokens(
        hall: tuple[TestClient, SqlUnitOfWork, list[str], dict[str, object]]) -> None:
    client, uow, secrets, public = hall
    cards.upload(uow, CODE, public)
    for name in ("Đại biểu Một", "Đại biểu Hai"):
        rounds.attend(uow, CODE, name, "electronic")
    other = TestClient(client.app)
    mine, theirs = _tokens(client.get(f"/r/{CODE}/vote").text), _tokens(other.get(f"/r/{CODE}/vote").text)
    assert mine[0] != theirs[0] and mine[1] != theirs[1]  # the same kept page, each session's own token and nonce
    assert any(k.startswith("page:sign_in.html") for k in client.app.state.hall.cache)  # type: ignore[attr-defined]
    election = bytes.fromhex(str(voting.identity(uow, CODE)))
    body = sign_in_body(CODE, secrets[0], election, mine[1])
    assert 403 == client.post(f"/api/rounds/{CODE}/sign-in", json=body, headers={"X-CSRF-Token": theirs[0]}).status_code
    assert 200 == client.post(f"/api/rounds/{CODE}/sign-in", json=body, headers={"X-CSRF-Token": mine[0]}).status_code
    not_open = client.get(f"/r/{CODE}/vote/ballot").text
    assert 'id="ballot"' not in not_open and f'content="{mine[0]}"' in not_open
    voting.open_voting(uow, CODE)
    opened = client.get(f"/r/{CODE}/vote/ballot").text
    assert 'id="ballot"' in opened and f'content="{mine[0]}"' in opened
    english = client.get(f"/r/{CODE}/vote/ballot?lang=en").text
    assert 'lang="en"' in english and english != opened
    voting.close_voting(uow, CODE)
    assert 'id="ballot"' not in client.get(f"/r/{CODE}/vote/ballot?lang=vi").text
