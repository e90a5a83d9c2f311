"""The public record (docs/protocol.md §11): everything needed to check a round, as JSON (tinnhiem-record/3).

Writing puts every list in its canonical order (ballots and spoiled ballots by code, cards by
credential), so the order says nothing of who cast what or when. Reading admits exactly the
fields of §11: every object's keys, every integer's bounds, every point and scalar as 64
lower-case hex digits of a canonical encoding (§2.2). A failure names its check and the field.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from tinnhiem.crypto.ballot import BallotSecrets, CastBallot, EncryptedBallot, EncryptedRow
from tinnhiem.crypto.ceremony import Committee, MemberCommitment
from tinnhiem.crypto.credentials import Signature
from tinnhiem.crypto.decryption import DecryptionShare
from tinnhiem.crypto.election import MemberSignature, Receipt
from tinnhiem.crypto.elgamal import Ciphertext
from tinnhiem.crypto.errors import InvalidEncoding, VerificationError
from tinnhiem.crypto.group import Point, Scalar, encode_scalar, point, scalar
from tinnhiem.crypto.manifest import MANIFEST_KEYS, Manifest
from tinnhiem.crypto.proofs import OneOfProof, Proof

FORMAT = "tinnhiem-record/3"
RECEIPT_FORMAT = "tinnhiem-receipt/1"
GROUP = "ristretto255"
STATES = ("ready", "open", "closed", "tallied")
# Bounds of §11: every integer of a record lies within them (larger than any real body).
MAX_MEMBERS = 64
MAX_SUBJECTS = 500
MAX_BALLOTS = 100_000
MAX_CARDS = 200_000
MAX_SPOILED = 3 * MAX_CARDS  # the challenge limit: at most 3 spoiled ballots per card listed
MAX_TEXT = 500
HEX_DIGITS = frozenset("0123456789abcdef")
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Card:
    """A public credential S as listed in the record; ``void`` once the committee voided it."""

    credential: Point
    void: bool


@dataclass(frozen=True, slots=True)
class SpoiledBallot:
    """A ballot the voter challenged (Benaloh): published opened, never counted, naming no card."""

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
class Checkins:
    """Delegates checked in by channel when voting closed (electronic = cards handed out)."""

    electronic: int
    paper: int


@dataclass(frozen=True, slots=True)
class Closing:
    """The closing statement's N and B as the record states them, and the committee's signatures over it."""

    ballots: int
    list_hash: bytes
    signatures: tuple[MemberSignature, ...]


@dataclass(frozen=True, slots=True)
class Record:
    manifest: Manifest
    committee: Committee
    member_names: tuple[str, ...]
    commitments: tuple[MemberCommitment, ...]
    joint_key: Point
    cards: tuple[Card, ...]
    issued: int | None  # cards handed out (electronic check-ins), fixed when voting closes
    ballots: tuple[CastBallot, ...]
    spoiled: tuple[SpoiledBallot, ...]
    sums: tuple[Ciphertext, ...]
    results: tuple[RowResult, ...]
    state: str = "tallied"
    stated_count: int | None = None  # tally.ballots as read; None before the count
    receipt_key: Point = bytes(32)  # R (the identity's encoding only in records built before the key is drawn)
    election: bytes | None = None  # E as the record states it; None until the cards are uploaded
    card_signatures: tuple[MemberSignature, ...] = ()
    checkins: Checkins | None = None  # None until closed
    closing: Closing | None = None  # None until closed


def _hex_scalar(s: Scalar) -> str:
    return encode_scalar(s).hex()


def _ct(c: Ciphertext) -> dict[str, str]:
    return {"alpha": c.alpha.hex(), "beta": c.beta.hex()}


def signature_json(s: Signature) -> dict[str, str]:
    return {"c": _hex_scalar(s.challenge), "z": _hex_scalar(s.response)}


def encrypted_ballot_json(b: EncryptedBallot) -> dict[str, Any]:
    """A ballot without its card, as a spoiled ballot is posted and published (§6.4)."""
    return {
        "code": b.code,
        "election": b.election.hex(),
        "nonce": b.nonce.hex(),
        "rows": [
            _ct(r.ciphertext) | {"c": [_hex_scalar(c) for c in r.proof.challenges],
                                 "z": [_hex_scalar(z) for z in r.proof.responses]}
            for r in b.rows
        ],
    }


def ballot_json(b: CastBallot) -> dict[str, Any]:
    """A cast ballot as posted and as published (§6.4): the ballot, its card's credential and signature."""
    return encrypted_ballot_json(b.ballot) | {"credential": b.credential.hex(),
                                              "signature": signature_json(b.signature)}


