"""The organisers' pages: sign in with an account, check delegates in, open and close voting, uploads, minutes."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from pydantic import Field

from tinnhiem.domain.errors import InvalidInput
from tinnhiem.services import accounts, rounds, voting
from tinnhiem.services.ports import Attendee
from tinnhiem.services.schemas import Strict
from tinnhiem.web.bounds import MB, Bound
from tinnhiem.web.deps import Hall, HallDep
from tinnhiem.web.limiter import round_prefix
from tinnhiem.web.security import require_csrf
from tinnhiem.web.staff import SESSION_KEY, Admin, Organiser, admin, organiser, signed_in, staff_of

router = APIRouter()
OFFICE_FILE_BYTES = 5 * MB  # one spreadsheet or round file
DOSSIER_BYTES = 20 * MB  # one subject's report (PDF)
MAX_CARDS_FILE = 20 * MB  # 200,000 public credentials of 64 hex digits, with room to spare
BOUNDS = [  # checked before the body is read (web/bounds.py): a signed-in account only, then the size
    Bound(r"/admin/new", 4 * OFFICE_FILE_BYTES + MB, staff_only=True),
    Bound(r"/admin/r/[^/]+/dossiers", DOSSIER_BYTES + MB, staff_only=True),
    Bound(r"/admin/r/[^/]+/cards", MAX_CARDS_FILE + MB, staff_only=True),
]


KNOWN_LOGINS = "known_logins"  # in the signed session cookie: the accounts this browser has signed in to
KNOWN_LOGINS_KEPT = 4


@router.get("/admin", response_class=HTMLResponse)
def admin_home(request: Request, hall: HallDep) -> Response:
    staff = signed_in(request)
    if staff is None:
        return hall.page(request, "admin_sign_in.html", error=None)
    from tinnhiem.reports.signed_minutes import signed_by_all, signed_path
    from tinnhiem.services.steps import committee_steps

    shown = [r for r in rounds.listing(hall.uow()) if staff.may_see(r.code)]
    documents = hall.settings.home / "documents"
    steps = {r.code: committee_steps(hall.uow(), r.code, signed_by_all(signed_path(documents, r.code))) for r in shown
             if staff.member_of(r.code) is not None and not staff.organises(r.code)}
    return hall.page(request, "admin.html", rounds=shown, staff=staff, steps=steps)


@router.post("/admin/sign-in", dependencies=[Depends(require_csrf)])
def admin_sign_in(request: Request, hall: HallDep, login: str = Form(..., max_length=64),
                  password: str = Form(..., max_length=64)) -> Response:
    """Wrong passwords are counted per account (web/limiter.py). Past the limit, a browser that never signed in to
    the account is told "too many" before its password is even checked, the right one included: a guesser gets
    nothing more from the hall. A browser that signed in to it before (its signed session cookie says so: a
    device cookie) is not held by the limit, so a guesser cannot lock the account's holder out of their own
    device (docs/security.md, "Sign-in limits")."""
    limiter, account = hall.limits.organisers, login.strip().lower()
    known: list[str] = list(request.session.get(KNOWN_LOGINS, []))
    if account not in known and not limiter.allows(account):
        many = InvalidInput("too-many-attempts", field="password", minutes=limiter.minutes)
        return hall.page(request, "admin_sign_in.html", status=429, error=many, login=login)
    try:
        token = accounts.sign_in(hall.uow(), login, password)
    except InvalidInput as wrong:
        if limiter.hit(account) or account in known:
            return hall.page(request, "admin_sign_in.html", status=401, error=wrong, login=login)
        many = InvalidInput("too-many-attempts", field="password", minutes=limiter.minutes)
        return hall.page(request, "admin_sign_in.html", status=429, error=many, login=login)
    request.session[SESSION_KEY] = token
    request.session[KNOWN_LOGINS] = [*[k for k in known if k != account], account][-KNOWN_LOGINS_KEPT:]
    return RedirectResponse("/admin", status_code=303)


@router.post("/admin/sign-out", dependencies=[Depends(require_csrf)])
def admin_sign_out(request: Request, hall: HallDep) -> Response:
    """Ends the session on the server: a copy of this browser's cookie opens nothing after this."""
    token = str(request.session.pop(SESSION_KEY, ""))
    if token:
        accounts.sign_out(hall.uow(), token)
    return RedirectResponse("/admin", status_code=303)


