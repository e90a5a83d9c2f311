"""The counting committee's page: each member decrypts their share of the tally on their own device.

The member's key file and passphrase never leave the browser: the page opens the file
(Argon2id + SecretBox), computes Mℓ,j = sℓ·A_j with proofs, and sends only those. The server
accepts a share only if its proof verifies against the member's public key Sℓ, and finishes
the tally once k members have sent theirs.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Body, Depends, Request
from fastapi.responses import HTMLResponse, JSONResponse

from tinnhiem.services import rounds, voting
from tinnhiem.web.security import require_csrf

router = APIRouter()


def _hall(request: Request):  # type: ignore[no-untyped-def]
    return request.app.state.hall


@router.get("/committee/r/{code}", response_class=HTMLResponse)
def committee_page(request: Request, code: str) -> HTMLResponse:
    hall = _hall(request)
    round_, _ = rounds.load(hall.uow(), code)
    with hall.uow() as uow:
        election = uow.voting.election(code)
    return hall.page(request, "committee.html", round=round_, code=code, election=election)


@router.get("/api/rounds/{code}/tally")
def tally(request: Request, code: str) -> JSONResponse:
    """The encrypted sums, once voting is closed (public: they are in the record anyway)."""
    return JSONResponse(voting.tally_for_members(_hall(request).uow(), code))


@router.post("/api/rounds/{code}/decryption-shares", dependencies=[Depends(require_csrf)])
def shares(request: Request, code: str, member: int = Body(..., ge=1, le=100),
           shares: list[dict[str, Any]] = Body(..., max_length=500)) -> JSONResponse:
    hall = _hall(request)
    state = voting.submit_shares(hall.uow(), code, member, shares, actor=f"member {member}")
    hall.live.changed(code)
    return JSONResponse({"state": state})
