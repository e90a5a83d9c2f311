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
from tinnhiem.crypto.errors import VerificationError
from tinnhiem.crypto.group import Random
from tinnhiem.crypto.record import FORMAT, GROUP, Record, from_json, read_share, to_json
from tinnhiem.crypto.tally import encrypted_sums, results
from tinnhiem.crypto.verify import verify
from tinnhiem.domain.errors import InvalidInput
from tinnhiem.services.electronic import totals_from_verified
from tinnhiem.services.ports import UnitOfWork
from tinnhiem.services.voting import manifest


def public_record(uow: UnitOfWork, code: str) -> dict[str, object]:
    """The record of §11 as it stands: cards and ballots at once, the count once decrypted."""
    with uow:
        election = uow.voting.election(code)
        if election is None:
            raise InvalidInput("no-election", field="round", value=code)
        cards = [{"credential": c.credential, "void": c.void} for c in uow.voting.cards(code)]
        cast = [b for b, _ in uow.voting.ballots(code)]
        spoiled = [{"ballot": b, **(s or {})} for b, s in uow.voting.ballots(code, spoiled=True)]
    tallied = election.decryption is not None and election.state == "tallied"
    return {
        "format": FORMAT, "group": GROUP, "state": election.state, "manifest": election.manifest,
        "manifest_hash": manifest(election).hash.hex(), "committee": election.committee,
        "joint_key": election.joint_key, "cards": {"issued": election.cards_issued, "list": cards},
        "ballots": cast, "spoiled": spoiled,
        "tally": election.decryption[0] if tallied and election.decryption else None,
        "decryption": election.decryption[1] if tallied and election.decryption else None,
    }


def _closed_record(uow: UnitOfWork, code: str) -> Record:
    """The record once voting is closed, before its count, as crypto values."""
    data = public_record(uow, code)
    if data["state"] != "closed":
        raise InvalidInput("voting-not-closed" if data["state"] in ("ready", "open") else "round-tallied",
                           field="round")
    return from_json(data)


def tally_for_members(uow: UnitOfWork, code: str) -> dict[str, object]:
    """What a member's device needs to compute its decryption shares: the sums Σ of every row."""
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
