"""The committee's page to sign the minutes digitally on the hall's laptop (docs/documents.md, "Signing from the
page"): the minutes to sign, every place in order with who signed and when, and a form for the next signature with
a USB token (PKCS#11 label and PIN) or a PKCS#12 file and its passphrase. The same file and the same service as
``tinnhiem minutes sign``; the PIN, the passphrase and the key file live only in the request that signs.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from tinnhiem.domain.errors import SigningError
from tinnhiem.domain.tally import RoundResult
from tinnhiem.paper.audit import minutes_extras
from tinnhiem.reports import signed_minutes as minutes
from tinnhiem.reports import signing
from tinnhiem.reports.signature_check import PROBLEMS, load_roots, root_files
from tinnhiem.services import rounds
from tinnhiem.services.minutes import audited, result_hash
from tinnhiem.web.deps import HallDep
from tinnhiem.web.security import require_csrf
from tinnhiem.web.staff import StaffOf, staff_of

router = APIRouter()
KEY_FILE_BYTES = 64 * 1024  # a PKCS#12 file holds a key and a few certificates: a few kB
IMAGE_BYTES = 160 * 1024  # a handwritten signature's picture; with the key file within the body's 256 KB


def _where(hall: HallDep, code: str) -> tuple[RoundResult, minutes.SignedFile]:
    result = rounds.count(hall.uow(), code)
    path = minutes.signed_path(hall.settings.home / "documents", code)
    hashed = result_hash(result)
    return result, minutes.SignedFile(path, result, hashed, lambda: minutes.fresh_minutes(
        result, hashed, *minutes_extras(hall.uow(), code, result)))


def _roots(hall: HallDep) -> list[object]:
    where = hall.settings.trust_roots
    return list(load_roots(root_files(where))) if where is not None else []


def _page(request: Request, hall: HallDep, code: str, staff: StaffOf, *, error: SigningError | None = None,
          token: str = "", signed: str = "", status: int = 200) -> Response:
    round_, _ = rounds.load(hall.uow(), code)
    _, signed_file = _where(hall, code)
    now = minutes.state(signed_file, _roots(hall))
    done = next((p for p in now.places if p.field == signed and p.signature is not None), None)
    return hall.page(request, "minutes_sign.html", status=status, round=round_, code=code, minutes=now, error=error,
                     token=token, done=done, staff=staff, library=hall.settings.token_library,
                     trust=hall.settings.trust_roots is not None, problems=PROBLEMS)


@router.get("/committee/r/{code}/minutes", response_class=HTMLResponse)
def minutes_page(request: Request, hall: HallDep, code: str, staff: StaffOf, signed: str = "") -> Response:
    """The minutes to sign, each place with its signature, the form for the next one (made on first visit)."""
    return _page(request, hall, code, staff, signed=signed[:40])


@router.get("/committee/r/{code}/minutes.pdf", dependencies=[Depends(staff_of)])
def minutes_file(request: Request, hall: HallDep, code: str) -> Response:
    """The minutes' file as it is now, with every signature so far."""
    _, signed_file = _where(hall, code)
    return Response(minutes.current(signed_file), media_type="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{signed_file.path.name}"'})


@router.post("/committee/r/{code}/minutes", response_class=HTMLResponse, dependencies=[Depends(require_csrf)])
def sign_minutes(request: Request, hall: HallDep, code: str, staff: StaffOf,
                 file_hash: str = Form(..., pattern=r"^[0-9a-f]{64}$"), token: str = Form("", max_length=200),
                 pin: str = Form("", max_length=200), passphrase: str = Form("", max_length=500),
                 pkcs12: UploadFile | None = File(None), image: UploadFile | None = File(None)) -> Response:
    """One signature, the next place in order, by the name on the key's certificate; refused by name, the file
    as it was, when the key does not open, the place is not next, or the file changed since the page showed it."""
    upload = pkcs12.file.read(KEY_FILE_BYTES + 1) if pkcs12 is not None and pkcs12.filename else b""
    picture = image.file.read(IMAGE_BYTES + 1) if image is not None and image.filename else None
    try:
        key = _key(hall, token.strip(), pin, upload, pkcs12.filename if pkcs12 else "", passphrase)
        if picture is not None and len(picture) > IMAGE_BYTES:
            raise SigningError("image-unreadable", field="image", value=f"> {IMAGE_BYTES // 1024} KB")
        _, signed_file = _where(hall, code)
        done = minutes.sign_next(signed_file, key, seen=file_hash, image=picture)
    except SigningError as error:
        return _page(request, hall, code, staff, error=error, token=token.strip(), status=422)
    audited(hall.uow(), code, done.field.name, done.field.signer, done.file_hash, actor=staff.login)
    return RedirectResponse(f"/committee/r/{code}/minutes?signed={done.field.name}", status_code=303)


def _key(hall: HallDep, token: str, pin: str, upload: bytes, name: str | None, passphrase: str) -> signing.Key:
    """The key the form names: a token's label and PIN, or a PKCS#12 file and its passphrase (one of the two)."""
    if bool(token) == bool(upload):
        raise SigningError("key-choice", field="token" if not token else "pkcs12")
    if upload:
        if len(upload) > KEY_FILE_BYTES:
            raise SigningError("key-unreadable", field="pkcs12", reason=name or "")
        return signing.Pkcs12Data(upload, name or "", passphrase)
    if not pin:
        raise SigningError("missing", field="pin")
    return signing.Pkcs11Key(hall.settings.token_library, token, pin)
