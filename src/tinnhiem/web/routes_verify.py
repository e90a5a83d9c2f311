"""The verifier page: every check of docs/protocol.md §12 in the visitor's browser, nothing to install.

``/verify`` loads a record from the hall (by round, or by its SHA-256 among the served records) or from a file;
``/verify/offline`` gives the same page as one self-contained HTML file (scripts and style inline) that works
from the phone's storage with no network at all.
"""

from __future__ import annotations

import json
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape

from tinnhiem import i18n
from tinnhiem.crypto.errors import (
    CHECKS,
    CLOSING_COUNT,
    CLOSING_EARLY,
    CLOSING_MISSING,
    CLOSING_SIGNATURES,
    ELECTION_GIVEN,
    ELECTION_NULL,
    ELECTION_RECOMPUTED,
)
from tinnhiem.services.published import published_rounds
from tinnhiem.web.deps import HallDep
from tinnhiem.web.i18n import language

router = APIRouter()
HERE = Path(__file__).parent
STATIC = HERE / "static"


def check_messages(lang: str) -> dict[str, str]:
    """Each check's sentence as `tinnhiem verify` prints it, and the reasons of `election` and `closing`, in
    ``lang``."""
    texts = {code: i18n.gettext(lang, text) for code, text in CHECKS.items()}
    for reason in (ELECTION_RECOMPUTED, ELECTION_GIVEN, ELECTION_NULL, CLOSING_EARLY, CLOSING_MISSING, CLOSING_COUNT,
                   CLOSING_SIGNATURES):
        texts[reason] = i18n.gettext(lang, reason)
    return texts


@router.get("/verify", response_class=HTMLResponse)
def verify_page(request: Request, hall: HallDep) -> HTMLResponse:
    """The verifier page, served by the hall (its scripts from /static)."""
    return hall.page(request, "verify.html", offline=False, rounds=published_rounds(hall.uow()),
                     check_messages=check_messages(language(request)))


@router.get("/api/records")
def records(hall: HallDep) -> JSONResponse:
    """The rounds whose public record is served (GET /api/rounds/ROUND/record), for a search by SHA-256."""
    return JSONResponse({"rounds": published_rounds(hall.uow())})


def _inline(text: str) -> str:
    """A script's text safe inside <script>…</script>."""
    return text.replace("</script", "<\\/script").replace("<!--", "<\\!--")


def offline_html(lang: str) -> str:
    """The page as one file: the bundle, the page scripts, the style and the texts inline; no hall needed."""
    env = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(["html"]))
    script_messages = i18n.script_messages(lang)
    scripts = [_inline((STATIC / name).read_text(encoding="utf-8"))
               for name in ("page.js", "build/verifier.js", "verify.js")]
    return env.get_template("verify_offline.html").render(
        t=lambda text, **params: i18n.gettext(lang, text, **params), lang=lang, offline=True, rounds=[],
        check_messages=check_messages(lang), script_messages=script_messages,
        style=(STATIC / "app.css").read_text(encoding="utf-8"), scripts=scripts, json=json)


@router.get("/verify/offline")
def verify_offline(request: Request) -> Response:
    """The page to keep: tinnhiem-verify.html, opened from the phone's files with no network."""
    return Response(offline_html(language(request)), media_type="text/html; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="tinnhiem-verify.html"'})
