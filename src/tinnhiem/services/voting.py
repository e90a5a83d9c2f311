"""Electronic voting in the hall: the key, the cards, opening, signing in, casting, challenging.

Secrecy (docs/security.md): the server sees ciphertexts and proofs, never a choice. It knows
that a delegate voted (a row in ``voters``) and what ballots exist (``cast_ballots``); nothing
stored, logged or returned links the two. Durability: a tracking code is returned only after
the transaction that stores the ballot has committed.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from tinnhiem.crypto import ceremony
from tinnhiem.crypto.ballot import EncryptedBallot, choices_of, verify_ballot, verify_opening
from tinnhiem.crypto.decryption import DecryptionShare, decrypt_share, verify_decryption_share
from tinnhiem.crypto.errors import VerificationError
from tinnhiem.crypto.group import Random, encode_scalar
from tinnhiem.crypto.manifest import Manifest
from tinnhiem.crypto.record import FORMAT, Record, from_json, read_ballot, read_secrets, read_share, to_json
from tinnhiem.crypto.tally import encrypted_sums, results
from tinnhiem.crypto.verify import verify
from tinnhiem.domain.checks import quorum_needed
from tinnhiem.domain.errors import InvalidInput, QuorumNotMet
from tinnhiem.services.electronic import manifest_for, totals_from_verified
from tinnhiem.services.ports import Duplicate, Election, UnitOfWork

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud and typed by older delegates


def hash_code(secret: str, salt: str) -> str:
    """scrypt of the card's secret part: guessing offline costs what guessing online does."""
    return hashlib.scrypt(secret.upper().encode(), salt=bytes.fromhex(salt), n=2**14, r=8, p=1, dklen=32).hex()


def new_card_code(number: int) -> str:
    """"017-K7QX-9MPA": the delegate's number, then 40 random bits from the OS CSPRNG."""
    secret = "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))
    return f"{number:03d}-{secret[:4]}-{secret[4:]}"


def manifest(election: Election) -> Manifest:
    return Manifest.from_json(election.manifest)


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
        uow.voting.create_election(code, election_of(crypto_manifest, names, threshold, commitments))
        uow.rounds.audit(code, "key-ceremony", ", ".join(names), {"members": len(names), "threshold": threshold})
        uow.commit()
    return shares


def election_of(crypto_manifest: Manifest, names: list[str], threshold: int,
                commitments: list[ceremony.MemberCommitment]) -> Election:
    """The public outcome of a ceremony: the committee's commitments and proofs, and K = Σᵢ Kᵢ₀."""
    public = {
        "members": len(names), "threshold": threshold,
        "commitments": [
            {"member": c.member, "name": name, "K": [p.hex() for p in c.commitments],
             "proofs": [{"c": encode_scalar(pr.challenge).hex(), "z": encode_scalar(pr.response).hex()}
                        for pr in c.proofs]}
            for c, name in zip(commitments, names, strict=True)
        ],
    }
    return Election(crypto_manifest.to_json(), public, ceremony.joint_key(commitments).hex(), "ready")


def round_manifest(uow: UnitOfWork, code: str) -> Manifest:
    """The round's manifest, with room for every delegate (or everyone convened) to vote."""
    with uow:
        round_ = uow.rounds.get(code)
        delegates = len(uow.rounds.delegates(code))
    return manifest_for(round_, code, max(delegates, round_.conference.convened or 0, 1))


def issue_cards(uow: UnitOfWork, code: str) -> list[tuple[str, str]]:
    """A fresh one-time code per delegate, stored hashed; returns (name, code) for printing the cards."""
    cards = []
    with uow:
        for number in range(len(uow.rounds.delegates(code))):
            card = new_card_code(number + 1)
            salt = secrets.token_hex(16)
            name = uow.voting.set_code(code, number, salt, hash_code(card.split("-", 1)[1].replace("-", ""), salt))
            cards.append((name, card))
        uow.rounds.audit(code, "cards-issued", "", {"cards": len(cards)})
        uow.commit()
    return cards


def open_voting(uow: UnitOfWork, code: str, actor: str = "") -> None:
    """Open voting only when the quorum holds (R-QUORUM), saying why not otherwise."""
    with uow:
        round_ = uow.rounds.get(code)
        present = sum(uow.paper.channel_voters(code).values()) or (round_.conference.present or 0)
        convened = round_.conference.convened or len(uow.rounds.delegates(code))
        if 3 * present < 2 * convened:
            raise QuorumNotMet("quorum-not-met", field="conference.present", present=present, convened=convened,
                               needed=quorum_needed(convened))
        uow.voting.set_state(code, "open")
        uow.rounds.audit(code, "voting-opened", actor, {"present": present})
        uow.commit()


def close_voting(uow: UnitOfWork, code: str, actor: str = "") -> int:
    with uow:
        uow.voting.set_state(code, "closed")
        turnout = uow.voting.turnout(code)
        uow.rounds.audit(code, "voting-closed", actor, {"ballots": turnout})
        uow.commit()
    return turnout


