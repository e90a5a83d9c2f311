"""The verifier (docs/protocol.md §12): re-checks a record from the record alone.

``verify(data)`` runs the checks of §12 in the order §12 lists them and raises a ``VerificationError``
whose code names the first that fails, or returns a ``Verified`` summary. Ballot signatures and
proofs, the bulk of the work, go through ``map_fn`` so that the caller may spread them over processes
(the command line does; this module does no I/O). The results of ``map_fn`` are consumed in the
record's order, so the ballot named is the first failing one in that order.

``verify_for_decryption(data)`` runs every check up to and including the closing statement on a
closed record (what a committee member's device does before it decrypts); ``receipt_findings``
says of each receipt whether it is of this election, valid, and whether its ballot is in the record.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from tinnhiem.crypto.ballot import (
    CastBallot,
    EncryptedBallot,
    alphas,
    verify_ballot,
    verify_cast_ballot,
    verify_opening,
)
from tinnhiem.crypto.ceremony import joint_key, verification_key, verify_commitment
from tinnhiem.crypto.decryption import combine, decode_counts, verify_decryption_share
from tinnhiem.crypto.election import (
    Receipt,
    ballot_list_hash,
    closing_message,
    election_hash,
    verify_closing_signatures,
    verify_election_signatures,
    verify_receipt,
)
from tinnhiem.crypto.elgamal import Ciphertext
from tinnhiem.crypto.errors import (
    CLOSING_COUNT,
    CLOSING_EARLY,
    CLOSING_MISSING,
    ELECTION_GIVEN,
    ELECTION_NULL,
    ELECTION_RECOMPUTED,
    TallyMismatch,
    VerificationError,
)
from tinnhiem.crypto.group import Point, base_mul
from tinnhiem.crypto.record import CardFile, ElectionFile, Record, from_json
from tinnhiem.crypto.tally import encrypted_sums

MapFn = Callable[[Callable[..., None], Iterable[Any], Iterable[Any], Iterable[Any], Iterable[Any]], Iterable[None]]

CHALLENGES_PER_CARD = 3  # spoiled ballots ≤ 3 × the cards listed (§6.5)

# §12: every check, in the order the verifier runs them (the reading ones as §12.1 explains).
CHECKS = (
    "format", "encoding", "bounds", "levels", "order", "tracking-code", "spoiled-code",  # reading
    "manifest-hash", "capacity", "threshold", "committee-members", "coefficient-proof", "joint-key",
    "election", "card-signatures",
    "cards-issued", "checkins", "ballot-credential", "credential-reuse", "cards-voided", "ballot-limit",
    "ballots-over-cards", "challenge-limit",
    "ballot-round", "ballot-shape", "ballot-signature", "ballot-proof",  # ballot by ballot
    "duplicate", "spoiled-opening",
    "closing",
    "receipt-election", "receipt",  # only with receipts given, receipt by receipt
    "complete", "ballot-count",
    "tally-sum", "decryption-members", "decryption-quorum", "decryption-proof", "plaintext",  # subject by subject
)

CLOSED = ("closed", "tallied")


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


def recomputed_election(record: Record) -> bytes:
    """E from the record's own manifest, committee, keys and card list (§6.2)."""
    return election_hash(record.manifest, record.committee, record.commitments, record.joint_key,
                         record.receipt_key, (c.credential for c in record.cards))


def check_election(record: Record, expected: bytes | None = None) -> None:
    """E recomputed equals the stated E (null only before any card, i.e. in state ready with no card); with
    ``expected`` (the E the hall showed: phones, projector, minutes), the stated E is that one; at least k
    valid committee signatures over it, every one listed valid, from distinct members."""
    if record.election is None:
        if record.state != "ready" or record.cards or record.card_signatures or record.ballots or record.spoiled:
            raise VerificationError("election", reason=ELECTION_NULL)
        if expected is not None:
            raise VerificationError("election", reason=ELECTION_GIVEN)
        return
    if record.election != recomputed_election(record):
        raise VerificationError("election", reason=ELECTION_RECOMPUTED)
    if expected is not None and record.election != expected:
        raise VerificationError("election", reason=ELECTION_GIVEN)
    verify_election_signatures(record.committee, record.commitments, record.election, record.card_signatures)


