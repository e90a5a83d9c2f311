"""What the routes receive from FastAPI: the hall, as one typed dependency (``hall: HallDep``)."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from tinnhiem.services.ports import UnitOfWork
from tinnhiem.storage.db import Database
from tinnhiem.storage.repository import SqlUnitOfWork
from tinnhiem.web.assets import Assets
from tinnhiem.web.i18n import language, script_messages, translators
from tinnhiem.web.limiter import SignInLimits
from tinnhiem.web.live import Hub, Live
from tinnhiem.web.security import csrf_token
from tinnhiem.web.settings import Settings

CASTS_AT_ONCE = 2  # per worker: more only share the same cores, and stretch the election lock's hold (bench load)


@dataclass
class Hall:
    """What every route needs: settings, the database, the templates, the sign-in limits, the screens' hub."""

    settings: Settings
    database: Database
    templates: Jinja2Templates
    limits: SignInLimits
    live: Live
    assets: Assets
    hub: Hub = field(init=False)  # one database read per change, fanned out to every screen
    cache: dict[str, object] = field(default_factory=dict)  # per worker: things costly to make, never state
    casting: threading.BoundedSemaphore = field(default_factory=lambda: threading.BoundedSemaphore(CASTS_AT_ONCE))

    def uow(self) -> UnitOfWork:
        return SqlUnitOfWork(self.database)

    def page(self, request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
        return self.templates.TemplateResponse(
            request, template, {**translators(request), "lang": language(request), "csrf": csrf_token(request),
                                "script_messages": script_messages(request), **context},
            status_code=status)


def get_hall(request: Request) -> Hall:
    """The hall that ``create_app`` built for this app."""
    hall: Hall = request.app.state.hall
    return hall


HallDep = Annotated[Hall, Depends(get_hall)]