@router.get("/admin/r/{code}", response_class=HTMLResponse)
def admin_round(request: Request, hall: HallDep, code: str, staff: Organiser) -> Response:
    from tinnhiem.services import cards

    round_, _ = rounds.load(hall.uow(), code)
    live = voting.turnout(hall.uow(), code)
    card_counts = cards.summary(hall.uow(), code) if live.election else {"cards": 0, "void": 0, "used": 0}
    people = rounds.delegates(hall.uow(), code)
    return hall.page(request, "admin_round.html", round=round_, code=code, delegates=people,
                     namesakes=rounds.namesakes(people),
                     election=live.election, present=live.present, turnout=live.ballots, cards=card_counts,
                     error=None, staff=staff, people=accounts.round_staff(hall.uow(), code),
                     accounts=accounts.listing(hall.uow()) if staff.admin else [])


def _changed(hall: Hall, code: str) -> Response:
    """After an organiser's change: wake every screen, back to the round's page."""
    hall.live.changed(code)
    return RedirectResponse(f"/admin/r/{code}", status_code=303)


@router.post("/admin/r/{code}/checkin", dependencies=[Depends(require_csrf)])
def checkin(request: Request, hall: HallDep, code: str, staff: Organiser, delegate: str = Form(..., max_length=300),
            channel: str = Form("electronic", pattern="^(electronic|paper)$")) -> Response:
    rounds.attend(hall.uow(), code, delegate, channel, actor=staff.login)
    return _changed(hall, code)


@router.get("/admin/r/{code}/checkin", response_class=HTMLResponse, dependencies=[Depends(organiser)])
def check_in_page(request: Request, hall: HallDep, code: str) -> Response:
    """Check-in on its own page: what an organiser's phone at the door shows."""
    round_, _ = rounds.load(hall.uow(), code)
    return hall.page(request, "admin_checkin.html", round=round_, code=code,
                     delegates=rounds.delegates(hall.uow(), code), present=voting.turnout(hall.uow(), code).present)


class CheckInTap(Strict):
    """One tap on the check-in list: the delegate's number on the list and how they vote."""

    number: int = Field(ge=0, le=100_000)
    channel: str = Field("electronic", pattern="^(electronic|paper)$")


class CheckInUndo(Strict):
    number: int = Field(ge=0, le=100_000)


def _check_in_json(listing: rounds.CheckInList, done: Attendee | None = None) -> dict[str, object]:
    """The list as the check-in screen reads it (short keys: 500 delegates are polled)."""
    body: dict[str, object] = {
        "delegates": [[p.number, p.name, p.unit, p.channel, p.detail] for p in listing.delegates],
        "convened": listing.convened, "present": listing.present, "electronic": listing.by_channel["electronic"],
        "paper": listing.by_channel["paper"], "needed": listing.needed, "quorum_rule": listing.quorum_rule,
    }
    if done is not None:
        body["done"] = {"number": done.number, "name": done.name, "unit": done.unit, "detail": done.detail,
                        "channel": done.channel}
    return body


@router.get("/api/rounds/{code}/checkin", dependencies=[Depends(organiser)])
def check_in_list(request: Request, hall: HallDep, code: str) -> JSONResponse:
    """Every delegate with their channel once present, the counts and the quorum line (organisers)."""
    return JSONResponse(_check_in_json(rounds.check_in_list(hall.uow(), code)))


@router.post("/api/rounds/{code}/checkin", dependencies=[Depends(require_csrf)])
def check_in_tap(request: Request, hall: HallDep, code: str, tap: CheckInTap, staff: Organiser) -> JSONResponse:
    """A delegate present, voting by the channel tapped; every other screen is woken."""
    done, listing = rounds.check_in(hall.uow(), code, tap.number, tap.channel, actor=staff.login)
    hall.live.changed(code)
    return JSONResponse(_check_in_json(listing, done))


@router.post("/api/rounds/{code}/checkin/undo", dependencies=[Depends(require_csrf)])
def check_in_undo(request: Request, hall: HallDep, code: str, undo: CheckInUndo, staff: Organiser) -> JSONResponse:
    """Take back a check-in tapped by mistake."""
    done, listing = rounds.undo_check_in(hall.uow(), code, undo.number, actor=staff.login)
    hall.live.changed(code)
    return JSONResponse(_check_in_json(listing, done))


