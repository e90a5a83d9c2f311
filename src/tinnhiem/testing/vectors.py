"""Deterministic test vectors (docs/protocol.md §13): fixed nonces in, exact bytes out.

``python -m tinnhiem.testing.vectors`` prints them; tests/vectors/crypto-v2.json keeps them, and
every implementation (this one, the browser's) must reproduce them byte for byte.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from typing import Any

from tinnhiem.crypto import ceremony
from tinnhiem.crypto.ballot import SIGNATURE_TAG, encrypt_ballot, row_context
from tinnhiem.crypto.credentials import public_credential, sign, signing_key
from tinnhiem.crypto.decryption import decrypt_share, lagrange
from tinnhiem.crypto.elgamal import encrypt
from tinnhiem.crypto.group import ORDER, Random, add, base_mul, encode_scalar, hash_to_scalar, mul
from tinnhiem.crypto.manifest import Manifest
from tinnhiem.crypto.proofs import prove_one_of
from tinnhiem.crypto.record import ballot_json, to_json
from tinnhiem.testing.simulate import simulate


def counter(start: int) -> Random:
    """Nonces start, start+1, … (mod ℓ): as plain as a test vector can be."""
    values: Iterator[int] = iter(range(start, start + 10_000))
    return lambda: next(values) % ORDER


def hexs(s: int) -> str:
    return encode_scalar(s).hex()


MANIFEST = Manifest("vector-round", ("Nguyễn Văn Một", "Trần Thị Hai"), ("cao", "tin_nhiem", "thap"), 4)


CARD = "K7QX-9MPA-2345-ABCD-EFGH"  # a card secret as printed (§6.2)


def vectors() -> dict[str, Any]:
    """Each vector states its inputs: the key is K = 7·G throughout; the card is CARD for round "vector-round"."""
    key = base_mul(7)
    s = signing_key(MANIFEST.round_id, CARD)
    credential = public_credential(MANIFEST.round_id, CARD)
    ct = encrypt(MANIFEST.values[2], key, 11)
    proof = prove_one_of(ct, 11, 2, MANIFEST.value_points, key, row_context(MANIFEST, credential, 0), counter(100))
    ballot, _ = encrypt_ballot(MANIFEST, key, [1, None], s, counter(200))
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
            "ciphertext": "the encrypt vector", "row": 0, "credential": "card.S",
            "index": 2, "nonces_from": 100,
            "c": [hexs(c) for c in proof.challenges], "z": [hexs(z) for z in proof.responses],
        },
        "ballot": {"choices": [1, None], "card": "card", "nonces_from": 200, "json": ballot_json(ballot),
                   "short_code": ballot.short_code},
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
    return to_json(simulate(MANIFEST, [[0, 1], [2, None], [0, 0]], seed=7))


if __name__ == "__main__":
    json.dump({"vectors": vectors(), "record": small_record()}, sys.stdout, ensure_ascii=False, indent=1)
    sys.stdout.write("\n")
