"""The group 𝔾 = ristretto255 (docs/protocol.md §2), through libsodium (rbcl).

Points are 32-byte canonical encodings; scalars are Python ints modulo ℓ,
encoded as 32 bytes little-endian. Every point read from outside goes through
``point()``, which refuses non-canonical encodings and the identity (§2.2).
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable, Iterable

import rbcl

from tinnhiem.crypto.errors import InvalidEncoding

ORDER = 2**252 + 27742317777372353535851937790883648493  # ℓ, the order of 𝔾
IDENTITY = bytes(32)  # the neutral element's encoding
DOMAIN = b"tinnhiem/v3/"  # prefix of every hash (§2.3)

Point = bytes
Scalar = int
Random = Callable[[], Scalar]  # a source of uniform scalars, injected, so test vectors can fix it


def random_scalar() -> Scalar:
    """A uniform nonzero scalar from the operating system's CSPRNG (secrets)."""
    return 1 + secrets.randbelow(ORDER - 1)


def encode_scalar(s: Scalar) -> bytes:
    return (s % ORDER).to_bytes(32, "little")


def scalar(data: bytes) -> Scalar:
    """A scalar read from outside: exactly 32 bytes, canonical (< ℓ)."""
    value = int.from_bytes(data, "little")
    if len(data) != 32 or value >= ORDER:
        raise InvalidEncoding("bad-scalar")
    return value


def point(data: bytes, *, allow_identity: bool = False) -> Point:
    """A point read from outside: a canonical ristretto255 encoding, not the identity (§2.2)."""
    if len(data) != 32 or data[31] & 0x80:  # libsodium reads past bit 255: one point would have two spellings
        raise InvalidEncoding("bad-point")
    if data == IDENTITY:
        if allow_identity:
            return data
        raise InvalidEncoding("bad-point")
    if not rbcl.crypto_core_ristretto255_is_valid_point(data):
        raise InvalidEncoding("bad-point")
    return data


def base_mul(s: Scalar) -> Point:
    """s·G for the standard generator G."""
    s %= ORDER
    return IDENTITY if s == 0 else bytes(rbcl.crypto_scalarmult_ristretto255_base(encode_scalar(s)))


def mul(s: Scalar, p: Point) -> Point:
    """s·P."""
    s %= ORDER
    if s == 0 or p == IDENTITY:
        return IDENTITY
    return bytes(rbcl.crypto_scalarmult_ristretto255(encode_scalar(s), p))


def add(p: Point, q: Point) -> Point:
    """P + Q (libsodium accepts the identity's encoding here)."""
    return bytes(rbcl.crypto_core_ristretto255_add(p, q))


def sub(p: Point, q: Point) -> Point:
    """P − Q."""
    return bytes(rbcl.crypto_core_ristretto255_sub(p, q))


def total(points: Iterable[Point]) -> Point:
    """The sum of points (the identity for none)."""
    acc = IDENTITY
    for p in points:
        acc = add(acc, p)
    return acc


def _frame(part: bytes | str | int) -> bytes:
    if isinstance(part, str):
        part = part.encode("utf-8")
    elif isinstance(part, int):
        part = part.to_bytes(8, "big")
    return len(part).to_bytes(4, "big") + part


def hash_bytes(tag: str, *parts: bytes | str | int) -> bytes:
    """SHA-512 of DOMAIN ‖ tag ‖ each part length-prefixed (§2.3): unambiguous, domain-separated."""
    h = hashlib.sha512(DOMAIN + _frame(tag))
    for part in parts:
        h.update(_frame(part))
    return h.digest()


def hash_to_scalar(tag: str, *parts: bytes | str | int) -> Scalar:
    """H(tag, parts) as a scalar: the 512-bit digest reduced modulo ℓ (negligible bias)."""
    return int.from_bytes(hash_bytes(tag, *parts), "little") % ORDER
