"""The counting committee decides doubtful paper ballots in the hall's web app (issue 4).

Each pending sheet or row is shown as the picture of the original scan; the member who
decides is named, and the decision is stored with that name (the CLI's `paper review` does
the same at a terminal).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import cv2
from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from tinnhiem.domain.errors import InvalidInput
from tinnhiem.domain.model import Totals
from tinnhiem.paper import counting
from tinnhiem.paper.forms import Forms, forms_for
from tinnhiem.services import rounds
from tinnhiem.storage.files import ImageFiles
from tinnhiem.web.routes_admin import ORGANISER_ACTION, require_organiser

if TYPE_CHECKING:
    from tinnhiem.web.app import Hall

router = APIRouter()


def _hall(request: Request):  # type: ignore[no-untyped-def]
    return request.app.state.hall


def _forms(hall: Hall, code: str) -> Forms:
    """The round's printed forms, made once per worker (printing and rasterising takes a moment)."""
    key = f"forms:{code}"
    if key not in hall.cache:
        round_, _ = rounds.load(hall.uow(), code)
        hall.cache[key] = forms_for(round_, code)
    return hall.cache[key]  # type: ignore[no-any-return]


def _images(request: Request) -> ImageFiles:
    return ImageFiles(_hall(request).settings.home / "scans")


@router.get("/committee/r/{code}/paper", response_class=HTMLResponse, dependencies=[Depends(require_organiser)])
def paper_page(request: Request, code: str) -> HTMLResponse:
    hall = _hall(request)
    round_, _ = rounds.load(hall.uow(), code)
    return hall.page(request, "paper_review.html", round=round_, code=code,
                     items=counting.pending(hall.uow(), code), reasons=counting.REASONS)


@router.get("/committee/r/{code}/paper/{sheet}/{row}.png", dependencies=[Depends(require_organiser)])
def picture(request: Request, code: str, sheet: int, row: int) -> Response:
    """The picture of a pending row (row ≥ 0) or sheet (row = -1), from the kept original."""
    hall = _hall(request)
    item = counting.find(hall.uow(), code, sheet, None if row < 0 else row)
    ok, png = cv2.imencode(".png", counting.picture(hall.uow(), _images(request), _forms(hall, code), code, item))
    if not ok:
        raise InvalidInput("file-unreadable", field="picture", reason="png")
    return Response(png.tobytes(), media_type="image/png")


@router.post("/committee/r/{code}/paper/{sheet}/{row}", dependencies=ORGANISER_ACTION)
def decide(request: Request, code: str, sheet: int, row: int, member: str = Form(..., min_length=1, max_length=300),
           decision: str = Form(..., pattern=r"^(level-[0-9]|empty|multiple|valid|void|withdraw)$"),
           reason: str = Form("", max_length=500)) -> Response:
    """Record one member's decision on a row (a level, empty, several) or a sheet (valid, void, withdrawn)."""
    hall = _hall(request)
    round_, _ = rounds.load(hall.uow(), code)
    member = counting.committee_member(round_, member)
    counting.find(hall.uow(), code, sheet, None if row < 0 else row)
    if row < 0:
        if decision not in ("valid", "void", "withdraw"):
            raise InvalidInput("missing", field="decision")
        if decision == "withdraw":
            counting.withdraw_sheet(hall.uow(), code, sheet, reason=reason, member=member)
        else:
            counting.decide_sheet(hall.uow(), code, sheet, void=decision == "void", member=member)
    else:
        level = int(decision.split("-")[1]) if decision.startswith("level-") else None
        if level is not None and level >= len(round_.levels):
            raise InvalidInput("missing", field="decision")
        counting.decide_row(hall.uow(), code, sheet, row, level, multiple=decision == "multiple", member=member)
    request.session["member"] = member
    return RedirectResponse(f"/committee/r/{code}/paper", status_code=303)


@router.post("/committee/r/{code}/paper/count", dependencies=ORGANISER_ACTION)
def count(request: Request, code: str, member: str = Form(..., min_length=1, max_length=300)) -> Response:
    """Add the decided paper ballots to the result, as the paper channel (refused while anything waits)."""
    hall = _hall(request)
    counting.count_paper(hall.uow(), code, _forms(hall, code), member)
    hall.live.changed(code)
    return RedirectResponse(f"/r/{code}/screen", status_code=303)


@router.get("/committee/r/{code}/totals", response_class=HTMLResponse, dependencies=[Depends(require_organiser)])
def totals_page(request: Request, code: str) -> HTMLResponse:
    """Double entry of hand-counted paper totals: two members type them, each on their own device."""
    hall = _hall(request)
    round_, _ = rounds.load(hall.uow(), code)
    return hall.page(request, "totals.html", round=round_, code=code, outcome=None, differ=[])


@router.post("/committee/r/{code}/totals", response_class=HTMLResponse, dependencies=ORGANISER_ACTION)
async def submit_totals(request: Request, code: str) -> HTMLResponse:
    hall = _hall(request)
    round_, _ = rounds.load(hall.uow(), code)
    form = await request.form()
    member = str(form.get("member", ""))

    def number(field: str) -> int:
        text = str(form.get(field, "")).strip()
        if not text.isdigit() or len(text) > 7:
            raise InvalidInput("not-integer", field=field, value=text)
        return int(text)

    totals = [Totals({level: number(f"c-{i}-{level.value}") for level in round_.levels}, number(f"invalid-{i}"))
              for i in range(len(round_.subjects))]
    outcome, differ = rounds.submit_entry(hall.uow(), code, member, totals)
    if outcome == "saved":
        hall.live.changed(code)
    return hall.page(request, "totals.html", round=round_, code=code, outcome=outcome, differ=differ)