def sign_in(uow: UnitOfWork, code: str, card: str) -> tuple[int, str]:
    """The delegate behind a card code: (delegate id, name), or InvalidInput("bad-code")."""
    parts = card.strip().upper().replace(" ", "").split("-", 1)
    if len(parts) != 2 or not parts[0].isdigit():
        raise InvalidInput("bad-code", field="code")
    with uow:
        holder = uow.voting.card_holder(code, int(parts[0]) - 1)
    secret = parts[1].replace("-", "")
    if holder is None or not hmac.compare_digest(hash_code(secret, holder.salt), holder.code_hash):
        raise InvalidInput("bad-code", field="code")
    return holder.delegate_id, holder.name


def _ballot(election: Election, data: Mapping[str, Any]) -> tuple[Manifest, EncryptedBallot]:
    """Read and verify a submitted ballot; refused before anything is stored."""
    m = manifest(election)
    try:
        ballot = read_ballot(data, "ballot")
        verify_ballot(m, bytes.fromhex(election.joint_key), ballot)
    except VerificationError as error:
        raise InvalidInput("ballot-refused", field="ballot", reason=error.message("vi")) from None
    return m, ballot


def _stored_form(ballot: EncryptedBallot, data: Mapping[str, Any]) -> dict[str, object]:
    return {"code": ballot.code, "manifest_hash": ballot.manifest_hash.hex(), "rows": list(data["rows"])}


def cast(uow: UnitOfWork, code: str, delegate_id: int, data: Mapping[str, Any]) -> str:
    """Store a verified ballot and mark the delegate as having voted, in one transaction.

    A retry of the same ballot returns the same tracking code; any other second ballot of the
    same delegate is refused by the database's unique constraints (``Duplicate``).
    """
    with uow:
        election = uow.voting.election(code)
        if election is None or election.state != "open":
            raise InvalidInput("voting-not-open", field="round")
    _, ballot = _ballot(election, data)
    tracking = ballot.code
    alphas = [row.ciphertext.alpha.hex() for row in ballot.rows]
    with uow:
        try:
            uow.voting.cast(code, delegate_id, secrets.token_hex(16), tracking, _stored_form(ballot, data), alphas)
            uow.commit()
            return tracking
        except Duplicate:
            pass
    with uow:  # a constraint fired: a retry of this very ballot, a second ballot, or a copied one
        voted = uow.voting.has_voted(delegate_id)
        if voted and uow.voting.has_ballot(code, tracking):
            return tracking
    if voted:
        raise InvalidInput("already-voted", field="ballot")
    raise InvalidInput("ballot-refused", field="ballot", reason="duplicate")


def challenge(uow: UnitOfWork, code: str, data: Mapping[str, Any], opened: Mapping[str, Any]) -> list[int | None]:
    """Benaloh: publish a spoiled ballot with its nonces; returns the choices the device encrypted."""
    with uow:
        election = uow.voting.election(code)
        if election is None or election.state != "open":
            raise InvalidInput("voting-not-open", field="round")
    m, ballot = _ballot(election, data)
    revealed = read_secrets(opened, "secrets")
    try:
        verify_opening(m, bytes.fromhex(election.joint_key), ballot, revealed)
    except VerificationError as error:
        raise InvalidInput("ballot-refused", field="secrets", reason=error.message("vi")) from None
    with uow:
        try:
            opening = {"values": list(revealed.values), "nonces": [encode_scalar(r).hex() for r in revealed.nonces]}
            alphas = [row.ciphertext.alpha.hex() for row in ballot.rows]  # never to be cast afterwards
            uow.voting.spoil(code, secrets.token_hex(16), ballot.code, _stored_form(ballot, data), opening, alphas)
            uow.commit()
        except Duplicate:
            raise InvalidInput("ballot-refused", field="ballot", reason="duplicate") from None
    return list(choices_of(m, revealed))


def public_record(uow: UnitOfWork, code: str) -> dict[str, object]:
    """The record of docs/protocol.md §11 as it stands: complete once the tally is decrypted."""
    with uow:
        election = uow.voting.election(code)
        if election is None:
            raise InvalidInput("no-election", field="round", value=code)
        cast_ballots = [b for b, _ in uow.voting.ballots(code)]
        spoiled = [{"ballot": b, **(s or {})} for b, s in uow.voting.ballots(code, spoiled=True)]
    record: dict[str, object] = {
        "format": FORMAT, "group": "ristretto255", "manifest": election.manifest,
        "manifest_hash": manifest(election).hash.hex(), "committee": election.committee,
        "joint_key": election.joint_key, "ballots": cast_ballots, "spoiled": spoiled, "state": election.state,
    }
    if election.decryption is not None:
        record["tally"], record["decryption"] = election.decryption
    return record


def _partial_record(uow: UnitOfWork, code: str) -> Record:
    """The record so far (ballots, spoiled, ceremony) as crypto values, with its encrypted sums."""
    data = public_record(uow, code)
    return from_json(data | {"tally": {"ballots": 0, "rows": []}, "decryption": []})