def spoiled_json(s: SpoiledBallot) -> dict[str, Any]:
    """A spoiled ballot as posted and published: {"ballot": …, "values": […], "nonces": […]}."""
    return {"ballot": encrypted_ballot_json(s.ballot)} | secrets_json(s.secrets)


def member_signature_json(s: MemberSignature) -> dict[str, Any]:
    return {"member": s.member} | signature_json(s.signature)


def receipt_json(r: Receipt) -> dict[str, Any]:
    """{"format": "tinnhiem-receipt/1", "election", "code", "signature": {"c", "z"}} (§6.6)."""
    return {"format": RECEIPT_FORMAT, "election": r.election.hex(), "code": r.code,
            "signature": signature_json(r.signature)}


def secrets_json(s: BallotSecrets) -> dict[str, Any]:
    return {"values": list(s.values), "nonces": [_hex_scalar(r) for r in s.nonces]}


def _proof(p: Proof) -> dict[str, str]:
    return {"c": _hex_scalar(p.challenge), "z": _hex_scalar(p.response)}


def committee_json(committee: Committee, commitments: tuple[MemberCommitment, ...],
                   names: tuple[str, ...]) -> dict[str, Any]:
    return {
        "members": committee.members,
        "threshold": committee.threshold,
        "commitments": [
            {"member": c.member, "name": name, "K": [p.hex() for p in c.commitments],
             "proofs": [_proof(p) for p in c.proofs]}
            for c, name in zip(commitments, names, strict=True)
        ],
    }


def to_json(record: Record) -> dict[str, Any]:
    """The record as plain JSON data (§11), every list in canonical order."""
    counted = record.state == "tallied"
    return {
        "format": FORMAT,
        "group": GROUP,
        "state": record.state,
        "manifest": record.manifest.to_json(),
        "manifest_hash": record.manifest.hash.hex(),
        "committee": committee_json(record.committee, record.commitments, record.member_names),
        "joint_key": record.joint_key.hex(),
        "receipt_key": record.receipt_key.hex(),
        "election": None if record.election is None else record.election.hex(),
        "cards": {"issued": record.issued,
                  "list": [{"credential": c.credential.hex(), "void": c.void}
                           for c in sorted(record.cards, key=lambda c: c.credential)],
                  "signatures": [member_signature_json(s)
                                 for s in sorted(record.card_signatures, key=lambda s: s.member)]},
        "checkins": None if record.checkins is None else {"electronic": record.checkins.electronic,
                                                          "paper": record.checkins.paper},
        "closing": None if record.closing is None else {
            "ballots": record.closing.ballots, "list_hash": record.closing.list_hash.hex(),
            "signatures": [member_signature_json(s)
                           for s in sorted(record.closing.signatures, key=lambda s: s.member)]},
        "ballots": sorted((ballot_json(b) for b in record.ballots), key=lambda b: str(b["code"])),
        "spoiled": sorted((spoiled_json(s) for s in record.spoiled), key=lambda s: str(s["ballot"]["code"])),
        "tally": {"ballots": len(record.ballots), "rows": [_ct(c) for c in record.sums]} if counted else None,
        "decryption": [
            {"shares": [{"member": s.member, "M": s.partial.hex()} | _proof(s.proof) for s in r.shares],
             "total": r.total, "counts": list(r.counts), "empty": r.empty}
            for r in record.results
        ] if counted else None,
    }


