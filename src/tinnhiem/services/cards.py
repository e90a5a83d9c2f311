"""Voting cards (docs/protocol.md §6.2): made by the committee away from the server, handed out like
paper ballots, voided when not handed out. The server only ever holds the public credentials.

- ``election_file`` is what the hall exports for the committee (tinnhiem-election/1: nothing secret).
- ``make_cards`` runs on the committee's own (offline) laptop, from that file and no database: it draws
  each card's secret from the operating system's CSPRNG, computes the election's identity E over the
  election and the card list, and has at least k members sign E with their key shares. It returns the
  secrets (for printing) and the signed public file (tinnhiem-cards/2, for the organisers to upload).
- ``upload`` checks E and the signatures against the hall's own election, then stores the public
  credentials, once, while voting has not opened.
- ``void`` makes cards unusable: those not handed out, before voting opens (the committee types
  or scans each); every card still unused is voided when voting closes.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from tinnhiem.crypto import ceremony
from tinnhiem.crypto.ceremony import Committee, MemberCommitment
from tinnhiem.crypto.credentials import CARD_ALPHABET, CARD_SYMBOLS, Signature, grouped, public_credential
from tinnhiem.crypto.election import (
    ELECTION_SIGNATURE_TAG,
    MemberSignature,
    election_hash,
    sign_election,
    valid_signers,
    verify_election_signatures,
)
from tinnhiem.crypto.errors import VerificationError
from tinnhiem.crypto.group import Point, Random, base_mul, encode_scalar, random_scalar
from tinnhiem.crypto.manifest import Manifest
from tinnhiem.crypto.proofs import Proof
from tinnhiem.crypto.record import MAX_CARDS, read_manifest, read_point, read_scalar
from tinnhiem.domain.errors import InvalidInput
from tinnhiem.services.ports import Election, UnitOfWork

CARDS_FORMAT = "tinnhiem-cards/2"
CARDS_KEYS = ("format", "round_id", "election", "credentials", "signatures")
UNSIGNED_FORMAT = "tinnhiem-cards/1"  # protocol 2's list: nobody's signature, refused by name
ELECTION_FORMAT = "tinnhiem-election/1"
ELECTION_KEYS = ("format", "round_id", "title", "manifest", "manifest_hash", "committee", "joint_key", "receipt_key")


@dataclass(frozen=True, slots=True)
class CardSet:
    """What the committee's laptop makes: the printed secrets, and the signed file of public credentials."""

    secrets: tuple[str, ...]  # grouped, as printed: "K7QX-9MPA-…"
    public: dict[str, Any]  # CARDS_FORMAT: round id, E, the sorted public credentials, the members' signatures


@dataclass(frozen=True, slots=True)
class ElectionFile:
    """The hall's election as the committee's laptop reads it (ELECTION_FORMAT): public values only, checked."""

    round_id: str
    title: str
    manifest: Manifest
    committee: Committee
    commitments: tuple[MemberCommitment, ...]
    joint_key: Point
    receipt_key: Point

    def identity(self, credentials: Sequence[Point]) -> bytes:
        """E over this election and a card list (docs/protocol.md)."""
        return election_hash(self.manifest, self.committee, self.commitments, self.joint_key, self.receipt_key,
                             credentials)


def election_file(uow: UnitOfWork, code: str) -> dict[str, Any]:
    """What the hall exports for the committee's laptop: the manifest, the committee's public keys with their
    proofs, the joint key K and the receipt key R. Nothing secret."""
    with uow:
        election = uow.voting.election(code)
        title = uow.rounds.get(code).title
    if election is None:
        raise InvalidInput("no-election", field="round", value=code)
    return election_file_of(election, code) | {"title": title}


def _commitment(data: Any, where: str) -> tuple[MemberCommitment, str]:
    if not isinstance(data, Mapping) or set(data) != {"member", "name", "K", "proofs"}:
        raise InvalidInput("election-file", field=where)
    if not isinstance(data["K"], list) or not isinstance(data["proofs"], list) or not isinstance(data["name"], str):
        raise InvalidInput("election-file", field=where)
    try:
        return MemberCommitment(
            int(data["member"]), tuple(read_point(k, f"{where}.K[{j}]") for j, k in enumerate(data["K"])),
            tuple(Proof(read_scalar(p["c"], f"{where}.proofs[{j}].c"), read_scalar(p["z"], f"{where}.proofs[{j}].z"))
                  for j, p in enumerate(data["proofs"]))), data["name"]
    except (VerificationError, TypeError, KeyError, ValueError):
        raise InvalidInput("election-file", field=where) from None


