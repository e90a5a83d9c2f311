"""Sign-in limits per target, shared by workers in Redis: one guesser cannot lock out the hall.

Against the real Redis at 127.0.0.1:6379 (a fresh namespace per test) and in memory.
"""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tinnhiem.crypto.credentials import public_credential
from tinnhiem.storage.repository import SqlUnitOfWork
from tinnhiem.testing.hall import prepare_hall, sign_in_body
from tinnhiem.web.app import create_app
from tinnhiem.web.limiter import Limiter, card_key
from tinnhiem.web.settings import Settings

REDIS = "redis://127.0.0.1:6379/0"


def settings(tmp_path: Path, redis_url: str | None = None) -> Settings:
    return Settings(database_url=f"sqlite:///{tmp_path / 'l.sqlite3'}", home=tmp_path, secret_key="secret", organiser_code="ORG", redis_url=redis_url)


def csrf_of(client: TestClient, path: str = "/admin") -> str:
    token = client.get(path).text.split('name="csrf-token" content="')[1].split('"')[0]
    client.headers["X-CSRF-Token"] = token
    return token


def organiser_sign_in(client: TestClient, code: str) -> int:
    return client.post("/admin/sign-in", data={"login": "quantri", "password": code, "csrf": csrf_of(client)},
                       follow_redirects=False).status_code


def test_false_proofs_for_every_card_lock_out_nobody(tmp_path: Path) -> None:
    """The abuse suite posted ten false proofs for each card's public credential (all in the record) and every
    delegate was then refused for ten minutes. Now a false proof counts against its card, a right one is never
    refused; the organisers' sign-in is apart."""
    app = create_app(settings(tmp_path))
    code, _, cards = prepare_hall(SqlUnitOfWork(app.state.hall.database), tmp_path / "keys")
    attacker, delegate = TestClient(app), TestClient(app)
    csrf_of(attacker, f"/r/{code}/vote")
    credential = public_credential(code, cards.secrets[0]).hex()
    false_proof = {"credential": credential, "signature": {"c": "01" + "00" * 31, "z": "02" + "00" * 31}}
    errors = [attacker.post(f"/api/rounds/{code}/sign-in", json=false_proof).json()["error"] for _ in range(12)]
    assert ["sign-in-proof"] * 10 + ["too-many-attempts"] * 2 == errors
    page = delegate.get(f"/r/{code}/vote").text
    delegate.headers["X-CSRF-Token"] = page.split('name="csrf-token" content="')[1].split('"')[0]
    nonce = page.split('data-nonce="')[1].split('"')[0]
    election = bytes.fromhex(delegate.get(f"/api/rounds/{code}/election").json()["election"])
    signed = delegate.post(f"/api/rounds/{code}/sign-in", json=sign_in_body(code, cards.secrets[0], election, nonce))
    assert 200 == signed.status_code, signed.text
    assert 303 == organiser_sign_in(attacker, "ORG")


def test_a_guesser_cannot_lock_out_an_account(tmp_path: Path) -> None:
    """Ten wrong passwords for an account: an eleventh wrong one is told "too many"; the account's holder, in the
    browser they signed in with before, still signs in (the earlier code refused the right code for ten minutes:
    one guesser locked out the organisers)."""
    app = create_app(settings(tmp_path))
    holder, guesser = TestClient(app), TestClient(app)
    assert 303 == organiser_sign_in(holder, "ORG")
    holder.post("/admin/sign-out", data={"csrf": csrf_of(holder)})
    for _ in range(10):
        assert 401 == organiser_sign_in(guesser, "nope")
    refused = guesser.post("/admin/sign-in", data={"login": "quantri", "password": "nope", "csrf": csrf_of(guesser)})
    assert 429 == refused.status_code and "Nhập sai quá nhiều lần" in refused.text
    assert 303 == organiser_sign_in(holder, "ORG")


