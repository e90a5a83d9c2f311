"""A committee member's secrets at rest and in transit (docs/protocol.md §8.2), with PyNaCl.

- At rest: the member's file is sealed with a key derived from a passphrase by Argon2id
  (libsodium's pwhash) and encrypted with XSalsa20-Poly1305 (SecretBox). The server never
  holds it; a wrong passphrase or an altered file is refused, never half-read.
- In transit: a dealer's share Pᵢ(ℓ) reaches member ℓ in a SealedBox to ℓ's device key
  (X25519), so the server that relays it cannot read it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

import nacl.exceptions
import nacl.pwhash
import nacl.secret
import nacl.utils
from nacl.public import PrivateKey, PublicKey, SealedBox

from tinnhiem.crypto.group import encode_scalar, random_scalar, scalar
from tinnhiem.domain.errors import InvalidInput
from tinnhiem.services.ports import UnitOfWork

FORMAT = "tinnhiem-member-key/1"
KDF = nacl.pwhash.argon2id
STRENGTH = {"moderate": (KDF.OPSLIMIT_MODERATE, KDF.MEMLIMIT_MODERATE),
            "interactive": (KDF.OPSLIMIT_INTERACTIVE, KDF.MEMLIMIT_INTERACTIVE)}


@dataclass(frozen=True, slots=True)
class MemberSecrets:
    """What only member ℓ holds: the device key for receiving shares, and sℓ once the ceremony is done."""

    round_id: str
    member: int
    device_key: bytes  # X25519 private key
    share: int | None = None  # sℓ = Σᵢ Pᵢ(ℓ)

    @property
    def device_public(self) -> bytes:
        return bytes(PrivateKey(self.device_key).public_key)


def new_member(round_id: str, member: int) -> MemberSecrets:
    """A fresh device key from the OS's randomness (libsodium randombytes)."""
    return MemberSecrets(round_id, member, bytes(PrivateKey.generate()))


def lock(secrets: MemberSecrets, passphrase: str, strength: str = "moderate") -> bytes:
    """The passphrase-encrypted file's bytes (JSON: format, KDF parameters, salt, box)."""
    ops, mem = STRENGTH[strength]
    salt = nacl.utils.random(KDF.SALTBYTES)
    key = KDF.kdf(nacl.secret.SecretBox.KEY_SIZE, passphrase.encode("utf-8"), salt, opslimit=ops, memlimit=mem)
    payload = json.dumps({
        "round_id": secrets.round_id, "member": secrets.member, "device_key": secrets.device_key.hex(),
        "share": None if secrets.share is None else encode_scalar(secrets.share).hex(),
    }).encode("utf-8")
    box = nacl.secret.SecretBox(key).encrypt(payload)
    return json.dumps({"format": FORMAT, "kdf": "argon2id", "opslimit": ops, "memlimit": mem,
                       "salt": salt.hex(), "box": bytes(box).hex()}).encode("utf-8")


def unlock(data: bytes, passphrase: str) -> MemberSecrets:
    """Open a member file; a wrong passphrase or any altered byte is refused (wrong-passphrase)."""
    try:
        outer = json.loads(data)
        if outer.get("format") != FORMAT:
            raise ValueError("format")
        key = KDF.kdf(nacl.secret.SecretBox.KEY_SIZE, passphrase.encode("utf-8"), bytes.fromhex(outer["salt"]),
                      opslimit=int(outer["opslimit"]), memlimit=int(outer["memlimit"]))
    except (ValueError, KeyError, TypeError) as exc:
        raise InvalidInput("key-file-unreadable", field="key_file", reason=str(exc)) from exc
    try:
        inner = json.loads(nacl.secret.SecretBox(key).decrypt(bytes.fromhex(outer["box"])))
    except (nacl.exceptions.CryptoError, ValueError):
        raise InvalidInput("wrong-passphrase", field="passphrase") from None
    share = None if inner["share"] is None else scalar(bytes.fromhex(inner["share"]))
    return MemberSecrets(inner["round_id"], int(inner["member"]), bytes.fromhex(inner["device_key"]), share)


def seal_share(share: int, recipient_device_public: bytes) -> bytes:
    """Pᵢ(ℓ) sealed to member ℓ's device key: only ℓ can open it."""
    return bytes(SealedBox(PublicKey(recipient_device_public)).encrypt(encode_scalar(share)))


def open_share(sealed: bytes, secrets: MemberSecrets) -> int:
    try:
        return scalar(SealedBox(PrivateKey(secrets.device_key)).decrypt(sealed))
    except (nacl.exceptions.CryptoError, ValueError):
        raise InvalidInput("sealed-share", field="share", subject=None) from None


def ceremony_files(uow: UnitOfWork, code: str, names: list[str], threshold: int,
                   passphrase_for: Callable[[str], str], strength: str = "moderate") -> list[tuple[int, bytes]]:
    """Run the key ceremony and seal each member's share at once: (member number, locked file bytes).

    The shares exist only in memory, between the ceremony and their member's passphrase.
    """
    from tinnhiem.services.voting import set_up_election  # noqa: PLC0415 - voting imports this module's callers

    files = []
    for share in set_up_election(uow, code, names, threshold, random_scalar):
        secrets = MemberSecrets(code, share.member, new_member(code, share.member).device_key, share.share)
        files.append((share.member, lock(secrets, passphrase_for(share.name), strength)))
    return files
