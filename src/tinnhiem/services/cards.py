"""Voting cards (docs/protocol.md §6.2): made by the committee away from the server, handed out like
paper ballots, voided when not handed out. The server only ever holds the public credentials.

- ``make_cards`` runs on the committee's own (offline) laptop: it draws each card's secret from
  the operating system's CSPRNG and returns the secrets (for printing) and the public file (for
  the organisers to upload). Nothing is stored.
- ``upload`` stores the public credentials, sorted, while voting has not opened.
- ``void`` makes cards unusable: those not handed out, before voting opens (a committee member types
  or scans each); every card still unused is voided when voting closes. Sealing and releasing the
  reserve: services/reserve.py.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from tinnhiem.crypto.credentials import CARD_ALPHABET, CARD_SYMBOLS, grouped, public_credential
from tinnhiem.crypto.errors import VerificationError
from tinnhiem.crypto.record import MAX_CARDS, read_point
from tinnhiem.domain.errors import InvalidInput
from tinnhiem.services import reserve
from tinnhiem.services.ports import UnitOfWork

CARDS_FORMAT = "tinnhiem-cards/1"


@dataclass(frozen=True, slots=True)
class CardSet:
    """What the committee's laptop makes: the printed secrets, and the file of public credentials."""

    secrets: tuple[str, ...]  # grouped, as printed: "K7QX-9MPA-…"
    public: dict[str, Any]  # CARDS_FORMAT: round id and the sorted public credentials


def new_secret() -> str:
    """20 symbols from the card alphabet, from the OS CSPRNG (secrets): 100 bits."""
    return grouped("".join(secrets.choice(CARD_ALPHABET) for _ in range(CARD_SYMBOLS)))


def card_set(round_id: str, card_secrets: Sequence[str]) -> CardSet:
    credentials = sorted(public_credential(round_id, s).hex() for s in card_secrets)
    return CardSet(tuple(card_secrets), {"format": CARDS_FORMAT, "round_id": round_id, "credentials": credentials})


def make_cards(round_id: str, count: int) -> CardSet:
    """``count`` fresh cards for a round (on the committee's laptop; the server never runs this)."""
    if not 1 <= count <= MAX_CARDS:
        raise InvalidInput("card-count", field="count", value=count, high=MAX_CARDS)
    return card_set(round_id, [new_secret() for _ in range(count)])


def _credentials(data: Mapping[str, Any], code: str) -> list[str]:
    """The public credentials of an uploaded file, each a valid point, none twice."""
    if not isinstance(data, Mapping) or set(data) != {"format", "round_id", "credentials"} \
            or data["format"] != CARDS_FORMAT:
        raise InvalidInput("cards-file", field="file")
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
    """Store the committee's public credentials (replacing earlier ones) while voting is not open."""
    credentials = _credentials(data, code)
    with uow:
        election = uow.voting.lock_election(code)
        if election.state != "ready":
            raise InvalidInput("cards-after-open", field="round")
        uow.voting.replace_cards(code, credentials)
        uow.rounds.audit(code, "cards-uploaded", actor, {"cards": len(credentials)})
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
