"""The public record of an electronic round and its count: the committee decrypts, the record verifies.

``public_record`` is docs/protocol.md §11 as it stands (complete once tallied); members' devices
send proven decryption shares (``submit_shares``) or k members unlock their files at one machine
(``decrypt``); ``finalize`` combines the shares, verifies the whole record and stores the totals.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from tinnhiem.crypto import ceremony
from tinnhiem.crypto.decryption import DecryptionShare, decrypt_share, verify_decryption_share
from tinnhiem.crypto.election import (
    CLOSING_SIGNATURE_TAG,
    MemberSignature,
    ballot_list_hash,
    closing_message,
    sign_closing,
    verify_closing_signatures,
    verify_member_signature,
)
from tinnhiem.crypto.elgamal import Ciphertext
from tinnhiem.crypto.errors import CLOSING_MISSING, VerificationError
from tinnhiem.crypto.group import Random, base_mul, encode_scalar
from tinnhiem.crypto.record import FORMAT, GROUP, ElectionFile, Record, from_json, read_share, read_signature, to_json
from tinnhiem.crypto.record import read_election_file as read_election_json
from tinnhiem.crypto.tally import encrypted_sums, results
from tinnhiem.crypto.verify import MapFn, check_ballots, check_cards, check_ceremony, check_election, verify
from tinnhiem.domain.errors import InvalidInput
from tinnhiem.services.cards import election_file_of
from tinnhiem.services.electronic import totals_from_verified
from tinnhiem.services.ports import Election, UnitOfWork
from tinnhiem.services.voting import manifest


def _member_signatures(stored: Mapping[str, Any] | None) -> list[dict[str, Any]]:
    return [{"member": int(m)} | dict(sig) for m, sig in sorted((stored or {}).items(), key=lambda x: int(x[0]))]


def public_record(uow: UnitOfWork, code: str) -> dict[str, object]:
    """The record of §11 as it stands: cards and ballots, the closing statement once closed, the count once
    decrypted. (The public route serves it only once voting has closed.)"""
    with uow:
        election = uow.voting.election(code)
        if election is None:
            raise InvalidInput("no-election", field="round", value=code)
        cards = [{"credential": c.credential, "void": c.void} for c in uow.voting.cards(code)]
        cast = [b for b, _ in uow.voting.ballots(code)]
        spoiled = [{"ballot": b, **(s or {})} for b, s in uow.voting.ballots(code, spoiled=True)]
    tallied = election.decryption is not None and election.state == "tallied"
    closed = election.state in ("closed", "tallied")
    return {
        "format": FORMAT, "group": GROUP, "state": election.state, "manifest": election.manifest,
        "manifest_hash": manifest(election).hash.hex(), "committee": election.committee,
        "joint_key": election.joint_key, "receipt_key": election.receipt_key, "election": election.election_id,
        "cards": {"issued": election.cards_issued, "list": cards,
                  "signatures": sorted(election.card_signatures or [], key=lambda s: int(s["member"]))},  # type: ignore[index]
        "checkins": {"electronic": election.cards_issued, "paper": election.checkins_paper} if closed else None,
        "closing": {"ballots": election.ballots_at_close, "list_hash": election.ballot_list_hash,
                    "signatures": _member_signatures(election.closing_signatures)} if closed else None,
        "ballots": cast, "spoiled": spoiled,
        "tally": election.decryption[0] if tallied and election.decryption else None,
        "decryption": election.decryption[1] if tallied and election.decryption else None,
    }


def published_record(uow: UnitOfWork, code: str) -> dict[str, object]:
    """The record for anyone, once voting has closed; before, the public pages give counts only."""
    with uow:
        election = uow.voting.election(code)
    if election is None or election.state not in ("closed", "tallied"):
        raise InvalidInput("record-after-close", field="round")
    return public_record(uow, code)


def _closed_record(uow: UnitOfWork, code: str) -> Record:
    """The record once voting is closed, before its count, as crypto values."""
    data = public_record(uow, code)
    if data["state"] != "closed":
        raise InvalidInput("voting-not-closed" if data["state"] in ("ready", "open") else "round-tallied",
                           field="round")
    return from_json(data)


def closing_statement(uow: UnitOfWork, code: str) -> dict[str, object]:
    """The closing statement m = E ‖ N ‖ issued ‖ P ‖ B as the hall fixed it, and the signatures so far.

    A member's device does not sign this answer: it recomputes N and B from the ballots itself
    (``check_closed_record``) and signs only if they agree."""
    with uow:
        election = uow.voting.election(code)
    if election is None or election.state not in ("closed", "tallied"):
        raise InvalidInput("voting-not-closed", field="round")
    assert election.election_id and election.ballot_list_hash is not None
    message = closing_message(bytes.fromhex(election.election_id), election.ballots_at_close or 0,
                              election.cards_issued or 0, election.checkins_paper or 0,
                              bytes.fromhex(election.ballot_list_hash))
    return {"election": election.election_id, "ballots": election.ballots_at_close, "issued": election.cards_issued,
            "paper": election.checkins_paper, "list_hash": election.ballot_list_hash, "message": message.hex(),
            "threshold": _committee_of(election, code).committee.threshold,
            "signatures": _member_signatures(election.closing_signatures)}


def _committee_of(election: Election, code: str) -> ElectionFile:
    """The election's committee and commitments, as the stored (checked) election holds them."""
    return read_election_json(election_file_of(election))