def check_cards(record: Record) -> None:
    """Issued (null exactly until closed) and check-ins; each ballot's card listed and not void, used once;
    once closed, every card that cast nothing void; N ≤ max_ballots; N ≤ cards handed out; spoiled ballots
    ≤ 3 × cards listed."""
    listed = {c.credential: c.void for c in record.cards}
    closed = record.state in CLOSED
    if (record.issued is None) == closed or (record.issued or 0) > len(record.cards):
        raise VerificationError("cards-issued", issued=record.issued, cards=len(record.cards))
    if closed != (record.checkins is not None) or (
        record.checkins is not None and record.checkins.electronic != record.issued
    ):
        electronic = None if record.checkins is None else record.checkins.electronic
        raise VerificationError("checkins", issued=record.issued, electronic=electronic)
    used: set[Point] = set()
    for b in record.ballots:
        if listed.get(b.credential, True):
            raise VerificationError("ballot-credential", ballot=b.code)
        if b.credential in used:
            raise VerificationError("credential-reuse", ballot=b.code)
        used.add(b.credential)
    live = {credential for credential, void in listed.items() if not void}
    if closed and live != used:  # closing voids every card that cast nothing (§6.7)
        raise VerificationError("cards-voided", cards=len(live - used))
    n = len(record.ballots)
    if n > record.manifest.max_ballots:
        raise VerificationError("ballot-limit", ballots=n, max_ballots=record.manifest.max_ballots)
    if record.issued is not None and n > record.issued:
        raise VerificationError("ballots-over-cards", ballots=n, issued=record.issued)
    limit = CHALLENGES_PER_CARD * len(record.cards)
    if len(record.spoiled) > limit:
        raise VerificationError("challenge-limit", spoiled=len(record.spoiled), limit=limit)


def check_closing(record: Record, count_check: str = "closing") -> None:
    """Once closed: N and B recomputed from the ballots equal the statement's, and ≥ k valid closing
    signatures over E ‖ N ‖ issued ‖ P ‖ B. Before: no statement. (A member's device names a count that
    differs ``closing-count``: ``count_check``.)"""
    closing = record.closing
    if record.state not in CLOSED:
        if closing is not None:
            raise VerificationError("closing", reason=CLOSING_EARLY)
        return
    if closing is None or record.checkins is None or record.election is None or record.issued is None:
        raise VerificationError("closing", reason=CLOSING_MISSING)
    list_hash = ballot_list_hash(b.digest() for b in record.ballots)
    if closing.ballots != len(record.ballots) or closing.list_hash != list_hash:
        if count_check == "closing-count":
            raise VerificationError(count_check, ballots=len(record.ballots), stated=closing.ballots)
        raise VerificationError("closing", reason=CLOSING_COUNT)
    message = closing_message(record.election, closing.ballots, record.issued, record.checkins.paper, list_hash)
    verify_closing_signatures(record.committee, record.commitments, message, closing.signatures)


def _election_of(record: Record) -> bytes:
    return record.election if record.election is not None else bytes(32)


def check_ballots(record: Record, map_fn: MapFn = map) -> None:
    """Ballot by ballot (cast ones, then spoiled ones, in the record's order): round, shape, signature (cast
    only) and row proofs; then no repeated α; then every spoiled ballot opens to its ciphertexts."""
    n, election = len(record.ballots), _election_of(record)
    for _ in map_fn(verify_cast_ballot, [record.manifest] * n, [election] * n, [record.joint_key] * n,
                    record.ballots):
        pass
    for s in record.spoiled:
        verify_ballot(record.manifest, election, record.joint_key, s.ballot)
    check_unique([*record.ballots, *(s.ballot for s in record.spoiled)])
    for s in record.spoiled:
        verify_opening(record.manifest, record.joint_key, s.ballot, s.secrets)


def check_unique(ballots: Sequence[CastBallot | EncryptedBallot]) -> None:
    """No ciphertext appears twice (a replayed, duplicated or row-copied ballot)."""
    seen: set[bytes] = set()
    for b in ballots:
        for alpha in alphas(b):
            if alpha in seen:
                raise VerificationError("duplicate", ballot=b.code)
            seen.add(alpha)


def receipt_finding(record: Record, receipt: Receipt | None) -> str:
    """What one receipt says of the record (§12.6), in this order: "invalid" (not a receipt: its file failed
    the receipt schema; it proves nothing), "other-election" (its E is not the record's: check
    ``receipt-election`` fails — this record is not the election the receipt was given in), "invalid" (its
    signature does not verify under the record's R: it proves nothing), "in-record" (its code is among the
    cast ballots' codes, compared as 32 bytes) or "missing" (the record lacks it: check ``receipt`` fails)."""
    if receipt is None:
        return "invalid"
    if record.election is None or receipt.election != record.election:
        return "other-election"
    if not verify_receipt(receipt, record.receipt_key):
        return "invalid"
    codes = {bytes.fromhex(b.code) for b in record.ballots}
    return "in-record" if bytes.fromhex(receipt.code) in codes else "missing"


