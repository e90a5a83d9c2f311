"""Digital signatures on the minutes (PAdES, through pyHanko), member by member, the head last.

The flow (docs/documents.md, "Signing the minutes"):

1. ``prepare`` adds, in one incremental update, an empty signature field for every committee member
   where the minutes leave space for the signature, the head's last. Every field exists before the
   first signature: a field added after a signature would count as a change to the signed document.
   The head's field locks the document when signed (nothing but signatures' validation data after it).
2. ``sign`` fills one field, as an incremental update (the bytes signed before stay as they were),
   with a key from a PKCS#11 token or a PKCS#12 file. The visible appearance is drawn here with fpdf2
   (the signer's name, the handwritten signature's image when given, the time in Vietnam's time zone)
   and placed as a static appearance: pyHanko's own text stamps mis-space fonts of 2048 units per em,
   such as Liberation Serif.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import tempfile
import threading
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from fpdf import FPDF
from pyhanko.pdf_utils import layout
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.fields import FieldMDPAction, FieldMDPSpec, MDPPerm, SigFieldSpec, SigSeedSubFilter
from pyhanko.stamp.static import StaticStampStyle

from tinnhiem.domain.errors import SigningError
from tinnhiem.domain.names import folded
from tinnhiem.reports.fonts import find_family, require_glyphs
from tinnhiem.reports.pdf import SignaturePlace

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
HEAD_FIELD = "ky-truong-ban"
RESULT_MARK = "tinnhiem-ket-qua-sha256:"  # in the minutes' keywords: the hash of the result file they show
PT = 25.4 / 72


@dataclass(frozen=True, slots=True)
class Pkcs11Key:
    """A key on a token: the PKCS#11 library of its middleware, the token's label, the user PIN."""

    library: str
    token: str
    pin: str = dataclasses.field(repr=False)  # never in a log line or a traceback's locals


@dataclass(frozen=True, slots=True)
class Pkcs12Key:
    """A key and its certificate in a PKCS#12 file (.p12, .pfx) and the file's passphrase."""

    path: Path
    passphrase: str = dataclasses.field(repr=False)


@dataclass(frozen=True, slots=True)
class Pkcs12Data:
    """A PKCS#12 file's bytes as uploaded (never written to disk), its name, and its passphrase."""

    data: bytes = dataclasses.field(repr=False)
    name: str
    passphrase: str = dataclasses.field(repr=False)


Key = Pkcs11Key | Pkcs12Key | Pkcs12Data
PKCS11_OPENING = threading.Lock()  # one session opened at a time: python-pkcs11 loads and initialises a library once
PIN_WRONG = ("PinIncorrect", "PinInvalid", "PinLenRange")  # python-pkcs11's exceptions for a PIN the token refuses


@dataclass(frozen=True, slots=True)
class Field:
    """A signature field of the minutes: its name, who signs it (as the minutes print the name), signed or not."""

    name: str
    signer: str
    signed: bool


def field_name(index: int, count: int) -> str:
    """Members' fields ``ky-1``, ``ky-2``…; the head's (the last place) ``ky-truong-ban``."""
    return HEAD_FIELD if index == count - 1 else f"ky-{index + 1}"


def prepare(pdf: bytes, places: tuple[SignaturePlace, ...]) -> bytes:
    """Every signature field, in one incremental update, before anyone signs; the blank lines the minutes
    print for a committee not named yet get no field."""
    places = tuple(place for place in places if place.name)
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    for i, place in enumerate(places):
        head = i == len(places) - 1
        fields.append_signature_field(writer, SigFieldSpec(
            field_name(i, len(places)), on_page=place.page, box=place.box,  # type: ignore[arg-type]
            readable_field_name=place.name or place.role,
            field_mdp_spec=FieldMDPSpec(FieldMDPAction.ALL) if head else None,
            doc_mdp_update_value=MDPPerm.NO_CHANGES if head else None,
        ))
    out = io.BytesIO()
    writer.write(out)  # type: ignore[no-untyped-call]
    return out.getvalue()


def _reader(pdf: bytes) -> PdfFileReader:
    try:
        return PdfFileReader(io.BytesIO(pdf), strict=False)
    except Exception as error:  # pyHanko raises several kinds for a file that is not a PDF
        raise SigningError("pdf-unreadable", field="file", reason=str(error) or type(error).__name__) from None


def minutes_result_hash(pdf: bytes) -> str:
    """The result file's hash the minutes carry in their keywords ('' when none)."""
    info = _reader(pdf).trailer_view.get("/Info")
    keywords = str(info.get_object().get("/Keywords", "")) if info is not None else ""
    return next((w.removeprefix(RESULT_MARK) for w in keywords.split() if w.startswith(RESULT_MARK)), "")