def sign_closing_statement(uow: UnitOfWork, code: str, member: int, signature: Mapping[str, Any],
                           actor: str = "") -> int:
    """Store a member's signature over the closing statement, after checking it under their key Sℓ.

    Returns how many members have signed."""
    statement = closing_statement(uow, code)
    with uow:
        election = uow.voting.election(code)
    assert election is not None
    hall = _committee_of(election, code)
    committee, commitments = hall.committee, hall.commitments
    try:
        signed = MemberSignature(member, read_signature(signature, "signature"))
    except VerificationError:
        raise InvalidInput("closing-signature", field="signature") from None
    if not 1 <= member <= committee.members or not verify_member_signature(
            commitments, CLOSING_SIGNATURE_TAG, bytes.fromhex(str(statement["message"])), signed):
        raise InvalidInput("closing-signature", field="signature")
    with uow:
        uow.voting.lock_election(code)
        uow.voting.add_closing_signature(code, member, {"c": signature["c"], "z": signature["z"]})
        uow.rounds.audit(code, "closing-signed", actor, {"member": member})
        uow.commit()
        stored = uow.voting.election(code)
    return len((stored.closing_signatures if stored else None) or {})


def check_closed_record(data: Mapping[str, Any], map_fn: MapFn = map, *,
                        signed: bool = True) -> tuple[Record, tuple[Ciphertext, ...], bytes]:
    """What a committee member's device runs before asking for a passphrase (docs/protocol.md, closing):
    the record's reading checks, the ceremony, E and the card list's signatures, the cards, N and B recomputed
    from the ballots against the closing statement (closing-count), with ``signed`` its k signatures
    (closing), then every ballot (card in the signed list, one per card, signature, proofs). Returns the
    record, the sums recomputed here and the closing statement m recomputed here. Any failure raises the
    VerificationError naming its check."""
    record = from_json(data)
    if record.state != "closed":
        raise VerificationError("complete", state=record.state)
    check_ceremony(record)
    check_election(record)
    check_cards(record)
    if record.closing is None or record.checkins is None or record.election is None or record.issued is None:
        raise VerificationError("closing", reason=CLOSING_MISSING)
    list_hash = ballot_list_hash(b.digest() for b in record.ballots)
    if record.closing.ballots != len(record.ballots) or record.closing.list_hash != list_hash:
        raise VerificationError("closing-count", ballots=len(record.ballots), stated=record.closing.ballots)
    message = closing_message(record.election, len(record.ballots), record.issued, record.checkins.paper, list_hash)
    if signed:
        verify_closing_signatures(record.committee, record.commitments, message, record.closing.signatures)
    check_ballots(record, map_fn)
    return record, encrypted_sums(record.manifest, record.ballots), message


