"""CSRF tokens and security headers (sign-in limits: web/limiter.py).

No log line, header or response here carries a card code, a ballot or a choice.
"""

from __future__ import annotations

import hmac
import secrets

from fastapi import HTTPException, Request, Response

CSP = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; " \
      "frame-ancestors 'none'; base-uri 'none'; form-action 'self'"


HSTS = "max-age=86400"  # one conference day: the hall's name may serve plain http again another day


def over_tls(response: Response) -> None:
    """HSTS, and every cookie marked Secure (the session never travels in clear once TLS is used)."""
    response.headers["Strict-Transport-Security"] = HSTS
    cookies = [v for k, v in response.raw_headers if k == b"set-cookie"]
    if cookies:
        del response.headers["set-cookie"]
        for cookie in cookies:
            secure = cookie if b"; secure" in cookie.lower() else cookie + b"; secure"
            response.raw_headers.append((b"set-cookie", secure))


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