def signature_fields(pdf: bytes) -> list[Field]:
    """The minutes' signature fields in document order, with the names they are meant for."""
    found = []
    for name, value, ref in fields.enumerate_sig_fields(_reader(pdf)):
        label = ref.get_object().get("/TU")
        found.append(Field(str(name), str(label) if label is not None else str(name), value is not None))
    return found


def _spelt(name: str) -> str:
    """A name as written, marks kept: Unicode NFC, case and spaces aside."""
    return " ".join(unicodedata.normalize("NFC", name).casefold().split())


def choose_field(pdf: bytes, signer: str) -> Field:
    """The empty field of ``signer``: spelt as printed, or without diacritics (certificates often carry none)
    only when that names one printed name: "Le Van An" never picks between Lê Văn Ân and Lê Văn An. The head
    only once every member signed."""
    all_fields = signature_fields(pdf)
    mine = [f for f in all_fields if _spelt(f.signer) == _spelt(signer)] or [
        f for f in all_fields if folded(f.signer) == folded(signer)]
    if len({_spelt(f.signer) for f in mine}) > 1:
        raise SigningError("signer-ambiguous", field="signer", value=signer,
                           choices=", ".join(f.signer for f in mine))
    if not mine:
        raise SigningError("not-a-signer", field="signer", value=signer,
                           choices=", ".join(f.signer for f in all_fields) or "—")
    field = next((f for f in mine if not f.signed), mine[0])  # namesakes on one committee: the next empty field
    if field.signed:
        raise SigningError("already-signed", field="signer", value=field.signer)
    waiting = [f.signer for f in all_fields if not f.signed and f.name != HEAD_FIELD]
    if field.name == HEAD_FIELD and waiting:
        raise SigningError("head-signs-last", field="signer", value=", ".join(waiting))
    return field


IMAGE_FORMATS = ("PNG", "JPEG")