@router.post("/admin/r/{code}/open", dependencies=[Depends(require_csrf)])
def open_voting(request: Request, hall: HallDep, code: str, staff: Organiser) -> Response:
    voting.open_voting(hall.uow(), code, actor=staff.login)
    return _changed(hall, code)


@router.post("/admin/r/{code}/close", dependencies=[Depends(require_csrf)])
def close_voting(request: Request, hall: HallDep, code: str, staff: Organiser) -> Response:
    voting.close_voting(hall.uow(), code, actor=staff.login)  # the sign-in limiter's secret deleted with it
    hall.limits.cards.forget(round_prefix(code))  # and the round's failed sign-ins dropped from Redis
    hall.limits.spoiled.forget(round_prefix(code))  # and its spoiled ballots' counts per address
    return _changed(hall, code)


def _figure() -> Any:
    """A conference figure as typed: digits, or blank (one Form per field: FastAPI names a Form after its first use)."""
    return Form("", max_length=9, pattern=r"^[0-9]*$")


@router.post("/admin/r/{code}/figures", dependencies=[Depends(require_csrf)])
def correct_figures(request: Request, hall: HallDep, code: str, staff: Organiser, convened: str = _figure(),
                    present: str = _figure(), ballots_issued: str = _figure(),
                    ballots_returned: str = _figure()) -> Response:
    """The organisers write or correct the conference figures (audited; once counted, blanks only)."""
    typed = {"convened": convened, "present": present, "ballots_issued": ballots_issued,
             "ballots_returned": ballots_returned}
    rounds.correct_figures(hall.uow(), code, {k: int(v) if v else None for k, v in typed.items()}, actor=staff.login)
    return _changed(hall, code)


@router.get("/admin/r/{code}/minutes.pdf", dependencies=[Depends(organiser)])
def minutes_pdf(request: Request, hall: HallDep, code: str) -> Response:
    """The minutes to sign (PDF, A4), from the counted result (kept for links made before the documents page)."""
    return document(request, hall, code, "minutes.pdf")


@router.get("/admin/r/{code}/documents", response_class=HTMLResponse, dependencies=[Depends(staff_of)])
def documents_page(request: Request, hall: HallDep, code: str) -> Response:
    """Every document of the round for its organisers and committee: minutes (PDF, DOCX), results (XLSX),
    announcement, public record; or what is still missing, in words."""
    from tinnhiem.reports.files import DOCUMENTS, file_stem

    round_, _ = rounds.load(hall.uow(), code)
    election = voting.election_view(hall.uow(), code)
    try:
        result, problem = rounds.count(hall.uow(), code), None
    except InvalidInput as refused:
        result, problem = None, refused
    stem = file_stem(code, result) if result else ""
    files = [(kind, f"{stem}-{name}") for kind, (name, _) in DOCUMENTS.items()] if result else []
    record = f"{code}-{round_.date.isoformat()}-ho-so-cong-khai.json" if election and election.state in (
        "closed", "tallied") else None
    return hall.page(request, "documents.html", round=round_, code=code, files=files, problem=problem,
                     record=record, staff=signed_in(request))


@router.get("/admin/r/{code}/documents/{kind}", dependencies=[Depends(staff_of)])
def document(request: Request, hall: HallDep, code: str, kind: str) -> Response:
    """One document, named after its round and date; the public record once voting has closed."""
    from tinnhiem.reports.files import DOCUMENTS, file_stem, render_document

    if kind == "record.json":
        from tinnhiem.services import record as record_service

        round_, _ = rounds.load(hall.uow(), code)
        data = json.dumps(record_service.public_record(hall.uow(), code), ensure_ascii=False).encode("utf-8")
        name, media = f"{code}-{round_.date.isoformat()}-ho-so-cong-khai.json", "application/json"
    elif kind in DOCUMENTS:
        result = rounds.count(hall.uow(), code)
        paper = None
        if "paper" in result.channels:
            from tinnhiem.paper.counting import paper_figures

            paper = paper_figures(hall.uow(), code)
        suffix, media = DOCUMENTS[kind]
        election = voting.identity(hall.uow(), code) if "electronic" in result.channels else None
        data, name = render_document(result, kind, paper, election), f"{file_stem(code, result)}-{suffix}"
    else:
        raise InvalidInput("unknown-value", field="document", value=kind,
                           choices=", ".join([*DOCUMENTS, "record.json"]))
    return Response(data, media_type=media, headers={"Content-Disposition": f'attachment; filename="{name}"'})


