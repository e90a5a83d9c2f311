"""The counting committee decides doubtful paper ballots in the hall's web app (docs/paper.md).

Each pending sheet or row is shown as the picture of the original scan; the member who
decides is named, and the decision is stored with that name (the CLI's `paper review` does
the same at a terminal).
"""

from __future__ import annotations

import cv2
from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from tinnhiem.domain.errors import InvalidInput
from tinnhiem.domain.model import Totals
from tinnhiem.paper import audit, counting
from tinnhiem.paper.forms import Forms, forms_for
from tinnhiem.services import rounds
from tinnhiem.storage.files import ImageFiles
from tinnhiem.web.deps import Hall, get_hall
from tinnhiem.web.security import device_mark, require_csrf
from tinnhiem.web.staff import Member, StaffOf, signed_in, staff_of

router = APIRouter()


def _hall(request: Request) -> Hall:
    return get_hall(request)


def _forms(hall: Hall, code: str) -> Forms:
    """The round's printed forms, made once per worker (printing and rasterising takes a moment)."""
    key = f"forms:{code}"
    cached = hall.cache.get(key)
    if isinstance(cached, Forms):
        return cached
    round_, _ = rounds.load(hall.uow(), code)
    made = hall.cache[key] = forms_for(round_, code)
    return made


def _images(request: Request) -> ImageFiles:
    return ImageFiles(_hall(request).settings.home / "scans")


@router.get("/committee/r/{code}/paper", response_class=HTMLResponse)
def paper_page(request: Request, code: str, staff: StaffOf) -> HTMLResponse:
    hall = _hall(request)
    round_, _ = rounds.load(hall.uow(), code)
    clicks = {item.sheet.id: len(request.session.get(_corners_key(code, item.sheet.id or 0), []))
              for item in counting.pending(hall.uow(), code) if item.row is None and item.sheet.qr_text is None}
    return hall.page(request, "paper_review.html", round=round_, code=code,
                     items=counting.pending(hall.uow(), code), reasons=counting.REASONS, clicks=clicks,
                     placed=request.session.pop("placed", None), staff=staff, member=staff.member_of(code))


@router.get("/committee/r/{code}/paper/{sheet}/{row}.png", dependencies=[Depends(staff_of)])
def picture(request: Request, code: str, sheet: int, row: int) -> Response:
    """The picture of a pending row (row ≥ 0) or sheet (row = -1), from the kept original."""
    hall = _hall(request)
    item = counting.find(hall.uow(), code, sheet, None if row < 0 else row)
    ok, png = cv2.imencode(".png", counting.picture(hall.uow(), _images(request), _forms(hall, code), code, item))
    if not ok:
        raise InvalidInput("file-unreadable", field="picture", reason="png")
    return Response(png.tobytes(), media_type="image/png")


CORNER_PICTURE_W = 600  # pixels: the picture a member clicks the four corners on, shown at exactly this width


def _corners_key(code: str, sheet: int) -> str:
    return f"corners:{code}:{sheet}"


@router.get("/committee/r/{code}/paper/{sheet}/corners/picture.png", dependencies=[Depends(staff_of)])
def corner_picture(request: Request, code: str, sheet: int) -> Response:
    """The unplaced sheet as scanned, 600 px wide, with the corners marked so far drawn on it."""
    from tinnhiem.paper.pictures import scan_image

    hall = _hall(request)
    item = counting.find(hall.uow(), code, sheet, None)
    scan = scan_image(_images(request), code, item.sheet)
    scale = CORNER_PICTURE_W / scan.shape[1]
    shown = cv2.cvtColor(cv2.resize(scan, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA), cv2.COLOR_GRAY2BGR)
    for n, (x, y) in enumerate(request.session.get(_corners_key(code, sheet), []), start=1):
        centre = (round(x * scale), round(y * scale))
        cv2.circle(shown, centre, 9, (0, 0, 220), 2)
        cv2.putText(shown, str(n), (centre[0] + 11, centre[1] + 5), cv2.FONT_HERSHEY_SIMPLEX, 0.6, (0, 0, 220), 2)
    ok, png = cv2.imencode(".png", shown)
    return Response(png.tobytes(), media_type="image/png", headers={"Cache-Control": "no-store"})


@router.post("/committee/r/{code}/paper/{sheet}/corners", dependencies=[Depends(require_csrf)])
def mark_corner(request: Request, code: str, sheet: int, member: Member,
                x: int = Form(0, alias="corner.x", ge=0, le=CORNER_PICTURE_W),
                y: int = Form(0, alias="corner.y", ge=0, le=100_000), again: str = Form("")) -> Response:
    """One click on the picture marks one corner square; after the fourth the sheet is read again."""
    from tinnhiem.paper.pictures import scan_image

    hall = _hall(request)
    item = counting.find(hall.uow(), code, sheet, None)
    key = _corners_key(code, sheet)
    if again:
        request.session.pop(key, None)
        return RedirectResponse(f"/committee/r/{code}/paper#to-{sheet}", status_code=303)
    width = scan_image(_images(request), code, item.sheet).shape[1]
    points = [*request.session.get(key, []), [x * width / CORNER_PICTURE_W, y * width / CORNER_PICTURE_W]]
    request.session[key] = points
    if len(points) == 4:
        request.session.pop(key, None)
        placed = counting.place_sheet(hall.uow(), _images(request), code, _forms(hall, code), sheet,
                                      [(p[0], p[1]) for p in points], member=member)
        request.session["placed"] = {"sheet": sheet, "ok": placed}
    return RedirectResponse(f"/committee/r/{code}/paper#to-{sheet}", status_code=303)


