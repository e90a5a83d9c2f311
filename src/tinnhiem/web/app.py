"""``create_app(settings)``: the ASGI app of the hall. Thin: each route calls one service."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.middleware.sessions import SessionMiddleware

from tinnhiem.domain.errors import InvalidInput, NotFound, QuorumNotMet, TinnhiemError
from tinnhiem.i18n import message
from tinnhiem.storage.db import Database
from tinnhiem.web import routes_admin, routes_committee, routes_paper, routes_public, routes_vote
from tinnhiem.web.bounds import BoundedBodies
from tinnhiem.web.deps import Hall
from tinnhiem.web.limiter import SignInLimits
from tinnhiem.web.live import Hub, Live
from tinnhiem.web.security import SecurityHeaders
from tinnhiem.web.settings import Settings

__all__ = ["Hall", "create_app"]  # Hall lives in web/deps.py; kept here for older imports

HERE = Path(__file__).parent
STATUS: dict[type[TinnhiemError], int] = {QuorumNotMet: 409, NotFound: 404, InvalidInput: 422, TinnhiemError: 400}


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings.from_env()
    app = FastAPI(title="tinnhiem", version="0.1.0", docs_url=None, redoc_url=None)
    limits = SignInLimits.make(settings.redis_url, settings.organiser_attempts, settings.sign_in_attempts,
                               settings.attempt_window)
    hall = Hall(settings, Database.open(settings.database()), Jinja2Templates(directory=HERE / "templates"),
                limits, Live(settings.redis_url))
    hall.hub = Hub(hall.live, lambda code: routes_public.screen_state(hall, code))
    app.state.hall = hall
    app.add_middleware(BoundedBodies, bounds=routes_admin.BOUNDS)  # inside the session: sees who is signed in
    app.add_middleware(SessionMiddleware, secret_key=settings.secret_key, session_cookie="tinnhiem",
                       same_site="strict", max_age=12 * 3600)

    app.add_middleware(SecurityHeaders)  # outermost: sees the session's cookie

    @app.exception_handler(TinnhiemError)
    async def tinnhiem_error(request: Request, error: TinnhiemError) -> Response:
        status = next(code for kind, code in STATUS.items() if isinstance(error, kind))
        body = {"error": error.code, "field": error.field, "message": message(error, "vi"),
                "message_en": message(error, "en")}
        if request.url.path.startswith("/api/"):
            return JSONResponse(body, status_code=status)
        return hall.page(request, "error.html", status=status, error=body)

    @app.exception_handler(RequestValidationError)
    async def invalid_body(request: Request, error: RequestValidationError) -> Response:
        """A body that breaks its schema: 422, naming the first field; the handler never ran, nothing was written."""
        first = error.errors()[0] if error.errors() else {"loc": (), "msg": ""}
        where = ".".join(str(p) for p in first.get("loc", ()) if p != "body") or "body"
        body = {"error": "invalid-body", "field": where,
                "message": f"[{where}] Dữ liệu gửi lên không đúng: {first.get('msg', '')}",
                "message_en": f"[{where}] The data sent is not valid: {first.get('msg', '')}"}
        if request.url.path.startswith("/api/"):
            return JSONResponse(body, status_code=422)
        return hall.page(request, "error.html", status=422, error=body)

    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    for module in (routes_public, routes_vote, routes_admin, routes_committee, routes_paper):
        app.include_router(module.router)
    return app
