"""The verifier (docs/protocol.md §12): re-checks a record from the record alone.

``verify(data)`` raises a ``VerificationError`` naming the first failed check, or returns a
``Verified`` summary. Ballot proofs, the bulk of the work, go through ``map_fn`` so that the
caller may spread them over processes (the command line does; this module does no I/O).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from tinnhiem.crypto.ballot import EncryptedBallot, verify_ballot, verify_opening
from tinnhiem.crypto.ceremony import joint_key, verification_key, verify_commitment
from tinnhiem.crypto.decryption import combine, decode_counts, verify_decryption_share
from tinnhiem.crypto.errors import TallyMismatch, VerificationError
from tinnhiem.crypto.group import Point, base_mul
from tinnhiem.crypto.manifest import Manifest
from tinnhiem.crypto.record import Record, from_json, stated
from tinnhiem.crypto.tally import encrypted_sums

MapFn = Callable[[Callable[..., None], Iterable[Any], Iterable[Any], Iterable[Any]], Iterable[None]]


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
    """§12 steps 2–3: manifest hash, member proofs, joint key."""
    committee = record.committee
    if committee.manifest_hash != record.manifest.hash:
        raise VerificationError("manifest-hash")
    numbers = [c.member for c in record.commitments]
    if sorted(numbers) != list(range(1, committee.members + 1)) or not 1 <= committee.threshold <= committee.members:
        raise VerificationError("bad-format", reason="committee.commitments")
    for c in record.commitments:
        verify_commitment(committee, c)
    if joint_key(record.commitments) != record.joint_key:
        raise VerificationError("joint-key")


def check_unique(ballots: Sequence[EncryptedBallot]) -> None:
    """§12 step 5: no ciphertext appears twice (a replayed, duplicated or row-copied ballot)."""
    seen: set[bytes] = set()
    for b in ballots:
        for row in b.rows:
            if row.ciphertext.alpha in seen:
                raise VerificationError("duplicate", ballot=b.code)
            seen.add(row.ciphertext.alpha)


def check_ballots(record: Record, codes: Sequence[str], map_fn: MapFn = map) -> None:
    """§12 step 4: each ballot's code, round, shape and row proofs; spoiled ballots open correctly."""
    for ballot, code in zip(record.ballots, codes, strict=True):
        if ballot.code != code:
            raise VerificationError("tracking-code", ballot=code)
    n = len(record.ballots)
    for _ in map_fn(verify_ballot, [record.manifest] * n, [record.joint_key] * n, record.ballots):
        pass
    check_unique([*record.ballots, *(s.ballot for s in record.spoiled)])
    for s in record.spoiled:
        verify_ballot(record.manifest, record.joint_key, s.ballot)
        verify_opening(record.manifest, record.joint_key, s.ballot, s.secrets)


def check_tally(record: Record, stated_count: int) -> tuple[int, ...]:
    """§12 steps 6–8: sums, decryption shares, totals, counts. Returns the decrypting members."""
    manifest: Manifest = record.manifest
    if stated_count != len(record.ballots):
        raise TallyMismatch("ballot-count", stated=stated_count, actual=len(record.ballots))
    if encrypted_sums(manifest, record.ballots) != record.sums or len(record.results) != len(record.sums):
        row = next((j for j, (a, b) in enumerate(zip(encrypted_sums(manifest, record.ballots), record.sums,
                                                         strict=False)) if a != b), len(record.sums))
        raise TallyMismatch("tally-sum", row=row + 1)
    keys: dict[int, Point] = {}
    members: tuple[int, ...] = ()
    for j, (ct, result) in enumerate(zip(record.sums, record.results, strict=True)):
        members = tuple(s.member for s in result.shares)
        if len(set(members)) < record.committee.threshold or len(set(members)) != len(members):
            raise VerificationError("decryption-quorum", given=len(set(members)), needed=record.committee.threshold)
        for share in result.shares:
            if share.member not in keys:
                if not 1 <= share.member <= record.committee.members:
                    raise VerificationError("bad-format", reason=f"decryption[{j}].member")
                keys[share.member] = verification_key(record.commitments, share.member)
            verify_decryption_share(share, keys[share.member], ct, manifest.hash, j)
        if combine(ct, result.shares) != base_mul(result.total):
            raise TallyMismatch("plaintext", row=j + 1)
        counts, empty = decode_counts(result.total, manifest.base, len(manifest.levels), len(record.ballots), j)
        if (counts, empty) != (result.counts, result.empty):
            raise TallyMismatch("plaintext", row=j + 1)
    return members


def verify(data: Mapping[str, Any], map_fn: MapFn = map) -> Verified:
    """Every check of §12, in order; the first failure raises and names itself."""
    record = from_json(data)
    stated_count, codes = stated(data)
    check_ceremony(record)
    check_ballots(record, codes, map_fn)
    members = check_tally(record, stated_count)
    return Verified(
        ballots=len(record.ballots),
        spoiled=len(record.spoiled),
        subjects=len(record.manifest.subjects),
        decrypting_members=members,
        counts=tuple(r.counts for r in record.results),
        empty=tuple(r.empty for r in record.results),
    )