def receipt_findings(record: Record, receipts: Sequence[Receipt | None]) -> list[str]:
    """``receipt_finding`` of each receipt, in the order given."""
    return [receipt_finding(record, r) for r in receipts]


def check_receipts(record: Record, receipts: Sequence[Receipt | None]) -> None:
    """Receipt by receipt, in the order given: one of another election fails ``receipt-election``; a valid one
    whose ballot the record lacks fails ``receipt`` (the server signed that it accepted it)."""
    for receipt in receipts:
        finding = receipt_finding(record, receipt)
        if finding == "other-election" and receipt is not None:
            stated = "null" if record.election is None else record.election.hex()
            raise VerificationError("receipt-election", ballot=receipt.code, receipt=receipt.election.hex(),
                                    election=stated)
        if finding == "missing" and receipt is not None:
            raise VerificationError("receipt", ballot=receipt.code)


def check_tally(record: Record) -> tuple[int, ...]:
    """Complete, count, then subject by subject: sum, members, quorum, shares, plaintext. Returns the
    decrypting members."""
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


def check_before_tally(record: Record, map_fn: MapFn = map, receipts: Sequence[Receipt | None] = (),
                       count_check: str = "closing", election: bytes | None = None) -> None:
    """Every check of §12 before the tally's, in order (``election``: the E the hall showed, if given)."""
    check_ceremony(record)
    check_election(record, election)
    check_cards(record)
    check_ballots(record, map_fn)
    check_closing(record, count_check)
    check_receipts(record, receipts)


def verify(data: Mapping[str, Any], map_fn: MapFn = map, receipts: Sequence[Receipt | None] = (),
           election: bytes | None = None) -> Verified:
    """Every check of §12, in order; the first failure raises and names itself. ``election``: the E the hall
    showed (phones, projector, minutes), which the record's E must be (check ``election``)."""
    record = from_json(data)
    check_before_tally(record, map_fn, receipts, election=election)
    members = check_tally(record)
    return Verified(
        ballots=len(record.ballots),
        spoiled=len(record.spoiled),
        subjects=len(record.manifest.subjects),
        decrypting_members=members,
        counts=tuple(r.counts for r in record.results),
        empty=tuple(r.empty for r in record.results),
    )


def verify_for_decryption(data: Mapping[str, Any], map_fn: MapFn = map) -> Record:
    """What a member's device checks before it decrypts (§9): a closed record, every check up to the ballots
    (the committee's card list, ≥ k closing signatures over the statement recomputed from the ballots).
    Returns the record; the caller recomputes the sums with ``tally.encrypted_sums(record.manifest,
    record.ballots)`` and decrypts only those."""
    record = from_json(data)
    if record.state != "closed":
        raise VerificationError("complete", state=record.state)
    check_before_tally(record, map_fn, count_check="closing-count")
    return record


def sums_to_decrypt(record: Record, sent: Sequence[Ciphertext] | None = None) -> tuple[Ciphertext, ...]:
    """The sums C_j a member's device decrypts: recomputed from the checked ballots; if the server ``sent``
    sums too, each must be the recomputed one (else `tally-sum`, naming the first row that differs)."""
    sums = encrypted_sums(record.manifest, record.ballots)
    if sent is not None:
        for j in range(max(len(sums), len(sent))):
            if j >= len(sums) or j >= len(sent) or sums[j] != sent[j]:
                raise TallyMismatch("tally-sum", row=j + 1)
    return sums


def check_election_file(f: ElectionFile) -> None:
    """What the committee's laptop checks of the hall's election file before making cards: the checks of
    §12.2 (manifest hash, capacity, threshold, members, coefficient proofs, joint key)."""
    check_ceremony(Record(f.manifest, f.committee, f.member_names, f.commitments, f.joint_key, (), None, (), (), (),
                          (), "ready", None, f.receipt_key))


def check_card_file(f: ElectionFile, cards: CardFile) -> bytes:
    """What the server checks of an uploaded card file against its own stored election: the round, E
    recomputed from its own data and the file's credentials (`election`), at least k valid signatures from
    distinct members, every one valid (`card-signatures`). Returns E."""
    if cards.round_id != f.manifest.round_id:
        raise VerificationError("format", reason="round_id: another round's cards")
    election = election_hash(f.manifest, f.committee, f.commitments, f.joint_key, f.receipt_key, cards.credentials)
    if cards.election != election:
        raise VerificationError("election", reason=ELECTION_RECOMPUTED)
    verify_election_signatures(f.committee, f.commitments, election, cards.signatures)
    return election
