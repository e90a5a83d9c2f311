"""Over HTTP, as a phone and as an operator: the cast answer carries the hall's signed receipt, the lookup page
reads a receipt (and says when its ballot is missing), and a challenge is posted without session or card."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from tinnhiem.crypto.ballot import cast_ballot, encrypt_ballot
from tinnhiem.crypto.credentials import signing_key
from tinnhiem.crypto.election import verify_receipt
from tinnhiem.crypto.group import random_scalar
from tinnhiem.crypto.record import ballot_json, encrypted_ballot_json, read_manifest, read_receipt, secrets_json
from tinnhiem.storage.repository import SqlUnitOfWork
from tinnhiem.testing.hall import prepare_hall, sign_in_body
from tinnhiem.web.app import create_app
from tinnhiem.web.settings import Settings


class Phone:
    def __init__(self, tmp_path: Path) -> None:
        self.app = create_app(Settings(database_url=f"sqlite:///{tmp_path / 'r.sqlite3'}", home=tmp_path,
                                       secret_key="secret", organiser_code="ORG"))
        self.code, _, self.cards = prepare_hall(SqlUnitOfWork(self.app.state.hall.database), tmp_path / "keys")
        self.client = TestClient(self.app)
        self.election = self.client.get(f"/api/rounds/{self.code}/election").json()
        self.manifest = read_manifest(self.election["manifest"])
        self.e, self.key = bytes.fromhex(self.election["election"]), bytes.fromhex(self.election["joint_key"])

    def sign_in(self, card: int) -> TestClient:
        phone = TestClient(self.app)
        page = phone.get(f"/r/{self.code}/vote").text
        phone.headers["X-CSRF-Token"] = page.split('name="csrf-token" content="')[1].split('"')[0]
        nonce = re.search(r'data-nonce="([0-9a-f]+)"', page).group(1)  # type: ignore[union-attr]
        assert 200 == phone.post(f"/api/rounds/{self.code}/sign-in",
                                 json=sign_in_body(self.code, self.cards.secrets[card], self.e, nonce)).status_code
        return phone

    def ballot(self, card: int) -> dict[str, Any]:
        choices: list[int | None] = [1] * len(self.manifest.subjects)
        return ballot_json(cast_ballot(self.manifest, self.e, self.key, choices,
                                       signing_key(self.code, self.cards.secrets[card]), random_scalar)[0])


@pytest.fixture
def phone(tmp_path: Path) -> Phone:
    return Phone(tmp_path)


def test_the_cast_answer_carries_a_receipt_signed_by_the_halls_key(phone: Phone) -> None:
    device = phone.sign_in(0)
    answer = device.post(f"/api/rounds/{phone.code}/ballots", json=phone.ballot(0))
    assert 200 == answer.status_code, answer.text
    receipt = read_receipt(answer.json()["receipt"])
    assert (receipt.election, receipt.code) == (phone.e, answer.json()["code"])
    assert verify_receipt(receipt, bytes.fromhex(phone.election["receipt_key"]))


def test_the_lookup_page_reads_a_receipt_and_says_when_its_ballot_is_missing(phone: Phone) -> None:
    """The operator deletes a cast ballot (straight in the database): the delegate's receipt is still valid and
    the page says the record lacks it; a receipt with a changed code proves nothing, and says so."""
    device = phone.sign_in(1)
    receipt = device.post(f"/api/rounds/{phone.code}/ballots", json=phone.ballot(1)).json()["receipt"]
    look = TestClient(phone.app)
    page = look.get(f"/r/{phone.code}/lookup", params={"receipt": json.dumps(receipt)}).text
    assert "phiếu của nó có trong các phiếu đã bỏ" in page
    forged = receipt | {"code": "00" + receipt["code"][2:]}
    page = look.get(f"/r/{phone.code}/lookup", params={"receipt": json.dumps(forged)}).text
    assert "không chứng minh được gì" in page
    with phone.app.state.hall.database.engine.begin() as connection:
        connection.execute(text("DELETE FROM ballots WHERE code = :c"), {"c": receipt["code"]})
    page = look.get(f"/r/{phone.code}/lookup", params={"receipt": json.dumps(receipt)}).text
    assert "không có trong các phiếu đã bỏ" in page and "bằng chứng" in page
    unreadable = look.get(f"/r/{phone.code}/lookup", params={"receipt": "{not json"})
    assert 422 == unreadable.status_code and "biên nhận" in unreadable.text


def test_a_receipt_of_another_election_says_so_in_both_languages(phone: Phone, tmp_path: Path) -> None:
    """A delegate pastes the receipt another hall (another election, its own E and R) signed: the page says it is
    of another election — not merely "proves nothing", not "missing" — and looks nothing up, in Vietnamese and in
    English; the same receipt on its own hall's page is in the record."""
    (tmp_path / "other").mkdir()
    other = Phone(tmp_path / "other")
    receipt = other.sign_in(1).post(f"/api/rounds/{other.code}/ballots", json=other.ballot(1)).json()["receipt"]
    assert receipt["election"] != phone.election["election"]
    look = TestClient(phone.app)
    page = look.get(f"/r/{phone.code}/lookup", params={"receipt": json.dumps(receipt)}).text
    assert "được cấp trong một cuộc bầu khác" in page
    assert "không chứng minh được gì" not in page and "không có trong các phiếu đã bỏ" not in page
    assert 'id="found"' not in page and "Không có mã này" not in page
    english = look.get(f"/r/{phone.code}/lookup", params={"receipt": json.dumps(receipt), "lang": "en"}).text
    assert "was given in another election" in english
    home = TestClient(other.app).get(f"/r/{other.code}/lookup", params={"receipt": json.dumps(receipt)}).text
    assert "phiếu của nó có trong các phiếu đã bỏ" in home and "cuộc bầu khác" not in home


def test_a_challenge_is_posted_without_session_or_card_and_stored_without_them(phone: Phone) -> None:
    """A fresh client with no cookie and no CSRF token posts the spoiled ballot: accepted, no cookie set, no
    credential stored; a spoiled ballot that carries a card is refused naming the field."""
    encrypted, opened = encrypt_ballot(phone.manifest, phone.e, phone.key, [0] * len(phone.manifest.subjects),
                                       random_scalar)
    body = {"ballot": encrypted_ballot_json(encrypted)} | secrets_json(opened)
    stranger = TestClient(phone.app)
    answer = stranger.post(f"/api/rounds/{phone.code}/spoiled", json=body)
    assert 200 == answer.status_code, answer.text
    assert "set-cookie" not in answer.headers and not stranger.cookies
    assert encrypted.code == answer.json()["code"]
    with phone.app.state.hall.database.engine.connect() as connection:
        stored = connection.execute(text("SELECT ballot FROM spoiled_ballots")).scalar_one()
    assert "credential" not in str(stored) and "signature" not in str(stored)
    with_card = body | {"ballot": phone.ballot(2)}
    refused = stranger.post(f"/api/rounds/{phone.code}/spoiled", json=with_card)
    assert 400 <= refused.status_code < 500 and "credential" in refused.text
    assert 404 == stranger.post(f"/api/rounds/{phone.code}/challenges", json=body).status_code
