"""The committee's acts on the cards and the reserve (docs/security.md, "Voting cards").

- Only a member of the round's counting committee voids, seals or releases cards. Anyone else's attempt
  (an organiser, an admin without the committee role) is refused by name and written in the audit log.
- **Sealed reserve.** Before opening, the committee seals the few cards it keeps for latecomers (scanning
  each, as when voiding). A sealed card can neither sign in nor cast until a member **releases** one for
  a late electronic check-in. A release is a count, never a card: naming the card would tell the server
  which card the latecomer holds. Each release lets exactly one sealed card cast, and a release needs a late
  electronic check-in that no card covers yet (cards usable unsealed + released < electronic check-ins), made
  after voting opened (releases < check-ins since opening): voiding a handed-out card while voting is open
  makes room for no release.
  At closing the seals are lifted before the cards are rewritten and the unused ones voided (sealed or not),
  so what closing leaves does not say which ballots came from the reserve.
- **Sign-in limiter keys.** Failed sign-ins are counted under an HMAC of the card's credential with a
  per-round secret kept in the database (never in Redis), deleted at closing with the counts.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence

from tinnhiem.domain.errors import InvalidInput, NotAllowed
from tinnhiem.domain.staff import committee_member
from tinnhiem.services.ports import Reserve, UnitOfWork


def committee_only(uow: UnitOfWork, code: str, member: str | None, actor: str, action: str) -> str:
    """``member``'s name if they are on round ``code``'s committee; otherwise the attempt is audited and refused."""
    with uow:
        round_ = uow.rounds.get(code)
        if member:
            with contextlib.suppress(InvalidInput):
                return committee_member(round_, member)
        uow.rounds.audit(code, f"{action}-refused", actor, {"reason": "not a committee member"})
        uow.commit()
    raise NotAllowed("committee-only", field="session", value=actor)


def _known(uow: UnitOfWork, code: str, credentials: Sequence[str]) -> None:
    for i, credential in enumerate(credentials):
        if uow.voting.card(code, credential) is None:
            raise InvalidInput("card-unknown", field=f"credentials[{i}]")


def seal(uow: UnitOfWork, code: str, credentials: Sequence[str], *, member: str | None, actor: str = "") -> int:
    """Seal the reserve (before opening): the listed cards can neither sign in nor cast until released."""
    name = committee_only(uow, code, member, actor, "cards-seal")
    with uow:
        if uow.voting.lock_election(code).state != "ready":
            raise InvalidInput("reserve-after-open", field="round")
        _known(uow, code, credentials)
        sealed = uow.reserve.seal(code, list(credentials))
        uow.rounds.audit(code, "cards-sealed", actor, {"cards": sealed, "member": name})
        uow.commit()
    return sealed


def release(uow: UnitOfWork, code: str, *, member: str | None, actor: str = "") -> Reserve:
    """One reserve card released for a late electronic check-in (by count: the card is never named)."""
    name = committee_only(uow, code, member, actor, "reserve-release")
    with uow:
        if uow.voting.lock_election(code).state != "open":
            raise InvalidInput("voting-not-open", field="round")
        now = uow.reserve.reserve(code)
        if now.sealed <= now.free_releases:
            raise InvalidInput("reserve-empty", field="reserve", sealed=now.sealed, released=now.free_releases)
        if now.unsealed + now.released >= now.electronic or now.released >= now.late:
            raise InvalidInput("no-late-check-in", field="reserve", electronic=now.electronic,
                               usable=now.unsealed + now.released)
        uow.reserve.release(code)
        uow.rounds.audit(code, "reserve-released", actor, {"released": now.released + 1, "member": name})
        after = uow.reserve.reserve(code)
        uow.commit()
    return after


def state(uow: UnitOfWork, code: str) -> Reserve:
    with uow:
        return uow.reserve.reserve(code)


def check_release(uow: UnitOfWork, code: str, sealed: bool) -> None:
    """Inside the cast's transaction, under the election's lock, once its card is marked used: a sealed card's
    ballot is kept only if a release was free for it (counted now with this card among the sealed ones used)."""
    if sealed and uow.reserve.reserve(code).free_releases < 0:
        raise InvalidInput("card-sealed", field="credential")


def sealed_without_release(uow: UnitOfWork, code: str, credential: str) -> bool:
    """Inside a transaction: the card is sealed and no release is left to take up (it may not sign in or cast)."""
    return uow.reserve.sealed(code, credential) and uow.reserve.reserve(code).free_releases <= 0


def sign_in_secret(uow: UnitOfWork, code: str) -> bytes | None:
    """The round's secret for the sign-in limiter's keys (web/limiter.py ``card_key``), made on first use;
    None unless voting is ready or open (nothing is counted after closing: the secret is gone)."""
    with uow:
        election = uow.voting.election(code)
        if election is None or election.state not in ("ready", "open"):
            return None
        secret = uow.reserve.sign_in_secret(code)
        uow.commit()
    return bytes.fromhex(secret)


def forget_at_close(uow: UnitOfWork, code: str) -> None:
    """Inside the closing transaction, before the voting tables are rewritten (which voids every unused card,
    sealed or not): the seals lifted, so that no rewritten row says which card was in the reserve; the
    limiter's secret deleted."""
    uow.reserve.lift_seals(code)
    uow.reserve.drop_sign_in_secret(code)
