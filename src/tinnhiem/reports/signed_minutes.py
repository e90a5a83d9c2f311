"""The minutes to sign digitally (docs/documents.md, "Signing the minutes"): made once from the counted result,
signed place by place (the members, the head last), one file that the command line and the committee's page share.

Each signature reads the file, signs the next place and writes the file whole, under a lock on the file: two
members signing at once sign one after the other, and neither signature is lost. A key, its PIN or passphrase
live only in the call that signs: nothing here stores, logs or repeats them.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tinnhiem.domain.errors import SigningError
from tinnhiem.domain.tally import RoundResult
from tinnhiem.reports import signing
from tinnhiem.reports.signature_check import MinutesCheck, SignatureCheck, check_minutes

SIGNED_SUFFIX = "bien-ban-ky-so.pdf"


def file_hash(pdf: bytes) -> str:
    """The SHA-256 of the minutes' file as it is now: what a page sends back to say which file it showed."""
    return hashlib.sha256(pdf).hexdigest()


def fresh_minutes(result: RoundResult, result_hash: str, paper: Any = None, election: str | None = None) -> bytes:
    """The minutes of ``result`` (its result file's SHA-256 ``result_hash``, services/minutes.result_hash) with every
    signature field made, nobody signed yet."""
    from tinnhiem.reports.content import minutes
    from tinnhiem.reports.pdf import signable_minutes_pdf

    pdf, places = signable_minutes_pdf(minutes(result, paper, election),
                                       keywords=signing.RESULT_MARK + result_hash)
    return signing.prepare(pdf, places)


def signed_path(documents: Path, stem: str) -> Path:
    """Where the minutes being signed are kept: ``STEM-bien-ban-ky-so.pdf`` in the documents folder."""
    return documents / f"{stem}-{SIGNED_SUFFIX}"


def signed_by_all(path: Path) -> bool:
    """Whether the minutes at ``path`` exist and every place in them is signed (the fields only: a step's mark on
    a member's home, not a check of the signatures, which ``state`` and ``minutes verify`` make)."""
    if not path.is_file():
        return False
    places = signing.signature_fields(path.read_bytes())
    return bool(places) and all(p.signed for p in places)


def write_atomically(path: Path, data: bytes) -> None:
    """Written whole or not at all: a signature interrupted leaves the file as it was."""
    path.parent.mkdir(parents=True, exist_ok=True)
    part = path.with_name(path.name + ".part")
    part.write_bytes(data)
    os.replace(part, path)


@contextmanager
def locked(path: Path) -> Iterator[None]:
    """The minutes' file to oneself (an exclusive lock on ``FILE.lock``), across threads and worker processes."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.with_name(path.name + ".lock").open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


@dataclass(frozen=True, slots=True)
class SignedFile:
    """The minutes of ``result`` being signed at ``path``; ``make`` makes them when there are none yet."""

    path: Path
    result: RoundResult
    result_hash: str  # the SHA-256 of ``result``'s result file (services/minutes.result_hash)
    make: Callable[[], bytes]


def _current(minutes: SignedFile, *, keep: bool) -> bytes:
    """The file's minutes (held under the lock); made when there are none yet, or remade when the file was made
    from an earlier result and nobody has signed it (and written when ``keep``). Signed minutes of another
    result: refused."""
    path, result = minutes.path, minutes.result
    if path.is_file():
        pdf = path.read_bytes()
        if signing.minutes_result_hash(pdf) == minutes.result_hash:
            return pdf
        if any(f.signed for f in signing.signature_fields(pdf)):
            raise SigningError("minutes-other-round", field=path.name)
    if not result.round.committee:
        raise SigningError("no-committee", field="committee")
    pdf = minutes.make()
    if keep:
        write_atomically(path, pdf)
    return pdf


@dataclass(frozen=True, slots=True)
class Place:
    """A signature place of the minutes, in the order printed (members, the head last), and who signed it."""

    field: str
    signer: str  # the name printed under the place
    head: bool
    signature: SignatureCheck | None  # None while nobody has signed it


@dataclass(frozen=True, slots=True)
class MinutesState:
    """The minutes as they are now: the file, its hash, the result's hash and every place."""

    path: Path
    pdf: bytes
    file_hash: str
    result_hash: str
    places: tuple[Place, ...]
    check: MinutesCheck

    @property
    def next_places(self) -> tuple[Place, ...]:
        """The places that may be signed now: every unsigned member's; the head's once every member signed."""
        waiting = tuple(p for p in self.places if p.signature is None)
        members = tuple(p for p in waiting if not p.head)
        return members or waiting


def current(minutes: SignedFile) -> bytes:
    """The minutes' file as it is now, with every signature so far (made when missing)."""
    with locked(minutes.path):
        return _current(minutes, keep=True)


def state(minutes: SignedFile, roots: list[Any]) -> MinutesState:
    """The minutes as they are now (made when missing), each place with its signature as checked against
    ``roots`` (none: the chains are not checked)."""
    pdf = current(minutes)  # kept: the page sends back this file's hash
    check = check_minutes(pdf, roots)
    by_field = {s.field: s for s in check.signatures}
    places = tuple(Place(f.name, f.signer, f.name == signing.HEAD_FIELD, by_field.get(f.name))
                   for f in signing.signature_fields(pdf))
    return MinutesState(minutes.path, pdf, file_hash(pdf), minutes.result_hash, places, check)


@dataclass(frozen=True, slots=True)
class Signed:
    """One signature added: the place, who is still to sign."""

    field: signing.Field
    waiting: tuple[str, ...]
    file_hash: str


def sign_next(minutes: SignedFile, key: signing.Key, *, seen: str | None = None, signer: str | None = None,
              image: bytes | None = None) -> Signed:
    """Sign the place of ``signer`` (by default the name on the key's certificate) with ``key``, under the lock.

    ``seen``: the file's hash the signer was shown; the file changed since (someone else signed) is refused,
    not signed blind. Refused as well, the file left as it was: a name with no place, a member who signed, the
    head before every member, a key that does not open (wrong PIN or passphrase, no such token)."""
    image = signing.signature_image(image) if image is not None else None
    with locked(minutes.path):
        pdf = _current(minutes, keep=False)  # a refused signature leaves no file behind
        if seen is not None and seen != file_hash(pdf):
            raise SigningError("minutes-changed", field="file_hash")
        if not signing.signature_fields(pdf):
            raise SigningError("no-signature-fields", field=minutes.path.name)
        field = signing.choose_field(pdf, signer or signing.certificate_name(key))
        earlier = signing.signed_by(pdf).get(signing.certificate_id(key))
        if earlier is not None:
            raise SigningError("certificate-used", field="signer", value=earlier)
        signed = signing.sign(pdf, field, key, image=image)
        write_atomically(minutes.path, signed)
    waiting = tuple(f.signer for f in signing.signature_fields(signed) if not f.signed)
    return Signed(field, waiting, file_hash(signed))
