"""Encrypted ballots, their proofs, tracking codes, cast ballots and the Benaloh challenge (docs/protocol.md §6).

A ballot is bound to the election's identity E (crypto/election.py) and to a fresh ballot nonce N
drawn by the device; nothing in the ballot itself names a card. A *cast* ballot adds the card:
its public credential S and S's signature over the ballot's digest. A *spoiled* (challenged)
ballot is published opened and carries no credential, so a challenge names no card.
"""

from __future__ import annotations

import base64
import secrets as os_random
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
NONCE_BYTES = 32


@dataclass(frozen=True, slots=True)
class EncryptedRow:
    """One subject's row: the ciphertext of m ∈ manifest.values and the proof that it is one of them."""

    ciphertext: Ciphertext
    proof: OneOfProof


@dataclass(frozen=True)
class EncryptedBallot:
    """A ballot as the device made it: bound to the election E and its own nonce N, naming no card.

    (No slots: the digest is kept once made; checking, storing and answering a cast each need it.)
    """

    election: bytes
    nonce: bytes
    rows: tuple[EncryptedRow, ...]

    @cached_property
    def _digest(self) -> bytes:
        return ballot_digest(self.election, self.nonce, self.rows)

    def digest(self) -> bytes:
        """H("ballot", E, N, every α, β, challenge, response)[:32] (§6.4): what the code shows."""
        return self._digest

    @property
    def code(self) -> str:
        """The full tracking code: the 32-byte digest in lower-case hex (§6.4)."""
        return self.digest().hex()

    @property
    def short_code(self) -> str:
        """The code to read aloud: 80 bits of the digest in base32, "ABCD-EFGH-IJKL-MNOP"."""
        return short_code(self.code)


@dataclass(frozen=True, slots=True)
class CastBallot:
    """A ballot as cast: the encrypted ballot, the card's public credential S and S's signature over the digest.

    Nothing in it names the voter: S is the public half of a card handed out like a paper ballot.
    """

    ballot: EncryptedBallot
    credential: Point
    signature: Signature

    @property
    def rows(self) -> tuple[EncryptedRow, ...]:
        return self.ballot.rows

    @property
    def election(self) -> bytes:
        return self.ballot.election

    @property
    def nonce(self) -> bytes:
        return self.ballot.nonce

    def digest(self) -> bytes:
        return self.ballot.digest()

    @property
    def code(self) -> str:
        return self.ballot.code

    @property
    def short_code(self) -> str:
        return self.ballot.short_code


def ballot_digest(election: bytes, nonce: bytes, rows: Sequence[EncryptedRow]) -> bytes:
    parts: list[bytes] = [election, nonce]
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


def row_context(election: bytes, nonce: bytes, row: int) -> bytes:
    """The statement context of a row's proof: E ‖ N ‖ row as 4 bytes big-endian (68 bytes, §6.3)."""
    return election + nonce + row.to_bytes(4, "big")


def new_ballot_nonce() -> bytes:
    """N: 32 bytes from the OS CSPRNG, fresh for every ballot."""
    return os_random.token_bytes(NONCE_BYTES)


def encrypt_ballot(
    manifest: Manifest, election: bytes, key: Point, choices: Sequence[int | None], rng: Random,
    nonce: bytes | None = None,
) -> tuple[EncryptedBallot, BallotSecrets]:
    """Encrypt a ballot: ``choices[j]`` is the level index for subject j, or None for an empty row.

    ``nonce`` is N (32 bytes; drawn from the OS when None). Scalars are drawn in this order: for each
    row r, then the proof's (w, cᵢ, zᵢ …).
    """
    if len(choices) != len(manifest.subjects):
        raise ValueError("one choice per subject")
    if len(election) != 32:
        raise ValueError("E is 32 bytes")
    nonce = new_ballot_nonce() if nonce is None else nonce
    if len(nonce) != NONCE_BYTES:
        raise ValueError("N is 32 bytes")
    rows, values, nonces = [], [], []
    for j, choice in enumerate(choices):
        index = 0 if choice is None else 1 + choice
        if not 0 <= index < len(manifest.values):
            raise ValueError(f"choice {choice} out of range for row {j}")
        r = rng()
        ct = encrypt(manifest.values[index], key, r)
        proof = prove_one_of(ct, r, index, manifest.value_points, key, row_context(election, nonce, j), rng)
        rows.append(EncryptedRow(ct, proof))
        values.append(manifest.values[index])
        nonces.append(r)
    return EncryptedBallot(election, nonce, tuple(rows)), BallotSecrets(tuple(values), tuple(nonces))


def sign_ballot(ballot: EncryptedBallot, card_secret: Scalar, rng: Random) -> CastBallot:
    """The card signs the ballot's digest (tag "ballot-signature"): the ballot becomes a cast ballot."""
    credential = base_mul(card_secret)
    return CastBallot(ballot, credential, sign(card_secret, credential, SIGNATURE_TAG, ballot.digest(), rng))


def cast_ballot(
    manifest: Manifest, election: bytes, key: Point, choices: Sequence[int | None], card_secret: Scalar,
    rng: Random, nonce: bytes | None = None,
) -> tuple[CastBallot, BallotSecrets]:
    """``encrypt_ballot`` then ``sign_ballot`` (the signature's w is the last scalar drawn)."""
    ballot, secrets = encrypt_ballot(manifest, election, key, choices, rng, nonce)
    return sign_ballot(ballot, card_secret, rng), secrets


def _check_round_and_shape(manifest: Manifest, election: bytes, ballot: EncryptedBallot) -> None:
    code = ballot.code
    if ballot.election != election:
        raise VerificationError("ballot-round", ballot=code)
    values = len(manifest.value_points)
    if len(ballot.rows) != len(manifest.subjects) or len(ballot.nonce) != NONCE_BYTES or any(
        len(row.proof.challenges) != values or len(row.proof.responses) != values for row in ballot.rows
    ):
        raise VerificationError("ballot-shape", ballot=code, rows=len(ballot.rows), expected=len(manifest.subjects))


def _check_proofs(manifest: Manifest, key: Point, ballot: EncryptedBallot) -> None:
    for j, row in enumerate(ballot.rows):
        context = row_context(ballot.election, ballot.nonce, j)
        if not verify_one_of(row.ciphertext, row.proof, manifest.value_points, key, context):
            raise InvalidProof("ballot-proof", ballot=ballot.code, row=j + 1)


def verify_ballot(manifest: Manifest, election: bytes, key: Point, ballot: EncryptedBallot) -> None:
    """Refuse a ballot of another election, of the wrong shape, or with a failing proof (a spoiled ballot)."""
    _check_round_and_shape(manifest, election, ballot)
    _check_proofs(manifest, key, ballot)


def verify_cast_ballot(manifest: Manifest, election: bytes, key: Point, cast: CastBallot) -> None:
    """As ``verify_ballot``, and the card's signature over the digest, in the order round, shape, signature, proofs."""
    _check_round_and_shape(manifest, election, cast.ballot)
    if not verify_signature(cast.signature, cast.credential, SIGNATURE_TAG, cast.digest()):
        raise InvalidProof("ballot-signature", ballot=cast.code)
    _check_proofs(manifest, key, cast.ballot)


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


def alphas(ballot: EncryptedBallot | CastBallot) -> list[bytes]:
    """Every α of a ballot: no α may repeat in an election (§6.6), whatever ballot it appears in."""
    return [row.ciphertext.alpha for row in ballot.rows]