def _closing_signed(partial: Record) -> None:
    """Decryption waits for k members' signatures over the closing statement (stored only once checked)."""
    signed = len(partial.closing.signatures) if partial.closing else 0
    if signed < partial.committee.threshold:
        raise InvalidInput("closing-unsigned", field="closing", given=signed, needed=partial.committee.threshold)


def member_shares(data: Mapping[str, Any], shares: Mapping[int, int], rng: Random) -> dict[int, list[dict[str, Any]]]:
    """On a member's laptop, from the record file: each given member's decryption shares of the sums recomputed
    here (``check_closed_record`` first: call it before asking for any passphrase)."""
    record, sums, _ = check_closed_record(data)
    made = {}
    for member, secret in sorted(shares.items()):
        if base_mul(secret) != ceremony.verification_key(record.commitments, member):
            raise InvalidInput("key-file-other-election", field="key", member=member)
        made[member] = [{"member": s.member, "M": s.partial.hex(), "c": encode_scalar(s.proof.challenge).hex(),
                         "z": encode_scalar(s.proof.response).hex()}
                        for s in (decrypt_share(member, secret, ct, record.manifest.hash, j, rng)
                                  for j, ct in enumerate(sums))]
    return made


def closing_signatures(data: Mapping[str, Any], shares: Mapping[int, int], rng: Random) -> dict[int, dict[str, str]]:
    """On a member's laptop, from the closed record: each given member's signature over the closing statement
    recomputed here (``check_closed_record(data, signed=False)`` first, before asking for any passphrase)."""
    record, _, message = check_closed_record(data, signed=False)
    signed = {}
    for member, secret in sorted(shares.items()):
        if base_mul(secret) != ceremony.verification_key(record.commitments, member):
            raise InvalidInput("key-file-other-election", field="key", member=member)
        signature = sign_closing(member, secret, message, rng).signature
        signed[member] = {"c": encode_scalar(signature.challenge).hex(), "z": encode_scalar(signature.response).hex()}
    return signed


def tally_for_members(uow: UnitOfWork, code: str) -> dict[str, object]:
    """The sums Σ of every row as the server computes them (a member's device recomputes them itself from the
    record's ballots and decrypts only its own; these are for comparison)."""
    with uow:
        election = uow.voting.election(code)
    if election is None or election.state not in ("closed", "tallied"):
        raise InvalidInput("voting-not-closed", field="round")
    partial = from_json(public_record(uow, code) | {"state": "closed", "tally": None, "decryption": None})
    sums = encrypted_sums(partial.manifest, partial.ballots)
    rows = [{"alpha": c.alpha.hex(), "beta": c.beta.hex()} for c in sums]
    return {"manifest_hash": partial.manifest.hash.hex(), "ballots": len(partial.ballots),
            "threshold": partial.committee.threshold, "rows": rows,
            "received": sorted(int(m) for m in (election.shares or {}))}


def _checked(partial: Record, member: int, shares: list[DecryptionShare]) -> None:
    """Every share proven against the member's public verification key Sℓ (docs/protocol.md §9)."""
    m = partial.manifest
    sums = encrypted_sums(m, partial.ballots)
    if not 1 <= member <= partial.committee.members:
        raise InvalidInput("not-a-member", field="member", value=str(member))
    if len(shares) != len(sums) or any(s.member != member for s in shares):
        raise InvalidInput("shares-incomplete", field="shares")
    key = ceremony.verification_key(partial.commitments, member)
    for j, (ct, share) in enumerate(zip(sums, shares, strict=True)):
        try:
            verify_decryption_share(share, key, ct, m.hash, j)
        except VerificationError:
            raise InvalidInput("share-unproven", field=f"shares[{j}]") from None


