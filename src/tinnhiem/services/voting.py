"""Electronic voting in the hall: the committee's key, opening, card sign-in, casting, challenging, closing.

Secrecy (docs/security.md): the server sees ciphertexts, proofs and anonymous public credentials,
never a choice, a card's secret or who holds which card. Casting writes nothing about a delegate.
Durability: a tracking code is returned only after the transaction that stores the ballot has
committed. States: every change of state, every cast and every challenge runs under the
election's row lock, so a cast either commits before the close or is refused.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from tinnhiem.crypto import ceremony
from tinnhiem.crypto.ballot import SIGNATURE_TAG as BALLOT_SIGNATURE
from tinnhiem.crypto.ballot import CastBallot, alphas, choices_of, verify_ballot, verify_cast_ballot, verify_opening
from tinnhiem.crypto.credentials import SIGN_IN_TAG, Signature, sign_in_message, verify_signature
from tinnhiem.crypto.election import ballot_list_hash, sign_receipt, verify_receipt
from tinnhiem.crypto.errors import VerificationError
from tinnhiem.crypto.group import Random, base_mul, encode_scalar, random_scalar
from tinnhiem.crypto.manifest import Manifest, new_election_nonce
from tinnhiem.crypto.record import (
    ballot_json,
    committee_json,
    read_ballot,
    read_manifest,
    read_point,
    read_receipt,
    read_scalar,
    read_spoiled,
    receipt_json,
    secrets_json,
    spoiled_json,
)
from tinnhiem.domain.checks import check_figures, quorum_needed
from tinnhiem.domain.errors import InvalidInput, QuorumNotMet
from tinnhiem.domain.rulesets import rule_set
from tinnhiem.services import reserve
from tinnhiem.services.electronic import manifest_for
from tinnhiem.services.ports import Duplicate, Election, PhoneElection, Stamp, StoredCard, UnitOfWork

__all__ = ["SIGN_IN_TAG"]


_MANIFESTS: dict[str, Manifest] = {}  # per worker: a manifest read once (its hash and value points made once)


def manifest(election: Election | PhoneElection) -> Manifest:
    """The election's manifest; each worker reads each one once (every sign-in and cast needs it)."""
    key = json.dumps(election.manifest, sort_keys=True, ensure_ascii=False)
    found = _MANIFESTS.get(key)
    if found is None:
        if len(_MANIFESTS) >= 64:
            _MANIFESTS.clear()
        found = _MANIFESTS[key] = read_manifest(election.manifest)
    return found


def _electronic_check_ins(uow: UnitOfWork, code: str) -> int:
    """Cards handed out: one per delegate checked in on the electronic channel (R-CONV: issued)."""
    return uow.paper.channel_voters(code).get("electronic", 0)


@dataclass(frozen=True, slots=True)
class MemberShare:
    """What one committee member takes home from the ceremony: their secret share sℓ."""

    member: int
    name: str
    share: int


def set_up_election(uow: UnitOfWork, code: str, names: list[str], threshold: int, rng: Random) -> list[MemberShare]:
    """The single-laptop ceremony (docs/protocol.md §8): every share checked, only the public part stored.

    The members' shares are returned to be sealed at once into their passphrase files; the
    server keeps none of them.
    """
    check_threshold(threshold, len(names))
    crypto_manifest = round_manifest(uow, code)
    committee = ceremony.Committee(crypto_manifest.hash, len(names), threshold)
    polynomials = {i: ceremony.new_polynomial(committee, rng) for i in range(1, len(names) + 1)}
    commitments = [ceremony.commit(committee, i, p, rng) for i, p in polynomials.items()]
    shares = []
    for member in range(1, len(names) + 1):
        received = []
        for c, coefficients in zip(commitments, polynomials.values(), strict=True):
            share = ceremony.share_for(coefficients, member)
            ceremony.verify_share(c, member, share)
            received.append(share)
        shares.append(MemberShare(member, names[member - 1], ceremony.combine_shares(received)))
    with uow:
        store_election(uow, code, election_of(crypto_manifest, names, threshold, commitments))
        uow.rounds.audit(code, "key-ceremony", ", ".join(names), {"members": len(names), "threshold": threshold})
        uow.commit()
    return shares


def check_threshold(threshold: int, members: int) -> None:
    """§7: secrecy needs k ≥ 2 (one member alone must never decrypt), and k ≤ n."""
    if not 2 <= threshold <= members:
        raise InvalidInput("threshold-too-low", field="threshold", members=members)


