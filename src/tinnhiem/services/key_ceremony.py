"""The key ceremony on the committee members' own devices (docs/protocol.md §8).

The server only relays and checks; every secret is made and kept on a member's device:

1. The organisers start it: each member gets a one-time ceremony code (shown once).
2. keys:    each device makes a device key pair (d, D = d·G) and publishes D.
3. deal:    each device draws its polynomial, publishes Kᵢⱼ with Schnorr proofs (checked here),
            and seals Pᵢ(ℓ) to every other member's D_ℓ (ElGamal key agreement + SecretBox).
4. receive: each device opens the shares sealed to it, checks each against the dealer's
            commitments, keeps sℓ in its passphrase file, and publishes Sℓ = sℓ·G, which must
            equal the verification key anyone computes from the commitments (checked here).
When every member has confirmed, the election's joint key K = Σᵢ Kᵢ₀ is stored.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Any

from tinnhiem.crypto import ceremony
from tinnhiem.crypto.credentials import CARD_ALPHABET
from tinnhiem.crypto.errors import VerificationError
from tinnhiem.crypto.group import point, scalar
from tinnhiem.crypto.proofs import Proof
from tinnhiem.crypto.record import read_manifest
from tinnhiem.domain.errors import InvalidInput
from tinnhiem.services import voting
from tinnhiem.services.ports import UnitOfWork


def new_member_code(number: int) -> str:
    """"2-K7QX-9MPA": the member's number, then 40 random bits from the OS CSPRNG (used once, in the hall)."""
    secret = "".join(secrets.choice(CARD_ALPHABET) for _ in range(8))
    return f"{number}-{secret[:4]}-{secret[4:]}"


def hash_code(secret: str, salt: str) -> str:
    """scrypt of a ceremony code's secret part: the database never holds the code itself."""
    return hashlib.scrypt(secret.upper().encode(), salt=bytes.fromhex(salt), n=2**14, r=8, p=1, dklen=32).hex()


PHASE_KEYS = {"keys": "devices", "deal": "deals", "receive": "confirmed"}  # what each step records per member


def _phase(data: dict[str, Any]) -> str:
    n = len(data["members"])
    for phase, key in PHASE_KEYS.items():
        if len(data[key]) < n:
            return phase
    return "done"


def start(uow: UnitOfWork, code: str, names: list[str], threshold: int, *, actor: str = "") -> list[tuple[str, str]]:
    """Begin a ceremony; returns each member's one-time ceremony code (to hand over, shown once)."""
    voting.check_threshold(threshold, len(names))
    manifest = voting.round_manifest(uow, code)
    codes = []
    stored = {}
    for number, name in enumerate(names, start=1):
        member_code = new_member_code(number)
        salt = secrets.token_hex(16)
        secret = member_code.split("-", 1)[1].replace("-", "")
        stored[str(number)] = {"salt": salt, "hash": hash_code(secret, salt)}
        codes.append((name, member_code))
    data = {"members": names, "threshold": threshold, "manifest": manifest.to_json(), "codes": stored,
            "devices": {}, "deals": {}, "confirmed": {}}
    with uow:
        if uow.voting.election(code) is not None:
            raise InvalidInput("election-exists", field="ceremony")
        uow.ceremonies.save_ceremony(code, data)
        uow.rounds.audit(code, "ceremony-started", actor, {"members": len(names), "threshold": threshold})
        uow.commit()
    return codes


def public_state(uow: UnitOfWork, code: str, member: int | None = None) -> dict[str, Any]:
    """What every device may see; with ``member``, the shares sealed to that member too."""
    with uow:
        data = uow.ceremonies.ceremony(code)
    if data is None:
        raise InvalidInput("no-election", field="ceremony", value=code)
    manifest = read_manifest(data["manifest"])
    deals = {m: {"K": d["K"], "proofs": d["proofs"]} for m, d in data["deals"].items()}
    view = {"members": data["members"], "threshold": data["threshold"], "manifest_hash": manifest.hash.hex(),
            "phase": _phase(data), "devices": data["devices"], "deals": deals, "confirmed": sorted(data["confirmed"])}
    if member is not None:
        view["sealed"] = {m: d["shares"][str(member)] for m, d in data["deals"].items() if str(member) in d["shares"]}
    return view


