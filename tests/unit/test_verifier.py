"""The verifier fails, naming the check, on every kind of tampering (docs/protocol.md §12)."""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pytest

from tinnhiem.crypto.errors import VerificationError
from tinnhiem.crypto.manifest import Manifest
from tinnhiem.crypto.record import to_json
from tinnhiem.crypto.verify import CHECKS, verify
from tinnhiem.i18n import message
from tinnhiem.testing.simulate import random_choices, simulate

MANIFEST = Manifest("tamper", ("Nguyễn Văn Một", "Trần Thị Hai", "Lê Văn Ba"), ("cao", "tin_nhiem", "thap"), 8)
CHOICES = random_choices(MANIFEST, 6, seed=3, empty_rate=0.2)


@pytest.fixture(scope="module")
def record() -> dict[str, Any]:
    return to_json(simulate(MANIFEST, CHOICES, members=3, threshold=2, decrypting=[1, 3], spoil=2, seed=5))


def test_honest_record_verifies_with_the_right_counts(record: dict[str, Any]) -> None:
    """The counts decrypted are the counts cast, and empty rows are counted per subject (R-VALID-2)."""
    verified = verify(record)
    expected = tuple(tuple(sum(1 for b in CHOICES if b[j] == level) for level in range(3)) for j in range(3))
    empty = tuple(sum(1 for b in CHOICES if b[j] is None) for j in range(3))
    assert (6, 2, expected, empty, (1, 3)) == (
        verified.ballots, verified.spoiled, verified.counts, verified.empty, verified.decrypting_members)


def flip_byte(text: str, index: int = 5) -> str:
    data = bytearray(bytes.fromhex(text))
    data[index] ^= 0x01
    return data.hex()


def drop_ballot(r: dict[str, Any], index: int = 2, recount: bool = True) -> None:
    """A ballot left out, its card voided as if it had cast nothing (else `cards-voided` catches it first)."""
    dropped = r["ballots"].pop(index)
    next(c for c in r["cards"]["list"] if c["credential"] == dropped["credential"]).update(void=True)
    r["tally"]["ballots"] -= recount


def duplicate_ballot(r: dict[str, Any]) -> None:
    r["ballots"].append(copy.deepcopy(r["ballots"][0]))
    r["tally"]["ballots"] += 1


def copy_a_row(r: dict[str, Any]) -> None:
    r["ballots"][1]["rows"][0] = copy.deepcopy(r["ballots"][0]["rows"][0])


def resign(r: dict[str, Any], index: int) -> None:
    """Recompute a ballot's code after a change (what a forger can do; the signature then fails)."""
    from tinnhiem.crypto.ballot import ballot_digest
    from tinnhiem.crypto.record import read_point

    b = r["ballots"][index]
    from tinnhiem.crypto.record import read_row  # the same reader the verifier uses

    digest = ballot_digest(bytes.fromhex(b["manifest_hash"]), read_point(b["credential"], "c"),
                           [read_row(row, "r") for row in b["rows"]])
    b["code"] = digest.hex()
    r["ballots"].sort(key=lambda x: x["code"])


def copy_a_row_and_fix_the_code(r: dict[str, Any]) -> None:
    copy_a_row(r)
    resign(r, 1)


def use_a_void_card(r: dict[str, Any]) -> None:
    void = next(c for c in r["cards"]["list"] if c["void"])
    used = next(c for c in r["cards"]["list"] if c["credential"] == r["ballots"][0]["credential"])
    void["void"], used["void"] = False, True


def second_ballot_same_card(r: dict[str, Any]) -> None:
    r["ballots"][1]["credential"] = r["ballots"][0]["credential"]
    resign(r, 1)


def copy_signature(r: dict[str, Any]) -> None:
    r["ballots"][1]["signature"] = copy.deepcopy(r["ballots"][0]["signature"])


def swap_spoiled_codes(r: dict[str, Any]) -> None:
    a, b = r["spoiled"][0]["ballot"], r["spoiled"][1]["ballot"]
    a["code"], b["code"] = b["code"], a["code"]