def election_of(crypto_manifest: Manifest, names: list[str], threshold: int,
                commitments: list[ceremony.MemberCommitment]) -> Election:
    """The public outcome of a ceremony: the committee's commitments and proofs, and K = Σᵢ Kᵢ₀."""
    committee = ceremony.Committee(crypto_manifest.hash, len(names), threshold)
    public = committee_json(committee, tuple(commitments), tuple(names))
    return Election(crypto_manifest.to_json(), public, ceremony.joint_key(commitments).hex(), "ready")


def store_election(uow: UnitOfWork, code: str, election: Election) -> None:
    """Store the ceremony's outcome with the server's receipt key: r drawn here (OS CSPRNG), R = r·G public.

    R enters the election's identity E that the committee signs with the card list (docs/protocol.md),
    so a receipt signed by r is the hall's word that it accepted a ballot.
    """
    r = random_scalar()
    uow.voting.create_election(code, replace(election, receipt_key=base_mul(r).hex()), encode_scalar(r).hex())


def round_manifest(uow: UnitOfWork, code: str) -> Manifest:
    """The round's manifest, with room for every delegate (or everyone convened) to vote."""
    with uow:
        round_ = uow.rounds.get(code)
        delegates = len(uow.rounds.delegates(code))
    built = manifest_for(round_, code, max(delegates, round_.conference.convened or 0, 1), new_election_nonce())
    if not built.fits:
        raise InvalidInput("manifest-too-large", field="round", ballots=built.max_ballots)
    return built


def open_voting(uow: UnitOfWork, code: str, actor: str = "") -> None:
    """Open voting only with cards uploaded and the quorum held (R-QUORUM), saying why not otherwise."""
    with uow:
        election = uow.voting.lock_election(code)
        if election.state != "ready":
            raise InvalidInput("voting-already-open" if election.state == "open" else "voting-closed", field="round")
        round_ = uow.rounds.get(code)  # every figure the count needs, named, before anyone votes
        check_figures(round_, rule_set(round_.rule_set), delegates=len(uow.rounds.delegates(code)))
        if not uow.voting.cards(code):
            raise InvalidInput("no-cards", field="cards")
        present = sum(uow.paper.channel_voters(code).values()) or (round_.conference.present or 0)
        convened = round_.conference.convened or len(uow.rounds.delegates(code))
        if 3 * present < 2 * convened:
            raise QuorumNotMet("quorum-not-met", field="conference.present", present=present, convened=convened,
                               needed=quorum_needed(convened))
        cards_accounted_for(uow, code)
        uow.voting.set_state(code, "open")
        uow.rounds.audit(code, "voting-opened", actor, {"present": present})
        uow.commit()


def cards_accounted_for(uow: UnitOfWork, code: str) -> None:
    """Every card usable when voting opens is in a delegate's hand: one per electronic check-in. A card nobody
    took and nobody sealed or voided could cast a ballot no delegate stands behind (docs/security.md)."""
    now = uow.reserve.reserve(code)
    if now.unsealed > now.electronic:
        raise InvalidInput("cards-not-accounted", field="cards", loose=now.unsealed - now.electronic,
                           usable=now.unsealed, electronic=now.electronic)
    uow.reserve.mark_opened(code, now.electronic)


def close_voting(uow: UnitOfWork, code: str, actor: str = "") -> int:
    """Close under the row lock: the exact count N of ballots, of cards handed out and of paper check-ins, and B
    over the ballots' codes (the closing statement the committee's devices sign); unused cards void."""
    with uow:
        election = uow.voting.lock_election(code)
        if election.state != "open":
            raise InvalidInput("voting-not-open", field="round")
        ballots = uow.voting.turnout(code)
        voters = uow.paper.channel_voters(code)
        issued, paper = voters.get("electronic", 0), voters.get("paper", 0)
        codes = [bytes.fromhex(str(b["code"])) for b, _ in uow.voting.ballots(code)]
        reserve.forget_at_close(uow, code)  # seals lifted before the rewrite below; the limiter's secret deleted
        uow.voting.close(code, issued, paper, ballots, ballot_list_hash(codes).hex())
        uow.rounds.audit(code, "voting-closed", actor, {"ballots": ballots, "cards_issued": issued, "paper": paper})
        uow.commit()
    uow.drop_old_row_versions()  # closing rewrote the voting tables in key order (docs/security.md)
    return ballots


def _usable(card: StoredCard | None) -> StoredCard:
    if card is None:
        raise InvalidInput("card-unknown", field="credential")
    if card.void:
        raise InvalidInput("card-void", field="credential")
    return card


