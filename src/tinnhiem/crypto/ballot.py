"""Signed encrypted ballots, their proofs, tracking codes and the Benaloh challenge (docs/protocol.md §6)."""

from __future__ import annotations

import base64
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

from tinnhiem.crypto.credentials import Signature, sign, verify_signature
from tinnhiem.crypto.elgamal import Ciphertext, encrypt
from tinnhiem.crypto.errors import InvalidProof, VerificationError
from tinnhiem.crypto.group import ORDER, Point, Random, Scalar, base_mul, encode_scalar, hash_bytes
from tinnhiem.crypto.manifest import Manifest
from tinnhiem.crypto.proofs import OneOfProof, prove_one_of, verify_one_of

SIGNATURE_TAG = "ballot-signature"


@dataclass(frozen=True, slots=True)
class EncryptedRow:
    """One subject's row: the ciphertext of m ∈ manifest.values and the proof that it is one of them."""

    ciphertext: Ciphertext
    proof: OneOfProof


@dataclass(frozen=True)
class EncryptedBallot:
    """A ballot as cast: bound to the manifest and to one anonymous credential S, signed by its card.

    Nothing in it names the voter: S is the public half of a card handed out like a paper ballot.
    (No slots: the digest is kept once made; checking, storing and answering a cast each need it.)
    """

    manifest_hash: bytes
    credential: Point
    rows: tuple[EncryptedRow, ...]
    signature: Signature

    @cached_property
    def _digest(self) -> bytes:
        return ballot_digest(self.manifest_hash, self.credential, self.rows)

    def digest(self) -> bytes:
        """H("ballot", manifest hash, S, every α, β, challenge, response) (§6.1): what the code shows."""
        return self._digest

    @property
    def code(self) -> str:
        """The full tracking code: the 32-byte digest in lower-case hex (§6.4)."""
        return self.digest().hex()

    @property
    def short_code(self) -> str:
        """The code to read aloud: 80 bits of the digest in base32, "ABCD-EFGH-IJKL-MNOP"."""
        return short_code(self.code)


def ballot_digest(manifest_hash: bytes, credential: Point, rows: Sequence[EncryptedRow]) -> bytes:
    parts: list[bytes] = [manifest_hash, credential]
    for row in rows:
        parts += [row.ciphertext.alpha, row.ciphertext.beta]
        parts += [encode_scalar(s) for s in (*row.proof.challenges, *row.proof.responses)]
    return hash_bytes("ballot", *parts)[:32]


def short_code(full: str) -> str:
    """The short form of a full code (64 hex digits): base32 of its first 10 bytes, in four groups."""
    text = base64.b32encode(bytes.fromhex(full)[:10]).decode("ascii")
    return "-".join(text[i : i + 4] for i in range(0, 16, 4))


@dataclass(frozen=True, slots=True)
class BallotSecrets:
    """What the device keeps until the voter casts or challenges: each row's value and nonce."""

    values: tuple[int, ...]
    nonces: tuple[Scalar, ...]


def row_context(manifest: Manifest, credential: Point, row: int) -> bytes:
    """The statement context of a row's proof: manifest hash ‖ S ‖ row as 4 bytes big-endian (§6.1)."""
    return manifest.hash + credential + row.to_bytes(4, "big")


def encrypt_ballot(
    manifest: Manifest, key: Point, choices: Sequence[int | None], card_secret: Scalar, rng: Random
) -> tuple[EncryptedBallot, BallotSecrets]:
    """Encrypt and sign a ballot: ``choices[j]`` is the level index for subject j, or None for an empty row.

    Nonces are drawn in this order: for each row r, then the proof's (w, cᵢ, zᵢ …); last the signature's w.
    """
    if len(choices) != len(manifest.subjects):
        raise ValueError("one choice per subject")
    credential = base_mul(card_secret)
    rows, values, nonces = [], [], []
    for j, choice in enumerate(choices):
        index = 0 if choice is None else 1 + choice
        if not 0 <= index < len(manifest.values):
            raise ValueError(f"choice {choice} out of range for row {j}")
        r = rng()
        ct = encrypt(manifest.values[index], key, r)
        proof = prove_one_of(ct, r, index, manifest.value_points, key, row_context(manifest, credential, j), rng)
        rows.append(EncryptedRow(ct, proof))
        values.append(manifest.values[index])
        nonces.append(r)
    digest = ballot_digest(manifest.hash, credential, rows)
    signature = sign(card_secret, credential, SIGNATURE_TAG, digest, rng)
    ballot = EncryptedBallot(manifest.hash, credential, tuple(rows), signature)
    return ballot, BallotSecrets(tuple(values), tuple(nonces))


def verify_ballot(manifest: Manifest, key: Point, ballot: EncryptedBallot) -> None:
    """Refuse a ballot of another round, of the wrong shape, unsigned by its card, or with a failing proof."""
    code = ballot.code
    if ballot.manifest_hash != manifest.hash:
        raise VerificationError("ballot-round", ballot=code)
    if len(ballot.rows) != len(manifest.subjects):
        raise VerificationError("ballot-shape", ballot=code, rows=len(ballot.rows), expected=len(manifest.subjects))
    values = len(manifest.value_points)
    if any(len(row.proof.challenges) != values or len(row.proof.responses) != values for row in ballot.rows):
        raise VerificationError("ballot-shape", ballot=code, rows=len(ballot.rows), expected=len(manifest.subjects))
    if not verify_signature(ballot.signature, ballot.credential, SIGNATURE_TAG, ballot.digest()):
        raise InvalidProof("ballot-signature", ballot=code)
    for j, row in enumerate(ballot.rows):
        context = row_context(manifest, ballot.credential, j)
        if not verify_one_of(row.ciphertext, row.proof, manifest.value_points, key, context):
            raise InvalidProof("ballot-proof", ballot=code, row=j + 1)


def verify_opening(manifest: Manifest, key: Point, ballot: EncryptedBallot, secrets: BallotSecrets) -> None:
    """Benaloh challenge (§6.5): a spoiled ballot's values and nonces re-encrypt to its ciphertexts."""
    if len(secrets.values) != len(ballot.rows) or len(secrets.nonces) != len(ballot.rows):
        raise VerificationError("spoiled-opening", ballot=ballot.code)
    for row, m, r in zip(ballot.rows, secrets.values, secrets.nonces, strict=True):
        if m not in manifest.values or not 0 < r < ORDER or encrypt(m, key, r) != row.ciphertext:
            raise VerificationError("spoiled-opening", ballot=ballot.code)


def choices_of(manifest: Manifest, secrets: BallotSecrets) -> tuple[int | None, ...]:
    """The level index of each row of an opened ballot (None for an empty row)."""
    return tuple(None if m == 0 else manifest.values.index(m) - 1 for m in secrets.values)


def alphas(ballot: EncryptedBallot) -> list[bytes]:
    """Every α of a ballot: no α may repeat in a round (§6.3), whatever ballot it appears in."""
    return [row.ciphertext.alpha for row in ballot.rows]