CASES: list[tuple[str, Callable[[dict[str, Any]], None], str]] = [
    ("one byte of one ciphertext", lambda r: r["ballots"][3]["rows"][1].update(beta=flip_byte(r["ballots"][3]["rows"][1]["beta"])), "encoding|tracking-code"),
    ("one byte of a proof", lambda r: r["ballots"][0]["rows"][2]["z"].__setitem__(1, flip_byte(r["ballots"][0]["rows"][2]["z"][1], 0)), "tracking-code"),
    ("a ballot dropped", drop_ballot, "tally-sum"),
    ("a ballot dropped, count kept", lambda r: drop_ballot(r, 0, recount=False), "ballot-count"),
    ("a ballot dropped, its card left live", lambda r: r["ballots"].pop(0), "cards-voided"),
    ("a ballot duplicated", duplicate_ballot, "order"),
    ("a row copied from another ballot", copy_a_row, "tracking-code"),
    ("a row copied, code recomputed", copy_a_row_and_fix_the_code, "ballot-signature"),
    ("a count changed", lambda r: r["decryption"][1]["counts"].__setitem__(0, r["decryption"][1]["counts"][0] + 1), "plaintext"),
    ("a total changed", lambda r: r["decryption"][0].update(total=r["decryption"][0]["total"] + 1), "plaintext"),
    ("a decryption share changed", lambda r: r["decryption"][2]["shares"][0].update(M=r["decryption"][1]["shares"][0]["M"]), "decryption-proof"),
    ("too few decrypting members", lambda r: r["decryption"][0]["shares"].pop(), "decryption-quorum"),
    ("a member decrypting twice", lambda r: r["decryption"][0]["shares"].__setitem__(1, r["decryption"][0]["shares"][0]), "decryption-members"),
    ("the joint key changed", lambda r: r.update(joint_key=r["committee"]["commitments"][0]["K"][0]), "joint-key"),
    ("a member's commitment changed", lambda r: r["committee"]["commitments"][1]["K"].__setitem__(1, r["committee"]["commitments"][0]["K"][1]), "coefficient-proof"),
    ("the manifest changed", lambda r: r["manifest"]["subjects"].__setitem__(0, "Người Khác"), "manifest-hash"),
    ("the tally sum changed", lambda r: r["tally"]["rows"][0].update(alpha=r["tally"]["rows"][1]["alpha"]), "tally-sum"),
    ("a spoiled ballot opened wrongly", lambda r: r["spoiled"][0]["values"].__setitem__(0, 0 if r["spoiled"][0]["values"][0] else 1), "spoiled-opening"),
    ("a tracking code changed", lambda r: r["ballots"][0].update(code="a" * 64), "tracking-code"),
    # Issue: the record's checks.
    ("a spoiled ballot's code changed", lambda r: r["spoiled"][0]["ballot"].update(code="0" * 64), "spoiled-code"),
    ("two spoiled codes swapped", swap_spoiled_codes, "spoiled-code"),
    ("an extra key in the manifest", lambda r: r["manifest"].update(note="x"), "format"),
    ("an extra field on a ballot", lambda r: r["ballots"][0].update(note="sold to X"), "format"),
    ("an extra field on a row", lambda r: r["ballots"][0]["rows"][0].update(note="x"), "format"),
    ("an extra field at the top", lambda r: r.update(note="x"), "format"),
    ("another level list", lambda r: r["manifest"].update(levels=["cao", "thap", "tin_nhiem"]), "levels"),
    ("an α in upper case", lambda r: r["ballots"][0]["rows"][0].update(alpha=r["ballots"][0]["rows"][0]["alpha"].upper()), "encoding"),
    ("2^70 members", lambda r: r["committee"].update(members=2**70), "bounds"),
    ("a negative count", lambda r: r["decryption"][0]["counts"].__setitem__(0, -1), "bounds"),
    ("a boolean for an integer", lambda r: r["tally"].update(ballots=True), "format"),
    ("threshold 1", lambda r: r["committee"].update(threshold=1), "threshold"),
    # Issue: anonymous cards.
    ("a made-up card", lambda r: r["cards"]["list"].pop(next(i for i, c in enumerate(r["cards"]["list"]) if c["credential"] == r["ballots"][0]["credential"])), "ballot-credential"),
    ("a void card", use_a_void_card, "ballot-credential"),
    ("a second ballot with one card", second_ballot_same_card, "credential-reuse"),
    ("a signature copied from another ballot", copy_signature, "ballot-signature"),
    ("a card that cast nothing left live after closing", lambda r: next(c for c in r["cards"]["list"] if c["void"]).update(void=False), "cards-voided"),
    ("more ballots than cards handed out", lambda r: r["cards"].update(issued=5), "ballots-over-cards"),
    ("more cards handed out than listed", lambda r: r["cards"].update(issued=99), "cards-issued"),
    ("no count of cards handed out once closed", lambda r: r["cards"].update(issued=None), "cards-issued"),
    ("cards out of order", lambda r: r["cards"]["list"].reverse(), "order"),
    ("ballots out of order", lambda r: r["ballots"].reverse(), "order"),
    ("the count left out", lambda r: r.update(tally=None, decryption=None, state="closed"), "complete"),
    ("a count while voting is open", lambda r: r.update(state="open"), "format"),
    ("a total of 2^63", lambda r: r["decryption"][0].update(total=2**63), "bounds"),
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
    assert caught.value.code in codes.split("|"), message(caught.value, "en")
    assert caught.value.code in CHECKS  # every failure is one of §12's named checks


def test_a_ballot_from_another_round_is_refused(record: dict[str, Any]) -> None:
    """A ballot bound to another manifest fails even with valid proofs of its own (§6.1)."""
    other = to_json(simulate(replace(MANIFEST, round_id="other"), CHOICES[:1], seed=9))
    tampered = copy.deepcopy(record)
    card = next(c for c in tampered["cards"]["list"] if c["credential"] == tampered["ballots"][0]["credential"])
    card["credential"] = other["ballots"][0]["credential"]
    tampered["cards"]["list"].sort(key=lambda c: c["credential"])
    tampered["ballots"][0] = other["ballots"][0]
    tampered["ballots"].sort(key=lambda b: b["code"])
    with pytest.raises(VerificationError) as caught:
        verify(tampered)
    assert "ballot-round" == caught.value.code


def test_more_ballots_than_max_ballots_is_refused_not_wrapped() -> None:
    """N = max_ballots + 1: the base-B digits would wrap (4 votes "cao" read as [1, 1, 0]); refused."""
    small = replace(MANIFEST, max_ballots=3)
    tampered = to_json(simulate(small, [[0, 0, 0]] * 4, spoil=0, seed=2))
    with pytest.raises(VerificationError) as caught:
        verify(tampered)
    assert "ballot-limit" == caught.value.code


def test_threshold_one_is_refused_even_when_every_proof_holds() -> None:
    """§7's secrecy needs k ≥ 2: a record of a 1-of-3 committee fails its own check."""
    with pytest.raises(VerificationError) as caught:
        verify(to_json(simulate(MANIFEST, CHOICES, threshold=1, decrypting=[2], seed=4)))
    assert "threshold" == caught.value.code


def test_every_check_of_the_list_is_documented() -> None:
    """docs/protocol.md §12 lists every check the verifier runs, by its name."""
    from pathlib import Path

    text = (Path(__file__).resolve().parents[2] / "docs" / "protocol.md").read_text(encoding="utf-8")
    section = text.split("## 12.", 1)[1].split("\n## ", 1)[0]
    assert [] == [name for name in CHECKS if f"`{name}`" not in section]


def test_the_published_schemas_are_the_ones_the_server_uses() -> None:
    """docs/schema/ holds exactly what services/schemas.py validates with (regenerate: python -m tinnhiem.services.schemas)."""
    from pathlib import Path

    from tinnhiem.services.schemas import SCHEMAS, schema_text

    folder = Path(__file__).resolve().parents[2] / "docs" / "schema"
    assert {name: schema_text(model) for name, model in SCHEMAS.items()} == {
        name: (folder / name).read_text(encoding="utf-8") for name in SCHEMAS}


def test_the_schema_and_the_verifier_agree_on_honest_and_extended_records(record: dict[str, Any]) -> None:
    """An honest record passes the schema; an extra field anywhere fails the schema with `format`, naming it."""
    from tinnhiem.services.verification import verify_record

    assert 6 == verify_record(record).ballots
    tampered = copy.deepcopy(record)
    tampered["spoiled"][0]["ballot"]["rows"][0]["note"] = "x"
    with pytest.raises(VerificationError) as caught:
        verify_record(tampered)
    assert "format" == caught.value.code and "spoiled.0.ballot.rows.0.note" in message(caught.value, "en")


@pytest.mark.parametrize(("change", "check"), [
    (lambda r: r["committee"].update(threshold=1), "threshold"),
    (lambda r: r.update(state="open"), "format"),
    (lambda r: r["decryption"][0].update(total=2**63), "bounds"),
    (lambda r: r["ballots"][0]["rows"][0].update(alpha=r["ballots"][0]["rows"][0]["alpha"].upper()), "encoding"),
    (lambda r: r["committee"].update(members=2**70), "bounds"),
    (lambda r: r["manifest"].update(levels=["cao", "thap", "tin_nhiem"]), "levels"),
], ids=["k = 1", "a count while open", "2^63", "upper-case hex", "2^70 members", "levels"])
def test_the_schema_names_the_same_check_as_the_reader(record: dict[str, Any], change: Callable[[dict[str, Any]], None],
                                                       check: str) -> None:
    """`tinnhiem verify` (schema first) and the reader alone name the same check of §12 (an outside reviewer
    found k = 1 reported as `bounds` by the schema)."""
    from tinnhiem.services.verification import verify_record

    for run in (verify, verify_record):
        tampered = copy.deepcopy(record)
        change(tampered)
        with pytest.raises(VerificationError) as caught:
            run(tampered)
        assert check == caught.value.code, (run.__name__, message(caught.value, "en"))
