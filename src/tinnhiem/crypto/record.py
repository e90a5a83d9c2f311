"""The public record (docs/protocol.md §11): everything needed to check a round, as JSON.

Points and scalars are lowercase hex of their 32-byte encodings. Reading validates
every point and scalar (group.point, group.scalar) before anything uses it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from tinnhiem.crypto.ballot import BallotSecrets, EncryptedBallot, EncryptedRow
from tinnhiem.crypto.ceremony import Committee, MemberCommitment
from tinnhiem.crypto.decryption import DecryptionShare
from tinnhiem.crypto.elgamal import Ciphertext
from tinnhiem.crypto.errors import InvalidEncoding
from tinnhiem.crypto.group import Point, Scalar, encode_scalar, point, scalar
from tinnhiem.crypto.manifest import Manifest
from tinnhiem.crypto.proofs import OneOfProof, Proof

FORMAT = "tinnhiem-record/1"
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class SpoiledBallot:
    """A ballot the voter challenged (Benaloh): published opened, never counted."""

    ballot: EncryptedBallot
    secrets: BallotSecrets


@dataclass(frozen=True, slots=True)
class RowResult:
    """One subject's decryption: every member's share, the total T, the counts and the empty rows."""

    shares: tuple[DecryptionShare, ...]
    total: int
    counts: tuple[int, ...]
    empty: int


@dataclass(frozen=True, slots=True)
class Record:
    manifest: Manifest
    committee: Committee
    member_names: tuple[str, ...]
    commitments: tuple[MemberCommitment, ...]
    joint_key: Point
    ballots: tuple[EncryptedBallot, ...]
    spoiled: tuple[SpoiledBallot, ...]
    sums: tuple[Ciphertext, ...]
    results: tuple[RowResult, ...]


def _hex_point(p: Point) -> str:
    return p.hex()


def _hex_scalar(s: Scalar) -> str:
    return encode_scalar(s).hex()


def _ct(c: Ciphertext) -> dict[str, str]:
    return {"alpha": c.alpha.hex(), "beta": c.beta.hex()}


def ballot_json(b: EncryptedBallot) -> dict[str, Any]:
    return {
        "code": b.code,
        "manifest_hash": b.manifest_hash.hex(),
        "rows": [
            _ct(r.ciphertext) | {"c": [_hex_scalar(c) for c in r.proof.challenges],
                                 "z": [_hex_scalar(z) for z in r.proof.responses]}
            for r in b.rows
        ],
    }


def _proof(p: Proof) -> dict[str, str]:
    return {"c": _hex_scalar(p.challenge), "z": _hex_scalar(p.response)}


def to_json(record: Record) -> dict[str, Any]:
    """The record as plain JSON data (§11)."""
    return {
        "format": FORMAT,
        "group": "ristretto255",
        "manifest": record.manifest.to_json(),
        "manifest_hash": record.manifest.hash.hex(),
        "committee": {
            "members": record.committee.members,
            "threshold": record.committee.threshold,
            "commitments": [
                {"member": c.member, "name": name, "K": [_hex_point(p) for p in c.commitments],
                 "proofs": [_proof(p) for p in c.proofs]}
                for c, name in zip(record.commitments, record.member_names, strict=True)
            ],
        },
        "joint_key": record.joint_key.hex(),
        "ballots": [ballot_json(b) for b in record.ballots],
        "spoiled": [
            {"ballot": ballot_json(s.ballot), "values": list(s.secrets.values),
             "nonces": [_hex_scalar(r) for r in s.secrets.nonces]}
            for s in record.spoiled
        ],
        "tally": {"ballots": len(record.ballots), "rows": [_ct(c) for c in record.sums]},
        "decryption": [
            {"shares": [{"member": s.member, "M": s.partial.hex()} | _proof(s.proof) for s in r.shares],
             "total": r.total, "counts": list(r.counts), "empty": r.empty}
            for r in record.results
        ],
    }


# Reading: every field is checked, and every failure names the field (InvalidEncoding "bad-format").


def _field(data: Mapping[str, Any], key: str, kind: type[T], where: str) -> T:
    value = data.get(key) if isinstance(data, Mapping) else None
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise InvalidEncoding("bad-format", reason=f"{where}{key}")
    return value


def _bytes(text: Any, where: str) -> bytes:
    try:
        return bytes.fromhex(text)
    except (TypeError, ValueError):
        raise InvalidEncoding("bad-format", reason=where) from None


def _point(text: Any, where: str, allow_identity: bool = False) -> Point:
    try:
        return point(_bytes(text, where), allow_identity=allow_identity)
    except InvalidEncoding:
        raise InvalidEncoding("bad-format", reason=f"{where}: not a valid point") from None


def _scalar(text: Any, where: str) -> Scalar:
    try:
        return scalar(_bytes(text, where))
    except InvalidEncoding:
        raise InvalidEncoding("bad-format", reason=f"{where}: not a valid scalar") from None


def _list(data: Mapping[str, Any], key: str, where: str, read: Callable[[Any, str], T]) -> tuple[T, ...]:
    items = _field(data, key, list, where)
    return tuple(read(item, f"{where}{key}[{i}]") for i, item in enumerate(items))


def _read_ct(d: Any, where: str) -> Ciphertext:
    return Ciphertext(_point(_field(d, "alpha", str, where), f"{where}.alpha", True),
                      _point(_field(d, "beta", str, where), f"{where}.beta", True))


def _read_row(d: Any, where: str) -> EncryptedRow:
    ct = Ciphertext(_point(_field(d, "alpha", str, where), f"{where}.alpha"),
                    _point(_field(d, "beta", str, where), f"{where}.beta"))
    proof = OneOfProof(_list(d, "c", f"{where}.", _scalar), _list(d, "z", f"{where}.", _scalar))
    return EncryptedRow(ct, proof)


def read_ballot(d: Any, where: str) -> EncryptedBallot:
    return EncryptedBallot(_bytes(_field(d, "manifest_hash", str, where), f"{where}.manifest_hash"),
                           _list(d, "rows", f"{where}.", _read_row))


def _read_proof(d: Any, where: str) -> Proof:
    return Proof(_scalar(_field(d, "c", str, where), f"{where}.c"), _scalar(_field(d, "z", str, where), f"{where}.z"))


def _read_commitment(d: Any, where: str) -> tuple[MemberCommitment, str]:
    return (MemberCommitment(_field(d, "member", int, where), _list(d, "K", f"{where}.", _point),
                             _list(d, "proofs", f"{where}.", _read_proof)),
            _field(d, "name", str, where))


def read_share(d: Any, where: str) -> DecryptionShare:
    return DecryptionShare(_field(d, "member", int, where), _point(_field(d, "M", str, where), f"{where}.M", True),
                           _read_proof(d, where))


def _read_result(d: Any, where: str) -> RowResult:
    return RowResult(_list(d, "shares", f"{where}.", read_share), _field(d, "total", int, where),
                     _list(d, "counts", f"{where}.", lambda v, w: _int(v, w)), _field(d, "empty", int, where))


def _int(value: Any, where: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise InvalidEncoding("bad-format", reason=where)
    return value


def read_secrets(d: Any, where: str) -> BallotSecrets:
    """A spoiled ballot's opening: each row's value and nonce."""
    return BallotSecrets(_list(d, "values", f"{where}.", _int), _list(d, "nonces", f"{where}.", _scalar))


def _read_spoiled(d: Any, where: str) -> SpoiledBallot:
    return SpoiledBallot(read_ballot(_field(d, "ballot", dict, where), f"{where}.ballot"), read_secrets(d, where))


def from_json(data: Mapping[str, Any]) -> Record:
    """Read and validate a record; raises InvalidEncoding naming the first bad field."""
    if not isinstance(data, Mapping) or data.get("format") != FORMAT or data.get("group") != "ristretto255":
        raise InvalidEncoding("bad-format", reason="format")
    m = _field(data, "manifest", dict, "")
    manifest = Manifest(
        _field(m, "round_id", str, "manifest."),
        tuple(_field(m, "subjects", list, "manifest.")),
        tuple(_field(m, "levels", list, "manifest.")),
        _field(m, "max_ballots", int, "manifest."),
    )
    c = _field(data, "committee", dict, "")
    committee = Committee(_bytes(_field(data, "manifest_hash", str, ""), "manifest_hash"),
                          _field(c, "members", int, "committee."), _field(c, "threshold", int, "committee."))
    pairs = _list(c, "commitments", "committee.", _read_commitment)
    tally = _field(data, "tally", dict, "")
    return Record(
        manifest=manifest,
        committee=committee,
        member_names=tuple(name for _, name in pairs),
        commitments=tuple(commitment for commitment, _ in pairs),
        joint_key=_point(_field(data, "joint_key", str, ""), "joint_key"),
        ballots=_list(data, "ballots", "", read_ballot),
        spoiled=_list(data, "spoiled", "", _read_spoiled),
        sums=_list(tally, "rows", "tally.", _read_ct),
        results=_list(data, "decryption", "", _read_result),
    )


def stated(data: Mapping[str, Any]) -> tuple[int, list[str]]:
    """What the record states besides the proofs: the ballot count and each cast ballot's code."""
    count = _field(_field(data, "tally", dict, ""), "ballots", int, "tally.")
    return count, [_field(b, "code", str, f"ballots[{i}].") for i, b in enumerate(_field(data, "ballots", list, ""))]
