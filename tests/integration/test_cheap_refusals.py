"""From an outside review: a request the hall will refuse anyway costs it less than a delegate's ballot.

The attacker posts ballots (cast and challenge) that must fail: signed by a card nobody made, by a void
card, by a card that has voted, with a signature of another card, to a closed round. Each is refused by
name before a single row's proof is checked (the proofs are ~12 multiplications a row, 528 for 44 rows;
the card's lookup is one read and its signature two multiplications).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tinnhiem.crypto import ballot as ballot_module
from tinnhiem.crypto.ballot import SIGNATURE_TAG, ballot_digest, cast_ballot, encrypt_ballot
from tinnhiem.crypto.credentials import public_credential, sign, signing_key
from tinnhiem.crypto.record import ballot_json, encrypted_ballot_json, read_row, secrets_json
from tinnhiem.domain.errors import InvalidInput
from tinnhiem.services import cards, voting
from tinnhiem.storage.repository import SqlUnitOfWork
from tinnhiem.testing.simulate import seeded, seeded_bytes

from .test_voting import CODE, Hall

STRANGER = "ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ"  # a card nobody made


@pytest.fixture
def hall(uow: SqlUnitOfWork) -> Hall:
    return Hall(uow)


@pytest.fixture
def proofs_checked(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """How many rows' proofs the server checked (every call of the crypto's one-of-n check)."""
    checked = [0]
    real = ballot_module.verify_one_of

    def counting(*args: Any) -> bool:
        checked[0] += 1
        return real(*args)

    monkeypatch.setattr(ballot_module, "verify_one_of", counting)
    yield checked


def _posted(hall: Hall, card_text: str, seed: int, *, wrong_row: bool = True) -> dict[str, Any]:
    """A cast ballot made with ``card_text``; with ``wrong_row`` its 6th row's proof is broken and the card's
    signature made again over it (so only the proof is wrong: the review's 'row 6 proof wrong')."""
    s = signing_key(CODE, card_text)
    data = ballot_json(cast_ballot(hall.manifest, hall.election, hall.key, [0] * 12, s, seeded(seed),
                                   seeded_bytes(seed))[0])
    if wrong_row:
        data["rows"][5]["z"][0] = data["rows"][5]["z"][1]
        return _resigned(data, s)
    return data


def _resigned(data: dict[str, Any], s: int) -> dict[str, Any]:
    """The ballot with its code and signature made again over its (tampered) rows: a card holder's forgery."""
    rows = tuple(read_row(r, f"rows.{i}") for i, r in enumerate(data["rows"]))
    credential = bytes.fromhex(data["credential"])
    digest = ballot_digest(bytes.fromhex(data["election"]), bytes.fromhex(data["nonce"]), rows)
    signature = sign(s, credential, SIGNATURE_TAG, digest, seeded(5))
    return data | {"code": digest.hex(), "signature": {"c": signature.challenge.to_bytes(32, "little").hex(),
                                                      "z": signature.response.to_bytes(32, "little").hex()}}


def _refused(call: Any, *args: Any) -> InvalidInput:
    with pytest.raises(InvalidInput) as caught:
        call(*args)
    return caught.value


def test_an_unknown_void_or_used_card_is_refused_before_any_proof(uow: SqlUnitOfWork, hall: Hall,
                                                                  proofs_checked: list[int]) -> None:
    """A challenge names no card (protocol 3): these refusals are the cast's."""
    assert "card-unknown" == _refused(voting.cast, uow, CODE, _posted(hall, STRANGER, 1)).code
    cards.void(uow, CODE, [public_credential(CODE, hall.cards[44]).hex()], member="Hà Văn Tâm")
    assert "card-void" == _refused(voting.cast, uow, CODE, _posted(hall, hall.cards[44], 2)).code
    assert 0 == proofs_checked[0]
    voting.cast(uow, CODE, hall.ballot(3, [2] * 12, seed=13))  # the delegate's own ballot: every row checked
    assert 12 == proofs_checked[0]
    assert "card-used" == _refused(voting.cast, uow, CODE, _posted(hall, hall.cards[3], 3)).code
    assert 12 == proofs_checked[0]


def test_a_signature_of_another_card_is_refused_before_any_proof(uow: SqlUnitOfWork, hall: Hall,
                                                                 proofs_checked: list[int]) -> None:
    data = _posted(hall, hall.cards[4], 4, wrong_row=False)
    data["signature"] = hall.ballot(5, [0] * 12, seed=16)["signature"]
    refused = _refused(voting.cast, uow, CODE, data)
    assert "ballot-refused" == refused.code and "ballot-signature" == refused.params["reason"].code
    assert 0 == proofs_checked[0]


def test_a_ballot_of_another_election_is_refused_before_any_proof(uow: SqlUnitOfWork, hall: Hall,
                                                                  proofs_checked: list[int]) -> None:
    """Cast or challenged: a ballot bound to another E costs one read."""
    other = bytes.fromhex("ab" * 32)
    data = ballot_json(cast_ballot(hall.manifest, other, hall.key, [0] * 12, signing_key(CODE, hall.cards[8]),
                                   seeded(8), seeded_bytes(8))[0])
    refused = _refused(voting.cast, uow, CODE, data)
    assert "ballot-refused" == refused.code and "ballot-round" == refused.params["reason"].code
    encrypted, opened = encrypt_ballot(hall.manifest, other, hall.key, [0] * 12, seeded(9), seeded_bytes(9))
    spoiled = {"ballot": encrypted_ballot_json(encrypted)} | secrets_json(opened)
    refused = _refused(voting.challenge, uow, CODE, spoiled)
    assert "ballot-refused" == refused.code and "ballot-round" == refused.params["reason"].code
    assert 0 == proofs_checked[0]


def test_a_retry_of_a_stored_ballot_gets_its_code_without_a_second_check(uow: SqlUnitOfWork, hall: Hall,
                                                                         proofs_checked: list[int]) -> None:
    first = hall.ballot(1, [0] * 12, seed=2)
    code = voting.cast(uow, CODE, first).code
    assert code == voting.cast(uow, CODE, first).code and 12 == proofs_checked[0]


def test_a_wrong_proof_by_a_listed_card_is_still_refused(uow: SqlUnitOfWork, hall: Hall,
                                                         proofs_checked: list[int]) -> None:
    """The cheap checks come first; the whole check still follows for a card that may vote."""
    refused = _refused(voting.cast, uow, CODE, _posted(hall, hall.cards[6], 6))
    assert "ballot-refused" == refused.code and "ballot-proof" == refused.params["reason"].code
    assert 0 < proofs_checked[0] <= 12


@pytest.mark.parametrize("action", ["cast", "challenge"])
def test_a_closed_round_is_refused_before_any_proof(uow: SqlUnitOfWork, hall: Hall, proofs_checked: list[int],
                                                    action: str) -> None:
    data = _posted(hall, hall.cards[7], 7) if action == "cast" else hall.spoiled([0] * 12, seed=7)[1]
    voting.close_voting(uow, CODE)
    refused = _refused(voting.cast if action == "cast" else voting.challenge, uow, CODE, data)
    assert "voting-not-open" == refused.code and 0 == proofs_checked[0]
