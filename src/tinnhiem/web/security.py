"""CSRF tokens, sign-in rate limiting and security headers.

No log line, header or response here carries a card code, a ballot or a choice.
"""

from __future__ import annotations

import hmac
import secrets
import time
from collections import defaultdict, deque

from fastapi import HTTPException, Request

CSP = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; " \
      "frame-ancestors 'none'; base-uri 'none'; form-action 'self'"


def csrf_token(request: Request) -> str:
    token = request.session.get("csrf")
    if not token:
        token = secrets.token_urlsafe(24)
        request.session["csrf"] = token
    return str(token)


async def require_csrf(request: Request) -> None:
    """Every state-changing request carries the session's token (form field or X-CSRF-Token header)."""
    expected = request.session.get("csrf", "")
    sent = request.headers.get("x-csrf-token", "")
    if not sent and request.headers.get("content-type", "").startswith(("application/x-www-form", "multipart/")):
        sent = str((await request.form()).get("csrf", ""))
    if not expected or not hmac.compare_digest(str(expected), sent):
        raise HTTPException(403, "CSRF")


class Attempts:
    """Wrong sign-in codes per client in a sliding window (per worker process; see docs/security.md)."""

    def __init__(self, limit: int, window: float) -> None:
        self.limit, self.window = limit, window
        self.seen: dict[str, deque[float]] = defaultdict(deque)

    def blocked(self, client: str, now: float | None = None) -> bool:
        now = time.monotonic() if now is None else now
        recent = self.seen[client]
        while recent and recent[0] < now - self.window:
            recent.popleft()
        return len(recent) >= self.limit

    def failed(self, client: str, now: float | None = None) -> None:
        self.seen[client].append(time.monotonic() if now is None else now)
