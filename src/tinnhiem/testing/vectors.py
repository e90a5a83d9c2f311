"""Deterministic test vectors (docs/protocol.md §13): fixed nonces in, exact bytes out.

``python -m tinnhiem.testing.vectors`` prints them; tests/vectors/crypto-v3.json keeps them, and
every implementation (this one, the browser's) must reproduce them byte for byte.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from typing import Any

from tinnhiem.crypto import ceremony
from tinnhiem.crypto.ballot import SIGNATURE_TAG, cast_ballot, row_context
from tinnhiem.crypto.credentials import SIGN_IN_TAG, public_credential, sign, sign_in_message, signing_key
from tinnhiem.crypto.decryption import decrypt_share, lagrange
from tinnhiem.crypto.election import (
    ballot_list_hash,
    card_list_hash,
    closing_message,
    election_hash,
    sign_closing,
    sign_election,
    sign_receipt,
)
from tinnhiem.crypto.elgamal import encrypt
from tinnhiem.crypto.group import ORDER, Random, add, base_mul, encode_scalar, hash_to_scalar, mul
from tinnhiem.crypto.manifest import Manifest
from tinnhiem.crypto.proofs import prove_one_of
from tinnhiem.crypto.record import (
    SpoiledBallot,
    ballot_json,
    member_signature_json,
    receipt_json,
    signature_json,
    spoiled_json,
    to_json,
)
from tinnhiem.testing.simulate import simulate


def counter(start: int) -> Random:
    """Nonces start, start+1, … (mod ℓ): as plain as a test vector can be."""
    values: Iterator[int] = iter(range(start, start + 10_000))
    return lambda: next(values) % ORDER


def hexs(s: int) -> str:
    return encode_scalar(s).hex()


MANIFEST = Manifest("vector-round", ("Nguyễn Văn Một", "Trần Thị Hai"), ("cao", "tin_nhiem", "thap"), 4,
                    bytes(range(32)).hex())


CARD = "K7QX-9MPA-2345-ABCD-EFGH"  # a card secret as printed (§6.1)
OTHER_CARDS = ("ABCD-EFGH-JKLM-NPQR-STUV", "WXYZ-2345-6789-ABCD-EFGH")
# The committee's polynomials: a₁₀ + a₂₀ + a₃₀ = 7, so the joint key is K = 7·G as everywhere below.
COEFFICIENTS = {1: (5, 6), 2: (1, 8), 3: (1, 10)}
RECEIPT_SECRET = 13
BALLOT_NONCE = bytes(range(32, 64))
SIGN_IN_NONCE = bytes(range(64, 80))


def election_vectors() -> dict[str, Any]:
    """The election's identity E, the committee's signature over it, a cast and a spoiled ballot, a receipt,
    a sign-in and a closing statement, all from fixed inputs."""
    key = base_mul(7)
    committee = ceremony.Committee(MANIFEST.hash, 3, 2)
    commitments = [ceremony.commit(committee, i, a, counter(300 + 10 * i)) for i, a in COEFFICIENTS.items()]
    assert ceremony.joint_key(commitments) == key
    secrets = {m: sum(ceremony.share_for(a, m) for a in COEFFICIENTS.values()) % ORDER for m in (1, 2, 3)}
    credentials = [public_credential(MANIFEST.round_id, c) for c in (CARD, *OTHER_CARDS)]
    receipt_key = base_mul(RECEIPT_SECRET)
    election = election_hash(MANIFEST, committee, commitments, key, receipt_key, credentials)
    s = signing_key(MANIFEST.round_id, CARD)
    cast, opened = cast_ballot(MANIFEST, election, key, [1, None], s, counter(200), BALLOT_NONCE)
    list_hash = ballot_list_hash([cast.digest()])
    statement = closing_message(election, 1, 3, 2, list_hash)
    return {
        "committee": {"members": 3, "threshold": 2, "coefficients": {str(m): list(a) for m, a in COEFFICIENTS.items()},
                      "nonces_from": "300 + 10·member",
                      "K": {str(c.member): [p.hex() for p in c.commitments] for c in commitments},
                      "secrets": {str(m): hexs(v) for m, v in secrets.items()},
                      "verification_keys": {str(m): base_mul(v).hex() for m, v in secrets.items()}},
        "election": {"joint_key": key.hex(), "receipt_secret": RECEIPT_SECRET, "receipt_key": receipt_key.hex(),
                     "cards": [CARD, *OTHER_CARDS], "credentials_sorted": sorted(c.hex() for c in credentials),
                     "card_list_hash": card_list_hash(credentials).hex(), "E": election.hex(),
                     "signature_member_1": member_signature_json(sign_election(1, secrets[1], election, counter(600))),
                     "signature_nonces_from": 600},
        "ballot": {"choices": [1, None], "card": "card", "nonce": BALLOT_NONCE.hex(), "nonces_from": 200,
                   "row_context_0": row_context(election, BALLOT_NONCE, 0).hex(),
                   "json": ballot_json(cast), "short_code": cast.short_code,
                   "spoiled_json": spoiled_json(SpoiledBallot(cast.ballot, opened))},
        "sign_in": {"tag": SIGN_IN_TAG, "nonce": SIGN_IN_NONCE.hex(), "nonces_from": 700,
                    "message": sign_in_message(election, SIGN_IN_NONCE).hex(),
                    "signature": signature_json(sign(s, cast.credential, SIGN_IN_TAG,
                                                     sign_in_message(election, SIGN_IN_NONCE), counter(700)))},
        "receipt": {"nonces_from": 800,
                    "json": receipt_json(sign_receipt(RECEIPT_SECRET, election, cast.digest(), counter(800)))},
        "closing": {"ballots": 1, "issued": 3, "paper": 2, "list_hash": list_hash.hex(), "message": statement.hex(),
                    "signature_member_2": member_signature_json(sign_closing(2, secrets[2], statement, counter(900))),
                    "signature_nonces_from": 900},
    }


def vectors() -> dict[str, Any]:
    """Each vector states its inputs: the key is K = 7·G throughout; the card is CARD for round "vector-round"."""
    key = base_mul(7)
    s = signing_key(MANIFEST.round_id, CARD)
    credential = public_credential(MANIFEST.round_id, CARD)
    ct = encrypt(MANIFEST.values[2], key, 11)
    election = election_vectors()
    e = bytes.fromhex(election["election"]["E"])
    proof = prove_one_of(ct, 11, 2, MANIFEST.value_points, key, row_context(e, BALLOT_NONCE, 0), counter(100))
    signature = sign(s, credential, SIGNATURE_TAG, bytes(32), counter(500))
    committee = ceremony.Committee(MANIFEST.hash, 3, 2)
    member = ceremony.commit(committee, 1, (5, 6), counter(300))
    share = decrypt_share(2, 9, ct, MANIFEST.hash, 0, counter(400))
    return {
        "group": {
            "order": str(ORDER),
            "G": base_mul(1).hex(),
            "2G": base_mul(2).hex(),
            "7G+11G": add(base_mul(7), base_mul(11)).hex(),
            "13*(7G)": mul(13, key).hex(),
        },
        "hash": {
            "hash_to_scalar('test', 'abc', 1)": hexs(hash_to_scalar("test", "abc", 1)),
            "hash_to_scalar('test', b'ab', b'c')": hexs(hash_to_scalar("test", b"ab", b"c")),
        },
        "manifest": {"json": MANIFEST.to_json(), "hash": MANIFEST.hash.hex(), "values": list(MANIFEST.values)},
        "encrypt": {"m": MANIFEST.values[2], "key_scalar": 7, "r": 11, "alpha": ct.alpha.hex(), "beta": ct.beta.hex()},
        "card": {"round_id": MANIFEST.round_id, "text": CARD, "s": hexs(s), "S": credential.hex(),
                 "signature_of_32_zero_bytes": {"tag": SIGNATURE_TAG, "nonces_from": 500,
                                                "c": hexs(signature.challenge), "z": hexs(signature.response)}},
        "one_of_proof": {
            "ciphertext": "the encrypt vector", "row": 0, "context": "election.E ‖ ballot.nonce ‖ row 0",
            "index": 2, "nonces_from": 100,
            "c": [hexs(c) for c in proof.challenges], "z": [hexs(z) for z in proof.responses],
        },
        "committee": election["committee"],
        "election": election["election"],
        "ballot": election["ballot"],
        "sign_in": election["sign_in"],
        "receipt": election["receipt"],
        "closing": election["closing"],
        "ceremony": {"member": 1, "of": "3 members, threshold 2, bound to the manifest",
                     "coefficients": [5, 6], "nonces_from": 300, "K": [p.hex() for p in member.commitments],
                     "proofs": [{"c": hexs(p.challenge), "z": hexs(p.response)} for p in member.proofs],
                     "share_for_3": hexs(ceremony.share_for((5, 6), 3))},
        "decryption_share": {"ciphertext": "the encrypt vector", "row": 0, "member": 2, "secret": 9,
                             "nonces_from": 400, "M": share.partial.hex(),
                             "c": hexs(share.proof.challenge), "z": hexs(share.proof.response),
                             "lagrange_2_of_[1,2]": hexs(lagrange(2, [1, 2]))},
    }


def small_record() -> dict[str, Any]:
    """A complete record of a 3-ballot round, for verifier tests in other languages."""
    return to_json(simulate(MANIFEST, [[0, 1], [2, None], [0, 0]], seed=7, paper=1))


if __name__ == "__main__":
    json.dump({"vectors": vectors(), "record": small_record()}, sys.stdout, ensure_ascii=False, indent=1)
    sys.stdout.write("\n")
