"""Checking the signed minutes: each signature in the order it was made, without the network.

For each signature: who (the certificate's subject), when (the time the signer's software stated;
no time-stamp authority is used), what it covers (the whole file, or the file as it was when signed,
with later revisions after it), what changed after it (nothing, other signatures only, or anything
else), whether the signed bytes are intact, and whether the certificate chains to the trust roots
given. Revocation is not checked (no network: docs/documents.md).
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from asn1crypto import x509
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.errors import SignatureValidationError
from pyhanko.sign.validation.settings import KeyUsageConstraints
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from tinnhiem.domain.errors import SigningError
from tinnhiem.domain.names import folded
from tinnhiem.domain.words import N_
from tinnhiem.reports.signing import VIETNAM, signature_fields

PROBLEMS = {  # what each problem code of a signature says (translated where shown)
    "not-intact": N_("nội dung đã ký bị sửa (mã băm không khớp)"),
    "not-valid": N_("chữ ký không khớp với khóa của chứng thư"),
    "untrusted": N_("chứng thư không dẫn về gốc tin cậy đã cho"),
    "changed-after": N_("tệp bị thay đổi sau chữ ký này (không chỉ thêm chữ ký)"),
    "other-signer": N_("tên trên chứng thư khác tên in dưới ô ký"),
    "same-certificate": N_("chứng thư này đã ký một ô khác của biên bản: mỗi người ký một ô"),
    "unreadable": N_("không đọc được chữ ký"),
}

# Official-duty and public certificates set digitalSignature, nonRepudiation or both: either is accepted.
KEY_USAGE = KeyUsageConstraints(key_usage={"digital_signature", "non_repudiation"}, match_all_key_usages=False)


class Change(Enum):
    """What was added to the file after a signature."""

    NONE = "none"  # nothing: the signature covers the whole file
    SIGNATURES = "signatures"  # only the later signatures into the fields made before
    OTHER = "other"  # anything else: content, pages, fields, annotations


@dataclass(frozen=True, slots=True)
class SignatureCheck:
    """One signature of the minutes, as checked."""

    field: str
    meant_for: str  # the name the minutes print under the field
    subject: str  # the certificate's subject, as a person reads it
    common_name: str
    signed_at: dt.datetime | None  # in Vietnam's time zone
    revision: int  # the file's revision this signature closed (1 = the first)
    revisions: int
    covers_whole_file: bool
    change_after: Change
    intact: bool  # the signed bytes are the ones signed
    valid: bool  # the signature's mathematics holds for the certificate's key
    trusted: bool | None  # chains to the given roots; None when no root was given
    problems: tuple[str, ...]  # not-intact, not-valid, untrusted, changed-after, other-signer, unreadable

    @property
    def ok(self) -> bool:
        return not self.problems




@dataclass(frozen=True, slots=True)
class MinutesCheck:
    """Every signature in order, the fields still empty, and the verdict."""

    signatures: tuple[SignatureCheck, ...]
    unsigned: tuple[str, ...]  # names of the fields nobody signed
    trust_checked: bool

    @property
    def ok(self) -> bool:
        return bool(self.signatures) and not self.unsigned and self.trust_checked and all(
            s.ok for s in self.signatures)


def load_roots(pems: list[bytes]) -> list[x509.Certificate]:
    """Trust roots from PEM or DER files' bytes."""
    from pyhanko.keys import load_certs_from_pemder_data

    roots = []
    for data in pems:
        try:
            roots.extend(load_certs_from_pemder_data(data))
        except ValueError as error:
            raise SigningError("pdf-unreadable", field="--trust", reason=str(error)) from None
    return roots


ROOT_SUFFIXES = (".pem", ".crt", ".cer", ".der")


def root_files(where: Path) -> list[bytes]:
    """The certificates' bytes of a root file, or of every .pem/.crt/.cer/.der file in a folder."""
    files = sorted(p for p in where.iterdir() if p.suffix.lower() in ROOT_SUFFIXES) if where.is_dir() else [where]
    return [p.read_bytes() for p in files]


def _change(level: ModificationLevel | None, coverage: SignatureCoverageLevel | None) -> Change:
    if coverage == SignatureCoverageLevel.ENTIRE_FILE and level in (None, ModificationLevel.NONE):
        return Change.NONE
    if level in (ModificationLevel.NONE, ModificationLevel.LTA_UPDATES, ModificationLevel.FORM_FILLING):
        return Change.SIGNATURES
    return Change.OTHER


def check_minutes(pdf: bytes, roots: list[x509.Certificate]) -> MinutesCheck:
    """Each signature of ``pdf`` in signing order; ``roots`` empty means the chain is not checked."""
    fields = {f.name: f for f in signature_fields(pdf)}
    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
    except Exception as error:  # noqa: BLE001 — pyHanko raises several kinds for a broken file
        raise SigningError("pdf-unreadable", field="file", reason=str(error) or type(error).__name__) from None
    revisions = reader.xrefs.total_revisions
    context = ValidationContext(trust_roots=roots, allow_fetching=False, revocation_mode="soft-fail")
    checks = []
    used: dict[tuple[bytes, int], str] = {}  # each certificate (issuer, serial number) and the first field it signed
    for embedded in reader.embedded_signatures:
        meant_for = fields[embedded.field_name].signer if embedded.field_name in fields else embedded.field_name
        revision = embedded.signed_revision + 1
        try:
            status = validate_pdf_signature(embedded, context, key_usage_settings=KEY_USAGE)
        except (SignatureValidationError, ValueError, KeyError, TypeError) as error:
            checks.append(SignatureCheck(embedded.field_name, meant_for, str(error) or type(error).__name__, "",
                                         None, revision, revisions, False, Change.OTHER, False, False, None,
                                         ("unreadable",)))
            continue
        cert = status.signing_cert
        common_name = str(cert.subject.native.get("common_name", ""))
        when = status.signer_reported_dt.astimezone(VIETNAM) if status.signer_reported_dt else None
        change = _change(status.modification_level, status.coverage)
        covers = status.coverage == SignatureCoverageLevel.ENTIRE_FILE
        trusted = bool(status.trusted) if roots else None
        problems = [code for code, failed in (
            ("not-intact", not status.intact),
            ("not-valid", not status.valid),
            ("untrusted", trusted is False),
            ("changed-after", change is Change.OTHER or not status.docmdp_ok or status.coverage not in (
                SignatureCoverageLevel.ENTIRE_FILE, SignatureCoverageLevel.ENTIRE_REVISION)),
            ("other-signer", folded(common_name) != folded(meant_for)),
            ("same-certificate", used.setdefault((cert.issuer.sha256, cert.serial_number), embedded.field_name)
             != embedded.field_name),
        ) if failed]
        checks.append(SignatureCheck(embedded.field_name, meant_for, cert.subject.human_friendly, common_name, when,
                                     revision, revisions, covers, change, bool(status.intact), bool(status.valid),
                                     trusted, tuple(problems)))
    unsigned = tuple(f.signer for f in fields.values() if not f.signed)
    return MinutesCheck(tuple(checks), unsigned, bool(roots))
