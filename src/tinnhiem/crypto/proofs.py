"""Zero-knowledge proofs, non-interactive by strong Fiat–Shamir (docs/protocol.md §4).

Every challenge hashes the whole statement: a context (the manifest hash and what
the proof is about), the public values, and the commitments. That rules out the
weak Fiat–Shamir flaw found in Helios, where the statement was left out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from tinnhiem.crypto.elgamal import Ciphertext
from tinnhiem.crypto.group import ORDER, Point, Random, Scalar, base_mul, hash_to_scalar, mul, sub


@dataclass(frozen=True, slots=True)
class Proof:
    """A sigma-protocol proof in (challenge, response) form: c, z (Schnorr and Chaum–Pedersen)."""

    challenge: Scalar
    response: Scalar


def prove_knowledge(x: Scalar, public: Point, context: bytes, rng: Random) -> Proof:
    """Schnorr proof of x with X = x·G (§4.1): A = w·G, c = H(ctx, X, A), z = w + c·x."""
    w = rng()
    c = hash_to_scalar("schnorr", context, public, base_mul(w))
    return Proof(c, (w + c * x) % ORDER)


def verify_knowledge(proof: Proof, public: Point, context: bytes) -> bool:
    """A = z·G − c·X, then c must equal H(ctx, X, A)."""
    commitment = sub(base_mul(proof.response), mul(proof.challenge, public))
    return proof.challenge == hash_to_scalar("schnorr", context, public, commitment)


def prove_equal_logs(x: Scalar, base: Point, public: Point, image: Point, context: bytes, rng: Random) -> Proof:
    """Chaum–Pedersen proof that log_G X = log_A Y = x (§4.2), with X = public, A = base, Y = image."""
    w = rng()
    c = hash_to_scalar("chaum-pedersen", context, public, base, image, base_mul(w), mul(w, base))
    return Proof(c, (w + c * x) % ORDER)


def verify_equal_logs(proof: Proof, base: Point, public: Point, image: Point, context: bytes) -> bool:
    """a = z·G − c·X, b = z·A − c·Y; c must equal H(ctx, X, A, Y, a, b)."""
    c, z = proof.challenge, proof.response
    a = sub(base_mul(z), mul(c, public))
    b = sub(mul(z, base), mul(c, image))
    return c == hash_to_scalar("chaum-pedersen", context, public, base, image, a, b)


@dataclass(frozen=True, slots=True)
class OneOfProof:
    """Disjunctive Chaum–Pedersen proof (CDS) that a ciphertext encrypts one of M₀…M_{t−1} (§4.3)."""

    challenges: tuple[Scalar, ...]
    responses: tuple[Scalar, ...]


def _one_of_hash(context: bytes, key: Point, ct: Ciphertext, commitments: Sequence[Point]) -> Scalar:
    return hash_to_scalar("one-of", context, key, ct.alpha, ct.beta, *commitments)


def prove_one_of(
    ct: Ciphertext, r: Scalar, index: int, value_points: Sequence[Point], key: Point, context: bytes, rng: Random
) -> OneOfProof:
    """Prove ct = Enc(M_index; r) without saying which index: real branch honest, others simulated."""
    t = len(value_points)
    challenges = [0] * t
    responses = [0] * t
    commitments: list[Point] = []
    w = rng()
    for i, m_point in enumerate(value_points):
        if i == index:
            commitments += [base_mul(w), mul(w, key)]
            continue
        challenges[i], responses[i] = rng(), rng()
        commitments += [
            sub(base_mul(responses[i]), mul(challenges[i], ct.alpha)),
            sub(mul(responses[i], key), mul(challenges[i], sub(ct.beta, m_point))),
        ]
    c = _one_of_hash(context, key, ct, commitments)
    challenges[index] = (c - sum(challenges)) % ORDER
    responses[index] = (w + challenges[index] * r) % ORDER
    return OneOfProof(tuple(challenges), tuple(responses))


def verify_one_of(ct: Ciphertext, proof: OneOfProof, value_points: Sequence[Point], key: Point, context: bytes) -> bool:
    """aᵢ = zᵢ·G − cᵢ·α, bᵢ = zᵢ·K − cᵢ·(β − Mᵢ), and Σcᵢ = H(ctx, K, α, β, a₀, b₀, …)."""
    if len(proof.challenges) != len(value_points) or len(proof.responses) != len(value_points):
        return False
    commitments: list[Point] = []
    for c, z, m_point in zip(proof.challenges, proof.responses, value_points, strict=True):
        commitments += [sub(base_mul(z), mul(c, ct.alpha)), sub(mul(z, key), mul(c, sub(ct.beta, m_point)))]
    return sum(proof.challenges) % ORDER == _one_of_hash(context, key, ct, commitments)