def test_past_the_limit_the_guesser_is_not_let_in(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """From an outside review: after 13 wrong attempts the right password still signed in (it was checked before the limit), so
    the limit limited nothing. Now a browser that never signed in to the account is told "too many" before any
    password is checked, the right one too: no Argon2 spent, nothing learnt."""
    from tinnhiem.services import accounts

    app = create_app(settings(tmp_path))
    guesser = TestClient(app)
    for _ in range(10):
        assert 401 == organiser_sign_in(guesser, "nope")
    checked = []
    real = accounts.sign_in
    monkeypatch.setattr(accounts, "sign_in", lambda *args: checked.append(1) or real(*args))
    assert [429, 429] == [organiser_sign_in(guesser, "nope"), organiser_sign_in(guesser, "ORG")]
    assert [] == checked
    assert 429 == organiser_sign_in(TestClient(app), "ORG")  # another new browser: the same
    app.state.hall.limits.organisers.clear("quantri")  # an admin gave the account a new password (routes_accounts)
    assert 303 == organiser_sign_in(guesser, "ORG")


def test_the_count_is_shared_by_workers_and_kept_over_a_restart(tmp_path: Path) -> None:
    """Two app instances on one Redis share the organisers' count; a third, started later, still knows it."""
    first, second = (TestClient(create_app(settings(tmp_path, REDIS))) for _ in range(2))
    first.app.state.hall.limits.organisers.clear("quantri")  # type: ignore[attr-defined]
    for client in (first, second) * 5:
        assert 401 == organiser_sign_in(client, "nope")
    restarted = TestClient(create_app(settings(tmp_path, REDIS)))
    assert 429 == organiser_sign_in(restarted, "nope")
    assert 429 == organiser_sign_in(restarted, "ORG")  # a browser that never signed in: not even the right one
    restarted.app.state.hall.limits.organisers.clear("quantri")  # type: ignore[attr-defined]
    assert 401 == organiser_sign_in(restarted, "nope")


@pytest.mark.parametrize("redis_url", [None, REDIS, "redis://127.0.0.1:1/0"], ids=["memory", "redis", "redis-down"])
def test_a_guessed_card_locks_only_that_card(redis_url: str | None) -> None:
    """Card 17's limit is spent; card 18 of the same round, and card 17 of another round, are untouched."""
    limiter = Limiter(f"test-{uuid.uuid4().hex}", 3, 600, redis_url)
    s1, s2 = "ab" * 32, "cd" * 32  # two cards' public credentials
    r1, r2 = b"\x01" * 32, b"\x02" * 32  # the two rounds' limiter secrets
    assert [True, True, True, False] == [limiter.hit(card_key("r1", s1, r1)) for _ in range(4)]
    assert limiter.hit(card_key("r1", s2, r1)) and limiter.hit(card_key("r2", s1, r2))
    limiter.clear(card_key("r1", s1, r1))
    assert limiter.hit(card_key("r1", s1, r1))


def test_a_card_key_holds_no_secret_and_not_the_card() -> None:
    """The limiter's key is the round and an HMAC of the card's public credential under the round's secret:
    neither the card's secret nor its S (listed in the record) is in it, and another secret gives another key."""
    from tinnhiem.crypto.credentials import public_credential

    credential = public_credential("r1", "K7QX-9MPA-2345-ABCD-EFGH").hex()
    key = card_key("r1", credential, b"\x01" * 32)
    assert key.startswith("r1:") and "K7QX" not in key and credential not in key
    assert key != card_key("r1", credential, b"\x02" * 32)


@pytest.mark.parametrize("redis_url", [None, REDIS], ids=["memory", "redis"])
def test_closing_forgets_a_rounds_cards_only(redis_url: str | None) -> None:
    """``forget("r1:")`` (at closing) drops round r1's counts, in Redis and in memory; round r10's and r2's stay."""
    from tinnhiem.web.limiter import round_prefix

    limiter = Limiter(f"test-{uuid.uuid4().hex}", 2, 600, redis_url)
    secret = b"\x03" * 32
    keys = {r: card_key(r, "ab" * 32, secret) for r in ("r1", "r10", "r2")}
    for key in keys.values():
        assert [True, True, False] == [limiter.hit(key) for _ in range(3)]
    limiter.forget(round_prefix("r1"))
    assert limiter.hit(keys["r1"])
    assert not limiter.hit(keys["r10"]) and not limiter.hit(keys["r2"])
