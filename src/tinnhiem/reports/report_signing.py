"""The office's signature on the report package: a detached CMS signature (SHA-256) over its manifest.

Made with the same keys as the minutes (a PKCS#11 token or a PKCS#12 file); checked offline against the
trust roots the level above was given, with the same key usages accepted as for the minutes.
"""

from __future__ import annotations

import asyncio

from asn1crypto import cms, x509
from pyhanko_certvalidator import ValidationContext

from tinnhiem.domain.errors import SigningError
from tinnhiem.reports.signature_check import KEY_USAGE, check_minutes
from tinnhiem.reports.signing import Key, minutes_result_hash, open_key


def sign_manifest(manifest: bytes, key: Key) -> bytes:
    """The DER bytes of a detached CMS signature of ``manifest``."""
    with open_key(key) as signer:
        signed = asyncio.run(signer.async_sign_general_data(manifest, "sha256", detached=True))
        return bytes(signed.dump())


def check_manifest(manifest: bytes, signature: bytes, roots: list[x509.Certificate]) -> str:
    """The signer's common name, when the signature is intact, valid and chains to ``roots``."""
    from pyhanko.sign.validation.errors import SignatureValidationError
    from pyhanko.sign.validation.generic_cms import async_validate_detached_cms

    if not roots:
        raise SigningError("package-signature", field="--trust", reason="chưa cho gốc tin cậy (--trust)")
    try:
        content = cms.ContentInfo.load(signature)
        signed_data = content["content"]
        status = asyncio.run(async_validate_detached_cms(
            manifest, signed_data,
            signer_validation_context=ValidationContext(trust_roots=roots, allow_fetching=False,
                                                        revocation_mode="soft-fail"),
            key_usage_settings=KEY_USAGE))
    except (SignatureValidationError, ValueError, KeyError, TypeError) as error:
        reason = str(error) or type(error).__name__
        raise SigningError("package-signature", field="manifest.p7s", reason=reason) from None
    if not (status.intact and status.valid):
        raise SigningError("package-signature", field="manifest.p7s", reason="bản kê bị sửa sau khi ký")
    if not status.trusted:
        raise SigningError("package-signature", field="manifest.p7s",
                           reason=f"{status.signing_cert.subject.human_friendly}: chứng thư không dẫn về gốc "
                                  "tin cậy đã cho")
    return str(status.signing_cert.subject.native.get("common_name", ""))


class PackageSignatures:
    """The checks a report package needs from pyHanko, against the roots given
    (``services.report_package.PackageChecks``)."""

    def __init__(self, roots: list[x509.Certificate]) -> None:
        self.roots = roots

    def manifest_signature(self, manifest: bytes, signature: bytes) -> str:
        return check_manifest(manifest, signature, self.roots)

    def minutes(self, pdf: bytes) -> tuple[str, tuple[str, ...]]:
        check = check_minutes(pdf, self.roots)
        if not check.ok:
            reasons = [f"{s.meant_for}: {', '.join(s.problems)}" for s in check.signatures if not s.ok]
            reasons += [f"chưa ký: {', '.join(check.unsigned)}"] if check.unsigned else []
            raise SigningError("package-minutes-invalid", field="minutes.pdf", reason="; ".join(reasons) or "—")
        return minutes_result_hash(pdf), tuple(s.common_name for s in check.signatures)
