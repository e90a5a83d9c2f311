"""The report upward (báo cáo kết quả lên cấp trên): one signed package per round (docs/documents.md).

A package is a ZIP file holding exactly:

- ``round.json``: the round file (docs/round-file.md) with its counts: the importer counts it again;
- ``result.json``: the result file, byte for byte what ``tinnhiem tally ROUND --json`` prints;
- ``minutes.pdf``: the minutes signed by the counting committee; their keywords carry the SHA-256 of
  ``result.json``, so the committee's signatures cover the numbers;
- ``manifest.json``: the format, the round's identity, the SHA-256 of each file above and of the
  public record (electronic rounds), when it was exported;
- ``manifest.p7s``: a detached CMS signature over ``manifest.json`` by the exporting office.

Signing and checking signatures is not done here (no cryptographic library in services): the edge
passes ``sign`` and a ``PackageChecks`` that call pyHanko (``reports/report_signing.py``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import unicodedata
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from pydantic import ValidationError

from tinnhiem.domain.errors import InvalidInput, SigningError
from tinnhiem.domain.model import Round
from tinnhiem.domain.names import folded
from tinnhiem.domain.rollup import Rollup, rollup
from tinnhiem.domain.tally import RoundResult, tally
from tinnhiem.services import roundfile
from tinnhiem.services.schemas import ReportManifest

FORMAT = "tinnhiem-report/1"
MANIFEST = "manifest.json"
SIGNATURE = "manifest.p7s"
FILES = ("round.json", "result.json", "minutes.pdf")
MAX_BYTES = 64 * 1024 * 1024  # a package, and each file in it once unpacked: far above any real minutes


class PackageChecks(Protocol):
    """What the edge checks with the cryptographic library; each raises SigningError with the reason."""

    def manifest_signature(self, manifest: bytes, signature: bytes) -> str:
        """The signer's name when the signature is intact, valid and chains to a trust root."""
        ...

    def minutes(self, pdf: bytes) -> tuple[str, tuple[str, ...]]:
        """The result hash the minutes carry and their signers' names in signing order, when every field is
        signed and every signature checks."""
        ...


@dataclass(frozen=True, slots=True)
class Package:
    """A package that checked: its round, its result recomputed, who signed it."""

    round_id: str
    result: RoundResult
    result_sha256: str
    record_sha256: str | None
    signed_by: str
    data: bytes


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def round_id(round_: Round) -> str:
    """The round's identity: its body, title, date and rule set (NFC); the same round exported twice has one."""
    identity = [unicodedata.normalize("NFC", x) for x in (round_.body.name, round_.title, round_.date.isoformat(),
                                                         round_.rule_set)]
    return sha256(json.dumps(identity, ensure_ascii=False).encode("utf-8"))


def build(result: RoundResult, minutes_pdf: bytes, record: bytes | None, sign: Callable[[bytes], bytes],
          now: dt.datetime) -> bytes:
    """The package's bytes; ``sign`` returns the detached CMS signature of the manifest."""
    round_ = result.round
    contents = {
        "round.json": json.dumps(roundfile.round_document(round_, [s.totals for s in result.subjects]),
                                 ensure_ascii=False, indent=2).encode("utf-8"),
        "result.json": roundfile.result_json(result).encode("utf-8"),
        "minutes.pdf": minutes_pdf,
    }
    manifest = {
        "format": FORMAT,
        "round_id": round_id(round_),
        "round": {"body": round_.body.name, "title": round_.title, "date": round_.date.isoformat(),
                  "rule_set": round_.rule_set},
        "files": {name: sha256(data) for name, data in contents.items()},
        "record_sha256": sha256(record) if record is not None else None,
        "exported_at": now.isoformat(timespec="seconds"),
    }
    manifest_bytes = json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True).encode("utf-8")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in (*contents.items(), (MANIFEST, manifest_bytes), (SIGNATURE, sign(manifest_bytes))):
            archive.writestr(zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0)), data,
                             compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def _unpack(data: bytes, where: str) -> dict[str, bytes]:
    if len(data) > MAX_BYTES:
        raise SigningError("package-unreadable", field=where, reason=f"> {MAX_BYTES} bytes")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            names = sorted(i.filename for i in infos)
            if names != sorted((*FILES, MANIFEST, SIGNATURE)):
                raise SigningError("package-files", field=where, got=", ".join(names) or "—",
                                   expected=", ".join((*FILES, MANIFEST, SIGNATURE)))
            if any(i.file_size > MAX_BYTES for i in infos):
                raise SigningError("package-unreadable", field=where, reason=f"> {MAX_BYTES} bytes")
            return {i.filename: archive.read(i) for i in infos}
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError) as error:
        raise SigningError("package-unreadable", field=where, reason=str(error)) from None


