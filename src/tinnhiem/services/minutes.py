"""What the minutes signed digitally need of the stored round (docs/documents.md, "Signing the minutes"): the
hash of the result file they are made from, and each signature made through the hall in the round's audit log.
The file itself (made once, signed place by place under a lock) is reports/signed_minutes.py."""

from __future__ import annotations

import hashlib

from tinnhiem.domain.tally import RoundResult
from tinnhiem.services import roundfile
from tinnhiem.services.ports import UnitOfWork


def result_hash(result: RoundResult) -> str:
    """The SHA-256 of the result file (docs/round-file.md) the minutes are made from, as UTF-8 bytes."""
    return hashlib.sha256(roundfile.result_json(result).encode("utf-8")).hexdigest()


def audited(uow: UnitOfWork, code: str, place: str, signer: str, file_hash: str, actor: str) -> None:
    """A signature made through the hall, in the round's audit log: which place, the name printed under it, the
    file's hash after it, and the account of the session it was made in (never a PIN, a key or a passphrase)."""
    with uow:
        uow.rounds.audit(code, "minutes-signed", actor, {"place": place, "signer": signer, "file": file_hash})
        uow.commit()
