"""CSRF tokens and security headers (sign-in limits: web/limiter.py).

No log line, header or response here carries a card code, a ballot or a choice.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from fastapi import HTTPException, Request
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# 'wasm-unsafe-eval' lets the verifier page compile libsodium's WebAssembly (inlined in its bundle, served from the
# hall: web-src/verifier/arith.js); it admits no JavaScript eval and no other origin.
CSP = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self' 'wasm-unsafe-eval'; " \
      "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"


HSTS = "max-age=86400"  # one conference day: the hall's name may serve plain http again another day


class SecurityHeaders:
    """CSP and friends on every answer; over TLS also HSTS and Secure cookies.

    A plain ASGI middleware: a projector's event stream passes through it without a copy per message
    (Starlette's ``@app.middleware("http")`` re-streams every chunk through a memory channel).
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        tls = scope.get("scheme") == "https"  # uvicorn's TLS, or a proxy's X-Forwarded-Proto from 127.0.0.1

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers["Content-Security-Policy"] = CSP
                headers["X-Content-Type-Options"] = "nosniff"
                headers["Referrer-Policy"] = "no-referrer"
                headers.setdefault("Cache-Control", "no-store")
                if tls:
                    over_tls(headers)
            await send(message)

        await self.app(scope, receive, with_headers)


def over_tls(headers: MutableHeaders) -> None:
    """HSTS, and every cookie marked Secure (the session never travels in clear once TLS is used)."""
    headers["Strict-Transport-Security"] = HSTS
    cookies = headers.getlist("set-cookie")
    if cookies:
        del headers["set-cookie"]
        for cookie in cookies:
            headers.append("set-cookie", cookie if "; secure" in cookie.lower() else cookie + "; secure")


def csrf_token(request: Request) -> str:
    token = request.session.get("csrf")
    if not token:
        token = secrets.token_urlsafe(24)
        request.session["csrf"] = token
    return str(token)


def device_mark(request: Request) -> str:
    """Which browser session did something, without naming it: a hash of the session's own random token."""
    return hashlib.sha256(f"device:{csrf_token(request)}".encode()).hexdigest()


async def require_csrf(request: Request) -> None:
    """Every state-changing request carries the session's token (form field or X-CSRF-Token header)."""
    expected = request.session.get("csrf", "")
    sent = request.headers.get("x-csrf-token", "")
    if not sent and request.headers.get("content-type", "").startswith(("application/x-www-form", "multipart/")):
        sent = str((await request.form()).get("csrf", ""))
    if not expected or not hmac.compare_digest(str(expected), sent):
        raise HTTPException(403, "CSRF")
