"""The delegate's pages: sign in with the card, fill the ballot, review, cast or challenge.

The ballot is encrypted in the browser (static/build/tinnhiem.js); this server only ever
receives ciphertexts and proofs. Nothing here logs or returns anything linking the
delegate to the ballot beyond the tracking code shown to that delegate.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Body, Depends, Form, Request
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, Response

from tinnhiem.domain.errors import InvalidInput
from tinnhiem.services import rounds, voting
from tinnhiem.web.security import require_csrf

router = APIRouter()


def _hall(request: Request):  # type: ignore[no-untyped-def]
    return request.app.state.hall


def _delegate(request: Request, code: str) -> int | None:
    session = request.session.get("delegate") or {}
    return int(session["id"]) if session.get("round") == code else None


@router.get("/r/{code}/vote", response_class=HTMLResponse)
def sign_in_page(request: Request, code: str) -> Response:
    hall = _hall(request)
    if _delegate(request, code) is not None:
        return RedirectResponse(f"/r/{code}/vote/ballot", status_code=303)
    round_, _ = rounds.load(hall.uow(), code)
    return hall.page(request, "sign_in.html", round=round_, code=code, error=None)


@router.post("/r/{code}/vote/sign-in", dependencies=[Depends(require_csrf)])
def sign_in(request: Request, code: str, card: str = Form(..., max_length=40)) -> Response:
    hall = _hall(request)
    client = request.client.host if request.client else "?"
    round_, _ = rounds.load(hall.uow(), code)
    if hall.attempts.blocked(client):
        error = InvalidInput("too-many-attempts", field="code", minutes=hall.settings.attempt_window // 60)
        return hall.page(request, "sign_in.html", status=429, round=round_, code=code, error=error)
    try:
        delegate, name = voting.sign_in(hall.uow(), code, card)
    except InvalidInput as error:
        hall.attempts.failed(client)
        return hall.page(request, "sign_in.html", status=401, round=round_, code=code, error=error)
    request.session["delegate"] = {"round": code, "id": delegate, "name": name}
    return RedirectResponse(f"/r/{code}/vote/ballot", status_code=303)


@router.get("/r/{code}/vote/ballot", response_class=HTMLResponse)
def ballot_page(request: Request, code: str) -> Response:
    hall = _hall(request)
    delegate = _delegate(request, code)
    if delegate is None:
        return RedirectResponse(f"/r/{code}/vote", status_code=303)
    round_, _ = rounds.load(hall.uow(), code)
    with hall.uow() as uow:
        election = uow.voting.election(code)
        voted = uow.voting.has_voted(delegate)
    from tinnhiem.web.routes_admin import dossier_path

    dossiers = {n for n in range(1, len(round_.subjects) + 1) if dossier_path(request, code, n).is_file()}
    return hall.page(request, "ballot.html", round=round_, code=code, voted=voted, dossiers=dossiers,
                     open=election is not None and election.state == "open",
                     name=request.session["delegate"]["name"])


@router.post("/api/rounds/{code}/ballots", dependencies=[Depends(require_csrf)])
def cast(request: Request, code: str, ballot: dict[str, Any] = Body(...)) -> JSONResponse:
    """Verify and store the ballot; the code is returned only after the commit (kill -9 safe)."""
    delegate = _delegate(request, code)
    if delegate is None:
        raise InvalidInput("bad-code", field="session")
    hall = _hall(request)
    tracking = voting.cast(hall.uow(), code, delegate, ballot)
    hall.live.changed(code)
    return JSONResponse({"code": tracking})


@router.post("/api/rounds/{code}/challenges", dependencies=[Depends(require_csrf)])
def challenge(request: Request, code: str, ballot: dict[str, Any] = Body(...),
              secrets: dict[str, Any] = Body(...)) -> JSONResponse:
    """Benaloh: the spoiled ballot is opened and published; the device's honesty can be seen."""
    if _delegate(request, code) is None:
        raise InvalidInput("bad-code", field="session")
    return JSONResponse({"choices": voting.challenge(_hall(request).uow(), code, ballot, secrets)})


@router.get("/r/{code}/dossiers/{number}.pdf")
def dossier(request: Request, code: str, number: int) -> Response:
    """A subject's dossier, for signed-in delegates (R-DOSSIER)."""
    from tinnhiem.web.routes_admin import dossier_path

    if _delegate(request, code) is None and not request.session.get("organiser"):
        return RedirectResponse(f"/r/{code}/vote", status_code=303)
    path = dossier_path(request, code, number)
    if not path.is_file():
        raise InvalidInput("missing", field="dossier")
    return FileResponse(path, media_type="application/pdf")


@router.post("/r/{code}/vote/sign-out", dependencies=[Depends(require_csrf)])
def sign_out(request: Request, code: str) -> Response:
    request.session.pop("delegate", None)
    return RedirectResponse(f"/r/{code}/vote", status_code=303)
