"""Request bodies bounded before they are read (an ASGI middleware, inside the session middleware).

Each route may have its own bound (small for forms and JSON, larger for the organisers' uploads);
a declared Content-Length over the bound is refused at once, a chunked body as soon as it passes
the bound. A body must also arrive in time: within BODY_GRACE_S seconds plus one second for each
BODY_MIN_RATE bytes already received, else 408 and the connection is closed (neither uvicorn nor
h11 has a read timeout: a body sent a byte at a time held a connection and a worker's slot for as
long as the sender liked). An upload meant for organisers is refused before a byte of it is read when the session
has no live staff session allowed to send it (the browser goes back to the sign-in page).
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import anyio
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tinnhiem.domain.errors import InvalidInput
from tinnhiem.i18n import bilingual, message

BODY_GRACE_S = 5.0  # seconds any body has, whatever its size (a phone on a busy Wi-Fi sends 40 KB in well under 1 s)
BODY_MIN_RATE = 4 * 1024  # bytes a second on average after that: 21 MB may take 90 minutes, a byte a second may not
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


def slow_refusal() -> InvalidInput:
    return InvalidInput("body-too-slow", field="body", seconds=int(BODY_GRACE_S))


class TooSlow(HTTPException):
    """The body did not arrive in time; the answer closes the connection."""

    def __init__(self) -> None:
        super().__init__(408, bilingual(slow_refusal()), headers={"Connection": "close"})


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
        """Pass the request on, counting what is read and when; past the bound or the time, refuse (if nothing was
        sent yet)."""
        seen, started, whole, since = 0, False, False, time.monotonic()

        async def counting_receive() -> Message:
            nonlocal seen, whole
            if whole:  # the body is in: what follows is the client's leaving (a stream waits for it), never late
                return await receive()
            allowed = since + BODY_GRACE_S + seen / BODY_MIN_RATE - time.monotonic()
            try:
                with anyio.fail_after(max(allowed, 0.0)):
                    message = await receive()
            except TimeoutError:
                raise TooSlow() from None
            seen += len(message.get("body", b""))
            whole = message["type"] != "http.request" or not message.get("more_body", False)
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
        except TooSlow:
            if not started:
                await _refused(scope, send, 408, slow_refusal())


async def _too_large(scope: Scope, send: Send, bound: Bound) -> None:
    await _refused(scope, send, 413, refusal(bound))


async def _refused(scope: Scope, send: Send, status: int, error: InvalidInput) -> None:
    """Refused before the app ran (no session is read then: both languages are sent)."""
    vi, en = message(error, "vi", plain=True), message(error, "en", plain=True)
    if scope["path"].startswith("/api/"):
        body = json.dumps({"error": error.code, "field": error.field, "message": vi, "message_en": en},
                          ensure_ascii=False).encode()
        await _respond(send, status, body, [(b"content-type", b"application/json")])
    else:
        await _respond(send, status, f"{vi}\n{en}\n".encode(), [(b"content-type", b"text/plain; charset=utf-8")])


async def _respond(send: Send, status: int, body: bytes, headers: list[tuple[bytes, bytes]]) -> None:
    headers = [*headers, (b"content-length", str(len(body)).encode()), (b"connection", b"close")]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
