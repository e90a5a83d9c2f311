"""Pages anyone in the hall may open: home, projector (with live turnout), record, tracking lookup."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import anyio
from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response, StreamingResponse

from tinnhiem.domain.errors import Busy, InvalidInput, NotFound
from tinnhiem.domain.model import LEVEL_LABELS
from tinnhiem.domain.percent import printed
from tinnhiem.reports.content import grouped
from tinnhiem.services import record as record_service
from tinnhiem.services import rounds, voting
from tinnhiem.web import kept
from tinnhiem.web.deps import Hall, HallDep

router = APIRouter()


@router.get("/", response_class=HTMLResponse)
def home(request: Request, hall: HallDep) -> HTMLResponse:
    return hall.page(request, "home.html", rounds=rounds.listing(hall.uow()))


def screen_state(hall: Hall, code: str) -> dict[str, object]:
    """What the screens show live: the election's state, the ballots cast, the delegates present, and the
    conference figures (a correction by the organisers shows the results the projector was waiting for)."""
    live = voting.turnout(hall.uow(), code)
    conf = rounds.load(hall.uow(), code)[0].conference
    figures = ",".join("" if n is None else str(n) for n in (conf.convened, conf.present, conf.ballots_issued,
                                                            conf.ballots_returned))
    return {"state": live.state, "turnout": live.ballots, "present": sum(live.present.values()), "figures": figures}


SCREEN_ROWS = 12  # subjects a 1,920 × 1,080 projector shows at once in type read from the back of the hall


def screen_pages(count: int, most: int = SCREEN_ROWS) -> list[range]:
    """Subjects per page: one page up to ``most``, else pages as even as can be (44 -> 4 pages of 11)."""
    pages = max(1, -(-count // most))
    size = -(-count // pages) if count else 0
    return [range(start, min(start + size, count)) for start in range(0, count, size or 1)]


@router.get("/r/{code}/screen", response_class=HTMLResponse)
def screen(request: Request, hall: HallDep, code: str) -> HTMLResponse:
    """The projector: turnout while voting is open, the results once counted, every row in view
    (pages that turn by themselves, and by key, when the subjects are many); once the committee's card list is
    stored, the election's identity E, for observers to compare with the public record's (docs/protocol.md §12)."""
    round_, _ = rounds.load(hall.uow(), code)
    problem: InvalidInput | None = None
    try:
        result = rounds.count(hall.uow(), code)
    except InvalidInput as refused:  # before the count, or a figure still missing: said, never reloaded
        result, problem = None, None if refused.code == "no-counts" else refused
    rows = [] if result is None else [
        {"number": i, "name": s.subject.name, "position": s.subject.position, "band": s.band,
         "dismissal": s.dismissal_proposed,
         "levels": [(LEVEL_LABELS[lv], s.totals.counts[lv], printed(s.percents[lv], round_.style))
                    for lv in round_.levels]}
        for i, s in enumerate(result.subjects, start=1)
    ]
    pages = [[rows[i] for i in page] for page in screen_pages(len(rows))]
    identity = voting.identity(hall.uow(), code)
    election = None if identity is None else {"lead": grouped(identity[:16]), "full": grouped(identity)}
    return hall.page(request, "screen.html", round=round_, code=code, live=screen_state(hall, code), rows=rows,
                     pages=pages, problem=problem, election=election)


@router.get("/r/{code}/events", include_in_schema=False)  # a stream: not for generated calls
async def events(request: Request, hall: HallDep, code: str) -> StreamingResponse:
    """Server-sent events: turnout and state, read once per change by the worker's hub (web/live.py).

    A round that does not exist is answered 404 before any stream, Redis subscription or timer starts; past
    the worker's bound of streams (live.MAX_STREAMS), 503: streams for nothing cost the hall one read each.
    """
    if hall.hub.full:
        raise Busy("events")
    known = f"round-exists:{code}"  # rounds are not deleted: each worker asks once per round
    if known not in hall.cache:
        if not await anyio.to_thread.run_sync(rounds.exists, hall.uow(), code):
            raise NotFound("round-not-found", field="round", value=code)
        hall.cache[known] = True

    async def stream() -> AsyncIterator[str]:
        async for state in hall.hub.states(code):
            yield ": still here\n\n" if state is None else f"data: {json.dumps(state)}\n\n"

    return StreamingResponse(stream(), media_type="text/event-stream")


@router.get("/api/rounds/{code}/election")
def election(request: Request, hall: HallDep, code: str) -> Response:
    """What a delegate's device needs to encrypt: the manifest, the joint key K, the election's identity E and
    the receipt key R (all public); written once per worker and per election stamp (web/kept.py)."""
    return kept.election_json(hall, code)


@router.get("/api/rounds/{code}/record")
def record(request: Request, hall: HallDep, code: str) -> JSONResponse:
    """The public record (docs/protocol.md §11), for observers and `tinnhiem verify`, once voting has closed."""
    return JSONResponse(record_service.published_record(hall.uow(), code))


@router.get("/r/{code}/lookup", response_class=HTMLResponse)
def lookup(request: Request, hall: HallDep, code: str, tracking: str = Query("", max_length=80),
           receipt: str = Query("", max_length=2000)) -> HTMLResponse:
    """A delegate finds their ballot by its short or full code (every match listed with its full code), or
    checks a receipt: signed by the hall's receipt key, and is its ballot among those cast?"""
    if receipt.strip():
        checked = voting.check_receipt(hall.uow(), code, receipt)
        return hall.page(request, "lookup.html", code=code, tracking=checked.code,
                         found=None if checked.other_election else checked.found, receipt=checked)
    found = voting.lookup(hall.uow(), code, tracking) if tracking.strip() else None
    return hall.page(request, "lookup.html", code=code, tracking=tracking, found=found, receipt=None)