@router.get("/admin/new", response_class=HTMLResponse, dependencies=[Depends(admin)])
def new_round_page(request: Request, hall: HallDep) -> Response:
    return hall.page(request, "admin_new.html", error=None)


def _saved(upload: UploadFile | None, folder: Path) -> Path | None:
    """An uploaded file written to a temporary folder under its own (sanitised) suffix."""
    if upload is None or not upload.filename:
        return None
    suffix = Path(upload.filename).suffix.lower()
    if suffix not in {".xlsx", ".csv", ".yaml", ".yml", ".json"}:
        raise InvalidInput("file-unreadable", field=upload.filename, reason=suffix or "?")
    path = folder / f"{len(list(folder.iterdir()))}{suffix}"
    path.write_bytes(_read(upload, OFFICE_FILE_BYTES))
    return path


def _read(upload: UploadFile, limit: int) -> bytes:
    """The whole file, or an error when it is larger than ``limit`` (never a silently cut file)."""
    data = upload.file.read(limit + 1)
    if len(data) > limit:
        raise InvalidInput("too-large", field=upload.filename or "file", limit=f"{limit // MB} MB")
    return data


@router.post("/admin/new", dependencies=[Depends(require_csrf)])
def new_round(
    request: Request, hall: HallDep, staff: Admin,
    details: UploadFile = File(...),
    subjects: UploadFile = File(...),
    delegates: UploadFile | None = File(None),
    exemptions: UploadFile | None = File(None),
    code: str = Form("", max_length=64, pattern=r"^[a-z0-9-]*$"),
) -> Response:
    """Create a round from the office's files: details (YAML), subjects, delegates, exemptions (XLSX/CSV)."""
    from tinnhiem.office.spreadsheets import round_from_office_files
    from tinnhiem.services import roundfile

    with tempfile.TemporaryDirectory() as folder:
        where = Path(folder)
        meta_path = _saved(details, where)
        subjects_path = _saved(subjects, where)
        assert meta_path is not None and subjects_path is not None
        round_, people = round_from_office_files(roundfile.load(meta_path), subjects_path,
                                                 _saved(delegates, where), _saved(exemptions, where))
    new_code = rounds.create_round(hall.uow(), round_, people, code=code or None, actor=staff.login)
    return RedirectResponse(f"/admin/r/{new_code}", status_code=303)


@router.post("/admin/r/{code}/cards", dependencies=[Depends(require_csrf)])
def upload_cards(request: Request, hall: HallDep, code: str, staff: Organiser,
                 cards_file: UploadFile = File(...)) -> Response:
    """The committee's public card file (made on its own laptop): only public credentials reach the server."""
    from tinnhiem.services import cards

    try:
        data = json.loads(cards_file.file.read(MAX_CARDS_FILE))
    except (ValueError, UnicodeDecodeError):
        raise InvalidInput("cards-file", field="cards_file") from None
    cards.upload(hall.uow(), code, data, actor=staff.login)
    return _changed(hall, code)


def dossier_path(hall: Hall, code: str, number: int) -> Path:
    """Where subject ``number``'s dossier (báo cáo tự đánh giá, R-DOSSIER) is kept."""
    return Path(hall.settings.home) / "dossiers" / code / f"{number}.pdf"


@router.post("/admin/r/{code}/dossiers", dependencies=[Depends(require_csrf)])
def upload_dossier(request: Request, hall: HallDep, code: str, staff: Organiser, number: int = Form(..., ge=1, le=500),
                   dossier: UploadFile = File(...)) -> Response:
    """A subject's self-assessment report (PDF), for delegates to read before voting (R-DOSSIER)."""
    data = _read(dossier, DOSSIER_BYTES)
    if not data.startswith(b"%PDF"):
        raise InvalidInput("file-unreadable", field="dossier", reason="PDF")
    round_, _ = rounds.load(hall.uow(), code)
    if number > len(round_.subjects):
        raise InvalidInput("no-such-subject", field="number", value=number)
    path = dossier_path(hall, code, number)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    rounds.note(hall.uow(), code, "dossier-uploaded", staff.login, {"subject": number, "bytes": len(data)})
    return _changed(hall, code)
