"""Request bodies bounded before they are read (an ASGI middleware, inside the session middleware).

Each route may have its own bound (small for forms and JSON, larger for the organisers' uploads);
a declared Content-Length over the bound is refused at once, a chunked body as soon as it passes
the bound. An upload meant for organisers is refused before a byte of it is read when the session
has no live staff session allowed to send it (the browser goes back to the sign-in page).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import anyio
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tinnhiem.domain.errors import InvalidInput
from tinnhiem.i18n import bilingual, message

DEFAULT_BYTES = 256 * 1024  # any form or JSON body: a 50-subject ballot with its proofs is ≈ 40 KB
MB = 1024 * 1024


@dataclass(frozen=True)
class Bound:
    """The largest body ``path`` (a regular expression over the URL path) accepts."""

    path: str
    max_bytes: int
    staff_only: bool = False

    def matches(self, path: str) -> bool:
        return re.fullmatch(self.path, path) is not None


def size(n: int) -> str:
    return f"{n // MB} MB" if n >= MB else f"{n // 1024} KB"


def refusal(bound: Bound) -> InvalidInput:
    return InvalidInput("body-too-large", field="body", limit=size(bound.max_bytes))


class TooLarge(HTTPException):
    """The body passed its bound while it was being read (an HTTP error, so the framework's parsers pass it on)."""

    def __init__(self, bound: Bound) -> None:
        super().__init__(413, bilingual(refusal(bound)))
        self.bound = bound


class BoundedBodies:
    """``may_send(session, path)`` says whether the session may send a staff-only body to ``path`` (a database read:
    a live staff session with the right role)."""

    def __init__(self, app: ASGIApp, bounds: Sequence[Bound] = (), default: int = DEFAULT_BYTES,
                 may_send: Callable[[Mapping[str, Any], str], bool] = lambda session, path: False) -> None:
        self.app, self.bounds, self.default, self.may_send = app, tuple(bounds), default, may_send

    def bound(self, path: str) -> Bound:
        return next((b for b in self.bounds if b.matches(path)), Bound(".*", self.default))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        bound = self.bound(scope["path"])
        if bound.staff_only and not await anyio.to_thread.run_sync(self.may_send, scope.get("session") or {},
                                                                   scope["path"]):
            await _respond(send, 303, b"", [(b"location", b"/admin")])
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > bound.max_bytes):
            await _too_large(scope, send, bound)
            return
        await self._counted(scope, receive, send, bound)

    async def _counted(self, scope: Scope, receive: Receive, send: Send, bound: Bound) -> None:
        """Pass the request on, counting what is read; past the bound, refuse (if nothing was sent yet)."""
        seen, started = 0, False

        async def counting_receive() -> Message:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > bound.max_bytes:
                raise TooLarge(bound)
            return message

        async def watching_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counting_receive, watching_send)
        except TooLarge:
            if not started:
                await _too_large(scope, send, bound)


async def _too_large(scope: Scope, send: Send, bound: Bound) -> None:
    """Refused before the app ran (no session is read then: both languages are sent)."""
    error = refusal(bound)
    vi, en = message(error, "vi", plain=True), message(error, "en", plain=True)
    if scope["path"].startswith("/api/"):
        body = json.dumps({"error": error.code, "field": error.field, "message": vi, "message_en": en},
                          ensure_ascii=False).encode()
        await _respond(send, 413, body, [(b"content-type", b"application/json")])
    else:
        await _respond(send, 413, f"{vi}\n{en}\n".encode(), [(b"content-type", b"text/plain; charset=utf-8")])


async def _respond(send: Send, status: int, body: bytes, headers: list[tuple[bytes, bytes]]) -> None:
    headers = [*headers, (b"content-length", str(len(body)).encode()), (b"connection", b"close")]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
