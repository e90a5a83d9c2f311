"""``create_app(settings)``: the ASGI app of the hall. Thin: each route calls one service."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.sessions import SessionMiddleware

from tinnhiem.domain.errors import Busy, InvalidInput, NotAllowed, NotFound, NotSignedIn, QuorumNotMet, TinnhiemError
from tinnhiem.i18n import message
from tinnhiem.services import accounts
from tinnhiem.storage.db import Database
from tinnhiem.web import (
    routes_accounts,
    routes_admin,
    routes_committee,
    routes_minutes,
    routes_paper,
    routes_public,
    routes_reports,
    routes_verify,
    routes_vote,
)
from tinnhiem.web.assets import Assets, HashedStatic
from tinnhiem.web.bounds import BoundedBodies, TooLarge, TooSlow, refusal, slow_refusal
from tinnhiem.web.deps import Hall
from tinnhiem.web.limiter import SignInLimits
from tinnhiem.web.live import Hub, Live
from tinnhiem.web.security import SecurityHeaders
from tinnhiem.web.settings import Settings
from tinnhiem.web.staff import SESSION_KEY

__all__ = ["Hall", "create_app"]  # Hall lives in web/deps.py; kept here for older imports

HERE = Path(__file__).parent
STATUS: dict[type[TinnhiemError], int] = {QuorumNotMet: 409, NotFound: 404, InvalidInput: 422, NotSignedIn: 401,
                                         NotAllowed: 403, Busy: 503, TinnhiemError: 400}
# (status, the framework's detail) -> our error code and the field it concerns; "" matches any detail
HTTP_ERRORS: dict[tuple[int, str], tuple[str, str | None]] = {
    (403, "CSRF"): ("csrf", "csrf"), (400, ""): ("unreadable-body", "body"), (404, ""): ("page-not-found", None),
    (405, ""): ("method-not-allowed", None),
}


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings.from_env()
    app = FastAPI(title="tinnhiem", version="0.1.0", docs_url=None, redoc_url=None)
    limits = SignInLimits.make(settings.redis_url, settings.organiser_attempts, settings.sign_in_attempts,
                               settings.attempt_window, settings.spoiled_per_address)
    assets = Assets(HERE / "static")
    templates = Jinja2Templates(directory=HERE / "templates")
    templates.env.globals["static"] = assets.url  # {{ static("vote.js") }}: the address with the file's hash
    hall = Hall(settings, Database.open(settings.database()), templates, limits, Live(settings.redis_url), assets)
    hall.hub = Hub(hall.live, lambda code: routes_public.screen_state(hall, code))
    app.state.hall = hall
    accounts.ensure_first_admin(hall.uow(), settings.organiser_code)

    def may_upload(session: Mapping[str, Any], path: str) -> bool:
        """An upload's sender may send it: a live staff session organising the path's round (an admin for a new one)."""
        staff = accounts.staff(hall.uow(), str(session.get(SESSION_KEY, "")))
        round_in_path = re.match(r"/admin/r/([^/]+)/", path)
        return staff is not None and staff.organises(round_in_path.group(1) if round_in_path else None)

    bounds = [*routes_admin.BOUNDS, *routes_reports.BOUNDS]
    app.add_middleware(BoundedBodies, bounds=bounds, may_send=may_upload)  # inside the session
    app.add_middleware(SessionMiddleware, secret_key=settings.secret_key, session_cookie="tinnhiem",
                       same_site="strict", max_age=12 * 3600)

    app.add_middleware(SecurityHeaders)  # outermost: sees the session's cookie

    def refuse(request: Request, error: TinnhiemError, status: int, headers: dict[str, str] | None = None) -> Response:
        """Every refusal in one shape: the code, the field, the message in both languages (JSON under /api/)."""
        body = {"error": error.code, "field": error.field, "message": message(error, "vi", plain=True),
                "message_en": message(error, "en", plain=True)}
        if request.url.path.startswith("/api/"):
            return JSONResponse(body, status_code=status, headers=headers)
        page = hall.page(request, "error.html", status=status, error=body)
        page.headers.update(headers or {})
        return page

    @app.exception_handler(TinnhiemError)
    async def tinnhiem_error(request: Request, error: TinnhiemError) -> Response:
        if isinstance(error, NotSignedIn) and request.method == "GET" and not request.url.path.startswith("/api/"):
            return RedirectResponse("/admin", status_code=303)  # a page: to the sign-in form
        return refuse(request, error, next(code for kind, code in STATUS.items() if isinstance(error, kind)))

    @app.exception_handler(RequestValidationError)
    async def invalid_body(request: Request, error: RequestValidationError) -> Response:
        """A body that breaks its schema: 422, naming the first field; the handler never ran, nothing was written."""
        first = error.errors()[0] if error.errors() else {"loc": (), "msg": ""}
        where = ".".join(str(p) for p in first.get("loc", ()) if p != "body") or "body"
        reason = f"{where}: {first.get('msg', '')}"  # only a program sends this: the key is said in the reason
        return refuse(request, InvalidInput("invalid-body", field=where, reason=reason), 422)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException) -> Response:
        """The framework's own refusals (no CSRF token, a body it cannot parse, no such page) in the same shape."""
        if isinstance(error, TooLarge):
            return refuse(request, refusal(error.bound), 413)
        if isinstance(error, TooSlow):
            return refuse(request, slow_refusal(), 408, {"Connection": "close"})
        code, field = HTTP_ERRORS.get((error.status_code, str(error.detail)), HTTP_ERRORS.get((error.status_code, ""),
                                                                                            ("http-error", None)))
        return refuse(request, TinnhiemError(code, field=field, status=error.status_code), error.status_code,
                      dict(error.headers or {}))

    app.mount("/static", HashedStatic(hall.assets), name="static")
    for module in (routes_public, routes_vote, routes_admin, routes_accounts, routes_committee, routes_minutes,
                   routes_paper, routes_reports, routes_verify):
        app.include_router(module.router)
    return app