def sign_in(uow: UnitOfWork, code: str, credential: str, signature: Mapping[str, Any], nonce: str) -> bool:
    """The device proves it holds a card (a signature over E ‖ the server's nonce, tag "sign-in").

    Returns whether the card has voted already. The card's secret never reaches the server.
    """
    try:
        public = read_point(credential, "credential")
        proof = Signature(read_scalar(signature.get("c"), "signature.c"),
                          read_scalar(signature.get("z"), "signature.z"))
        nonce_bytes = bytes.fromhex(nonce)
    except (VerificationError, ValueError, AttributeError):
        raise InvalidInput("sign-in-proof", field="signature") from None
    with uow:  # one transaction, two small reads: the stamp (with the round's id) and the card (with its seal)
        stamp = uow.voting.stamp(code)
        if stamp is None:
            raise InvalidInput("no-election", field="round", value=code)
        card = _usable(uow.voting.card(code, credential))
        sealed = card.sealed and not card.used and reserve.sealed_without_release(uow, code, credential)
    if stamp.election_id is None:
        raise InvalidInput("no-cards", field="cards")
    try:
        message = sign_in_message(bytes.fromhex(stamp.election_id), nonce_bytes)
    except VerificationError:
        raise InvalidInput("sign-in-proof", field="nonce") from None
    if not verify_signature(proof, public, SIGN_IN_TAG, message):
        raise InvalidInput("sign-in-proof", field="signature")
    if sealed:  # said only after the proof: whether a card is in the reserve is told only to its holder
        raise InvalidInput("card-sealed", field="credential")
    return card.used


def election_view(uow: UnitOfWork, code: str) -> Election | None:
    """The round's election as it stands (public material only); None before the committee's ceremony."""
    with uow:
        return uow.voting.election(code)


def election_stamp(uow: UnitOfWork, code: str) -> Stamp | None:
    """The election's stamp (state, E, K), a few bytes: whether a worker's copy of what phones see is still good."""
    with uow:
        return uow.voting.stamp(code)


def phone_election(uow: UnitOfWork, code: str) -> PhoneElection | None:
    """What a delegate's phone is given (the manifest, K, the state, E, R); None before the committee's ceremony."""
    with uow:
        return uow.voting.phone_election(code)


def identity(uow: UnitOfWork, code: str) -> str | None:
    """The election's identity E (hexadecimal) once the committee's signed card list is stored, else None: what the
    projector, the minutes and the phones' receipts show, for observers to compare with the public record's."""
    found = election_view(uow, code)
    return None if found is None else found.election_id


@dataclass(frozen=True, slots=True)
class Turnout:
    """What the hall's screens and the organisers' page show live: the state, ballots cast, delegates present."""

    election: Election | None
    ballots: int  # electronic ballots cast (never who cast them)
    present: dict[str, int]  # delegates checked in, by channel

    @property
    def state(self) -> str:
        return self.election.state if self.election else "none"


def turnout(uow: UnitOfWork, code: str) -> Turnout:
    """The election, the ballots cast and the delegates present, read in one transaction."""
    with uow:
        election = uow.voting.election(code)
        ballots = uow.voting.turnout(code) if election else 0
        return Turnout(election, ballots, uow.paper.channel_voters(code))


def card_used(uow: UnitOfWork, code: str, credential: str) -> bool:
    with uow:
        card = uow.voting.card(code, credential)
    return card is not None and card.used


def _identity(election: Election | PhoneElection) -> bytes:
    if election.election_id is None:
        raise InvalidInput("no-cards", field="cards")
    return bytes.fromhex(election.election_id)


def _open_election(uow: UnitOfWork, code: str) -> Election:
    with uow:
        election = uow.voting.election(code)
    if election is None or election.state != "open":
        raise InvalidInput("voting-not-open", field="round")
    return election


def _refused(field: str, check: str, ballot: str) -> InvalidInput:
    return InvalidInput("ballot-refused", field=field, reason=VerificationError(check, ballot=ballot))


@dataclass(frozen=True, slots=True)
class Posted:
    """A posted ballot that passed the cheap checks: its election (open), manifest, ballot and card."""

    election: PhoneElection
    manifest: Manifest
    ballot: CastBallot
    card: StoredCard