def read(data: bytes, checks: PackageChecks, where: str = "package") -> Package:
    """A package checked whole: the office's signature, every file's hash, the count recomputed from the
    round file, and the committee's signatures on minutes that carry the result's hash. Any failure raises
    SigningError naming the file and the reason."""
    files = _unpack(data, where)
    signed_by = checks.manifest_signature(files[MANIFEST], files[SIGNATURE])
    try:
        manifest = ReportManifest.model_validate_json(files[MANIFEST])
    except ValidationError as error:
        first = error.errors()[0]
        reason = f"{'.'.join(str(p) for p in first['loc'])}: {first['msg']}"
        raise SigningError("package-unreadable", field=f"{where}: {MANIFEST}", reason=reason) from None
    hashes = manifest.files.model_dump(by_alias=True)
    for name in FILES:
        if hashes[name] != sha256(files[name]):
            raise SigningError("package-file-changed", field=f"{where}: {name}")
    try:
        round_, totals = roundfile.parse_round(json.loads(files["round.json"].decode("utf-8")))
    except (ValueError, UnicodeDecodeError) as error:
        raise SigningError("package-unreadable", field=f"{where}: round.json", reason=str(error)) from None
    except InvalidInput as error:
        raise SigningError("package-round-invalid", field=f"{where}: round.json", reason=error.message()) from None
    if totals is None:
        raise SigningError("package-round-invalid", field=f"{where}: round.json", reason="no counts")
    result = tally(round_, totals)
    if roundfile.result_json(result).encode("utf-8") != files["result.json"]:
        raise SigningError("package-result-differs", field=f"{where}: result.json")
    if manifest.round_id != round_id(round_):
        raise SigningError("package-file-changed", field=f"{where}: {MANIFEST} round_id")
    result_sha = sha256(files["result.json"])
    carried, signers = checks.minutes(files["minutes.pdf"])
    if carried != result_sha:
        raise SigningError("package-minutes-other", field=f"{where}: minutes.pdf")
    committee = [m.name for m in (*round_.committee[1:], *round_.committee[:1])]
    if [folded(n) for n in signers] != [folded(n) for n in committee]:
        raise SigningError("package-signers", field=f"{where}: minutes.pdf", value=", ".join(signers) or "—",
                           expected=", ".join(committee) or "—")
    return Package(round_id(round_), result, result_sha, manifest.record_sha256, signed_by, data)


def store(folder: Path, package: Package) -> bool:
    """Keep a checked package under its round's identity; False when that round was already imported with
    the same result (one round, not two). The same round with another result is refused."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{package.round_id}.zip"
    if path.is_file():
        kept = zipfile.ZipFile(path).read("result.json")
        if sha256(kept) == package.result_sha256:
            return False
        raise SigningError("package-round-conflict", field=path.name, value=package.result.round.body.name,
                           title=package.result.round.title, date=package.result.round.date.isoformat())
    part = path.with_suffix(".part")
    part.write_bytes(package.data)
    part.replace(path)
    return True


def stored(folder: Path) -> list[Path]:
    """The packages kept so far, one per round."""
    return sorted(folder.glob("*.zip")) if folder.is_dir() else []


def rollup_kept(folder: Path, checks: PackageChecks, managed_posts: Sequence[str] = ()) -> Rollup:
    """The roll-up of every package kept, each checked again (a file swapped in the folder is refused)."""
    kept = [read(path.read_bytes(), checks, path.name) for path in stored(folder)]
    return rollup([p.result for p in kept], managed_posts)