def read_election_file(data: Any) -> ElectionFile:
    """Read and check an exported election on the committee's laptop: every proof of the committee's keys, the
    joint key their sum, the manifest's hash; a failure names the field."""
    if not isinstance(data, Mapping) or set(data) != set(ELECTION_KEYS) or data["format"] != ELECTION_FORMAT:
        raise InvalidInput("election-file", field="format")
    try:
        manifest = read_manifest(data["manifest"])
    except VerificationError:
        raise InvalidInput("election-file", field="manifest") from None
    if data["manifest_hash"] != manifest.hash.hex() or data["round_id"] != manifest.round_id:
        raise InvalidInput("election-file", field="manifest_hash")
    c = data["committee"]
    if not isinstance(c, Mapping) or set(c) != {"members", "threshold", "commitments"} \
            or not isinstance(c["commitments"], list):
        raise InvalidInput("election-file", field="committee")
    pairs = [_commitment(d, f"committee.commitments[{i}]") for i, d in enumerate(c["commitments"])]
    committee = Committee(manifest.hash, len(pairs), int(c["threshold"]))
    if c["members"] != len(pairs) or [m.member for m, _ in pairs] != list(range(1, len(pairs) + 1)) \
            or not 2 <= committee.threshold <= committee.members:
        raise InvalidInput("election-file", field="committee")
    commitments = tuple(m for m, _ in pairs)
    for i, member in enumerate(commitments):
        try:
            ceremony.verify_commitment(committee, member)
        except VerificationError:
            raise InvalidInput("election-file", field=f"committee.commitments[{i}].proofs") from None
    try:
        joint, receipt = read_point(data["joint_key"], "joint_key"), read_point(data["receipt_key"], "receipt_key")
    except VerificationError as error:
        raise InvalidInput("election-file", field=str(error.params.get("field", "joint_key"))) from None
    if joint != ceremony.joint_key(commitments):
        raise InvalidInput("election-file", field="joint_key")
    return ElectionFile(manifest.round_id, str(data["title"])[:500], manifest, committee, commitments, joint, receipt)


def new_secret() -> str:
    """20 symbols from the card alphabet, from the OS CSPRNG (secrets): 100 bits."""
    return grouped("".join(secrets.choice(CARD_ALPHABET) for _ in range(CARD_SYMBOLS)))


def signed_set(election: ElectionFile, card_secrets: Sequence[str], shares: Mapping[int, int], rng: Random) -> CardSet:
    """The card list with E, signed by each member whose key share is given (at least k of them).

    A share that is not the member's of this election (Sℓ = sℓ·G must equal the key the commitments give)
    is refused naming the member, before anything is signed.
    """
    if len(shares) < election.committee.threshold:
        raise InvalidInput("cards-too-few-members", field="key", given=len(shares),
                           needed=election.committee.threshold)
    for member, share in shares.items():
        if not 1 <= member <= election.committee.members \
                or base_mul(share) != ceremony.verification_key(election.commitments, member):
            raise InvalidInput("key-file-other-election", field="key", member=member)
    credentials = sorted(public_credential(election.round_id, s) for s in card_secrets)
    identity = election.identity(credentials)
    signatures = [sign_election(member, share, identity, rng) for member, share in sorted(shares.items())]
    return CardSet(tuple(card_secrets), {
        "format": CARDS_FORMAT, "round_id": election.round_id, "election": identity.hex(),
        "credentials": [c.hex() for c in credentials],
        "signatures": [{"member": s.member, "c": encode_scalar(s.signature.challenge).hex(),
                        "z": encode_scalar(s.signature.response).hex()} for s in signatures]})


def make_cards(election: ElectionFile, count: int, shares: Mapping[int, int], rng: Random = random_scalar) -> CardSet:
    """``count`` fresh cards, signed (on the committee's laptop; the server never runs this)."""
    if not 1 <= count <= MAX_CARDS:
        raise InvalidInput("card-count", field="count", value=count, high=MAX_CARDS)
    return signed_set(election, [new_secret() for _ in range(count)], shares, rng)


def _signatures(data: Any) -> list[MemberSignature]:
    if not isinstance(data, list) or not 1 <= len(data) <= 64:
        raise InvalidInput("cards-signature", field="signatures", given=0, needed=1)
    read = []
    for i, d in enumerate(data):
        if not isinstance(d, Mapping) or set(d) != {"member", "c", "z"} or not isinstance(d["member"], int) \
                or isinstance(d["member"], bool):
            raise InvalidInput("cards-file", field=f"signatures[{i}]")
        try:
            read.append(MemberSignature(d["member"], Signature(read_scalar(d["c"], f"signatures[{i}].c"),
                                                               read_scalar(d["z"], f"signatures[{i}].z"))))
        except VerificationError:
            raise InvalidInput("cards-file", field=f"signatures[{i}]") from None
    return read


