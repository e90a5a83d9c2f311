"""Point and scalar validation, hash domain separation, and the committed test vectors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tinnhiem.crypto.errors import InvalidEncoding
from tinnhiem.crypto.group import IDENTITY, ORDER, base_mul, encode_scalar, hash_bytes, point, scalar
from tinnhiem.testing import vectors

VECTORS = Path(__file__).resolve().parents[1] / "vectors" / "crypto-v3.json"


def test_valid_point_is_accepted() -> None:
    assert base_mul(5) == point(base_mul(5))


@pytest.mark.parametrize(
    "data",
    [
        IDENTITY,  # the identity: a ciphertext part or key must not be it
        bytes(31),  # too short
        base_mul(5) + b"\x00",  # too long
        bytes([1]) + bytes(31),  # a non-canonical field element (odd "s")
        bytes.fromhex("ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"),  # p − 1: s ≥ p/2 (negative)
        bytes.fromhex("edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"),  # p itself: not reduced
        bytes.fromhex("26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05"),  # Ed25519 small-order point
        base_mul(5)[:31] + bytes([base_mul(5)[31] | 0x80]),  # 5·G with bit 255 set: libsodium reads it as 5·G
    ],
)
def test_invalid_points_are_refused(data: bytes) -> None:
    """§2.2: canonical ristretto255 encodings only, never the identity."""
    with pytest.raises(InvalidEncoding) as caught:
        point(data)
    assert "bad-point" == caught.value.code


def test_scalars_must_be_canonical() -> None:
    """§2.2: a scalar is 32 bytes and below ℓ."""
    assert ORDER - 1 == scalar(encode_scalar(ORDER - 1))
    for data in (ORDER.to_bytes(32, "little"), bytes(31)):
        with pytest.raises(InvalidEncoding) as caught:
            scalar(data)
        assert "bad-scalar" == caught.value.code


def test_hashes_are_domain_separated_and_unambiguous() -> None:
    """§2.3: the tag separates uses; length prefixes keep ("ab","c") apart from ("a","bc")."""
    assert hash_bytes("one-of", b"x") != hash_bytes("schnorr", b"x")
    assert hash_bytes("t", b"ab", b"c") != hash_bytes("t", b"a", b"bc")


def test_vectors_reproduce_byte_for_byte() -> None:
    """§13: the committed vectors are what this implementation computes today."""
    committed = json.loads(VECTORS.read_text(encoding="utf-8"))
    fresh = json.loads(json.dumps({"vectors": vectors.vectors(), "record": vectors.small_record()}, ensure_ascii=False))
    assert committed == fresh
