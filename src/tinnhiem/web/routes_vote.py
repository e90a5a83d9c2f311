"""The delegate's pages: sign in with a voting card, fill the ballot, review, cast or challenge.

The card's secret never reaches this server: the page derives the card's key on the device
(from the QR code's fragment or the typed code), proves it holds the card by a signature on a
fresh nonce, and signs the ballot it encrypted (static/build/tinnhiem.js). The session (a signed,
unencrypted cookie: whoever watches the Wi-Fi without TLS reads it) says only that this browser
signed in with some card of the round, and whether that card had voted then: never which card.
The card stays on the phone; casting needs the card's signature, so a copied cookie casts nothing.
"""

from __future__ import annotations

import os
import secrets

from fastapi import APIRouter, Depends, Request
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, Response

from tinnhiem.domain.errors import InvalidInput
from tinnhiem.domain.model import Round
from tinnhiem.services import reserve, rounds, voting
from tinnhiem.services.ports import Stamp
from tinnhiem.services.schemas import Ballot, SignIn, Spoiled
from tinnhiem.web import kept
from tinnhiem.web.deps import Hall, HallDep
from tinnhiem.web.limiter import address_key, card_key
from tinnhiem.web.security import require_csrf
from tinnhiem.web.staff import signed_in

router = APIRouter()


def _card(request: Request, code: str) -> dict[str, object] | None:
    """This session's sign-in with a card of this round ({"round", "voted"}: no credential), if any."""
    session = request.session.get("card") or {}
    return session if session.get("round") == code else None


def _ballot_round(hall: Hall, code: str) -> tuple[Round, Stamp | None]:
    """The round as its pages show it, with its election's stamp. Once the committee's key exists the ballot is
    fixed (the manifest lists the subjects), so each worker reads the round once per joint key, not per delegate:
    at the chair's word, 500 phones would otherwise each read it twice (≈ 7 ms of CPU a time)."""
    stamp = voting.election_stamp(hall.uow(), code)
    if stamp is None:
        return rounds.load(hall.uow(), code)[0], None
    key = f"ballot-round:{code}:{stamp.joint_key}"
    if key not in hall.cache:
        hall.cache[key] = rounds.load(hall.uow(), code)[0]
    return hall.cache[key], stamp  # type: ignore[return-value]


@router.get("/r/{code}/vote", response_class=HTMLResponse)
def sign_in_page(request: Request, hall: HallDep, code: str) -> Response:
    round_, stamp = _ballot_round(hall, code)
    nonce = secrets.token_hex(16)
    request.session["sign_in_nonce"] = nonce
    return kept.page(hall, request, "sign_in.html", stamp, code, nonce, round=round_, code=code, error=None)


@router.post("/api/rounds/{code}/sign-in", dependencies=[Depends(require_csrf)])
def sign_in(request: Request, hall: HallDep, code: str, body: SignIn) -> JSONResponse:
    """The device's proof that it holds a card; the session then remembers the card's public credential."""
    nonce = str(request.session.get("sign_in_nonce", ""))
    if not nonce:
        raise InvalidInput("sign-in-proof", field="nonce")
    limiter = hall.limits.cards  # per card, never per address (web/limiter.py): nobody locks the hall out
    try:
        used = voting.sign_in(hall.uow(), code, body.credential, body.signature.model_dump(), nonce)
    except InvalidInput as refused:  # a false proof counts against its card; a right one is never refused:
        secret = reserve.sign_in_secret(hall.uow(), code) if refused.code == "sign-in-proof" else None
        if secret is not None and not limiter.hit(card_key(code, body.credential, secret)):  # an HMAC of S
            raise InvalidInput("too-many-attempts", field="credential", minutes=limiter.minutes) from None
        raise
    request.session.pop("sign_in_nonce")  # used once
    request.session["card"] = {"round": code, "voted": used}  # never the card: it stays on the phone
    return JSONResponse({"voted": used, "next": f"/r/{code}/vote/ballot"})


def _dossiers(hall: Hall, code: str, subjects: int) -> frozenset[int]:
    """The subjects whose dossier is on file: one listing of the round's folder, not a look per subject."""
    from tinnhiem.web.routes_admin import dossier_path

    try:
        names = set(os.listdir(dossier_path(hall, code, 1).parent))
    except OSError:
        return frozenset()
    return frozenset(n for n in range(1, subjects + 1) if f"{n}.pdf" in names)


@router.get("/r/{code}/vote/ballot", response_class=HTMLResponse)
def ballot_page(request: Request, hall: HallDep, code: str) -> Response:
    card = _card(request, code)
    if card is None:
        return RedirectResponse(f"/r/{code}/vote", status_code=303)
    round_, stamp = _ballot_round(hall, code)
    dossiers = _dossiers(hall, code, len(round_.subjects))
    voted, open_ = bool(card.get("voted")), stamp is not None and stamp.state == "open"
    return kept.page(hall, request, "ballot.html", stamp, (code, voted, sorted(dossiers)), round=round_, code=code,
                     dossiers=dossiers, voted=voted, open=open_)


@router.post("/api/rounds/{code}/ballots", dependencies=[Depends(require_csrf)])
def cast(request: Request, hall: HallDep, code: str, ballot: Ballot) -> JSONResponse:
    """Verify and store the signed ballot; the code is returned only after the commit (kill -9 safe)."""
    with hall.casting:  # a few at a time, the rest wait their turn (web/deps.py)
        accepted = voting.cast(hall.uow(), code, ballot.model_dump())
    if _card(request, code) is not None:  # this browser's page now says "voted" (still naming no card)
        request.session["card"] = {"round": code, "voted": True}
    hall.live.changed(code)
    return JSONResponse({"code": accepted.code, "short": accepted.short, "receipt": accepted.receipt})


@router.post("/api/rounds/{code}/spoiled")
def spoiled(request: Request, hall: HallDep, code: str, body: Spoiled) -> JSONResponse:
    """Benaloh: a spoiled ballot, opened, is checked and published. It names no card and takes no session
    (the phone posts it without cookies, and no card signs it): the server cannot tie the opening to a card.
    Counted per client address before it is checked: one phone cannot use up the round's spoiled ballots."""
    limiter = hall.limits.spoiled
    address = request.client.host if request.client else ""
    if not limiter.hit(address_key(code, address, hall.settings.secret_key.encode())):
        raise InvalidInput("too-many-spoiled", field="spoiled", limit=limiter.amount, minutes=limiter.minutes)
    choices, tracking, short = voting.challenge(hall.uow(), code, body.model_dump())
    return JSONResponse({"choices": choices, "code": tracking, "short": short})


@router.get("/r/{code}/dossiers/{number}.pdf")
def dossier(request: Request, hall: HallDep, code: str, number: int) -> Response:
    """A subject's dossier, for delegates signed in with a card (R-DOSSIER)."""
    from tinnhiem.web.routes_admin import dossier_path

    staff = signed_in(request)
    if _card(request, code) is None and not (staff and staff.may_see(code)):
        return RedirectResponse(f"/r/{code}/vote", status_code=303)
    path = dossier_path(hall, code, number)
    if not path.is_file():
        raise InvalidInput("no-dossier", field="dossier", value=number)
    return FileResponse(path, media_type="application/pdf")


@router.post("/r/{code}/vote/sign-out", dependencies=[Depends(require_csrf)])
def sign_out(request: Request, code: str) -> Response:
    request.session.pop("card", None)
    return RedirectResponse(f"/r/{code}/vote", status_code=303)