# Reading (§12, the reading checks): exact fields, bounds, encodings; every failure names the field.


def _has_lone_surrogate(text: str) -> bool:
    return any(0xD800 <= ord(ch) <= 0xDFFF for ch in text)


def refuse_lone_surrogates(data: Any, where: str = "record") -> None:
    """A text anywhere (a key or a value, at any depth) holding a lone surrogate (U+D800–U+DFFF, which JSON's
    ``\\ud800`` escape can write but UTF-8 cannot carry) fails ``format`` (§12.1), before any other rule."""
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            texts: list[Any] = [item]
        elif isinstance(item, Mapping):
            texts = list(item)
            stack.extend(item.values())
        elif isinstance(item, list):
            texts = []
            stack.extend(item)
        else:
            continue
        if any(isinstance(t, str) and _has_lone_surrogate(t) for t in texts):
            raise VerificationError("format", reason=f"{where}: a text holds a lone surrogate (not UTF-8)")


def _obj(data: Any, keys: tuple[str, ...], where: str) -> Mapping[str, Any]:
    if not isinstance(data, Mapping):
        raise VerificationError("format", reason=f"{where or 'record'}: not an object")
    if set(data) != set(keys):
        extra = sorted(set(map(str, data)) - set(keys))
        missing = sorted(set(keys) - set(map(str, data)))
        raise VerificationError("format", reason=f"{where or 'record'}: "
                                + (f"unknown field {extra[0]}" if extra else f"missing field {missing[0]}"))
    return data


def _int(value: Any, where: str, low: int, high: int) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise VerificationError("format", reason=f"{where}: not an integer")
    if not low <= value <= high:
        raise VerificationError("bounds", field=where, low=low, high=high)
    return value


def _text(value: Any, where: str) -> str:
    if not isinstance(value, str) or not 0 < len(value) <= MAX_TEXT or any(ord(ch) < 32 for ch in value):
        raise VerificationError("format", reason=f"{where}: not a text of 1 to {MAX_TEXT} printable characters")
    return value


def _items(value: Any, where: str, low: int, high: int) -> list[Any]:
    if not isinstance(value, list):
        raise VerificationError("format", reason=f"{where}: not a list")
    if not low <= len(value) <= high:
        raise VerificationError("bounds", field=f"{where} (length)", low=low, high=high)
    return value


def _list(value: Any, where: str, read: Callable[[Any, str], T], low: int = 0, high: int = MAX_CARDS) -> tuple[T, ...]:
    return tuple(read(item, f"{where}[{i}]") for i, item in enumerate(_items(value, where, low, high)))


def _bytes(text: Any, where: str) -> bytes:
    if not isinstance(text, str) or len(text) != 64 or not HEX_DIGITS.issuperset(text):
        raise InvalidEncoding("encoding", field=where)
    return bytes.fromhex(text)


def read_point(text: Any, where: str, allow_identity: bool = False) -> Point:
    try:
        return point(_bytes(text, where), allow_identity=allow_identity)
    except InvalidEncoding:
        raise InvalidEncoding("encoding", field=where) from None


def read_scalar(text: Any, where: str) -> Scalar:
    try:
        return scalar(_bytes(text, where))
    except InvalidEncoding:
        raise InvalidEncoding("encoding", field=where) from None