def _cheap_checks(uow: UnitOfWork, code: str, data: Mapping[str, Any], field: str = "ballot") -> Posted:
    """The refusals that cost less than a ballot's proofs, all made before any proof is checked.

    The ballot is decoded (no proof checked), then one transaction reads the election and the card; a closed
    round, a ballot of another election, an unknown or void card, then a signature that is not the card's (two
    multiplications) are refused by name. A delegate's ballot then costs its ~12 multiplications a row
    (``_verify``); an attacker's refused request, one read.
    """
    try:
        ballot = read_ballot(data, field)
    except VerificationError as error:
        raise InvalidInput("ballot-refused", field=field, reason=error) from None
    with uow:
        election = uow.voting.phone_election(code)
        card = uow.voting.card(code, ballot.credential.hex())
    if election is None or election.state != "open":
        raise InvalidInput("voting-not-open", field="round")
    if ballot.election != _identity(election):
        raise _refused(field, "ballot-round", ballot.code)
    usable = _usable(card)
    if not verify_signature(ballot.signature, ballot.credential, BALLOT_SIGNATURE, ballot.digest()):
        raise _refused(field, "ballot-signature", ballot.code)
    return Posted(election, manifest(election), ballot, usable)


def _verify(posted: Posted, field: str = "ballot") -> None:
    """The whole check of a ballot (E, shape, signature, every row's proof): the hall's one large cost per delegate."""
    try:
        verify_cast_ballot(posted.manifest, _identity(posted.election), bytes.fromhex(posted.election.joint_key),
                           posted.ballot)
    except VerificationError as error:
        raise InvalidInput("ballot-refused", field=field, reason=error) from None


@dataclass(frozen=True, slots=True)
class Accepted:
    """A cast the server accepted: the codes, and the receipt it signed (docs/protocol.md, receipts)."""

    code: str
    short: str
    receipt: dict[str, Any]


def _receipt(uow: UnitOfWork, code: str, election: PhoneElection, ballot: CastBallot) -> dict[str, Any]:
    """The server's signature (by r) over E ‖ digest: the delegate's evidence that this ballot was accepted."""
    with uow:
        secret = uow.voting.receipt_secret(code)
    return _signed(secret, election, ballot)


def _signed(secret: str | None, election: PhoneElection, ballot: CastBallot) -> dict[str, Any]:
    """The receipt signed by r (``secret``, read in the caller's transaction)."""
    if secret is None:
        raise InvalidInput("no-receipt-key", field="round")
    return receipt_json(sign_receipt(int.from_bytes(bytes.fromhex(secret), "little"), _identity(election),
                                     ballot.digest(), random_scalar))


def cast(uow: UnitOfWork, code: str, data: Mapping[str, Any]) -> Accepted:
    """Store a verified, signed ballot: one per card, never more than the cards handed out.

    Returns the codes and the signed receipt. A retry of the very same ballot returns the same code (and a
    receipt for it) without a second check. Cheap refusals come before any proof (``_cheap_checks``). The
    ballot is written first; the election's lock comes last, so that casts wait on one another only for the
    check of the state and the counts and for the commit: a cast still commits before the close or is
    refused (the close waits on the same lock, then counts).
    """
    posted = _cheap_checks(uow, code, data)
    election, m, ballot = posted.election, posted.manifest, posted.ballot
    credential, tracking = ballot.credential.hex(), ballot.code
    if posted.card.used:  # a retry of the stored ballot gets its code; any other, refused
        with uow:
            stored = uow.voting.ballot_code(code, credential)
        if stored != tracking:
            raise InvalidInput("card-used", field="credential")
        return Accepted(tracking, ballot.short_code, _receipt(uow, code, election, ballot))
    _verify(posted)
    try:
        with uow:  # the card was found usable above; voided since, take_card below says so
            uow.voting.cast(code, credential, tracking, ballot.short_code, ballot_json(ballot),
                            [a.hex() for a in alphas(ballot)])
            secret = uow.voting.receipt_secret(code)  # here, before the lock: the receipt needs no other transaction
            if uow.voting.lock_state(code) != "open":
                raise InvalidInput("voting-not-open", field="round")
            sealed = uow.voting.take_card(code, credential)  # under the lock, as few statements as can be
            if sealed is None:  # voided (or re-issued) while this cast waited
                _usable(uow.voting.card(code, credential))
                raise InvalidInput("card-used", field="credential")
            reserve.check_release(uow, code, sealed)  # one release, one sealed card
            ballots, issued = uow.voting.counts(code)
            if ballots > issued:
                raise InvalidInput("ballots-over-cards", field="ballot", ballots=ballots - 1, issued=issued)
            if ballots > m.max_ballots:
                raise InvalidInput("ballot-limit", field="ballot", max_ballots=m.max_ballots)
            uow.commit()
    except Duplicate:
        with uow:
            stored = uow.voting.ballot_code(code, credential)
        if stored != tracking:
            raise InvalidInput("card-used" if stored else "ballot-copied",
                               field="credential" if stored else "ballot") from None
        return Accepted(tracking, ballot.short_code, _receipt(uow, code, election, ballot))
    return Accepted(tracking, ballot.short_code, _signed(secret, election, ballot))


