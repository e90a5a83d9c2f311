"""The counting committee's page: each member decrypts their share of the tally on their own device.

The member's key file and passphrase never leave the browser: the page opens the file
(Argon2id + SecretBox), computes Mℓ,j = sℓ·A_j with proofs, and sends only those. The server
accepts a share only if its proof verifies against the member's public key Sℓ, and finishes
the tally once k members have sent theirs.
"""

from __future__ import annotations

from fastapi import APIRouter, Body, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from tinnhiem.services import cards, key_ceremony, record, reserve, rounds, voting
from tinnhiem.services.schemas import ClosingSignature, Deal, Shares, VoidCards
from tinnhiem.web.deps import HallDep
from tinnhiem.web.security import require_csrf
from tinnhiem.web.staff import Organiser, StaffOf, staff_of

router = APIRouter()
HEX32 = r"^[0-9a-f]{64}$"


@router.get("/committee/r/{code}", response_class=HTMLResponse)
def committee_page(request: Request, hall: HallDep, code: str) -> HTMLResponse:
    round_, _ = rounds.load(hall.uow(), code)
    election = voting.election_view(hall.uow(), code)
    return hall.page(request, "committee.html", round=round_, code=code, election=election)


@router.get("/committee/r/{code}/election.json", dependencies=[Depends(staff_of)])
def election_file(request: Request, hall: HallDep, code: str) -> JSONResponse:
    """The election file (tinnhiem-election/1) for the committee's laptop: `tinnhiem cards make` reads it."""
    return JSONResponse(cards.election_file(hall.uow(), code),
                        headers={"Content-Disposition": f'attachment; filename="{code}-cuoc-bo-phieu.json"'})


@router.get("/api/rounds/{code}/closing")
def closing(request: Request, hall: HallDep, code: str) -> JSONResponse:
    """The closing statement the hall fixed (E, N, issued, P, B) and the members' signatures so far. A member's
    device recomputes N and B from the record's ballots and signs only what it recomputed."""
    return JSONResponse(record.closing_statement(hall.uow(), code))


@router.post("/api/rounds/{code}/closing-signatures", dependencies=[Depends(require_csrf)])
def closing_signature(request: Request, hall: HallDep, code: str, body: ClosingSignature) -> JSONResponse:
    signed = record.sign_closing_statement(hall.uow(), code, body.member, body.signature.model_dump(),
                                           actor=f"member {body.member}")
    return JSONResponse({"signed": signed})


@router.get("/api/rounds/{code}/tally")
def tally(request: Request, hall: HallDep, code: str) -> JSONResponse:
    """The encrypted sums, once voting is closed (public: they are in the record anyway)."""
    return JSONResponse(record.tally_for_members(hall.uow(), code))


@router.post("/api/rounds/{code}/decryption-shares", dependencies=[Depends(require_csrf)])
def shares(request: Request, hall: HallDep, code: str, body: Shares) -> JSONResponse:
    state = record.submit_shares(hall.uow(), code, body.member, [s.model_dump() for s in body.shares],
                                 actor=f"member {body.member}")
    hall.live.changed(code)
    return JSONResponse({"state": state})


@router.get("/committee/r/{code}/cards", response_class=HTMLResponse)
def void_cards_page(request: Request, hall: HallDep, code: str, staff: StaffOf) -> Response:
    """The committee voids the cards not handed out and seals the reserve, scanning each on this device, and
    releases reserve cards by count (a signed-in account of the round sees it; only members act)."""
    round_, _ = rounds.load(hall.uow(), code)
    election = voting.election_view(hall.uow(), code)
    return hall.page(request, "void_cards.html", round=round_, code=code, cards=cards.summary(hall.uow(), code),
                     reserve=reserve.state(hall.uow(), code), member=staff.member_of(code),
                     state=election.state if election else "none")


def _reserve_json(hall: HallDep, code: str) -> dict[str, int]:
    now = reserve.state(hall.uow(), code)
    return {"void": cards.summary(hall.uow(), code)["void"], "sealed": now.sealed, "released": now.released,
            "electronic": now.electronic}


