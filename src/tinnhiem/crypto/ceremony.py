"""The key ceremony of the counting committee (docs/protocol.md §8): any k of n members decrypt.

Each member i draws a secret polynomial Pᵢ(x) = aᵢ₀ + aᵢ₁x + … + aᵢ,ₖ₋₁xᵏ⁻¹, publishes the
commitments Kᵢⱼ = aᵢⱼ·G with a Schnorr proof for each, and gives member ℓ the share Pᵢ(ℓ)
(sealed to ℓ's device key: services/keyfiles.py). Member ℓ checks every share against the
commitments and keeps sℓ = Σᵢ Pᵢ(ℓ). The joint key is K = Σᵢ Kᵢ₀; its secret Σᵢ aᵢ₀ is never
assembled anywhere, and fewer than k shares say nothing about it (Shamir).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from tinnhiem.crypto.errors import InvalidProof, VerificationError
from tinnhiem.crypto.group import ORDER, Point, Random, Scalar, add, base_mul, hash_bytes, mul, total
from tinnhiem.crypto.proofs import Proof, prove_knowledge, verify_knowledge


@dataclass(frozen=True, slots=True)
class Committee:
    """n members, threshold k (1 ≤ k ≤ n), bound to one round's manifest."""

    manifest_hash: bytes
    members: int
    threshold: int

    def context(self, member: int, coefficient: int) -> bytes:
        return hash_bytes("ceremony", self.manifest_hash, self.members, self.threshold, member, coefficient)[:32]


@dataclass(frozen=True, slots=True)
class MemberCommitment:
    """Member i's public part: Kᵢⱼ = aᵢⱼ·G for j < k, each with a proof of knowledge of aᵢⱼ."""

    member: int
    commitments: tuple[Point, ...]
    proofs: tuple[Proof, ...]


def new_polynomial(committee: Committee, rng: Random) -> tuple[Scalar, ...]:
    """A member's secret coefficients aᵢ₀ … aᵢ,ₖ₋₁."""
    return tuple(rng() for _ in range(committee.threshold))


def commit(committee: Committee, member: int, coefficients: Sequence[Scalar], rng: Random) -> MemberCommitment:
    points = tuple(base_mul(a) for a in coefficients)
    proofs = tuple(
        prove_knowledge(a, p, committee.context(member, j), rng)
        for j, (a, p) in enumerate(zip(coefficients, points, strict=True))
    )
    return MemberCommitment(member, points, proofs)


def verify_commitment(committee: Committee, c: MemberCommitment) -> None:
    if len(c.commitments) != committee.threshold or len(c.proofs) != committee.threshold:
        raise VerificationError("coefficient-proof", member=c.member)
    for j, (p, proof) in enumerate(zip(c.commitments, c.proofs, strict=True)):
        if not verify_knowledge(proof, p, committee.context(c.member, j)):
            raise InvalidProof("coefficient-proof", member=c.member)


def share_for(coefficients: Sequence[Scalar], recipient: int) -> Scalar:
    """Pᵢ(ℓ) for member ℓ (members are numbered from 1)."""
    return sum(a * pow(recipient, j, ORDER) for j, a in enumerate(coefficients)) % ORDER


def _evaluate(commitments: Sequence[Point], at: int) -> Point:
    """Σⱼ atʲ·Kⱼ: the public image of P(at)."""
    return total(mul(pow(at, j, ORDER), p) for j, p in enumerate(commitments))


def verify_share(c: MemberCommitment, recipient: int, share: Scalar) -> None:
    """Pᵢ(ℓ)·G must equal Σⱼ ℓʲ·Kᵢⱼ: a member refuses a share that does not match."""
    if base_mul(share) != _evaluate(c.commitments, recipient):
        raise VerificationError("share", member=recipient)


def joint_key(commitments: Sequence[MemberCommitment]) -> Point:
    """K = Σᵢ Kᵢ₀."""
    return total(c.commitments[0] for c in commitments)


def verification_key(commitments: Sequence[MemberCommitment], member: int) -> Point:
    """Sℓ = sℓ·G = Σᵢ Σⱼ ℓʲ·Kᵢⱼ, computable by anyone from the public commitments."""
    acc = base_mul(0)
    for c in commitments:
        acc = add(acc, _evaluate(c.commitments, member))
    return acc


def combine_shares(received: Sequence[Scalar]) -> Scalar:
    """sℓ = Σᵢ Pᵢ(ℓ): member ℓ's secret share of the joint key."""
    return sum(received) % ORDER