def signature_image(data: bytes, name: str = "image") -> bytes:
    """The handwritten signature's picture, checked to be a PNG or JPEG picture before it is drawn."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as picture:
            kind = picture.format
            picture.verify()
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        kind = None
    if kind not in IMAGE_FORMATS:
        raise SigningError("image-unreadable", field="image", value=name)
    return data


def appearance(signer: str, at: dt.datetime, size: tuple[float, float], image: bytes | None = None) -> bytes:
    """The visible signature as a one-page PDF the size of the field (NĐ 30/2020: the image at the signing
    place; here also the name and the time, in Vietnam's time zone)."""
    family = find_family()
    local = at.astimezone(VIETNAM)
    when = f"Ký số: {local:%H:%M:%S} ngày {local:%d/%m/%Y} (GMT+7)"
    require_glyphs(family, signer + when)
    width, height = size[0] * PT, size[1] * PT
    pdf = FPDF(unit="mm", format=(width, height))
    pdf.set_auto_page_break(False)
    pdf.set_margin(0)
    for style in ("", "B"):
        pdf.add_font("Serif", style, str(family.files[style]))
    pdf.add_page()
    text_top = height * 0.12
    small = width < 50
    if image is not None:
        pdf.image(io.BytesIO(image), x=width * 0.15, y=0.5, w=width * 0.7, h=height * 0.4, keep_aspect_ratio=True)
        text_top = height * 0.42
    pdf.set_text_color(0, 32, 128)
    pdf.set_draw_color(0, 32, 128)
    pdf.set_line_width(0.25)
    pdf.rect(0.2, 0.2, width - 0.4, height - 0.4)
    pdf.set_font("Serif", "B", 10 if small else 11)
    pdf.set_xy(0.5, text_top)
    pdf.multi_cell(width - 1, 4.2 if small else 4.6, signer, align="C")
    pdf.set_font("Serif", "", 7 if small else 8.5)
    pdf.set_x(0.5)
    pdf.multi_cell(width - 1, 3 if small else 3.4, when, align="C")
    return bytes(pdf.output())


class _SignerAt(signers.PdfSigner):
    """pyHanko's signer, with the signing time chosen beforehand: the one printed in the appearance."""

    def __init__(self, at: dt.datetime, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._at = at

    def init_signing_session(self, pdf_out: Any, existing_fields_only: bool = False) -> Any:
        session = super().init_signing_session(pdf_out, existing_fields_only)
        session.system_time = self._at
        return session


@contextmanager
def open_key(key: Key) -> Iterator[signers.Signer]:
    """A pyHanko signer over the key; a token's session stays open only while it is used."""
    if not isinstance(key, Pkcs11Key):
        yield _pkcs12_signer(key)
        return
    from pkcs11 import Attribute, ObjectClass
    from pkcs11.exceptions import PKCS11Error
    from pyhanko.config.pkcs11 import TokenCriteria
    from pyhanko.sign.pkcs11 import PKCS11Signer, open_pkcs11_session

    try:
        with PKCS11_OPENING:  # two threads loading the library at once: one of them failed (CKR_…_INITIALIZED)
            session = open_pkcs11_session(key.library, token_criteria=TokenCriteria(label=key.token),
                                          user_pin=key.pin)
    except (PKCS11Error, OSError, RuntimeError) as error:
        kind = type(error).__name__
        if kind in PIN_WRONG:
            raise SigningError("token-pin", field="pin", value=key.token) from None
        if str(error).startswith("No token matching"):
            raise SigningError("token-not-found", field="token", value=key.token) from None
        raise SigningError("token-unreadable", field="token", value=key.token, reason=kind) from None
    try:
        private_keys = session.get_objects({Attribute.CLASS: ObjectClass.PRIVATE_KEY})
        ids = [k.id for k in private_keys]  # type: ignore[attr-defined]
        if len(ids) != 1:
            raise SigningError("token-keys", field="token", value=key.token, count=len(ids))
        yield PKCS11Signer(session, key_id=ids[0], cert_id=ids[0])
    finally:
        session.close()


def _pkcs12_signer(key: Pkcs12Key | Pkcs12Data) -> signers.SimpleSigner:
    """The key and certificate of a PKCS#12 file; a wrong passphrase and a broken file are one refusal."""
    name = key.path.name if isinstance(key, Pkcs12Key) else key.name
    signer: signers.SimpleSigner | None
    try:
        data = key.path.read_bytes() if isinstance(key, Pkcs12Key) else key.data
        signer = signers.SimpleSigner.load_pkcs12_data(data, (), passphrase=key.passphrase.encode())
    except Exception:  # noqa: BLE001 — a wrong passphrase and a broken file both end here
        signer = None
    if signer is None:
        raise SigningError("key-unreadable", field="passphrase", reason=name)
    return signer


def certificate_id(key: Key) -> tuple[bytes, int]:
    """The key's certificate, by its issuer and serial number (one person's certificate signs one place)."""
    with open_key(key) as signer:
        cert = signer.signing_cert
        if cert is None:
            raise SigningError("key-unreadable", field="key", reason="")
        return cert.issuer.sha256, cert.serial_number


def signed_by(pdf: bytes) -> dict[tuple[bytes, int], str]:
    """Each certificate that signed ``pdf`` (issuer, serial number) and the name under the first place it signed."""
    reader, names = _reader(pdf), {f.name: f.signer for f in signature_fields(pdf)}
    found: dict[tuple[bytes, int], str] = {}
    for embedded in reader.embedded_signatures:
        cert = embedded.signer_cert
        found.setdefault((cert.issuer.sha256, cert.serial_number), names.get(embedded.field_name, embedded.field_name))
    return found


def certificate_name(key: Key) -> str:
    """The common name of the key's certificate (who the certificate says signs)."""
    with open_key(key) as signer:
        cert = signer.signing_cert
        return str(cert.subject.native.get("common_name", "")) if cert is not None else ""


def sign(pdf: bytes, field: Field, key: Key, *, image: bytes | None = None,
         at: dt.datetime | None = None, reason: str = "Ký biên bản kiểm phiếu") -> bytes:
    """The minutes with ``field`` signed (PAdES baseline B-B, SHA-256), as an incremental update."""
    at = (at or dt.datetime.now(dt.UTC)).astimezone(VIETNAM).replace(microsecond=0)
    reader = _reader(pdf)
    box = next(ref.get_object()["/Rect"] for name, _, ref in fields.enumerate_sig_fields(reader) if name == field.name)
    size = (abs(float(box[2]) - float(box[0])), abs(float(box[3]) - float(box[1])))
    picture = appearance(field.signer, at, size, image)
    with tempfile.TemporaryDirectory() as folder, open_key(key) as signer:
        stamp_file = Path(folder) / "appearance.pdf"
        stamp_file.write_bytes(picture)
        meta = signers.PdfSignatureMetadata(
            field_name=field.name, subfilter=SigSeedSubFilter.PADES, md_algorithm="sha256", reason=reason,
            name=field.signer,
            docmdp_permissions=MDPPerm.NO_CHANGES if field.name == HEAD_FIELD else MDPPerm.FILL_FORMS,
        )
        pdf_signer = _SignerAt(at, meta, signer=signer, stamp_style=StaticStampStyle.from_pdf_file(
            str(stamp_file), border_width=0, background_opacity=1.0,
            background_layout=layout.SimpleBoxLayoutRule(
                x_align=layout.AxisAlignment.ALIGN_MID, y_align=layout.AxisAlignment.ALIGN_MID,
                margins=layout.Margins(0, 0, 0, 0)),
        ))
        out = pdf_signer.sign_pdf(IncrementalPdfFileWriter(io.BytesIO(pdf)), existing_fields_only=True)
        return bytes(out.getbuffer())
