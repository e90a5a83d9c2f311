"""The verifier fails, naming the check, on every kind of tampering (docs/protocol.md §12)."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

from tinnhiem.crypto.errors import VerificationError
from tinnhiem.crypto.manifest import Manifest
from tinnhiem.crypto.record import to_json
from tinnhiem.crypto.verify import verify
from tinnhiem.testing.simulate import random_choices, simulate

MANIFEST = Manifest("tamper", ("Nguyễn Văn Một", "Trần Thị Hai", "Lê Văn Ba"), ("cao", "tin_nhiem", "thap"), 8)
CHOICES = random_choices(MANIFEST, 6, seed=3, empty_rate=0.2)


@pytest.fixture(scope="module")
def record() -> dict[str, Any]:
    return to_json(simulate(MANIFEST, CHOICES, members=3, threshold=2, decrypting=[1, 3], spoil=1, seed=5))


def test_honest_record_verifies_with_the_right_counts(record: dict[str, Any]) -> None:
    """The counts decrypted are the counts cast, and empty rows are counted per subject (R-VALID-2)."""
    verified = verify(record)
    expected = tuple(tuple(sum(1 for b in CHOICES if b[j] == level) for level in range(3)) for j in range(3))
    empty = tuple(sum(1 for b in CHOICES if b[j] is None) for j in range(3))
    assert (6, 1, expected, empty, (1, 3)) == (
        verified.ballots, verified.spoiled, verified.counts, verified.empty, verified.decrypting_members)


def flip_byte(text: str, index: int = 5) -> str:
    data = bytearray(bytes.fromhex(text))
    data[index] ^= 0x01
    return data.hex()


def drop_ballot(r: dict[str, Any]) -> None:
    r["ballots"].pop(2)
    r["tally"]["ballots"] -= 1


def duplicate_ballot(r: dict[str, Any]) -> None:
    r["ballots"].append(copy.deepcopy(r["ballots"][0]))
    r["tally"]["ballots"] += 1


def copy_a_row(r: dict[str, Any]) -> None:
    r["ballots"][1]["rows"][0] = copy.deepcopy(r["ballots"][0]["rows"][0])


def copy_a_row_and_fix_the_code(r: dict[str, Any]) -> None:
    from tinnhiem.crypto.record import from_json

    copy_a_row(r)
    r["ballots"][1]["code"] = from_json(r).ballots[1].code


CASES: list[tuple[str, Callable[[dict[str, Any]], None], str]] = [
    ("one byte of one ciphertext", lambda r: r["ballots"][3]["rows"][1].update(beta=flip_byte(r["ballots"][3]["rows"][1]["beta"])), "bad-format|ballot-proof"),
    ("one byte of a proof", lambda r: r["ballots"][0]["rows"][2]["z"].__setitem__(1, flip_byte(r["ballots"][0]["rows"][2]["z"][1], 0)), "ballot-proof|tracking-code"),
    ("a ballot dropped", drop_ballot, "tally-sum"),
    ("a ballot dropped, count kept", lambda r: r["ballots"].pop(0), "ballot-count"),
    ("a ballot duplicated", duplicate_ballot, "duplicate"),
    ("a row copied from another ballot", copy_a_row, "tracking-code"),
    ("a row copied, code recomputed", copy_a_row_and_fix_the_code, "duplicate"),
    ("a count changed", lambda r: r["decryption"][1]["counts"].__setitem__(0, r["decryption"][1]["counts"][0] + 1), "plaintext"),
    ("a total changed", lambda r: r["decryption"][0].update(total=r["decryption"][0]["total"] + 1), "plaintext"),
    ("a decryption share changed", lambda r: r["decryption"][2]["shares"][0].update(M=r["decryption"][1]["shares"][0]["M"]), "decryption-proof"),
    ("too few decrypting members", lambda r: r["decryption"][0]["shares"].pop(), "decryption-quorum"),
    ("the joint key changed", lambda r: r.update(joint_key=r["committee"]["commitments"][0]["K"][0]), "joint-key"),
    ("a member's commitment changed", lambda r: r["committee"]["commitments"][1]["K"].__setitem__(1, r["committee"]["commitments"][0]["K"][1]), "coefficient-proof"),
    ("the manifest changed", lambda r: r["manifest"]["subjects"].__setitem__(0, "Người Khác"), "manifest-hash"),
    ("the tally sum changed", lambda r: r["tally"]["rows"][0].update(alpha=r["tally"]["rows"][1]["alpha"]), "tally-sum"),
    ("a spoiled ballot opened wrongly", lambda r: r["spoiled"][0]["values"].__setitem__(0, 0 if r["spoiled"][0]["values"][0] else 1), "spoiled"),
    ("a tracking code changed", lambda r: r["ballots"][0].update(code="AAAA-AAAA-AAAA-AAAA"), "tracking-code"),
]


@pytest.mark.parametrize(("label", "change", "codes"), CASES, ids=[c[0] for c in CASES])
def test_tampering_fails_and_names_the_check(
    record: dict[str, Any], label: str, change: Callable[[dict[str, Any]], None], codes: str
) -> None:
    """Each change makes verification fail with the check that catches it."""
    tampered = copy.deepcopy(record)
    change(tampered)
    with pytest.raises(VerificationError) as caught:
        verify(tampered)
    assert caught.value.code in codes.split("|"), caught.value.message("en")


def test_a_ballot_from_another_round_is_refused(record: dict[str, Any]) -> None:
    """A ballot bound to another manifest fails even with valid proofs of its own (§6.1)."""
    from dataclasses import replace

    other = to_json(simulate(replace(MANIFEST, round_id="other"), CHOICES[:1], seed=9))
    tampered = copy.deepcopy(record)
    tampered["ballots"][0] = other["ballots"][0]
    with pytest.raises(VerificationError) as caught:
        verify(tampered)
    assert "ballot-round" == caught.value.code