@router.post("/committee/r/{code}/paper/{sheet}/{row}", dependencies=[Depends(require_csrf)])
def decide(request: Request, code: str, sheet: int, row: int, member: Member,
           decision: str = Form(..., pattern=r"^(level-[0-9]|empty|multiple|valid|void|withdraw)$"),
           reason: str = Form("", max_length=500)) -> Response:
    """Record one member's decision on a row (a level, empty, several) or a sheet (valid, void, withdrawn)."""
    hall = _hall(request)
    round_, _ = rounds.load(hall.uow(), code)
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
    return RedirectResponse(f"/committee/r/{code}/paper", status_code=303)


@router.post("/committee/r/{code}/paper/count", dependencies=[Depends(require_csrf)])
def count(request: Request, code: str, member: Member) -> Response:
    """Add the decided paper ballots to the result, as the paper channel (refused while anything waits)."""
    hall = _hall(request)
    counting.count_paper(hall.uow(), code, _forms(hall, code), member)
    hall.live.changed(code)
    return RedirectResponse(f"/r/{code}/screen", status_code=303)


@router.get("/committee/r/{code}/totals", response_class=HTMLResponse)
def totals_page(request: Request, code: str, staff: StaffOf) -> HTMLResponse:
    """Double entry of hand-counted paper totals: two members type them, each on their own device."""
    hall = _hall(request)
    round_, _ = rounds.load(hall.uow(), code)
    return hall.page(request, "totals.html", round=round_, code=code, outcome=None, differ=[], staff=staff,
                     member=staff.member_of(code))


@router.post("/committee/r/{code}/totals", response_class=HTMLResponse, dependencies=[Depends(require_csrf)])
async def submit_totals(request: Request, code: str, member: Member) -> HTMLResponse:
    hall = _hall(request)
    round_, _ = rounds.load(hall.uow(), code)
    form = await request.form()

    def number(field: str, i: int) -> int:
        text = str(form.get(field, "")).strip()
        if not text.isdigit() or len(text) > 7:  # said as the subject's row, not the form's key
            raise InvalidInput("not-integer", field=f"subjects[{i}].counts", subject=round_.subjects[i].name,
                               value=text)
        return int(text)

    totals = [Totals({level: number(f"c-{i}-{level.value}", i) for level in round_.levels},
                     number(f"invalid-{i}", i)) for i in range(len(round_.subjects))]
    outcome, differ = rounds.submit_entry(hall.uow(), code, member, totals, device_mark(request))
    if outcome == "saved":
        hall.live.changed(code)
    return hall.page(request, "totals.html", round=round_, code=code, outcome=outcome, differ=differ,
                     staff=signed_in(request), member=member)


LEVEL_NAMES = {"cao": "Tín nhiệm cao", "tin_nhiem": "Tín nhiệm", "thap": "Tín nhiệm thấp",
               "khong_tin_nhiem": "Không tín nhiệm"}


@router.get("/committee/r/{code}/audit", response_class=HTMLResponse)
def audit_page(request: Request, code: str, staff: StaffOf) -> HTMLResponse:
    """The risk-limiting audit: its start (limit, seed), the sheets to pull, each member's reading, the verdict."""
    from tinnhiem.domain.audit import percent_text
    from tinnhiem.reports.content import grouped

    hall = _hall(request)
    round_, _ = rounds.load(hall.uow(), code)
    view = audit.view(hall.uow(), code)
    stack = view.stack_hash if view is not None else audit.counted_stack_hash(hall.uow(), code)
    return hall.page(request, "paper_audit.html", round=round_, code=code, view=view, staff=staff, stack=stack,
                     member=staff.member_of(code), outcome=audit.outcome_words(view) if view else "",
                     shown_stack=grouped(stack), percent=percent_text, lines=audit.LINE_WORDS, level_names=LEVEL_NAMES,
                     words=lambda value: audit.row_words(round_, value))


@router.post("/committee/r/{code}/audit/start", dependencies=[Depends(require_csrf)])
def audit_start(request: Request, code: str, member: Member, risk_limit: str = Form(..., max_length=20),
                seed: str = Form(..., max_length=200), seen_stack: str = Form(..., max_length=100)) -> Response:
    """Fix the risk limit and the seed (once) and draw the first sheets, from the stack the page showed
    (``seen_stack``, its hash: refused if it changed since)."""
    audit.start(_hall(request).uow(), code, risk_limit, seed, member=member, seen_stack=seen_stack)
    return RedirectResponse(f"/committee/r/{code}/audit", status_code=303)


@router.get("/committee/r/{code}/audit.json", dependencies=[Depends(staff_of)])
def audit_file(request: Request, code: str) -> Response:
    """The audit as one file (tinnhiem-audit/1), for a member to check on their own device
    (``tinnhiem paper audit-check FILE``)."""
    from tinnhiem.paper.audit_file import canonical

    data = audit.export(_hall(request).uow(), code)
    return Response(canonical(data), media_type="application/json",
                    headers={"Content-Disposition": f'attachment; filename="{code}-kiem-tra-doi-chieu.json"',
                             "Cache-Control": "no-store"})


@router.post("/committee/r/{code}/audit/{sheet}", dependencies=[Depends(require_csrf)])
async def audit_read(request: Request, code: str, sheet: int, member: Member) -> Response:
    """One member's reading of one drawn sheet, row by row (``row-N``: a level's number, empty, multiple)."""
    form = await request.form()
    rows = []
    for n in range(len([k for k in form if str(k).startswith("row-")])):
        value = form.get(f"row-{n}")
        if not isinstance(value, str):
            raise InvalidInput("audit-reading", field=f"row-{n}", sheet=sheet, rows=n + 1)
        rows.append(value)
    audit.enter(_hall(request).uow(), code, sheet, rows, void=form.get("void") == "1", member=member)
    return RedirectResponse(f"/committee/r/{code}/audit#doc", status_code=303)  # the next sheet to read