def read_manifest(data: Any, where: str = "manifest") -> Manifest:
    m = _obj(data, MANIFEST_KEYS, where)
    manifest = Manifest(
        _text(m["round_id"], f"{where}.round_id"),
        _list(m["subjects"], f"{where}.subjects", _text, 1, MAX_SUBJECTS),
        _list(m["levels"], f"{where}.levels", _text, 0, MAX_SUBJECTS),  # any other list fails `levels` below
        _int(m["max_ballots"], f"{where}.max_ballots", 1, MAX_BALLOTS),
        _bytes(m["election_nonce"], f"{where}.election_nonce").hex(),
    )
    if not manifest.known_levels:
        raise VerificationError("levels", levels=", ".join(manifest.levels))
    return manifest


def _read_ct(d: Any, where: str) -> Ciphertext:
    c = _obj(d, ("alpha", "beta"), where)
    return Ciphertext(read_point(c["alpha"], f"{where}.alpha", True), read_point(c["beta"], f"{where}.beta", True))


def read_row(d: Any, where: str) -> EncryptedRow:
    r = _obj(d, ("alpha", "beta", "c", "z"), where)
    ct = Ciphertext(read_point(r["alpha"], f"{where}.alpha"), read_point(r["beta"], f"{where}.beta"))
    return EncryptedRow(ct, OneOfProof(_list(r["c"], f"{where}.c", read_scalar, 3, 4),
                                       _list(r["z"], f"{where}.z", read_scalar, 3, 4)))


def read_signature(d: Any, where: str) -> Signature:
    s = _obj(d, ("c", "z"), where)
    return Signature(read_scalar(s["c"], f"{where}.c"), read_scalar(s["z"], f"{where}.z"))


def _read_encrypted(b: Mapping[str, Any], where: str, check: str | None) -> EncryptedBallot:
    _bytes(b["code"], f"{where}.code")
    ballot = EncryptedBallot(_bytes(b["election"], f"{where}.election"), _bytes(b["nonce"], f"{where}.nonce"),
                             _list(b["rows"], f"{where}.rows", read_row, 1, MAX_SUBJECTS))
    if check is not None and ballot.code != b["code"]:
        raise VerificationError(check, ballot=b["code"])
    return ballot


def read_encrypted_ballot(d: Any, where: str = "ballot", check: str | None = "spoiled-code") -> EncryptedBallot:
    """A ballot without a card (a spoiled ballot's "ballot"); its stated code must be its content's (§6.4)."""
    return _read_encrypted(_obj(d, ("code", "election", "nonce", "rows"), where), where, check)


def read_ballot(d: Any, where: str = "ballot", check: str | None = "tracking-code") -> CastBallot:
    """A cast ballot as posted or published; its stated code must be the code of its content (§6.4)."""
    b = _obj(d, ("code", "credential", "election", "nonce", "rows", "signature"), where)
    ballot = _read_encrypted(b, where, check)
    return CastBallot(ballot, read_point(b["credential"], f"{where}.credential"),
                      read_signature(b["signature"], f"{where}.signature"))


def read_secrets(d: Mapping[str, Any], where: str) -> BallotSecrets:
    """A spoiled ballot's opening: each row's value and nonce."""
    return BallotSecrets(_list(d["values"], f"{where}.values", lambda v, w: _int(v, w, 0, 2**63 - 1), 1, MAX_SUBJECTS),
                         _list(d["nonces"], f"{where}.nonces", read_scalar, 1, MAX_SUBJECTS))


def read_spoiled(d: Any, where: str = "spoiled", check: str | None = "spoiled-code") -> SpoiledBallot:
    """A spoiled ballot as posted or published: the ballot (no card) and its opening."""
    s = _obj(d, ("ballot", "values", "nonces"), where)
    return SpoiledBallot(read_encrypted_ballot(s["ballot"], f"{where}.ballot", check), read_secrets(s, where))


def read_member_signature(d: Any, where: str) -> MemberSignature:
    s = _obj(d, ("member", "c", "z"), where)
    return MemberSignature(_int(s["member"], f"{where}.member", 1, MAX_MEMBERS),
                           Signature(read_scalar(s["c"], f"{where}.c"), read_scalar(s["z"], f"{where}.z")))


