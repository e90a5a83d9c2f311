"""A posted ballot is read by its schema at the web edge: a field the protocol does not name, at any level of
the JSON, is refused with a message naming it, and nothing is stored (docs/protocol.md §6.4)."""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tinnhiem.crypto.ballot import cast_ballot
from tinnhiem.crypto.credentials import signing_key
from tinnhiem.crypto.record import ballot_json, encrypted_ballot_json, secrets_json
from tinnhiem.services import record, voting
from tinnhiem.storage.repository import SqlUnitOfWork
from tinnhiem.testing.hall import prepare_hall
from tinnhiem.testing.simulate import seeded
from tinnhiem.web.app import create_app
from tinnhiem.web.settings import Settings


class Phone:
    def __init__(self, tmp_path: Path) -> None:
        self.app = create_app(Settings(database_url=f"sqlite:///{tmp_path / 'p.sqlite3'}", home=tmp_path, secret_key="secret", organiser_code="ORG"))
        self.code, _, cards = prepare_hall(SqlUnitOfWork(self.app.state.hall.database), tmp_path / "keys")
        self.cards = cards.secrets
        self.client = TestClient(self.app)
        page = self.client.get(f"/r/{self.code}/vote").text
        self.client.headers["X-CSRF-Token"] = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)  # type: ignore[union-attr]
        with SqlUnitOfWork(self.app.state.hall.database) as uow:
            election = uow.voting.election(self.code)
        assert election is not None and election.election_id is not None
        self.manifest, self.key = voting.manifest(election), bytes.fromhex(election.joint_key)
        self.election = bytes.fromhex(election.election_id)

    def encrypted(self, card: int) -> tuple[Any, Any]:
        return cast_ballot(self.manifest, self.election, self.key, [0] * 12, signing_key(self.code, self.cards[card]),
                           seeded(card))

    def stored(self) -> tuple[int, int]:
        with SqlUnitOfWork(self.app.state.hall.database) as uow:
            return uow.voting.turnout(self.code), len(uow.voting.ballots(self.code, spoiled=True))


@pytest.fixture(scope="module")
def phone(tmp_path_factory: pytest.TempPathFactory) -> Phone:
    return Phone(tmp_path_factory.mktemp("posted"))


def places(ballot: dict[str, Any]) -> list[tuple[str, Any]]:
    """Every object of a posted ballot, by its path: the top, a row, the signature."""
    return [("", ballot), ("rows.0.", ballot["rows"][0]), ("rows.11.", ballot["rows"][11]),
            ("signature.", ballot["signature"])]


@pytest.mark.parametrize("where", ["", "rows.0.", "rows.11.", "signature."])
def test_an_extra_field_anywhere_in_a_cast_is_refused_by_name(phone: Phone, where: str) -> None:
    """`"note": "sold to X"` at each level: 422, the field named, no ballot stored, the card still unused."""
    ballot = ballot_json(phone.encrypted(1)[0])
    dict(places(ballot))[where]["note"] = "sold to X"
    answer = phone.client.post(f"/api/rounds/{phone.code}/ballots", json=ballot)
    assert (422, f"{where}note") == (answer.status_code, answer.json()["field"])
    assert "note" in answer.json()["message"] and (0, 0) == phone.stored()


@pytest.mark.parametrize("where", ["ballot.", "ballot.rows.0.", ""])
def test_an_extra_field_anywhere_in_a_challenge_is_refused_by_name(phone: Phone, where: str) -> None:
    cast, opened = phone.encrypted(2)
    body = {"ballot": encrypted_ballot_json(cast.ballot)} | secrets_json(opened)
    target = {"": body, "ballot.": body["ballot"], "ballot.rows.0.": body["ballot"]["rows"][0]}[where]
    target["note"] = "x"
    answer = TestClient(phone.app).post(f"/api/rounds/{phone.code}/spoiled", json=body)  # no session, no token
    assert (422, f"{where}note") == (answer.status_code, answer.json()["field"])
    assert (0, 0) == phone.stored()


def test_the_honest_ballot_is_then_stored_as_the_server_rewrote_it(phone: Phone) -> None:
    """After every refusal the same card still casts; what is published is the canonical form, nothing else."""
    ballot = ballot_json(phone.encrypted(1)[0])
    reordered = copy.deepcopy(ballot)
    reordered["rows"][0] = dict(reversed(list(reordered["rows"][0].items())))  # key order is not a field
    answer = phone.client.post(f"/api/rounds/{phone.code}/ballots", json=reordered)
    assert 200 == answer.status_code, answer.text
    assert [ballot] == record.public_record(SqlUnitOfWork(phone.app.state.hall.database), phone.code)["ballots"]


