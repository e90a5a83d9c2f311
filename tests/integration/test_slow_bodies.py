"""An outside review, "slow bodies": a body sent one byte at a time was held open the full 45 s (uvicorn and h11 have no
read timeout). The attacker here is a raw socket against a real server (uvicorn, as `tinnhiem serve` runs it):
headers that announce 2,000 bytes, then a byte every half second. The server answers 408 and closes the
connection within a few seconds (web/bounds.py: BODY_GRACE_S, then BODY_MIN_RATE bytes a second)."""

from __future__ import annotations

import socket
import time
from pathlib import Path

from tinnhiem.web.bounds import BODY_GRACE_S
from tinnhiem.web.settings import Settings

from .test_live import serve


def _drip(port: int, path: str, kind: str, give_up: float) -> tuple[bytes, float]:
    """Send the headers, then one byte every 0.5 s until the server answers or closes; what it said, and when."""
    with socket.create_connection(("127.0.0.1", port), timeout=give_up) as sock:
        sock.sendall(f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: {kind}\r\n"
                     "X-CSRF-Token: x\r\nContent-Length: 2000\r\n\r\n".encode())
        start = time.monotonic()
        sock.settimeout(0.5)
        answer = b""
        while time.monotonic() - start < give_up:
            try:
                sock.sendall(b" ")
            except OSError:  # the server closed the connection
                break
            try:
                chunk = sock.recv(65536)
            except TimeoutError:
                continue
            except OSError:
                break
            if not chunk:
                break
            answer += chunk
        return answer, time.monotonic() - start


def test_a_body_sent_a_byte_at_a_time_is_cut_off(tmp_path: Path) -> None:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'hall.sqlite3'}", home=tmp_path, secret_key="secret",
                        organiser_code="ORG")
    url, server = serve(settings)
    port = int(url.rsplit(":", 1)[1])
    try:
        for path, kind in (("/api/rounds/any/ballots", "application/json"),
                           ("/admin/sign-in", "application/x-www-form-urlencoded")):
            answer, after = _drip(port, path, kind, give_up=30)
            assert answer.startswith(b"HTTP/1.1 408 "), (path, answer[:200])
            assert b"body-too-slow" in answer or "quá chậm".encode() in answer, answer
            assert after < BODY_GRACE_S + 4, f"{path}: cut off after {after:.1f} s"
    finally:
        server.should_exit = True


def test_a_body_that_arrives_is_served_as_before(tmp_path: Path) -> None:
    """A whole body at once: the usual answer (here: no CSRF token, 403), not 408."""
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'hall.sqlite3'}", home=tmp_path, secret_key="secret",
                        organiser_code="ORG")
    url, server = serve(settings)
    port = int(url.rsplit(":", 1)[1])
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
            sock.sendall(b"POST /api/rounds/any/ballots HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                         b"Content-Length: 2\r\n\r\n{}")
            assert sock.recv(65536).startswith(b"HTTP/1.1 403 ")
    finally:
        server.should_exit = True