def read_receipt(d: Any, where: str = "receipt") -> Receipt:
    """A receipt file (§6.6): exact keys, format tinnhiem-receipt/1, E and code 64 hex digits."""
    refuse_lone_surrogates(d, where)
    r = _obj(d, ("format", "election", "code", "signature"), where)
    if r["format"] != RECEIPT_FORMAT:
        raise VerificationError("format", reason=f"{where}.format: not {RECEIPT_FORMAT}")
    return Receipt(_bytes(r["election"], f"{where}.election"), _bytes(r["code"], f"{where}.code").hex(),
                   read_signature(r["signature"], f"{where}.signature"))


def _read_proof(d: Any, where: str) -> Proof:
    p = _obj(d, ("c", "z"), where)
    return Proof(read_scalar(p["c"], f"{where}.c"), read_scalar(p["z"], f"{where}.z"))


def _read_commitment(d: Any, where: str) -> tuple[MemberCommitment, str]:
    c = _obj(d, ("member", "name", "K", "proofs"), where)
    return (MemberCommitment(_int(c["member"], f"{where}.member", 1, MAX_MEMBERS),
                             _list(c["K"], f"{where}.K", read_point, 1, MAX_MEMBERS),
                             _list(c["proofs"], f"{where}.proofs", _read_proof, 1, MAX_MEMBERS)),
            _text(c["name"], f"{where}.name"))


def read_share(d: Any, where: str) -> DecryptionShare:
    s = _obj(d, ("member", "M", "c", "z"), where)
    return DecryptionShare(_int(s["member"], f"{where}.member", 1, MAX_MEMBERS),
                           read_point(s["M"], f"{where}.M", True),
                           Proof(read_scalar(s["c"], f"{where}.c"), read_scalar(s["z"], f"{where}.z")))


def _read_result(d: Any, where: str) -> RowResult:
    r = _obj(d, ("shares", "total", "counts", "empty"), where)
    return RowResult(_list(r["shares"], f"{where}.shares", read_share, 1, MAX_MEMBERS),
                     _int(r["total"], f"{where}.total", 0, 2**63 - 1),
                     _list(r["counts"], f"{where}.counts", lambda v, w: _int(v, w, 0, MAX_BALLOTS), 2, 3),
                     _int(r["empty"], f"{where}.empty", 0, MAX_BALLOTS))


def _read_card(d: Any, where: str) -> Card:
    c = _obj(d, ("credential", "void"), where)
    if not isinstance(c["void"], bool):
        raise VerificationError("format", reason=f"{where}.void: not true or false")
    return Card(read_point(c["credential"], f"{where}.credential"), c["void"])


def _ascending(keys: list[bytes], where: str) -> None:
    if any(a >= b for a, b in zip(keys, keys[1:], strict=False)):
        raise VerificationError("order", field=where)


def _read_committee(data: Any, manifest_hash: bytes) -> tuple[Committee, tuple[tuple[MemberCommitment, str], ...]]:
    c = _obj(data, ("members", "threshold", "commitments"), "committee")
    committee = Committee(manifest_hash, _int(c["members"], "committee.members", 1, MAX_MEMBERS),
                          _int(c["threshold"], "committee.threshold", 1, MAX_MEMBERS))
    return committee, _list(c["commitments"], "committee.commitments", _read_commitment, 1, MAX_MEMBERS)


RECORD_KEYS = ("format", "group", "state", "manifest", "manifest_hash", "committee", "joint_key", "receipt_key",
               "election", "cards", "checkins", "closing", "ballots", "spoiled", "tally", "decryption")


def _signatures(value: Any, where: str) -> tuple[MemberSignature, ...]:
    return _list(value, where, read_member_signature, 0, MAX_MEMBERS)


def _by_member(signatures: tuple[MemberSignature, ...], where: str) -> None:
    if any(a.member >= b.member for a, b in zip(signatures, signatures[1:], strict=False)):
        raise VerificationError("order", field=where)


