"""A posted ballot is read by its schema at the web edge: a field the protocol does not name, at any level of
the JSON, is refused with a message naming it, and nothing is stored (docs/protocol.md §6.4)."""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tinnhiem.crypto.ballot import encrypt_ballot
from tinnhiem.crypto.credentials import signing_key
from tinnhiem.crypto.record import ballot_json, secrets_json
from tinnhiem.services import voting
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
        assert election is not None
        self.manifest, self.key = voting.manifest(election), bytes.fromhex(election.joint_key)

    def encrypted(self, card: int) -> tuple[Any, Any]:
        return encrypt_ballot(self.manifest, self.key, [0] * 12, signing_key(self.code, self.cards[card]), seeded(card))

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


@pytest.mark.parametrize("where", ["ballot.", "ballot.rows.0.", "ballot.signature.", "secrets.", ""])
def test_an_extra_field_anywhere_in_a_challenge_is_refused_by_name(phone: Phone, where: str) -> None:
    ballot, opened = phone.encrypted(2)
    body = {"ballot": ballot_json(ballot), "secrets": secrets_json(opened)}
    target = {"": body, "ballot.": body["ballot"], "ballot.rows.0.": body["ballot"]["rows"][0],
              "ballot.signature.": body["ballot"]["signature"], "secrets.": body["secrets"]}[where]
    target["note"] = "x"
    answer = phone.client.post(f"/api/rounds/{phone.code}/challenges", json=body)
    assert (422, f"{where}note") == (answer.status_code, answer.json()["field"])
    assert (0, 0) == phone.stored()


def test_the_honest_ballot_is_then_stored_as_the_server_rewrote_it(phone: Phone) -> None:
    """After every refusal the same card still casts; what is published is the canonical form, nothing else."""
    ballot = ballot_json(phone.encrypted(1)[0])
    reordered = copy.deepcopy(ballot)
    reordered["rows"][0] = dict(reversed(list(reordered["rows"][0].items())))  # key order is not a field
    answer = phone.client.post(f"/api/rounds/{phone.code}/ballots", json=reordered)
    assert 200 == answer.status_code, answer.text
    with SqlUnitOfWork(phone.app.state.hall.database) as uow:  # the record itself waits for the close
        assert [ballot] == [stored for stored, _ in uow.voting.ballots(phone.code)]


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

    def slow_cast(*args: Any) -> tuple[str, str]:
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