@router.post("/api/rounds/{code}/cards/void", dependencies=[Depends(require_csrf)])
def void_cards(request: Request, hall: HallDep, code: str, body: VoidCards, staff: StaffOf) -> JSONResponse:
    """A committee member's act: anyone else (an organiser, an admin) is refused by name and audited."""
    voided = cards.void(hall.uow(), code, body.credentials, actor=staff.login, member=staff.member_of(code))
    return JSONResponse({"voided": voided, **_reserve_json(hall, code)})


@router.post("/api/rounds/{code}/cards/seal", dependencies=[Depends(require_csrf)])
def seal_cards(request: Request, hall: HallDep, code: str, body: VoidCards, staff: StaffOf) -> JSONResponse:
    """The committee seals the reserve before opening (services/reserve.py)."""
    count = reserve.seal(hall.uow(), code, body.credentials, member=staff.member_of(code), actor=staff.login)
    return JSONResponse({"count": count, **_reserve_json(hall, code)})


@router.post("/api/rounds/{code}/reserve/release", dependencies=[Depends(require_csrf)])
def release_card(request: Request, hall: HallDep, code: str, staff: StaffOf) -> JSONResponse:
    """One reserve card released for a late electronic check-in: a count, no card named."""
    reserve.release(hall.uow(), code, member=staff.member_of(code), actor=staff.login)
    return JSONResponse(_reserve_json(hall, code))


@router.post("/admin/r/{code}/ceremony", dependencies=[Depends(require_csrf)])
def start_ceremony(request: Request, hall: HallDep, code: str, staff: Organiser,
                   threshold: int = Form(..., ge=2, le=50)) -> HTMLResponse:
    """The organisers start the ceremony for the round's committee; the codes are shown once."""
    round_, _ = rounds.load(hall.uow(), code)
    codes = key_ceremony.start(hall.uow(), code, [m.name for m in round_.committee], threshold, actor=staff.login)
    return hall.page(request, "ceremony_codes.html", code=code, codes=codes)


@router.get("/committee/r/{code}/ceremony", response_class=HTMLResponse)
def ceremony_page(request: Request, hall: HallDep, code: str) -> HTMLResponse:
    round_, _ = rounds.load(hall.uow(), code)
    state = key_ceremony.public_state(hall.uow(), code)
    return hall.page(request, "ceremony.html", round=round_, code=code, members=state["members"])


@router.get("/api/rounds/{code}/ceremony")
def ceremony_state(request: Request, hall: HallDep, code: str,
                   member: int | None = Query(None, ge=1, le=50)) -> JSONResponse:
    """The ceremony's public state; with ``member``, the shares sealed to that member (only it can open them)."""
    return JSONResponse(key_ceremony.public_state(hall.uow(), code, member))


@router.post("/api/rounds/{code}/ceremony/join", dependencies=[Depends(require_csrf)])
def ceremony_join(request: Request, hall: HallDep, code: str, member: int = Body(..., ge=1, le=50),
                  device: str = Body(..., pattern=HEX32), member_code: str = Body(..., max_length=40)) -> JSONResponse:
    return JSONResponse({"phase": key_ceremony.join(hall.uow(), code, member, member_code, device)})


@router.post("/api/rounds/{code}/ceremony/deal", dependencies=[Depends(require_csrf)])
def ceremony_deal(request: Request, hall: HallDep, code: str, member: int = Body(..., ge=1, le=50),
                  deal: Deal = Body(...), member_code: str = Body(..., max_length=40)) -> JSONResponse:
    phase = key_ceremony.deal(hall.uow(), code, member, member_code, deal.model_dump())
    return JSONResponse({"phase": phase})


@router.post("/api/rounds/{code}/ceremony/confirm", dependencies=[Depends(require_csrf)])
def ceremony_confirm(request: Request, hall: HallDep, code: str, member: int = Body(..., ge=1, le=50),
                     verification_key: str = Body(..., pattern=HEX32),
                     member_code: str = Body(..., max_length=40)) -> JSONResponse:
    phase = key_ceremony.confirm(hall.uow(), code, member, member_code, verification_key)
    return JSONResponse({"phase": phase})
