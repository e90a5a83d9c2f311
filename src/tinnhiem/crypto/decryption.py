"""Threshold decryption of the tally and small discrete logarithms (docs/protocol.md §9, §10)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from tinnhiem.crypto.elgamal import Ciphertext
from tinnhiem.crypto.errors import InvalidProof, TallyMismatch
from tinnhiem.crypto.group import IDENTITY, ORDER, Point, Random, Scalar, add, base_mul, hash_bytes, mul, sub
from tinnhiem.crypto.proofs import Proof, prove_equal_logs, verify_equal_logs


@dataclass(frozen=True, slots=True)
class DecryptionShare:
    """Member ℓ's partial decryption Mℓ = sℓ·α of one ciphertext, with a Chaum–Pedersen proof."""

    member: int
    partial: Point
    proof: Proof


def share_context(manifest_hash: bytes, row: int, member: int) -> bytes:
    return hash_bytes("decryption", manifest_hash, row, member)[:32]


def decrypt_share(
    member: int, secret: Scalar, ct: Ciphertext, manifest_hash: bytes, row: int, rng: Random
) -> DecryptionShare:
    partial = mul(secret, ct.alpha)
    context = share_context(manifest_hash, row, member)
    return DecryptionShare(member, partial, prove_equal_logs(secret, ct.alpha, base_mul(secret), partial, context, rng))


def verify_decryption_share(
    share: DecryptionShare, verification_key: Point, ct: Ciphertext, manifest_hash: bytes, row: int
) -> None:
    """log_G Sℓ = log_α Mℓ: the member used the share the ceremony gave them."""
    context = share_context(manifest_hash, row, share.member)
    if not verify_equal_logs(share.proof, ct.alpha, verification_key, share.partial, context):
        raise InvalidProof("decryption-proof", member=share.member, row=row + 1)


def lagrange(member: int, members: Sequence[int]) -> Scalar:
    """wℓ = Πⱼ≠ℓ j / (j − ℓ) mod ℓ_G: Shamir's interpolation at 0."""
    numerator, denominator = 1, 1
    for other in members:
        if other != member:
            numerator = numerator * other % ORDER
            denominator = denominator * (other - member) % ORDER
    return numerator * pow(denominator, -1, ORDER) % ORDER


def combine(ct: Ciphertext, shares: Sequence[DecryptionShare]) -> Point:
    """T·G = β − Σ wℓ·Mℓ over the members who decrypted."""
    members = [s.member for s in shares]
    acc = IDENTITY
    for s in shares:
        acc = add(acc, mul(lagrange(s.member, members), s.partial))
    return sub(ct.beta, acc)


class DiscreteLogs:
    """Baby-step giant-step for T·G with 0 ≤ T ≤ limit, one table shared by many lookups (§10).

    A table of ``baby`` points j·G costs ``baby`` additions once; each lookup then costs at most
    limit / baby additions. ``baby`` ≈ √(limit · lookups) balances the two.
    """

    def __init__(self, limit: int, lookups: int = 1, max_baby: int = 1 << 18) -> None:
        self.limit = limit
        self.baby = max(1, min(max_baby, math.isqrt(max(1, limit * lookups)) + 1, limit + 1))
        self.table: dict[Point, int] = {}
        step = base_mul(1)
        p = IDENTITY
        for j in range(self.baby):
            self.table[p] = j
            p = add(p, step)
        self.giant = base_mul(self.baby)

    def log(self, target: Point) -> int | None:
        """T with T·G = target and 0 ≤ T ≤ limit, or None."""
        p = target
        for i in range(self.limit // self.baby + 1):
            j = self.table.get(p)
            if j is not None:
                value = i * self.baby + j
                return value if value <= self.limit else None
            p = sub(p, self.giant)
        return None


def decode_counts(total: int, base: int, levels: int, ballots: int, row: int) -> tuple[tuple[int, ...], int]:
    """T = Σ nᵢ·Bⁱ → (n₀, n₁, …) and the empty rows N − Σ nᵢ (R-VALID-2)."""
    counts = []
    rest = total
    for _ in range(levels):
        rest, digit = divmod(rest, base)
        counts.append(digit)
    if rest or sum(counts) > ballots:
        raise TallyMismatch("plaintext", row=row + 1)
    return tuple(counts), ballots - sum(counts)
