"""Encrypted ballots, their proofs, tracking codes and the Benaloh challenge (docs/protocol.md §6)."""

from __future__ import annotations

import base64
from collections.abc import Sequence
from dataclasses import dataclass

from tinnhiem.crypto.elgamal import Ciphertext, encrypt
from tinnhiem.crypto.errors import InvalidProof, VerificationError
from tinnhiem.crypto.group import ORDER, Point, Random, Scalar, encode_scalar, hash_bytes
from tinnhiem.crypto.manifest import Manifest
from tinnhiem.crypto.proofs import OneOfProof, prove_one_of, verify_one_of


@dataclass(frozen=True, slots=True)
class EncryptedRow:
    """One subject's row: the ciphertext of m ∈ manifest.values and the proof that it is one of them."""

    ciphertext: Ciphertext
    proof: OneOfProof


@dataclass(frozen=True, slots=True)
class EncryptedBallot:
    """A ballot as cast: bound to the manifest, one row per subject, nothing about the voter."""

    manifest_hash: bytes
    rows: tuple[EncryptedRow, ...]

    def digest(self) -> bytes:
        """H("ballot", manifest hash, every α, β, challenge, response): what the tracking code shows."""
        parts: list[bytes] = [self.manifest_hash]
        for row in self.rows:
            parts += [row.ciphertext.alpha, row.ciphertext.beta]
            parts += [encode_scalar(s) for s in (*row.proof.challenges, *row.proof.responses)]
        return hash_bytes("ballot", *parts)[:32]

    @property
    def code(self) -> str:
        """The short tracking code: 80 bits of the digest in base32, "ABCD-EFGH-JKMN-PQRS"."""
        text = base64.b32encode(self.digest()[:10]).decode("ascii")
        return "-".join(text[i : i + 4] for i in range(0, 16, 4))


@dataclass(frozen=True, slots=True)
class BallotSecrets:
    """What the device keeps until the voter casts or challenges: each row's value and nonce."""

    values: tuple[int, ...]
    nonces: tuple[Scalar, ...]


def row_context(manifest: Manifest, row: int) -> bytes:
    """The statement context of a row's proof: the manifest hash and the row's index (§6.1)."""
    return manifest.hash + row.to_bytes(4, "big")


def encrypt_ballot(
    manifest: Manifest, key: Point, choices: Sequence[int | None], rng: Random
) -> tuple[EncryptedBallot, BallotSecrets]:
    """Encrypt a ballot: ``choices[j]`` is the level index for subject j, or None for an empty row."""
    if len(choices) != len(manifest.subjects):
        raise ValueError("one choice per subject")
    rows, values, nonces = [], [], []
    for j, choice in enumerate(choices):
        index = 0 if choice is None else 1 + choice
        if not 0 <= index < len(manifest.values):
            raise ValueError(f"choice {choice} out of range for row {j}")
        r = rng()
        ct = encrypt(manifest.values[index], key, r)
        proof = prove_one_of(ct, r, index, manifest.value_points, key, row_context(manifest, j), rng)
        rows.append(EncryptedRow(ct, proof))
        values.append(manifest.values[index])
        nonces.append(r)
    return EncryptedBallot(manifest.hash, tuple(rows)), BallotSecrets(tuple(values), tuple(nonces))


def verify_ballot(manifest: Manifest, key: Point, ballot: EncryptedBallot) -> None:
    """Refuse a ballot of another round, of the wrong shape, or with any failing row proof."""
    code = ballot.code
    if ballot.manifest_hash != manifest.hash:
        raise VerificationError("ballot-round", ballot=code)
    if len(ballot.rows) != len(manifest.subjects):
        raise VerificationError("ballot-shape", ballot=code, rows=len(ballot.rows), expected=len(manifest.subjects))
    for j, row in enumerate(ballot.rows):
        if not verify_one_of(row.ciphertext, row.proof, manifest.value_points, key, row_context(manifest, j)):
            raise InvalidProof("ballot-proof", ballot=code, row=j + 1)


def verify_opening(manifest: Manifest, key: Point, ballot: EncryptedBallot, secrets: BallotSecrets) -> None:
    """Benaloh challenge (§6.3): a spoiled ballot's values and nonces re-encrypt to its ciphertexts."""
    if len(secrets.values) != len(ballot.rows) or len(secrets.nonces) != len(ballot.rows):
        raise VerificationError("spoiled", ballot=ballot.code)
    for row, m, r in zip(ballot.rows, secrets.values, secrets.nonces, strict=True):
        if m not in manifest.values or not 0 < r < ORDER or encrypt(m, key, r) != row.ciphertext:
            raise VerificationError("spoiled", ballot=ballot.code)


def choices_of(manifest: Manifest, secrets: BallotSecrets) -> tuple[int | None, ...]:
    """The level index of each row of an opened ballot (None for an empty row)."""
    return tuple(None if m == 0 else manifest.values.index(m) - 1 for m in secrets.values)


def accept(manifest: Manifest, key: Point, ballot: EncryptedBallot, seen: set[bytes]) -> None:
    """The ballot box's gate (§6.2): verify the proofs and refuse any ciphertext already cast.

    Called before anything is stored; on success the ballot's α values join ``seen``.
    """
    verify_ballot(manifest, key, ballot)
    alphas = [row.ciphertext.alpha for row in ballot.rows]
    if len(set(alphas)) != len(alphas) or seen.intersection(alphas):
        raise VerificationError("duplicate", ballot=ballot.code)
    seen.update(alphas)
