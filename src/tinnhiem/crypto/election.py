"""The election's identity E and what the committee and the server sign over it (docs/protocol.md §6.2, §6.6, §6.7).

E = H("election", manifest hash, n, k, every Kᵢⱼ, K, R, card list hash)[:32] fixes the round, the
committee's keys, the joint key, the server's receipt key and the committee's card list at once.
At least k members sign E with their key shares sℓ (public Sℓ = sℓ·G, computable from the
commitments), so nobody can add, drop or swap a card afterwards. At closing the same members sign
the closing statement E ‖ N ‖ issued ‖ P ‖ B; the server signs a receipt E ‖ digest for every cast.
All signatures are Schnorr signatures c = H(tag, public, message, A), z = w + c·secret.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from tinnhiem.crypto.ceremony import Committee, MemberCommitment, verification_key
from tinnhiem.crypto.credentials import Signature, sign, verify_signature
from tinnhiem.crypto.errors import CLOSING_SIGNATURES, InvalidProof, VerificationError
from tinnhiem.crypto.group import Point, Random, Scalar, base_mul, hash_bytes
from tinnhiem.crypto.manifest import Manifest

ELECTION_SIGNATURE_TAG = "election-signature"
CLOSING_SIGNATURE_TAG = "closing-signature"
RECEIPT_TAG = "receipt"


def card_list_hash(credentials: Iterable[Point]) -> bytes:
    """C = H("card-list", S₁, …, S_m)[:32], the credentials sorted ascending by bytes (void or not)."""
    return hash_bytes("card-list", *sorted(credentials))[:32]


def election_hash(manifest: Manifest, committee: Committee, commitments: Sequence[MemberCommitment],
                  joint_key: Point, receipt_key: Point, credentials: Iterable[Point]) -> bytes:
    """E = H("election", manifest hash, n, k, K₁,₀ … K_n,k−1, K, R, C)[:32], members in order 1…n."""
    points = [p for c in sorted(commitments, key=lambda c: c.member) for p in c.commitments]
    return hash_bytes("election", manifest.hash, committee.members, committee.threshold, *points,
                      joint_key, receipt_key, card_list_hash(credentials))[:32]


@dataclass(frozen=True, slots=True)
class MemberSignature:
    """Committee member ℓ's Schnorr signature with their key share sℓ (public Sℓ)."""

    member: int
    signature: Signature


def member_sign(member: int, secret: Scalar, tag: str, message: bytes, rng: Random) -> MemberSignature:
    return MemberSignature(member, sign(secret, base_mul(secret), tag, message, rng))


def sign_election(member: int, secret: Scalar, election: bytes, rng: Random) -> MemberSignature:
    """Member ℓ signs E (tag "election-signature"): the card list and everything E covers are the committee's."""
    return member_sign(member, secret, ELECTION_SIGNATURE_TAG, election, rng)


def valid_signers(commitments: Sequence[MemberCommitment], members: int, tag: str, message: bytes,
                  signatures: Sequence[MemberSignature]) -> set[int]:
    """The distinct members 1…n whose signature over ``message`` verifies under their Sℓ."""
    valid: set[int] = set()
    for s in signatures:
        if 1 <= s.member <= members and s.member not in valid and verify_signature(
            s.signature, verification_key(commitments, s.member), tag, message
        ):
            valid.add(s.member)
    return valid


def verify_election_signatures(committee: Committee, commitments: Sequence[MemberCommitment], election: bytes,
                               signatures: Sequence[MemberSignature]) -> None:
    """At least k valid signatures over E from distinct members, every one given valid (check card-signatures)."""
    _verify_member_signatures(committee, commitments, ELECTION_SIGNATURE_TAG, election, signatures,
                              "card-signatures")


def _verify_member_signatures(committee: Committee, commitments: Sequence[MemberCommitment], tag: str,
                              message: bytes, signatures: Sequence[MemberSignature], check: str) -> None:
    valid = valid_signers(commitments, committee.members, tag, message, signatures)
    if len(valid) != len(signatures) or len(valid) < committee.threshold:
        if check == "closing":
            raise InvalidProof(check, reason=CLOSING_SIGNATURES)
        raise InvalidProof(check, given=len(valid), needed=committee.threshold)


def ballot_list_hash(codes: Iterable[bytes | str]) -> bytes:
    """B = H("ballot-list", code₁, …, code_N)[:32]: the cast ballots' 32-byte codes (given as bytes or as
    64 hex digits), ascending."""
    return hash_bytes("ballot-list", *sorted(bytes.fromhex(c) if isinstance(c, str) else c for c in codes))[:32]


def closing_message(election: bytes, ballots: int, issued: int, paper: int, list_hash: bytes) -> bytes:
    """The closing statement m = E ‖ N ‖ issued ‖ P ‖ B (88 bytes, one part; integers 8 bytes big-endian)."""
    if len(election) != 32 or len(list_hash) != 32:
        raise ValueError("E and B are 32 bytes")
    return election + ballots.to_bytes(8, "big") + issued.to_bytes(8, "big") + paper.to_bytes(8, "big") + list_hash


def sign_closing(member: int, secret: Scalar, message: bytes, rng: Random) -> MemberSignature:
    """Member ℓ signs the closing statement (tag "closing-signature") after recomputing N and B themself."""
    return member_sign(member, secret, CLOSING_SIGNATURE_TAG, message, rng)


def verify_closing_signatures(committee: Committee, commitments: Sequence[MemberCommitment], message: bytes,
                              signatures: Sequence[MemberSignature]) -> None:
    """At least k valid closing signatures from distinct members, every one given valid (check closing)."""
    _verify_member_signatures(committee, commitments, CLOSING_SIGNATURE_TAG, message, signatures, "closing")


def verify_member_signature(commitments: Sequence[MemberCommitment], tag: str, message: bytes,
                            signature: MemberSignature) -> bool:
    """One member's signature (what the server checks before storing it)."""
    return verify_signature(signature.signature, verification_key(commitments, signature.member), tag, message)


@dataclass(frozen=True, slots=True)
class Receipt:
    """The server's word that it accepted a cast ballot: Schnorr by r (public R) over E ‖ digest."""

    election: bytes
    code: str
    signature: Signature


def receipt_message(election: bytes, digest: bytes) -> bytes:
    if len(election) != 32 or len(digest) != 32:
        raise VerificationError("format", reason="receipt: E and the code are 32 bytes")
    return election + digest


def sign_receipt(receipt_secret: Scalar, election: bytes, digest: bytes, rng: Random) -> Receipt:
    """r signs E ‖ digest (tag "receipt"): given with every accepted cast."""
    signature = sign(receipt_secret, base_mul(receipt_secret), RECEIPT_TAG, receipt_message(election, digest), rng)
    return Receipt(election, digest.hex(), signature)


def verify_receipt(receipt: Receipt, receipt_key: Point) -> bool:
    """True iff the receipt's signature verifies under R (a receipt that does not proves nothing)."""
    message = receipt_message(receipt.election, bytes.fromhex(receipt.code))
    return verify_signature(receipt.signature, receipt_key, RECEIPT_TAG, message)
