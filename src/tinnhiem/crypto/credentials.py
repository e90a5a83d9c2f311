"""Anonymous voting cards (docs/protocol.md §6): a credential secret, its public credential, signatures.

A card carries a secret text of 20 symbols from a 32-symbol alphabet (100 bits). The device
derives the signing key s = H("credential", round_id, text) and the public credential S = s·G.
Only S reaches the server and the record; a ballot is signed by s (a Schnorr signature), so
nobody who lacks the card can cast with it, and one credential casts at most once.
"""

from __future__ import annotations

from dataclasses import dataclass

from tinnhiem.crypto.errors import InvalidEncoding
from tinnhiem.crypto.group import ORDER, Point, Random, Scalar, base_mul, hash_to_scalar, mul, sub

CARD_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud and typed by older delegates
CARD_SYMBOLS = 20  # 20 × 5 bits = 100 bits of secret
SIGN_IN_TAG = "sign-in"
SIGN_IN_NONCE_BYTES = 16


@dataclass(frozen=True, slots=True)
class Signature:
    """A Schnorr signature (c, z) by a credential's secret s (§6.1)."""

    challenge: Scalar
    response: Scalar


def normalise_card(text: str) -> str:
    """The card's secret as typed or scanned: upper case, groups and spaces removed, alphabet checked.

    A scanned QR code gives the sign-in address with ``#card=…``; only what follows is the secret.
    """
    tail = text.rsplit("#card=", 1)[-1]
    cleaned = "".join(ch for ch in tail.upper() if ch not in " -\t\r\n")
    if len(cleaned) != CARD_SYMBOLS or any(ch not in CARD_ALPHABET for ch in cleaned):
        raise InvalidEncoding("bad-card")
    return cleaned


def grouped(secret: str) -> str:
    """"K7QX-9MPA-…": the printed form, five groups of four."""
    return "-".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def signing_key(round_id: str, card: str) -> Scalar:
    """s = H("credential", round_id, secret) mod ℓ (never 0 for a real card: probability 2⁻²⁵²)."""
    return hash_to_scalar("credential", round_id, normalise_card(card)) or 1


def public_credential(round_id: str, card: str) -> Point:
    """S = s·G: what the committee publishes for a card."""
    return base_mul(signing_key(round_id, card))


def sign(secret: Scalar, public: Point, tag: str, message: bytes, rng: Random) -> Signature:
    """w ← random, A = w·G, c = H(tag, S, message, A), z = w + c·s."""
    w = rng()
    c = hash_to_scalar(tag, public, message, base_mul(w))
    return Signature(c, (w + c * secret) % ORDER)


def verify_signature(signature: Signature, public: Point, tag: str, message: bytes) -> bool:
    """A' = z·G − c·S; valid iff c = H(tag, S, message, A')."""
    commitment = sub(base_mul(signature.response), mul(signature.challenge, public))
    return signature.challenge == hash_to_scalar(tag, public, message, commitment)


def sign_in_message(election: bytes, nonce: bytes) -> bytes:
    """What a card signs to sign in (tag "sign-in"): E ‖ the server's 16-byte nonce (48 bytes, one part)."""
    if len(election) != 32 or len(nonce) != SIGN_IN_NONCE_BYTES:
        raise InvalidEncoding("bad-sign-in")
    return election + nonce