def _read_checkins(value: Any) -> Checkins | None:
    if value is None:
        return None
    c = _obj(value, ("electronic", "paper"), "checkins")
    return Checkins(_int(c["electronic"], "checkins.electronic", 0, MAX_CARDS),
                    _int(c["paper"], "checkins.paper", 0, MAX_CARDS))


def _read_closing(value: Any) -> Closing | None:
    if value is None:
        return None
    c = _obj(value, ("ballots", "list_hash", "signatures"), "closing")
    return Closing(_int(c["ballots"], "closing.ballots", 0, MAX_BALLOTS + 1),
                   _bytes(c["list_hash"], "closing.list_hash"),
                   _signatures(c["signatures"], "closing.signatures"))


def from_json(data: Any) -> Record:
    """Read a record, running the reading checks of §12.1: one pass over the fields in the order of §11 (the
    first field that breaks a rule names its check: format, encoding, bounds or levels); then the order of
    every list; then the stated codes of the cast ballots (tracking-code), then of the spoiled ones."""
    refuse_lone_surrogates(data)
    r = _obj(data, RECORD_KEYS, "")
    if r["format"] != FORMAT or r["group"] != GROUP or r["state"] not in STATES:
        raise VerificationError("format", reason="format, group or state")
    if r["state"] != "tallied" and (r["tally"] is not None or r["decryption"] is not None):
        raise VerificationError("format", reason="tally and decryption: null until the state is tallied")
    manifest = read_manifest(r["manifest"])
    committee, pairs = _read_committee(r["committee"], _bytes(r["manifest_hash"], "manifest_hash"))
    receipt_key = read_point(r["receipt_key"], "receipt_key")
    election = None if r["election"] is None else _bytes(r["election"], "election")
    cards = _obj(r["cards"], ("issued", "list", "signatures"), "cards")
    issued = None if cards["issued"] is None else _int(cards["issued"], "cards.issued", 0, MAX_CARDS)
    card_list = _list(cards["list"], "cards.list", _read_card)
    card_signatures = _signatures(cards["signatures"], "cards.signatures")
    checkins = _read_checkins(r["checkins"])
    closing = _read_closing(r["closing"])
    ballots = _list(r["ballots"], "ballots", lambda d, w: read_ballot(d, w, None), 0, MAX_BALLOTS + 1)
    spoiled = _list(r["spoiled"], "spoiled", lambda d, w: read_spoiled(d, w, None), 0, MAX_SPOILED)
    if r["tally"] is None or r["decryption"] is None:
        if r["state"] != "tallied" and (r["tally"] is not None or r["decryption"] is not None):
            raise VerificationError("format", reason="tally and decryption: null until the state is tallied")
        sums: tuple[Ciphertext, ...] = ()  # a tallied record without both fails `complete`
        results: tuple[RowResult, ...] = ()
        stated = None
    else:
        if r["state"] != "tallied":
            raise VerificationError("format", reason="tally and decryption: null until the state is tallied")
        tally = _obj(r["tally"], ("ballots", "rows"), "tally")
        stated = _int(tally["ballots"], "tally.ballots", 0, MAX_BALLOTS + 1)
        sums = _list(tally["rows"], "tally.rows", _read_ct, 1, MAX_SUBJECTS)
        results = _list(r["decryption"], "decryption", _read_result, 1, MAX_SUBJECTS)
    # Then the order of every list (by credential, member, stated code), then the stated codes themselves.
    _ascending([c.credential for c in card_list], "cards.list")
    _by_member(card_signatures, "cards.signatures")
    if closing is not None:
        _by_member(closing.signatures, "closing.signatures")
    _ascending([bytes.fromhex(d["code"]) for d in r["ballots"]], "ballots")  # by the codes as stated
    _ascending([bytes.fromhex(d["ballot"]["code"]) for d in r["spoiled"]], "spoiled")
    for b, d in zip(ballots, r["ballots"], strict=True):
        if b.code != d["code"]:
            raise VerificationError("tracking-code", ballot=d["code"])
    for sp, d in zip(spoiled, r["spoiled"], strict=True):
        if sp.ballot.code != d["ballot"]["code"]:
            raise VerificationError("spoiled-code", ballot=d["ballot"]["code"])
    return Record(manifest, committee, tuple(n for _, n in pairs), tuple(c for c, _ in pairs),
                  read_point(r["joint_key"], "joint_key"), card_list, issued, ballots, spoiled, sums, results,
                  r["state"], stated, receipt_key, election, card_signatures, checkins, closing)