def tally_for_members(uow: UnitOfWork, code: str) -> dict[str, object]:
    """What a member's device needs to compute its decryption shares: the sums Σ of every row."""
    with uow:
        election = uow.voting.election(code)
    if election is None or election.state not in ("closed", "tallied"):
        raise InvalidInput("voting-not-open", field="round")
    partial = _partial_record(uow, code)
    sums = encrypted_sums(partial.manifest, partial.ballots)
    rows = [{"alpha": c.alpha.hex(), "beta": c.beta.hex()} for c in sums]
    return {"manifest_hash": partial.manifest.hash.hex(), "ballots": len(partial.ballots),
            "threshold": partial.committee.threshold, "rows": rows,
            "received": sorted(int(m) for m in (election.shares or {}))}


def _checked(partial: Record, member: int, shares: list[DecryptionShare]) -> None:
    """Every share proven against the member's public verification key Sℓ (docs/protocol.md §9)."""
    m = partial.manifest
    sums = encrypted_sums(m, partial.ballots)
    if not 1 <= member <= partial.committee.members or len(shares) != len(sums):
        raise InvalidInput("ballot-refused", field="shares", reason="member or number of shares")
    key = ceremony.verification_key(partial.commitments, member)
    for j, (ct, share) in enumerate(zip(sums, shares, strict=True)):
        try:
            verify_decryption_share(share, key, ct, m.hash, j)
        except VerificationError as error:
            raise InvalidInput("ballot-refused", field="shares", reason=error.message("vi")) from None


def submit_shares(uow: UnitOfWork, code: str, member: int, data: list[Mapping[str, Any]], actor: str = "") -> str:
    """A member's device sends its shares; they are verified and kept. With k members, the tally is finished.

    Returns the election's state afterwards ("closed" while fewer than k, "tallied" after).
    """
    partial = _partial_record(uow, code)
    shares = [read_share(d, f"shares[{j}]") for j, d in enumerate(data)]
    if any(s.member != member for s in shares):
        raise InvalidInput("ballot-refused", field="shares", reason="member")
    _checked(partial, member, shares)
    with uow:
        uow.voting.add_shares(code, member, [dict(d) for d in data])
        uow.rounds.audit(code, "decryption-share", actor, {"member": member})
        uow.commit()
        election = uow.voting.election(code)
    assert election is not None and election.shares is not None
    if len(election.shares) < partial.committee.threshold:
        return election.state
    made = {int(m): [read_share(d, "shares") for d in items] for m, items in election.shares.items()}  # type: ignore[attr-defined]
    finalize(uow, code, partial, made, actor)
    return "tallied"


def decrypt(uow: UnitOfWork, code: str, shares: Mapping[int, int], rng: Random, actor: str = "") -> dict[str, object]:
    """k members' secret shares (unlocked at one machine) decrypt the tally (the CLI path)."""
    partial = _partial_record(uow, code)
    if len(shares) < partial.committee.threshold:
        raise VerificationError("decryption-quorum", given=len(shares), needed=partial.committee.threshold)
    sums = encrypted_sums(partial.manifest, partial.ballots)
    made = {member: [decrypt_share(member, secret, ct, partial.manifest.hash, j, rng) for j, ct in enumerate(sums)]
            for member, secret in shares.items()}
    for member, member_shares in made.items():
        _checked(partial, member, member_shares)
    return finalize(uow, code, partial, made, actor)


def _fill_conference(uow: UnitOfWork, code: str, electronic_ballots: int) -> None:
    """R-CONV from what the hall recorded, where the organisers gave no figure: present and issued from
    check-in, returned from the ballots cast electronically plus the most copies of any paper sheet."""
    round_ = uow.rounds.get(code)
    conf = round_.conference
    present = sum(uow.paper.channel_voters(code).values()) or None
    sheets: dict[str, int] = {}
    for sheet in uow.paper.sheets(code):
        if sheet.qr_text:
            sheets[sheet.qr_text] = sheets.get(sheet.qr_text, 0) + 1
    returned = electronic_ballots + max(sheets.values(), default=0)
    uow.rounds.set_conference(code, replace(
        conf,
        present=conf.present if conf.present is not None else present,
        ballots_issued=conf.ballots_issued if conf.ballots_issued is not None else present,
        ballots_returned=conf.ballots_returned if conf.ballots_returned is not None else returned,
    ))


def finalize(uow: UnitOfWork, code: str, partial: Record, made: Mapping[int, list[DecryptionShare]],
             actor: str = "") -> dict[str, object]:
    """Combine verified shares, find the counts, verify the whole record, store it and the electronic totals."""
    m = partial.manifest
    sums = encrypted_sums(m, partial.ballots)
    chosen = dict(sorted(made.items())[: max(partial.committee.threshold, 1)])
    rows = results(m, sums, chosen, len(partial.ballots))
    full = to_json(replace(partial, sums=sums, results=rows))
    verified = verify(full)
    with uow:
        uow.voting.set_state(code, "tallied", [full["tally"], full["decryption"]])
        uow.rounds.save_totals(code, totals_from_verified(m, verified), channel="electronic")
        _fill_conference(uow, code, verified.ballots)
        uow.rounds.audit(code, "tally-decrypted", actor, {"members": sorted(chosen), "ballots": verified.ballots})
        uow.commit()
    return full
