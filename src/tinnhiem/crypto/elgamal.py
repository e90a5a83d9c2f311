"""Exponential ElGamal (docs/protocol.md §3): Enc(m; r) = (r·G, m·G + r·K). Sums add plaintexts."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from tinnhiem.crypto.group import IDENTITY, Point, Scalar, add, base_mul, mul


@dataclass(frozen=True, slots=True)
class Ciphertext:
    """(α, β) = (r·G, m·G + r·K)."""

    alpha: Point
    beta: Point


ZERO = Ciphertext(IDENTITY, IDENTITY)  # the encryption of 0 with r = 0: the neutral element of sums


def encrypt(m: int, key: Point, r: Scalar) -> Ciphertext:
    """Enc_K(m; r) (§3). ``r`` is a parameter so that test vectors are reproducible."""
    return Ciphertext(base_mul(r), add(base_mul(m), mul(r, key)))


def add_ciphertexts(a: Ciphertext, b: Ciphertext) -> Ciphertext:
    """Enc(m₁; r₁) ⊕ Enc(m₂; r₂) = Enc(m₁ + m₂; r₁ + r₂)."""
    return Ciphertext(add(a.alpha, b.alpha), add(a.beta, b.beta))


def sum_ciphertexts(items: Iterable[Ciphertext]) -> Ciphertext:
    acc = ZERO
    for c in items:
        acc = add_ciphertexts(acc, c)
    return acc