SPOILED_PER_CARD = 3  # the per-round bound: 3 × the cards listed (a spoiled ballot names no card)


def challenge(uow: UnitOfWork, code: str, data: Mapping[str, Any]) -> tuple[list[int | None], str, str]:
    """Benaloh: check a spoiled ballot's opening and every proof, publish it; it names no card and no session.

    ``data`` is {"ballot": {code, election, nonce, rows}, "values": [...], "nonces": [...]}. Its α are kept
    unique with the cast ones (a ballot cast and challenged at once: one of them is kept). At most
    3 × the cards listed are kept per round (challenge-limit). The cheap refusals (a closed round, another
    election, the bound reached) come before any proof. Returns the choices and the codes.
    """
    try:
        spoiled = read_spoiled(data, "spoiled")
    except VerificationError as error:
        raise InvalidInput("ballot-refused", field="spoiled", reason=error) from None
    ballot = spoiled.ballot
    with uow:
        election = uow.voting.election(code)
        limit = SPOILED_PER_CARD * len(uow.voting.cards(code))
        full = uow.voting.spoiled_count(code) >= limit
    if election is None or election.state != "open":
        raise InvalidInput("voting-not-open", field="round")
    if ballot.election != _identity(election):
        raise _refused("spoiled", "ballot-round", ballot.code)
    if full:
        raise InvalidInput("challenge-limit", field="spoiled", limit=limit)
    m, key = manifest(election), bytes.fromhex(election.joint_key)
    try:
        verify_ballot(m, _identity(election), key, ballot)
        verify_opening(m, key, ballot, spoiled.secrets)
    except VerificationError as error:
        raise InvalidInput("ballot-refused", field="spoiled", reason=error) from None
    try:
        with uow:  # in the order of a cast: the writes first, the election's lock last (no cycle between them)
            uow.voting.spoil(code, ballot.code, ballot.short_code, spoiled_json(spoiled)["ballot"],
                             secrets_json(spoiled.secrets), [a.hex() for a in alphas(ballot)])
            if uow.voting.lock_election(code).state != "open":
                raise InvalidInput("voting-not-open", field="round")
            if uow.voting.spoiled_count(code) > limit:
                raise InvalidInput("challenge-limit", field="spoiled", limit=limit)
            uow.commit()
    except Duplicate:
        raise InvalidInput("ballot-copied", field="spoiled") from None
    return list(choices_of(m, spoiled.secrets)), ballot.code, ballot.short_code


def normalise_tracking(text: str) -> str:
    """A tracking code as typed: the full code (64 hex digits, any case) or the short form (16 symbols)."""
    cleaned = "".join(ch for ch in text.strip() if ch not in " -")
    if len(cleaned) == 64:
        return cleaned.lower()
    short = cleaned.upper()
    return "-".join(short[i : i + 4] for i in range(0, 16, 4)) if len(short) == 16 else short


def lookup(uow: UnitOfWork, code: str, text: str) -> list[tuple[str, bool]]:
    """Every ballot (cast or spoiled) whose full code or short form is ``text``, with its full code."""
    with uow:
        return [(f.code, f.spoiled) for f in uow.voting.find(code, normalise_tracking(text))]


@dataclass(frozen=True, slots=True)
class ReceiptCheck:
    """A receipt as the lookup page reads it (docs/protocol.md §12.6): whether it was given in another election
    (its E is not this round's: ``other_election``, its signature not looked at, its code not looked up), whether
    the hall's key R signed it, and whether its ballot is among the ballots stored (a valid receipt without its
    ballot is evidence)."""

    code: str
    valid: bool
    found: list[tuple[str, bool]]
    other_election: bool = False

    @property
    def missing(self) -> bool:
        return self.valid and not any(not spoiled for _, spoiled in self.found)


def check_receipt(uow: UnitOfWork, code: str, text: str) -> ReceiptCheck:
    """Read a receipt (JSON, tinnhiem-receipt/1) and check it against this election's E and R."""
    try:
        receipt = read_receipt(json.loads(text))
    except (ValueError, RecursionError, VerificationError):
        raise InvalidInput("receipt-unreadable", field="receipt") from None
    with uow:
        election = uow.voting.election(code)
    if election is None or election.election_id is None or election.receipt_key is None:
        raise InvalidInput("no-election", field="round", value=code)
    if receipt.election != bytes.fromhex(election.election_id):
        return ReceiptCheck(receipt.code, False, [], other_election=True)
    valid = verify_receipt(receipt, bytes.fromhex(election.receipt_key))
    return ReceiptCheck(receipt.code, valid, lookup(uow, code, receipt.code))
