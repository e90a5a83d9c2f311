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
  or scans each; a committee member only); every card still unused is voided when voting closes.
  Sealing and releasing the reserve: services/reserve.py.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from tinnhiem.crypto import ceremony
from tinnhiem.crypto.credentials import CARD_ALPHABET, CARD_SYMBOLS, grouped, public_credential
from tinnhiem.crypto.election import ELECTION_SIGNATURE_TAG, election_hash, sign_election, valid_signers
from tinnhiem.crypto.errors import VerificationError
from tinnhiem.crypto.group import Point, Random, base_mul, random_scalar
from tinnhiem.crypto.record import (
    CARDS_FILE_FORMAT,
    ELECTION_FILE_FORMAT,
    MAX_CARDS,
    CardFile,
    ElectionFile,
    card_file_json,
    member_signature_json,
    read_card_file,
    read_manifest,
)
from tinnhiem.crypto.record import read_election_file as read_election_json
from tinnhiem.crypto.verify import check_card_file, check_election_file
from tinnhiem.domain.errors import InvalidInput
from tinnhiem.services import reserve
from tinnhiem.services.ports import Election, UnitOfWork

CARDS_FORMAT = CARDS_FILE_FORMAT
UNSIGNED_FORMAT = "tinnhiem-cards/1"  # protocol 2's list: nobody's signature, refused by name


@dataclass(frozen=True, slots=True)
class CardSet:
    """What the committee's laptop makes: the printed secrets, and the signed file of public credentials."""

    secrets: tuple[str, ...]  # grouped, as printed: "K7QX-9MPA-…"
    public: dict[str, Any]  # CARDS_FORMAT: round id, E, the sorted public credentials, the members' signatures


def election_file_of(election: Election) -> dict[str, Any]:
    """The stored election as the file the hall exports (tinnhiem-election/1, docs/protocol.md): the manifest,
    the committee's public keys with their proofs, the joint key K and the receipt key R. Nothing secret."""
    if election.receipt_key is None:
        raise InvalidInput("no-receipt-key", field="round")
    return {"format": ELECTION_FILE_FORMAT, "manifest": election.manifest,
            "manifest_hash": read_manifest(election.manifest).hash.hex(), "committee": election.committee,
            "joint_key": election.joint_key, "receipt_key": election.receipt_key}


def election_file(uow: UnitOfWork, code: str) -> dict[str, Any]:
    """What the hall exports for the committee's laptop (``election_file_of`` the round's election)."""
    with uow:
        election = uow.voting.election(code)
    if election is None:
        raise InvalidInput("no-election", field="round", value=code)
    return election_file_of(election)


def read_election_file(data: Any) -> ElectionFile:
    """Read and check an exported election on the committee's laptop: exact fields, every proof of the
    committee's keys, the joint key their sum, the manifest's hash. A failure names the field or the check."""
    try:
        election = read_election_json(data)
        check_election_file(election)
    except VerificationError as error:
        raise InvalidInput("election-file", field=str(error.field or error.params.get("field") or error.code)) from None
    return election


def identity(election: ElectionFile, credentials: Sequence[Point]) -> bytes:
    """E over an election and a card list (docs/protocol.md)."""
    return election_hash(election.manifest, election.committee, election.commitments, election.joint_key,
                         election.receipt_key, credentials)


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
    round_id = election.manifest.round_id
    credentials = tuple(sorted(public_credential(round_id, s) for s in card_secrets))
    e = identity(election, credentials)
    signatures = tuple(sign_election(member, share, e, rng) for member, share in sorted(shares.items()))
    return CardSet(tuple(card_secrets), card_file_json(CardFile(round_id, e, credentials, signatures)))


def make_cards(election: ElectionFile, count: int, shares: Mapping[int, int], rng: Random = random_scalar) -> CardSet:
    """``count`` fresh cards, signed (on the committee's laptop; the server never runs this)."""
    if not 1 <= count <= MAX_CARDS:
        raise InvalidInput("card-count", field="count", value=count, high=MAX_CARDS)
    return signed_set(election, [new_secret() for _ in range(count)], shares, rng)


def _card_file(data: Any, code: str) -> CardFile:
    """The uploaded file, read as strictly as a record; protocol 2's unsigned list refused by name."""
    if isinstance(data, Mapping) and (data.get("format") == UNSIGNED_FORMAT or "signatures" not in data):
        raise InvalidInput("cards-unsigned", field="signatures")
    if isinstance(data, Mapping) and "round_id" in data and data["round_id"] != code:
        raise InvalidInput("cards-other-round", field="round_id", value=str(data["round_id"])[:80])
    try:
        cards = read_card_file(data)
    except VerificationError as error:
        raise InvalidInput("cards-file", field=str(error.field or error.params.get("field") or error.code)) from None
    if not cards.credentials:
        raise InvalidInput("cards-file", field="credentials")
    return cards


def upload(uow: UnitOfWork, code: str, data: Any, actor: str = "") -> int:
    """Store the committee's signed card list, once, while voting is not open.

    The server recomputes E from its own election (manifest, commitments, K, R) and the uploaded credentials:
    a file whose ``election`` differs (another election, or a card added, dropped or swapped) is refused
    (cards-election), as is one with fewer than k valid signatures from distinct members (cards-signature).
    """
    cards = _card_file(data, code)
    with uow:
        election = uow.voting.lock_election(code)
        if election.state != "ready":
            raise InvalidInput("cards-after-open", field="round")
        if election.election_id is not None:
            raise InvalidInput("cards-once", field="file")
        hall = read_election_json(election_file_of(election))
        try:
            e = check_card_file(hall, cards)
        except VerificationError as error:
            if error.code == "election":
                raise InvalidInput("cards-election", field="election") from None
            recomputed = identity(hall, cards.credentials)
            valid = valid_signers(hall.commitments, hall.committee.members, ELECTION_SIGNATURE_TAG, recomputed,
                                  cards.signatures)
            raise InvalidInput("cards-signature", field="signatures", given=len(valid),
                               needed=hall.committee.threshold) from None
        credentials = [c.hex() for c in cards.credentials]
        uow.voting.store_cards(code, credentials, e.hex(), [member_signature_json(s) for s in cards.signatures])
        uow.rounds.audit(code, "cards-uploaded", actor, {"cards": len(credentials), "election": e.hex(),
                                                         "members": [s.member for s in cards.signatures]})
        uow.commit()
    return len(credentials)


def public_of(round_id: str, card_texts: Sequence[str]) -> list[str]:
    """The public credentials of cards typed or scanned (derived here: on the device that reads them)."""
    try:
        return [public_credential(round_id, text).hex() for text in card_texts]
    except VerificationError:
        raise InvalidInput("bad-card", field="card") from None


def void(uow: UnitOfWork, code: str, credentials: Sequence[str], actor: str = "", *, member: str | None) -> int:
    """Void cards not handed out (before or during voting); returns how many were voided.

    Only a member of the round's committee voids (``member``: their name on its list); anyone else is
    refused and the attempt audited (services/reserve.py). A card of another round (picked up from the
    wrong stack) is refused, naming it, and nothing is voided: the committee would otherwise count it as
    voided while the right card stays valid.
    """
    reserve.committee_only(uow, code, member, actor, "cards-void")
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
