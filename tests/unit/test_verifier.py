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
from tinnhiem.testing.simulate import (
    Simulated,
    random_choices,
    seeded_nonce,
    sign_as_committee,
    simulate,
    simulate_keyed,
)

MANIFEST = Manifest("tamper", ("Nguyễn Văn Một", "Trần Thị Hai", "Lê Văn Ba"), ("cao", "tin_nhiem", "thap"), 8,
                    seeded_nonce(1))
CHOICES = random_choices(MANIFEST, 6, seed=3, empty_rate=0.2)


@pytest.fixture(scope="module")
def simulated() -> Simulated:
    return simulate_keyed(MANIFEST, CHOICES, members=3, threshold=2, decrypting=[1, 3], spoil=2, seed=5, paper=2)


@pytest.fixture(scope="module")
def record(simulated: Simulated) -> dict[str, Any]:
    return to_json(simulated.record)


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

    b = r["ballots"][index]
    from tinnhiem.crypto.record import read_row  # the same reader the verifier uses

    digest = ballot_digest(bytes.fromhex(b["election"]), bytes.fromhex(b["nonce"]),
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


def own_cards(r: dict[str, Any], restate: bool) -> None:
    """From an outside review: the server lists two cards of its own and raises issued (and the electronic check-ins) by two;
    with ``restate`` it also writes the E its new list gives."""
    from tinnhiem.crypto.group import base_mul
    from tinnhiem.crypto.record import from_json
    from tinnhiem.crypto.verify import recomputed_election

    r["cards"]["list"] += [{"credential": base_mul(1000 + i).hex(), "void": True} for i in range(2)]
    r["cards"]["list"].sort(key=lambda c: c["credential"])
    r["cards"]["issued"] += 2
    r["checkins"]["electronic"] += 2
    if restate:
        r["election"] = recomputed_election(from_json(r)).hex()


def spoiled_ballot_counted(r: dict[str, Any]) -> None:
    """A challenged ballot moved among the cast ones, given a void card and another ballot's signature."""
    spoiled = r["spoiled"].pop(0)
    card = next(c for c in r["cards"]["list"] if c["void"])
    card["void"] = False
    r["ballots"].append(spoiled["ballot"] | {"credential": card["credential"],
                                             "signature": copy.deepcopy(r["ballots"][0]["signature"])})
    r["ballots"].sort(key=lambda b: b["code"])
    r["cards"]["issued"] += 1
    r["checkins"]["electronic"] += 1


def relabel_signature(r: dict[str, Any], where: str, member: int) -> None:
    signatures = r["cards"]["signatures"] if where == "cards" else r["closing"]["signatures"]
    signatures[-1]["member"] = member


CASES: list[tuple[str, Callable[[dict[str, Any]], None], str]] = [
    ("one byte of one ciphertext", lambda r: r["ballots"][3]["rows"][1].update(beta=flip_byte(r["ballots"][3]["rows"][1]["beta"])), "encoding|tracking-code"),
    ("one byte of a proof", lambda r: r["ballots"][0]["rows"][2]["z"].__setitem__(1, flip_byte(r["ballots"][0]["rows"][2]["z"][1], 0)), "tracking-code"),
    ("a ballot dropped", drop_ballot, "closing"),  # the committee's statement counted it
    ("a ballot dropped, count kept", lambda r: drop_ballot(r, 0, recount=False), "closing"),
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
    ("a tracking code changed", lambda r: r["ballots"][0].update(code=flip_byte(r["ballots"][0]["code"], 31)),
     "tracking-code"),
    ("a tracking code changed out of order", lambda r: r["ballots"][0].update(code="f" * 64), "order"),
    # Issue: the record's checks.
    ("a spoiled ballot's code changed", lambda r: r["spoiled"][0]["ballot"].update(code="0" * 64), "spoiled-code"),
    ("two spoiled codes swapped", swap_spoiled_codes, "order"),
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
    ("a card left out of the list", lambda r: r["cards"]["list"].pop(next(i for i, c in enumerate(r["cards"]["list"]) if c["credential"] == r["ballots"][0]["credential"])), "election"),
    ("a void card", use_a_void_card, "ballot-credential"),
    ("a second ballot with one card", second_ballot_same_card, "credential-reuse"),
    ("a signature copied from another ballot", copy_signature, "ballot-signature"),
    ("a card that cast nothing left live after closing", lambda r: next(c for c in r["cards"]["list"] if c["void"]).update(void=False), "cards-voided"),
    ("more ballots than cards handed out", lambda r: (r["cards"].update(issued=5), r["checkins"].update(electronic=5)), "ballots-over-cards"),
    ("cards handed out not the electronic check-ins", lambda r: r["cards"].update(issued=5), "checkins"),
    ("more cards handed out than listed", lambda r: r["cards"].update(issued=99), "cards-issued"),
    ("no count of cards handed out once closed", lambda r: r["cards"].update(issued=None), "cards-issued"),
    ("cards out of order", lambda r: r["cards"]["list"].reverse(), "order"),
    ("ballots out of order", lambda r: r["ballots"].reverse(), "order"),
    ("the count left out", lambda r: r.update(tally=None, decryption=None, state="closed"), "complete"),
    ("a count while voting is open", lambda r: r.update(state="open"), "format"),
    ("a total of 2^63", lambda r: r["decryption"][0].update(total=2**63), "bounds"),
    # From an outside review: what the committee signs (protocol 3).
    ("the server's own cards, issued raised", lambda r: own_cards(r, restate=False), "election"),
    ("the server's own cards, issued raised, E restated", lambda r: own_cards(r, restate=True), "card-signatures"),
    ("the election's identity changed", lambda r: r.update(election=flip_byte(r["election"])), "election"),
    ("the receipt key changed", lambda r: r.update(receipt_key=r["joint_key"]), "election"),
    ("the manifest's nonce changed", lambda r: r["manifest"].update(election_nonce="0" * 64), "manifest-hash"),
    ("no identity once closed", lambda r: r.update(election=None), "election"),
    ("the card list signed by fewer than k", lambda r: r["cards"]["signatures"].pop(), "card-signatures"),
    ("a card list signature relabelled to another member", lambda r: relabel_signature(r, "cards", 3), "card-signatures"),
    ("a card list signature by member 4 of 3", lambda r: relabel_signature(r, "cards", 4), "card-signatures"),
    ("one member's card list signature twice", lambda r: r["cards"]["signatures"].append(r["cards"]["signatures"][-1]), "order"),
    ("no check-ins once closed", lambda r: r.update(checkins=None), "checkins"),
    ("the closing statement's N raised", lambda r: r["closing"].update(ballots=r["closing"]["ballots"] + 1), "closing"),
    ("the closing statement's list hash changed", lambda r: r["closing"].update(list_hash=flip_byte(r["closing"]["list_hash"])), "closing"),
    ("the closing statement signed by fewer than k", lambda r: r["closing"]["signatures"].pop(), "closing"),
    ("a closing signature relabelled", lambda r: relabel_signature(r, "closing", 3), "closing"),
    ("the paper check-ins changed after the committee signed", lambda r: r["checkins"].update(paper=r["checkins"]["paper"] + 1), "closing"),
    ("issued and check-ins raised together after the committee signed", lambda r: (r["cards"].update(issued=7), r["checkins"].update(electronic=7)), "closing"),
    ("no closing statement once closed", lambda r: r.update(closing=None), "closing"),
    ("a spoiled ballot naming a card", lambda r: r["spoiled"][0]["ballot"].update(credential=r["ballots"][0]["credential"]), "format"),
    ("a spoiled ballot counted with a void card", spoiled_ballot_counted, "ballot-signature"),
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


# Changes that a dishonest committee (k members) would have to sign: they reach the checks after the
# committee's signatures, so each of those checks is exercised on its own.
SIGNED: list[tuple[str, Callable[[dict[str, Any]], None], str]] = [
    ("a ballot dropped before the committee counted", drop_ballot, "tally-sum"),
    ("a ballot dropped, count kept", lambda r: drop_ballot(r, 0, recount=False), "ballot-count"),
    ("a made-up card", lambda r: r["cards"]["list"].pop(next(i for i, c in enumerate(r["cards"]["list"]) if c["credential"] == r["ballots"][0]["credential"])), "ballot-credential"),
    ("a row copied, code recomputed", copy_a_row_and_fix_the_code, "ballot-signature"),
    ("a second ballot with one card", second_ballot_same_card, "credential-reuse"),
]


@pytest.mark.parametrize(("label", "change", "code"), SIGNED, ids=[c[0] for c in SIGNED])
def test_checks_after_the_signatures_hold_on_their_own(
    simulated: Simulated, record: dict[str, Any], label: str, change: Callable[[dict[str, Any]], None], code: str
) -> None:
    """With E, the card list and the closing statement re-signed by k members, the later check still names
    the change; and the honest record re-signed the same way still verifies (the helper changes nothing else)."""
    honest = copy.deepcopy(record)
    sign_as_committee(honest, simulated.keyed, [2, 3])
    assert 6 == verify(honest).ballots
    tampered = copy.deepcopy(record)
    change(tampered)
    sign_as_committee(tampered, simulated.keyed, [1, 2])
    with pytest.raises(VerificationError) as caught:
        verify(tampered)
    assert code == caught.value.code, message(caught.value, "en")


def test_a_ballot_from_another_election_is_refused(simulated: Simulated, record: dict[str, Any]) -> None:
    """A ballot bound to another election (its own E) fails even with valid proofs and a listed card (§7.1)."""
    other = to_json(simulate(replace(MANIFEST, election_nonce=seeded_nonce(2)), CHOICES[:1], seed=9))
    tampered = copy.deepcopy(record)
    card = next(c for c in tampered["cards"]["list"] if c["credential"] == tampered["ballots"][0]["credential"])
    card["credential"] = other["ballots"][0]["credential"]
    tampered["cards"]["list"].sort(key=lambda c: c["credential"])
    tampered["ballots"][0] = other["ballots"][0]
    tampered["ballots"].sort(key=lambda b: b["code"])
    with pytest.raises(VerificationError) as caught:
        verify(tampered)
    assert "election" == caught.value.code
    sign_as_committee(tampered, simulated.keyed, [1, 3])
    with pytest.raises(VerificationError) as caught:
        verify(tampered)
    assert "ballot-round" == caught.value.code


def test_a_dropped_ballot_with_its_receipt_is_reported(simulated: Simulated, record: dict[str, Any]) -> None:
    """From an outside review: the server drops a cast ballot before closing and voids its card; the committee counts what it
    is shown. The record verifies, but the delegate's receipt (signed by the server's r) names the check
    `receipt`; a receipt of a ballot that is there, or a forged one, does not."""
    from tinnhiem.crypto.election import sign_receipt
    from tinnhiem.crypto.record import from_json, read_receipt, receipt_json
    from tinnhiem.crypto.verify import receipt_findings
    from tinnhiem.testing.simulate import seeded

    election = bytes.fromhex(record["election"])
    dropped_code, kept_code = record["ballots"][2]["code"], record["ballots"][0]["code"]
    receipt = sign_receipt(simulated.receipt_secret, election, bytes.fromhex(dropped_code), seeded(1))
    kept = sign_receipt(simulated.receipt_secret, election, bytes.fromhex(kept_code), seeded(2))
    forged = sign_receipt(12345, election, bytes.fromhex(dropped_code), seeded(3))  # not the server's r
    assert read_receipt(receipt_json(receipt)) == receipt
    tampered = copy.deepcopy(record)
    drop_ballot(tampered)
    sign_as_committee(tampered, simulated.keyed, [1, 2])
    tampered.update(tally=None, decryption=None, state="closed")  # a receipt is checked before the count
    with pytest.raises(VerificationError) as caught:
        verify(tampered, receipts=[kept, forged, receipt])
    assert ("receipt", {"ballot": dropped_code}) == (caught.value.code, caught.value.params)
    assert ["in-record", "invalid", "missing"] == receipt_findings(from_json(tampered), [kept, forged, receipt])
    assert 6 == verify(record, receipts=[kept, forged]).ballots


def test_the_challenge_limit_is_checked() -> None:
    """An outside review found four challenges on one card accepted. A spoiled ballot now names no card, so "four on one
    card" cannot be written; what remains checkable is the round's limit: at most 3 per card listed."""
    one_card = simulate(MANIFEST, CHOICES[:1], spoil=3, void=0, seed=6)
    assert 3 == verify(to_json(one_card)).spoiled
    with pytest.raises(VerificationError) as caught:
        verify(to_json(simulate(MANIFEST, CHOICES[:1], spoil=4, void=0, seed=6)))
    assert ("challenge-limit", {"spoiled": 4, "limit": 3}) == (caught.value.code, caught.value.params)


def test_checks_run_in_the_order_listed(record: dict[str, Any]) -> None:
    """Two faults at once: the one earlier in §12's list is named (an outside review: `tracking-code` was named before
    `order`; ballot checks run ballot by ballot)."""
    tampered = copy.deepcopy(record)
    tampered["ballots"][1]["code"] = flip_byte(tampered["ballots"][1]["code"], 31)  # tracking-code
    tampered["cards"]["list"].reverse()  # order
    with pytest.raises(VerificationError) as caught:
        verify(tampered)
    assert "order" == caught.value.code
    # Ballot by ballot: the first faulty ballot in the record's order is named, whatever its fault (a bad proof
    # is not passed over for a bad signature further on, as a check-by-check run would).
    tampered = copy.deepcopy(record)
    proof_fault = sign_with_card(tampered, 0, lambda b: b["rows"][0]["z"].reverse())
    position = [b["code"] for b in tampered["ballots"]].index(proof_fault)
    last = len(tampered["ballots"]) - 1
    other = last if position < last else 0  # with this seed: the bad proof is ballot 3 of 6, the bad signature 6
    tampered["ballots"][other]["signature"] = copy.deepcopy(tampered["ballots"][position]["signature"])
    with pytest.raises(VerificationError) as caught:
        verify(tampered)
    first = min(position, other)
    expected = "ballot-proof" if first == position else "ballot-signature"
    assert (expected, tampered["ballots"][first]["code"]) == (caught.value.code, caught.value.params["ballot"])


def sign_with_card(r: dict[str, Any], index: int, change: Callable[[dict[str, Any]], None]) -> str:
    """Change ballot ``index``, recompute its code and sign it again with its own card (the cards of simulate()
    are reproducible): a ballot whose only fault is what ``change`` did. Returns its new code."""
    from tinnhiem.crypto.ballot import SIGNATURE_TAG
    from tinnhiem.crypto.credentials import public_credential, sign
    from tinnhiem.crypto.credentials import signing_key as key_of
    from tinnhiem.crypto.record import signature_json
    from tinnhiem.testing.simulate import seeded, seeded_cards

    b = r["ballots"][index]
    change(b)
    resign(r, index)
    cards = {public_credential(MANIFEST.round_id, c).hex(): c for c in seeded_cards(MANIFEST.round_id, 8, 5)}
    code = next(x["code"] for x in r["ballots"] if x is b)
    secret = key_of(MANIFEST.round_id, cards[b["credential"]])
    b["signature"] = signature_json(sign(secret, bytes.fromhex(b["credential"]), SIGNATURE_TAG, bytes.fromhex(code),
                                         seeded(4)))
    return code


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


@pytest.mark.parametrize(("change", "field", "low", "high"), [
    (lambda r: r["cards"].update(issued=-1), "cards.issued", 0, 200000),
    (lambda r: r["committee"].update(members=2**70), "committee.members", 1, 64),
    (lambda r: r["decryption"][0]["counts"].extend([1, 1]), "decryption.0.counts", 2, 3),
    (lambda r: r["decryption"][0]["shares"].clear(), "decryption.0.shares", 1, 64),
    (lambda r: r["closing"].update(ballots=-1), "closing.ballots", 0, 100001),
    (lambda r: r["checkins"].update(paper=-5), "checkins.paper", 0, 200000),
], ids=["issued below", "members above", "a list too long", "a list too short", "closing count", "paper"])
def test_every_bounds_message_gives_both_bounds_in_both_languages(
    record: dict[str, Any], change: Callable[[dict[str, Any]], None], field: str, low: int, high: int
) -> None:
    """From an outside review: the schema's `bounds` named only the bound crossed, and the English message printed the
    catalogue's header (the missing bound was an empty text, and gettext("") is the header)."""
    from tinnhiem.services.verification import verify_record

    tampered = copy.deepcopy(record)
    change(tampered)
    with pytest.raises(VerificationError) as caught:
        verify_record(tampered)
    assert "bounds" == caught.value.code
    vi, en = message(caught.value, "vi"), message(caught.value, "en")
    assert f"phải từ {low} đến {high}" in vi and field in vi
    assert f"from {low} to {high}" in en and field in en
    assert "Content-Type" not in en and "Project-Id" not in en


def test_tinnhiem_verify_reports_a_receipt_the_record_lacks(
    simulated: Simulated, record: dict[str, Any], home: Any, tmp_path: Any
) -> None:
    """`tinnhiem verify RECORD --receipt FILE …`: a valid receipt of a ballot the record lacks fails `receipt`
    (both languages); a forged receipt is said to prove nothing; a receipt of a ballot that is there is noted."""
    import json

    from typer.testing import CliRunner

    from tinnhiem.cli.main import app
    from tinnhiem.crypto.election import sign_receipt
    from tinnhiem.crypto.record import receipt_json
    from tinnhiem.testing.simulate import seeded

    election = bytes.fromhex(record["election"])
    files = {}
    for name, secret, code in (("kept", simulated.receipt_secret, record["ballots"][0]["code"]),
                               ("forged", 777, record["ballots"][2]["code"]),
                               ("dropped", simulated.receipt_secret, record["ballots"][2]["code"])):
        files[name] = tmp_path / f"{name}.json"
        files[name].write_text(json.dumps(receipt_json(sign_receipt(secret, election, bytes.fromhex(code),
                                                                    seeded(5)))), encoding="utf-8")
    honest, tampered = tmp_path / "honest.json", tmp_path / "tampered.json"
    honest.write_text(json.dumps(record), encoding="utf-8")
    dropped = copy.deepcopy(record)
    drop_ballot(dropped)
    sign_as_committee(dropped, simulated.keyed, [1, 2])
    dropped.update(tally=None, decryption=None, state="closed")
    tampered.write_text(json.dumps(dropped), encoding="utf-8")
    runner = CliRunner()
    args = ["--receipt", str(files["kept"]), "--receipt", str(files["forged"]), "--workers", "1"]
    result = runner.invoke(app, ["verify", str(honest), *args, "--json"])
    assert 0 == result.exit_code, result.output
    assert ["in-record", "invalid"] == [r["finding"] for r in json.loads(result.stdout)["receipts"]]
    result = runner.invoke(app, ["verify", str(honest), *args])
    assert "kept.json: phiếu có trong hồ sơ" in result.stdout and "forged.json không hợp lệ" in result.stderr
    result = runner.invoke(app, ["verify", str(tampered), *args, "--receipt", str(files["dropped"]), "--json"])
    verdict = json.loads(result.stdout)
    assert (1, "receipt") == (result.exit_code, verdict["check"])
    assert record["ballots"][2]["code"] in verdict["message"] and "the record lacks that ballot" in verdict["message_en"]
    other = flip_byte(record["election"])
    result = runner.invoke(app, ["verify", str(honest), "--election", other, "--workers", "1", "--json"])
    verdict = json.loads(result.stdout)
    assert (1, "election") == (result.exit_code, verdict["check"]), result.output
    upper = "-".join(record["election"].upper()[i:i + 16] for i in range(0, 64, 16))  # as read off a projector
    result = runner.invoke(app, ["verify", str(honest), "--election", upper, *args])
    assert 0 == result.exit_code, result.output
    result = runner.invoke(app, ["verify", str(honest), "--election", "abc"])
    assert 2 == result.exit_code and "--election" in result.output
    not_a_receipt = tmp_path / "not-a-receipt.json"
    not_a_receipt.write_text("{\"format\": 1}", encoding="utf-8")
    other_e = tmp_path / "other-e.json"
    other_e.write_text(files["kept"].read_text(encoding="utf-8").replace(record["election"], other), encoding="utf-8")
    result = runner.invoke(app, ["verify", str(honest), "--receipt", str(not_a_receipt), "--workers", "1", "--json"])
    assert (0, ["invalid"]) == (result.exit_code, [r["finding"] for r in json.loads(result.stdout)["receipts"]])
    result = runner.invoke(app, ["verify", str(honest), "--receipt", str(other_e), "--workers", "1", "--json"])
    verdict = json.loads(result.stdout)
    assert (1, "receipt-election") == (result.exit_code, verdict["check"])
    assert "not the election the receipt was given in" in verdict["message_en"]


def test_a_members_device_decrypts_only_the_sums_of_the_ballots_the_committee_confirmed(
    simulated: Simulated, record: dict[str, Any]
) -> None:
    """From an outside review: before decrypting, a member's device checks the closed record up to the closing statement
    and recomputes the sums. A server that hides ballots (statement kept) is refused `closing-count`; one
    that sends one ballot's rows as the tally is refused `tally-sum`; the honest sums are returned."""
    from tinnhiem.crypto.elgamal import Ciphertext
    from tinnhiem.crypto.verify import sums_to_decrypt, verify_for_decryption

    closed = copy.deepcopy(record) | {"state": "closed", "tally": None, "decryption": None}
    checked = verify_for_decryption(closed)
    assert simulated.record.sums == sums_to_decrypt(checked, simulated.record.sums)
    one_ballot = tuple(Ciphertext(r.ciphertext.alpha, r.ciphertext.beta) for r in checked.ballots[0].rows)
    with pytest.raises(VerificationError) as caught:
        sums_to_decrypt(checked, one_ballot)
    assert ("tally-sum", {"row": 1}) == (caught.value.code, caught.value.params)
    hidden = copy.deepcopy(closed)
    for _ in range(5):  # five of six ballots hidden, their cards voided; the statement the committee signed kept
        gone = hidden["ballots"].pop(0)
        next(c for c in hidden["cards"]["list"] if c["credential"] == gone["credential"]).update(void=True)
    with pytest.raises(VerificationError) as caught:
        verify_for_decryption(hidden)
    assert ("closing-count", {"ballots": 1, "stated": 6}) == (caught.value.code, caught.value.params)
    with pytest.raises(VerificationError) as caught:
        verify_for_decryption(record)  # a tallied record is not one to decrypt
    assert "complete" == caught.value.code


def test_the_card_file_is_checked_against_the_election_file(simulated: Simulated) -> None:
    """§6.2: the hall's election file round-trips and its ceremony is checked on the committee's laptop; the
    server accepts the committee's card file only with E recomputed from its own data and ≥ k signatures.
    From an outside review: the committee's 10 credentials plus the organiser's own do not pass, whatever E is written."""
    from tinnhiem.crypto.group import base_mul
    from tinnhiem.crypto.record import (
        CardFile,
        ElectionFile,
        card_file_json,
        election_file_json,
        read_card_file,
        read_election_file,
    )
    from tinnhiem.crypto.verify import check_card_file, check_election_file

    r = simulated.record
    election_file = ElectionFile(r.manifest, r.committee, r.member_names, r.commitments, r.joint_key, r.receipt_key)
    assert election_file == read_election_file(election_file_json(election_file))
    check_election_file(election_file)
    cards = CardFile(r.manifest.round_id, r.election or b"", tuple(sorted(c.credential for c in r.cards)),
                     r.card_signatures)
    assert cards == read_card_file(card_file_json(cards))
    assert r.election == check_card_file(election_file, cards)
    own = (*cards.credentials, base_mul(4242))
    refused = {
        "own card, E kept": replace(cards, credentials=own),
        "own card, E restated": replace(cards, credentials=own, election=election_hash_of(election_file, own)),
        "one signature": replace(cards, signatures=cards.signatures[:1]),
        "another receipt key": cards,
    }
    expected = {"own card, E kept": "election", "own card, E restated": "card-signatures",
                "one signature": "card-signatures", "another receipt key": "election"}
    for label, tampered in refused.items():
        checked_against = replace(election_file, receipt_key=base_mul(5)) if label == "another receipt key" \
            else election_file
        with pytest.raises(VerificationError) as caught:
            check_card_file(checked_against, tampered)
        assert expected[label] == caught.value.code, label
    bad = election_file_json(election_file)
    bad["committee"]["commitments"][0]["proofs"].reverse()
    with pytest.raises(VerificationError) as caught:
        check_election_file(read_election_file(bad))
    assert "coefficient-proof" == caught.value.code


def election_hash_of(f: Any, credentials: Any) -> bytes:
    from tinnhiem.crypto.election import election_hash

    return election_hash(f.manifest, f.committee, f.commitments, f.joint_key, f.receipt_key, credentials)


def test_a_closing_statement_before_the_close_is_named_as_such(record: dict[str, Any]) -> None:
    """While voting is open there is no closing statement; one written early fails `closing`, saying why."""
    tampered = copy.deepcopy(record) | {"state": "open", "tally": None, "decryption": None, "checkins": None}
    tampered["cards"]["issued"] = None
    with pytest.raises(VerificationError) as caught:
        verify(tampered)
    assert "closing" == caught.value.code and "while voting is not closed" in message(caught.value, "en")


def test_a_substituted_committee_fails_against_the_halls_e_and_its_receipts(simulated: Simulated,
                                                                             record: dict[str, Any]) -> None:
    """The attack: the whole record rebuilt (same manifest and member names; a fresh ceremony, receipt key, cards,
    E, signatures, ballots, tally, decryption) verifies alone. Given the hall's E it fails `election`; given a
    delegate's receipt from the hall it fails `receipt-election` (not "invalid"); a receipt that fails its schema
    proves nothing; the honest record passes both. E is compared as 32 bytes."""
    from tinnhiem.crypto.election import sign_receipt
    from tinnhiem.crypto.record import from_json
    from tinnhiem.crypto.verify import receipt_findings
    from tinnhiem.services.verification import receipt_or_none, verify_record
    from tinnhiem.testing.simulate import seeded

    forged = to_json(simulate_keyed(MANIFEST, [[2, 2, 2]] * 6, members=3, threshold=2, spoil=2, seed=77,
                                    paper=2).record)
    assert forged["manifest"] == record["manifest"] and forged["election"] != record["election"]
    hall_e = bytes.fromhex(record["election"])
    receipt = sign_receipt(simulated.receipt_secret, hall_e, bytes.fromhex(record["ballots"][0]["code"]), seeded(4))
    assert 6 == verify(forged).ballots
    with pytest.raises(VerificationError) as caught:
        verify(forged, election=hall_e)
    assert "election" == caught.value.code
    assert "E" in message(caught.value, "en")
    with pytest.raises(VerificationError) as caught:
        verify(forged, receipts=[receipt])
    assert ("receipt-election", record["ballots"][0]["code"]) == (caught.value.code, caught.value.params["ballot"])
    assert ["other-election"] == receipt_findings(from_json(forged), [receipt])
    assert 6 == verify(record, receipts=[receipt], election=hall_e).ballots
    not_a_receipt = receipt_or_none({"format": "tinnhiem-receipt/1", "election": record["election"].upper(),
                                     "code": record["ballots"][0]["code"], "signature": {"c": "0" * 64, "z": "0" * 64}})
    assert not_a_receipt is None
    assert 6 == verify_record(forged, receipts=(not_a_receipt,)).ballots


def test_issued_is_null_until_voting_closes(record: dict[str, Any]) -> None:
    """§11, check `cards-issued`: an open record that states cards handed out fails, before its ballots are
    compared with that number."""
    tampered = copy.deepcopy(record)
    tampered.update(state="open", checkins=None, closing=None, tally=None, decryption=None)
    with pytest.raises(VerificationError) as caught:
        verify(tampered)
    assert "cards-issued" == caught.value.code
    tampered["cards"]["issued"] = None
    with pytest.raises(VerificationError) as caught:
        verify(tampered)
    assert "complete" == caught.value.code  # everything before the tally holds


@pytest.mark.parametrize("path", [("manifest", "levels"), ("manifest", "subjects"), ("committee", "commitments", 0,
                                                                                       "name")])
def test_a_lone_surrogate_anywhere_fails_format(record: dict[str, Any], path: tuple[Any, ...]) -> None:
    """§12.1 stage 2: a lone surrogate anywhere fails `format` — under `levels` too (it said `levels`)."""
    from tinnhiem.services.verification import verify_record

    tampered = copy.deepcopy(record)
    node: Any = tampered
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = ["\ud800"] if path[-1] in ("levels", "subjects") else "\udc00"
    for check in (verify, verify_record):
        with pytest.raises(VerificationError) as caught:
            check(tampered)
        assert "format" == caught.value.code