def _credentials(data: Mapping[str, Any], code: str) -> list[str]:
    """The public credentials of an uploaded file, each a valid point, none twice."""
    if not isinstance(data, Mapping) or data.get("format") not in (CARDS_FORMAT, UNSIGNED_FORMAT):
        raise InvalidInput("cards-file", field="format")
    if data["format"] == UNSIGNED_FORMAT or not {"election", "signatures"} <= set(data):
        raise InvalidInput("cards-unsigned", field="signatures")
    if set(data) != {"format", "round_id", "election", "credentials", "signatures"}:
        raise InvalidInput("cards-file", field=sorted(set(map(str, data)) ^ set(CARDS_KEYS))[0])
    if data["round_id"] != code:
        raise InvalidInput("cards-other-round", field="round_id", value=str(data["round_id"])[:80])
    listed = data["credentials"]
    if not isinstance(listed, list) or not 1 <= len(listed) <= MAX_CARDS or len(set(listed)) != len(listed):
        raise InvalidInput("cards-file", field="credentials")
    try:
        return [read_point(c, f"credentials[{i}]").hex() for i, c in enumerate(listed)]
    except VerificationError as error:
        raise InvalidInput("cards-file", field=str(error.params.get("field", "credentials"))) from None


def upload(uow: UnitOfWork, code: str, data: Mapping[str, Any], actor: str = "") -> int:
    """Store the committee's signed card list, once, while voting is not open.

    The server recomputes E from its own election (manifest, commitments, K, R) and the uploaded credentials:
    a file whose ``election`` differs (another election, or a card added, dropped or swapped) is refused
    (cards-election), as is one with fewer than k valid signatures from distinct members (cards-signature).
    """
    credentials = _credentials(data, code)
    signatures = _signatures(data["signatures"])
    with uow:
        election = uow.voting.lock_election(code)
        if election.state != "ready":
            raise InvalidInput("cards-after-open", field="round")
        if election.election_id is not None:
            raise InvalidInput("cards-once", field="file")
        hall = read_election_file(election_file_of(election, code))
        identity = hall.identity([bytes.fromhex(c) for c in credentials])
        if data["election"] != identity.hex():
            raise InvalidInput("cards-election", field="election")
        try:
            verify_election_signatures(hall.committee, hall.commitments, identity, signatures)
        except VerificationError:
            valid = valid_signers(hall.commitments, hall.committee.members, ELECTION_SIGNATURE_TAG, identity,
                                  signatures)
            raise InvalidInput("cards-signature", field="signatures", given=len(valid),
                               needed=hall.committee.threshold) from None
        uow.voting.store_cards(code, credentials, identity.hex(), [dict(d) for d in data["signatures"]])
        uow.rounds.audit(code, "cards-uploaded", actor, {"cards": len(credentials), "election": identity.hex(),
                                                         "members": sorted(s.member for s in signatures)})
        uow.commit()
    return len(credentials)


def election_file_of(election: Election, code: str) -> dict[str, Any]:
    """The election as ELECTION_FORMAT (the title, for the printed cards, is not covered by E)."""
    if election.receipt_key is None:
        raise InvalidInput("no-receipt-key", field="round")
    return {"format": ELECTION_FORMAT, "round_id": code, "title": code, "manifest": election.manifest,
            "manifest_hash": read_manifest(election.manifest).hash.hex(), "committee": election.committee,
            "joint_key": election.joint_key, "receipt_key": election.receipt_key}


def public_of(round_id: str, card_texts: Sequence[str]) -> list[str]:
    """The public credentials of cards typed or scanned (derived here: on the device that reads them)."""
    try:
        return [public_credential(round_id, text).hex() for text in card_texts]
    except VerificationError:
        raise InvalidInput("bad-card", field="card") from None


def void(uow: UnitOfWork, code: str, credentials: Sequence[str], actor: str = "") -> int:
    """Void cards not handed out (before or during voting); returns how many were voided.

    A card of another round (picked up from the wrong stack) is refused, naming it, and nothing is voided:
    the committee would otherwise count it as voided while the right card stays valid.
    """
    with uow:
        election = uow.voting.lock_election(code)
        if election.state not in ("ready", "open"):
            raise InvalidInput("voting-closed", field="round")
        for i, credential in enumerate(credentials):
            if uow.voting.card(code, credential) is None:
                raise InvalidInput("card-unknown", field=f"credentials[{i}]")
        voided = uow.voting.void_cards(code, list(credentials))
        uow.rounds.audit(code, "cards-voided", actor, {"cards": voided})
        uow.commit()
    return voided


def summary(uow: UnitOfWork, code: str) -> dict[str, int]:
    """How many cards exist, are void, have voted: for the organisers' and committee's pages."""
    with uow:
        cards = uow.voting.cards(code)
    return {"cards": len(cards), "void": sum(c.void for c in cards), "used": sum(c.used for c in cards)}
