"""The verifier (docs/protocol.md §12): re-checks a record from the record alone.

``verify(data)`` runs the checks of §12 in their order and raises a ``VerificationError`` whose
code names the first that fails, or returns a ``Verified`` summary. Ballot signatures and proofs,
the bulk of the work, go through ``map_fn`` so that the caller may spread them over processes
(the command line does; this module does no I/O).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from tinnhiem.crypto.ballot import EncryptedBallot, alphas, verify_ballot, verify_opening
from tinnhiem.crypto.ceremony import joint_key, verification_key, verify_commitment
from tinnhiem.crypto.decryption import combine, decode_counts, verify_decryption_share
from tinnhiem.crypto.errors import TallyMismatch, VerificationError
from tinnhiem.crypto.group import Point, base_mul
from tinnhiem.crypto.record import Record, from_json
from tinnhiem.crypto.tally import encrypted_sums

MapFn = Callable[[Callable[..., None], Iterable[Any], Iterable[Any], Iterable[Any]], Iterable[None]]

# §12: every check, in the order the verifier runs them.
CHECKS = (
    "format", "encoding", "bounds", "levels", "order", "tracking-code", "spoiled-code",  # reading
    "manifest-hash", "capacity", "threshold", "committee-members", "coefficient-proof", "joint-key",
    "cards-issued", "ballot-credential", "credential-reuse", "cards-voided", "ballot-limit", "ballots-over-cards",
    "ballot-round", "ballot-shape", "ballot-signature", "ballot-proof", "duplicate", "spoiled-opening",
    "complete", "ballot-count", "tally-sum", "decryption-members", "decryption-quorum", "decryption-proof",
    "plaintext",
)


@dataclass(frozen=True, slots=True)
class Verified:
    """What a successful verification established."""

    ballots: int
    spoiled: int
    subjects: int
    decrypting_members: tuple[int, ...]
    counts: tuple[tuple[int, ...], ...]
    empty: tuple[int, ...]


def check_ceremony(record: Record) -> None:
    """Manifest hash, capacity, threshold, members, coefficient proofs, joint key."""
    committee, manifest = record.committee, record.manifest
    if committee.manifest_hash != manifest.hash:
        raise VerificationError("manifest-hash")
    if not manifest.fits:
        raise VerificationError("capacity")
    if not 2 <= committee.threshold <= committee.members:
        raise VerificationError("threshold", threshold=committee.threshold, members=committee.members)
    if sorted(c.member for c in record.commitments) != list(range(1, committee.members + 1)):
        raise VerificationError("committee-members")
    for c in record.commitments:
        verify_commitment(committee, c)
    if joint_key(record.commitments) != record.joint_key:
        raise VerificationError("joint-key")


def check_cards(record: Record) -> None:
    """Each ballot's card listed and not void, used once; once closed, every card that cast nothing void;
    N ≤ max_ballots; N ≤ cards handed out."""
    listed = {c.credential: c.void for c in record.cards}
    closed = record.state in ("closed", "tallied")
    if (record.issued is None and closed) or (record.issued or 0) > len(record.cards):
        raise VerificationError("cards-issued", issued=record.issued, cards=len(record.cards))
    used: set[Point] = set()
    for b in record.ballots:
        if listed.get(b.credential, True):
            raise VerificationError("ballot-credential", ballot=b.code)
        if b.credential in used:
            raise VerificationError("credential-reuse", ballot=b.code)
        used.add(b.credential)
    for s in record.spoiled:
        if s.ballot.credential not in listed:
            raise VerificationError("ballot-credential", ballot=s.ballot.code)
    live = {credential for credential, void in listed.items() if not void}
    if closed and live != used:  # closing voids every card that cast nothing (§6.2)
        raise VerificationError("cards-voided", cards=len(live - used))
    n = len(record.ballots)
    if n > record.manifest.max_ballots:
        raise VerificationError("ballot-limit", ballots=n, max_ballots=record.manifest.max_ballots)
    if record.issued is not None and n > record.issued:
        raise VerificationError("ballots-over-cards", ballots=n, issued=record.issued)


def check_unique(ballots: Sequence[EncryptedBallot]) -> None:
    """No ciphertext appears twice (a replayed, duplicated or row-copied ballot)."""
    seen: set[bytes] = set()
    for b in ballots:
        for alpha in alphas(b):
            if alpha in seen:
                raise VerificationError("duplicate", ballot=b.code)
            seen.add(alpha)


def check_ballots(record: Record, map_fn: MapFn = map) -> None:
    """Round, shape, signature and row proofs of every ballot; no repeated α; spoiled ballots open."""
    n = len(record.ballots)
    for _ in map_fn(verify_ballot, [record.manifest] * n, [record.joint_key] * n, record.ballots):
        pass
    for s in record.spoiled:
        verify_ballot(record.manifest, record.joint_key, s.ballot)
    check_unique([*record.ballots, *(s.ballot for s in record.spoiled)])
    for s in record.spoiled:
        verify_opening(record.manifest, record.joint_key, s.ballot, s.secrets)


def check_tally(record: Record) -> tuple[int, ...]:
    """Complete, count, sums, decryption shares, totals, counts. Returns the decrypting members."""
    manifest, n = record.manifest, len(record.ballots)
    if record.state != "tallied" or record.stated_count is None:
        raise VerificationError("complete", state=record.state)
    if record.stated_count != n:
        raise TallyMismatch("ballot-count", stated=record.stated_count, actual=n)
    sums = encrypted_sums(manifest, record.ballots)
    if len(record.sums) != len(sums) or len(record.results) != len(sums):
        raise TallyMismatch("tally-sum", row=min(len(record.sums), len(record.results), len(sums)) + 1)
    keys: dict[int, Point] = {}
    members: tuple[int, ...] = ()
    for j, (expected, ct, result) in enumerate(zip(sums, record.sums, record.results, strict=True)):
        if expected != ct:
            raise TallyMismatch("tally-sum", row=j + 1)
        members = tuple(s.member for s in result.shares)
        if len(set(members)) != len(members) or not all(1 <= m <= record.committee.members for m in members):
            raise VerificationError("decryption-members", row=j + 1)
        if len(members) < record.committee.threshold:
            raise VerificationError("decryption-quorum", given=len(members), needed=record.committee.threshold)
        for share in result.shares:
            if share.member not in keys:
                keys[share.member] = verification_key(record.commitments, share.member)
            verify_decryption_share(share, keys[share.member], ct, manifest.hash, j)
        if result.total > n * manifest.values[-1] or combine(ct, result.shares) != base_mul(result.total):
            raise TallyMismatch("plaintext", row=j + 1)
        counts, empty = decode_counts(result.total, manifest.base, len(manifest.levels), n, j)
        if (counts, empty) != (result.counts, result.empty):
            raise TallyMismatch("plaintext", row=j + 1)
    return members


def verify(data: Mapping[str, Any], map_fn: MapFn = map) -> Verified:
    """Every check of §12, in order; the first failure raises and names itself."""
    record = from_json(data)
    check_ceremony(record)
    check_cards(record)
    check_ballots(record, map_fn)
    members = check_tally(record)
    return Verified(
        ballots=len(record.ballots),
        spoiled=len(record.spoiled),
        subjects=len(record.manifest.subjects),
        decrypting_members=members,
        counts=tuple(r.counts for r in record.results),
        empty=tuple(r.empty for r in record.results),
    )