# The files between the hall and the committee's laptop (§6.2): nothing secret in either.
ELECTION_FILE_FORMAT = "tinnhiem-election/1"
CARDS_FILE_FORMAT = "tinnhiem-cards/2"


@dataclass(frozen=True, slots=True)
class ElectionFile:
    """What the hall exports for the committee's laptop: the manifest, the committee's public keys, K and R."""

    manifest: Manifest
    committee: Committee
    member_names: tuple[str, ...]
    commitments: tuple[MemberCommitment, ...]
    joint_key: Point
    receipt_key: Point


@dataclass(frozen=True, slots=True)
class CardFile:
    """The committee's card list as uploaded: the credentials, E and at least k members' signatures over E."""

    round_id: str
    election: bytes
    credentials: tuple[Point, ...]
    signatures: tuple[MemberSignature, ...]


def election_file_json(f: ElectionFile) -> dict[str, Any]:
    return {"format": ELECTION_FILE_FORMAT, "manifest": f.manifest.to_json(), "manifest_hash": f.manifest.hash.hex(),
            "committee": committee_json(f.committee, f.commitments, f.member_names),
            "joint_key": f.joint_key.hex(), "receipt_key": f.receipt_key.hex()}


def read_election_file(data: Any) -> ElectionFile:
    """An election file, read as strictly as a record (exact keys, bounds, encodings); its proofs and key are
    not checked here (``verify.check_election_file``)."""
    r = _obj(data, ("format", "manifest", "manifest_hash", "committee", "joint_key", "receipt_key"), "")
    if r["format"] != ELECTION_FILE_FORMAT:
        raise VerificationError("format", reason=f"format: not {ELECTION_FILE_FORMAT}")
    manifest = read_manifest(r["manifest"])
    committee, pairs = _read_committee(r["committee"], _bytes(r["manifest_hash"], "manifest_hash"))
    return ElectionFile(manifest, committee, tuple(n for _, n in pairs), tuple(c for c, _ in pairs),
                        read_point(r["joint_key"], "joint_key"), read_point(r["receipt_key"], "receipt_key"))


def card_file_json(f: CardFile) -> dict[str, Any]:
    return {"format": CARDS_FILE_FORMAT, "round_id": f.round_id, "election": f.election.hex(),
            "credentials": [c.hex() for c in sorted(f.credentials)],
            "signatures": [member_signature_json(s) for s in sorted(f.signatures, key=lambda s: s.member)]}


def read_card_file(data: Any) -> CardFile:
    """A card file: exact keys, credentials strictly ascending, signatures strictly ascending by member."""
    r = _obj(data, ("format", "round_id", "election", "credentials", "signatures"), "")
    if r["format"] != CARDS_FILE_FORMAT:
        raise VerificationError("format", reason=f"format: not {CARDS_FILE_FORMAT}")
    credentials = _list(r["credentials"], "credentials", read_point)
    signatures = _signatures(r["signatures"], "signatures")
    _ascending(list(credentials), "credentials")
    _by_member(signatures, "signatures")
    return CardFile(_text(r["round_id"], "round_id"), _bytes(r["election"], "election"), credentials, signatures)
