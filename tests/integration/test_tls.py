"""The hall over TLS: `tinnhiem serve --certfile/--keyfile`, HSTS and Secure cookies over https only.

A self-signed certificate made in the test with openssl; a real uvicorn server with uvicorn's ssl options.
"""

from __future__ import annotations

import http.client
import shutil
import ssl
import subprocess
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from typer.testing import CliRunner

from tests.browser.conftest import free_port
from tinnhiem.web.app import create_app
from tinnhiem.web.settings import Settings

pytestmark = pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl makes the test certificate")


def self_signed(folder: Path) -> tuple[Path, Path]:
    cert, key = folder / "hall.crt", folder / "hall.key"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                    "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                    "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True)
    return cert, key


def serve(tmp_path: Path, **options: Any) -> tuple[int, uvicorn.Server]:
    app = create_app(Settings(database_url=f"sqlite:///{tmp_path / 't.sqlite3'}", home=tmp_path, secret_key="secret", organiser_code="ORG"))
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", **options))
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.02)
    return port, server


def test_over_https_the_session_cookie_is_secure_and_hsts_is_sent(tmp_path: Path) -> None:
    """The organiser signs in over https; every cookie says Secure; the answer carries HSTS."""
    cert, key = self_signed(tmp_path)
    port, server = serve(tmp_path, ssl_certfile=str(cert), ssl_keyfile=str(key))
    try:
        with httpx.Client(base_url=f"https://127.0.0.1:{port}", verify=ssl.create_default_context(cafile=str(cert))) as client:
            page = client.get("/admin")
            assert "max-age=86400" == page.headers["strict-transport-security"]
            assert page.headers["set-cookie"].lower().endswith("; secure")
            csrf = page.text.split('name="csrf-token" content="')[1].split('"')[0]
            signed_in = client.post("/admin/sign-in", data={"login": "quantri", "password": "ORG", "csrf": csrf})
            assert 303 == signed_in.status_code and "; secure" in signed_in.headers["set-cookie"].lower()
            assert "Tên đăng nhập" not in client.get("/admin").text  # the Secure cookie came back
    finally:
        server.should_exit = True


def test_over_plain_http_no_hsts_and_the_cookie_still_works(tmp_path: Path) -> None:
    """On one laptop without TLS the cookie must not say Secure (the browser would drop it)."""
    port, server = serve(tmp_path)
    try:
        page = httpx.get(f"http://127.0.0.1:{port}/admin")
        assert "strict-transport-security" not in page.headers
        assert "secure" not in page.headers["set-cookie"].lower()
    finally:
        server.should_exit = True


def test_serve_passes_the_certificate_to_uvicorn(tmp_path: Path, home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`tinnhiem serve --certfile --keyfile` hands both to uvicorn and prints the https address."""
    from tinnhiem.cli.main import app

    cert, key = self_signed(tmp_path)
    seen: dict[str, Any] = {}
    monkeypatch.setattr(uvicorn, "run", lambda *args, **kwargs: seen.update(kwargs))
    result = CliRunner().invoke(app, ["serve", "--certfile", str(cert), "--keyfile", str(key)])
    assert 0 == result.exit_code, result.output
    assert (str(cert), str(key)) == (seen["ssl_certfile"], seen["ssl_keyfile"])
    assert "https://127.0.0.1:8000/admin" in result.output


def test_serve_refuses_a_certificate_without_its_key(tmp_path: Path, home: Path) -> None:
    from tinnhiem.cli.main import app

    cert, _ = self_signed(tmp_path)
    result = CliRunner().invoke(app, ["serve", "--certfile", str(cert)])
    assert 1 == result.exit_code and "--keyfile" in result.output


def test_the_demo_still_serves_plain_http(tmp_path: Path, home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`tinnhiem demo --serve` calls serve itself: no certificate, no ssl options, an http address."""
    from tinnhiem.cli.main import app

    seen: dict[str, Any] = {}
    monkeypatch.setattr(uvicorn, "run", lambda *args, **kwargs: seen.update(kwargs))
    result = CliRunner().invoke(app, ["demo", "--serve", "--out", str(tmp_path / "docs")])
    assert 0 == result.exit_code, result.output
    assert "ssl_certfile" not in seen and "http://127.0.0.1:8000/admin" in result.output


def test_a_phones_idle_connection_outlives_uvicorns_five_seconds(tmp_path: Path, home: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """In a burst every core is busy and the server's loop runs late: with uvicorn's 5 s keep-alive the timer
    fired before a phone's next request, already sent, was read, and the phone saw the connection dropped
    (bench/load.py, 2,000 phones in 60 s: 838 dropped). `tinnhiem serve` keeps an idle connection 75 s:
    after 6 s idle the same connection still answers."""
    from tinnhiem.cli.main import app

    seen: dict[str, Any] = {}
    monkeypatch.setattr(uvicorn, "run", lambda *args, **kwargs: seen.update(kwargs))
    assert 0 == CliRunner().invoke(app, ["serve"]).exit_code
    port, server = serve(tmp_path, timeout_keep_alive=seen["timeout_keep_alive"])
    phone = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        phone.request("GET", "/")
        first = phone.getresponse()
        first.read()
        time.sleep(6)
        phone.request("GET", "/")  # on the same connection: http.client does not open another
        assert (200, 200) == (first.status, phone.getresponse().status)
    finally:
        phone.close()
        server.should_exit = True