@pytest.mark.parametrize(("body", "headers", "status", "error", "field"), [
    (b'{"code": "\xff\xfe"}', {}, 400, "unreadable-body", "body"),  # not UTF-8
    (b"[" * 100_000 + b"]" * 100_000, {}, 400, "unreadable-body", "body"),  # nested past any parser's depth
    (b"\x1f\x8b\x08\x00", {"Content-Encoding": "gzip"}, 400, "unreadable-body", "body"),
    (b"{}", {"X-CSRF-Token": "someone-else"}, 403, "csrf", "csrf"),
])
def test_what_a_browser_never_sends_is_refused_in_the_one_shape(phone: Phone, body: bytes, headers: dict[str, str],
                                                                 status: int, error: str, field: str) -> None:
    """The abuse suite got the framework's bare {"detail": …} for these; every refusal names its field, in both
    languages, and stores nothing."""
    before = phone.stored()
    answer = phone.client.post(f"/api/rounds/{phone.code}/ballots", content=body,
                               headers={"Content-Type": "application/json", **headers})
    assert (status, error, field) == (answer.status_code, answer.json()["error"], answer.json()["field"]), answer.text
    assert answer.json()["message"] and answer.json()["message_en"] and before == phone.stored()


def test_a_worker_checks_and_stores_only_a_few_casts_at_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """At the chair's word, every cast used to run at once: each shared the cores with hundreds of others and the
    election's row lock was held longer (docs/operations.md, "Bursts"). Now at most CASTS_AT_ONCE per worker."""
    import threading
    import time

    from tinnhiem.web import routes_vote
    from tinnhiem.web.deps import CASTS_AT_ONCE

    phone = Phone(tmp_path)
    inside, most, lock = 0, 0, threading.Lock()
    real_cast = voting.cast

    def slow_cast(*args: Any) -> Any:
        nonlocal inside, most
        with lock:
            inside += 1
            most = max(most, inside)
        time.sleep(0.2)
        with lock:
            inside -= 1
        return real_cast(*args)

    monkeypatch.setattr(routes_vote.voting, "cast", slow_cast)
    bodies = [ballot_json(phone.encrypted(card)[0]) for card in range(1, 7)]
    answers: list[int] = []
    threads = [threading.Thread(target=lambda b=b: answers.append(
        phone.client.post(f"/api/rounds/{phone.code}/ballots", json=b).status_code)) for b in bodies]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [200] * 6 == answers and 6 == phone.stored()[0]
    assert CASTS_AT_ONCE == most == 2


def test_one_address_cannot_use_up_the_rounds_spoiled_ballots(tmp_path: Path) -> None:
    """A spoiled ballot takes no card and no session, and a round takes at most 3 × its cards of them: before, one
    phone posting opened ballots in a loop used up the round's budget (and a ballot check's CPU each) and every
    delegate after it was refused `challenge-limit`. Now each address has its own few per window, counted before
    any proof is checked; another address still spoils; the key in Redis is not the address."""
    import secrets

    import redis

    url = "redis://127.0.0.1:6379/0"  # a secret key of this run's: Redis is shared with other runs
    app = create_app(Settings(database_url=f"sqlite:///{tmp_path / 's.sqlite3'}", home=tmp_path,
                              secret_key=secrets.token_hex(16),
                              organiser_code="ORG", spoiled_per_address=3, redis_url=url))
    code, _, cards = prepare_hall(SqlUnitOfWork(app.state.hall.database), tmp_path / "keys")
    with SqlUnitOfWork(app.state.hall.database) as uow:
        election = uow.voting.election(code)
    assert election is not None and election.election_id is not None
    manifest, key, e = voting.manifest(election), bytes.fromhex(election.joint_key), bytes.fromhex(election.election_id)

    def opened(seed: int) -> dict[str, Any]:
        cast, secrets_ = cast_ballot(manifest, e, key, [seed % 3] * 12, signing_key(code, cards.secrets[0]),
                                     seeded(seed))
        return {"ballot": encrypted_ballot_json(cast.ballot)} | secrets_json(secrets_)

    prober, other = TestClient(app, client=("192.168.1.66", 50001)), TestClient(app, client=("192.168.1.67", 50002))
    assert [200, 200, 200] == [prober.post(f"/api/rounds/{code}/spoiled", json=opened(s)).status_code for s in range(3)]
    refused = prober.post(f"/api/rounds/{code}/spoiled", json=opened(3))
    assert (422, "too-many-spoiled", "spoiled") == (refused.status_code, refused.json()["error"],
                                                    refused.json()["field"])
    assert "3 phiếu kiểm tra máy" in refused.json()["message"]
    broken = opened(4) | {"ballot": {**opened(4)["ballot"], "rows": opened(5)["ballot"]["rows"]}}  # proofs not checked
    assert "too-many-spoiled" == prober.post(f"/api/rounds/{code}/spoiled", json=broken).json()["error"]
    assert 200 == other.post(f"/api/rounds/{code}/spoiled", json=opened(6)).status_code
    with SqlUnitOfWork(app.state.hall.database) as uow:
        assert 4 == len(uow.voting.ballots(code, spoiled=True))
    keys = [k.decode() for k in redis.Redis.from_url(url).scan_iter(match="*tinnhiem-spoiled*")]
    assert keys and not any("192.168" in k for k in keys)
