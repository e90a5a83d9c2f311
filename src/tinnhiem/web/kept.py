"""What every phone is given alike, made once per worker and per election stamp (services.ports.Stamp): the
election as JSON, the sign-in and ballot pages per language. Each request then reads only the stamp (one small
statement) and puts in its own session's CSRF token and sign-in nonce.

A copy is served only when the stamp just read is the one it was made under: a state change (open → closed) or a
new card list (E) makes the next request make it again, in every worker, without any message between them.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Hashable
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, Response

from tinnhiem.domain.errors import InvalidInput
from tinnhiem.services import voting
from tinnhiem.services.ports import Stamp
from tinnhiem.web.deps import Hall
from tinnhiem.web.i18n import language, script_messages, translators
from tinnhiem.web.security import csrf_token

_MARK = secrets.token_hex(16)  # per worker: no round's text or template holds it
CSRF_MARK, NONCE_MARK = f"csrf-{_MARK}", f"nonce-{_MARK}"


def election_json(hall: Hall, code: str) -> Response:
    """The election phones are given (manifest, K, state, E, R), as JSONResponse would write it."""
    stamp = voting.election_stamp(hall.uow(), code)
    if stamp is None:
        raise InvalidInput("no-election", field="round", value=code)
    key = f"election-json:{code}"
    kept: Any = hall.cache.get(key)
    if kept is None or kept[0] != stamp:
        found = voting.phone_election(hall.uow(), code)
        if found is None:
            raise InvalidInput("no-election", field="round", value=code)
        body = {"manifest": found.manifest, "joint_key": found.joint_key, "state": found.state,
                "election": found.election_id, "receipt_key": found.receipt_key}
        kept = hall.cache[key] = (found.stamp, json.dumps(body, ensure_ascii=False, allow_nan=False,
                                                           separators=(",", ":")).encode())
    return Response(kept[1], media_type="application/json")


def page(hall: Hall, request: Request, template: str, stamp: Stamp | None, variant: Hashable, nonce: str = "",
         **context: Any) -> HTMLResponse:
    """``template`` rendered once per stamp, language and ``variant`` (what else the page shows), then given to each
    session with its own CSRF token (and ``nonce``). No stamp (before the committee's ceremony): made every time."""
    lang = language(request)
    key = f"page:{template}:{lang}:{stamp!r}:{variant!r}"
    html = hall.cache.get(key) if stamp is not None else None
    if not isinstance(html, str):
        html = hall.templates.get_template(template).render({
            "request": request, **translators(request), "lang": lang, "csrf": CSRF_MARK,
            "script_messages": script_messages(request), "nonce": NONCE_MARK, **context})
        if stamp is not None:
            hall.cache[key] = html
    return HTMLResponse(html.replace(CSRF_MARK, csrf_token(request)).replace(NONCE_MARK, nonce))