def _change(uow: UnitOfWork, code: str, member: int, member_code: str, phase: str, apply: Any) -> str:
    """Check the member's code and the phase, then apply one change, all under the ceremony's row lock."""
    with uow:
        data = uow.ceremonies.ceremony(code, lock=True)
        if data is None:
            raise InvalidInput("no-election", field="ceremony", value=code)
        entry = data["codes"].get(str(member))
        secret = member_code.strip().upper().split("-", 1)[-1].replace("-", "")
        if entry is None or not hmac.compare_digest(hash_code(secret, entry["salt"]), entry["hash"]):
            raise InvalidInput("bad-code", field="code")
        if _phase(data) != phase:
            raise InvalidInput("ceremony-phase", field="phase", value=_phase(data))
        if str(member) in data[PHASE_KEYS[phase]]:  # each step once per member: a second device cannot take over
            raise InvalidInput("ceremony-step-done", field="code", member=member)
        apply(data)
        uow.ceremonies.save_ceremony(code, data)
        if _phase(data) == "done":
            _finish(uow, code, data)
        uow.commit()
        return _phase(data)


def join(uow: UnitOfWork, code: str, member: int, member_code: str, device_public: str) -> str:
    def apply(data: dict[str, Any]) -> None:
        point(bytes.fromhex(device_public))
        data["devices"] = {**data["devices"], str(member): device_public}

    return _change(uow, code, member, member_code, "keys", apply)


def _committee(data: dict[str, Any]) -> ceremony.Committee:
    return ceremony.Committee(read_manifest(data["manifest"]).hash, len(data["members"]), int(data["threshold"]))


def _commitment(member: int, deal: dict[str, Any]) -> ceremony.MemberCommitment:
    return ceremony.MemberCommitment(
        member, tuple(point(bytes.fromhex(k)) for k in deal["K"]),
        tuple(Proof(scalar(bytes.fromhex(p["c"])), scalar(bytes.fromhex(p["z"]))) for p in deal["proofs"]))


def deal(uow: UnitOfWork, code: str, member: int, member_code: str, dealt: dict[str, Any]) -> str:
    """Store a member's commitments (proofs checked) and the shares it sealed to every other member."""

    def apply(data: dict[str, Any]) -> None:
        try:
            ceremony.verify_commitment(_committee(data), _commitment(member, dealt))
        except (VerificationError, ValueError, KeyError, TypeError):
            raise InvalidInput("commitment-unproven", field="commitments") from None
        others = {str(m) for m in range(1, len(data["members"]) + 1)} - {str(member)}
        shares = dealt.get("shares", {})
        if set(shares) != others or not all(isinstance(s, dict) and {"E", "box"} <= set(s) for s in shares.values()):
            raise InvalidInput("sealed-shares-incomplete", field="shares")
        for sealed in shares.values():
            point(bytes.fromhex(sealed["E"]))
        data["deals"] = {**data["deals"], str(member): {"K": dealt["K"], "proofs": dealt["proofs"], "shares": shares}}

    return _change(uow, code, member, member_code, "deal", apply)


def confirm(uow: UnitOfWork, code: str, member: int, member_code: str, verification_key: str) -> str:
    """A member's device has every share checked and sealed; its Sℓ must match the commitments."""

    def apply(data: dict[str, Any]) -> None:
        commitments = [_commitment(int(m), d) for m, d in sorted(data["deals"].items(), key=lambda x: int(x[0]))]
        if ceremony.verification_key(commitments, member).hex() != verification_key:
            raise InvalidInput("verification-key-mismatch", field="verification_key")
        data["confirmed"] = {**data["confirmed"], str(member): True}

    return _change(uow, code, member, member_code, "receive", apply)


def _finish(uow: UnitOfWork, code: str, data: dict[str, Any]) -> None:
    manifest = read_manifest(data["manifest"])
    commitments = [_commitment(int(k), d) for k, d in sorted(data["deals"].items(), key=lambda x: int(x[0]))]
    voting.store_election(uow, code, voting.election_of(manifest, list(data["members"]), int(data["threshold"]),
                                                       commitments))
    uow.rounds.audit(code, "key-ceremony", ", ".join(data["members"]), {"on_devices": True})