def submit_shares(uow: UnitOfWork, code: str, member: int, data: list[Mapping[str, Any]], actor: str = "") -> str:
    """A member's device sends its shares; they are verified and kept. With k members, the tally is finished.

    Returns the election's state afterwards ("closed" while fewer than k, "tallied" after).
    """
    partial = _closed_record(uow, code)
    _closing_signed(partial)
    try:
        shares = [read_share(d, f"shares[{j}]") for j, d in enumerate(data)]
    except VerificationError as error:
        raise InvalidInput("share-unreadable", field=error.field or "shares") from None
    _checked(partial, member, shares)
    with uow:
        uow.voting.lock_election(code)
        uow.voting.add_shares(code, member, [dict(d) for d in data])
        uow.rounds.audit(code, "decryption-share", actor, {"member": member})
        uow.commit()
        election = uow.voting.election(code)
    assert election is not None and election.shares is not None
    if len(election.shares) < partial.committee.threshold:
        return election.state
    made = {int(m): [read_share(d, "shares") for d in items]  # type: ignore[attr-defined]
            for m, items in election.shares.items()}
    finalize(uow, code, partial, made, actor)
    return "tallied"


def decrypt(uow: UnitOfWork, code: str, shares: Mapping[int, int], rng: Random, actor: str = "") -> dict[str, object]:
    """k members' secret shares (unlocked at one machine) decrypt the tally (the CLI path)."""
    partial = _closed_record(uow, code)
    _closing_signed(partial)
    if len(shares) < partial.committee.threshold:
        raise VerificationError("decryption-quorum", given=len(shares), needed=partial.committee.threshold)
    sums = encrypted_sums(partial.manifest, partial.ballots)
    made = {member: [decrypt_share(member, secret, ct, partial.manifest.hash, j, rng) for j, ct in enumerate(sums)]
            for member, secret in shares.items()}
    for member, member_shares in made.items():
        _checked(partial, member, member_shares)
    return finalize(uow, code, partial, made, actor)


def _fill_conference(uow: UnitOfWork, code: str, electronic_ballots: int, cards_issued: int) -> None:
    """R-CONV from what the hall recorded, where the organisers gave no figure: present from check-in;
    issued: the cards handed out plus the paper ballots; returned: the ballots cast electronically plus
    the most copies of any paper sheet."""
    round_ = uow.rounds.get(code)
    conf = round_.conference
    voters = uow.paper.channel_voters(code)
    present = sum(voters.values()) or None
    sheets: dict[str, int] = {}
    for sheet in uow.paper.sheets(code):
        if sheet.qr_text:
            sheets[sheet.qr_text] = sheets.get(sheet.qr_text, 0) + 1
    returned = electronic_ballots + max(sheets.values(), default=0)
    issued = cards_issued + voters.get("paper", 0)
    uow.rounds.set_conference(code, replace(
        conf,
        present=conf.present if conf.present is not None else present,
        ballots_issued=conf.ballots_issued if conf.ballots_issued is not None else issued or None,
        ballots_returned=conf.ballots_returned if conf.ballots_returned is not None else returned,
    ))


def finalize(uow: UnitOfWork, code: str, partial: Record, made: Mapping[int, list[DecryptionShare]],
             actor: str = "") -> dict[str, object]:
    """Combine verified shares, find the counts, verify the whole record, store it and the electronic totals."""
    m = partial.manifest
    sums = encrypted_sums(m, partial.ballots)
    chosen = dict(sorted(made.items())[: max(partial.committee.threshold, 1)])
    rows = results(m, sums, chosen, len(partial.ballots))
    full = to_json(replace(partial, sums=sums, results=rows, state="tallied"))
    verified = verify(full)
    with uow:
        election = uow.voting.lock_election(code)
        if election.state != "closed":
            raise InvalidInput("voting-closed", field="round")
        uow.voting.set_state(code, "tallied", [full["tally"], full["decryption"]])
        uow.rounds.save_totals(code, totals_from_verified(m, verified), channel="electronic")
        _fill_conference(uow, code, verified.ballots, partial.issued or 0)
        uow.rounds.audit(code, "tally-decrypted", actor, {"members": sorted(chosen), "ballots": verified.ballots})
        uow.commit()
    return full
