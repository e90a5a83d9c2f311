"""Bodies are bounded before they are read: a 50 MB upload is answered after its headers alone.

A real uvicorn server and a raw socket that sends the headers of a huge request and then
waits: the answer must come without the body (today's code would wait for all 50 MB).
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import uvicorn

from tests.browser.conftest import free_port
from tinnhiem.web.app import create_app
from tinnhiem.web.settings import Settings

FIFTY_MB = 50 * 1024 * 1024


@pytest.fixture(scope="module")
def url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    home = tmp_path_factory.mktemp("bounds")
    app = create_app(Settings(database_url=f"sqlite:///{home / 'b.sqlite3'}", home=home, secret_key="secret", organiser_code="ORG"))
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.02)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True


def organiser_cookie(url: str) -> tuple[str, str]:
    with httpx.Client(base_url=url) as client:
        csrf = client.get("/admin").text.split('name="csrf-token" content="')[1].split('"')[0]
        assert 303 == client.post("/admin/sign-in", data={"login": "quantri", "password": "ORG", "csrf": csrf}).status_code
        return f"tinnhiem={client.cookies['tinnhiem']}", csrf


def answer_to_headers_only(url: str, path: str, length: int | None, cookie: str = "",
                           content_type: str = "multipart/form-data; boundary=x", first: bytes = b"") -> str:
    """Send a request's headers (and ``first`` bytes of its body), never the rest; return the status line."""
    port = int(url.rsplit(":", 1)[1])
    size = f"Content-Length: {length}\r\n" if length is not None else "Transfer-Encoding: chunked\r\n"
    head = (f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: {content_type}\r\n{size}"
            f"Cookie: {cookie}\r\n\r\n").encode()
    with socket.create_connection(("127.0.0.1", port), timeout=3) as s:
        s.sendall(head + first)
        try:
            return s.recv(4096).split(b"\r\n", 1)[0].decode()
        except TimeoutError:
            return "no answer: the server waits for the body"


def test_anonymous_50_mb_upload_to_new_round_is_refused_before_it_is_read(url: str) -> None:
    """Not signed in: /admin/new answers "sign in first" to the headers alone."""
    assert "303" in answer_to_headers_only(url, "/admin/new", FIFTY_MB)


def test_anonymous_upload_to_a_dossier_is_refused_before_it_is_read(url: str) -> None:
    assert "303" in answer_to_headers_only(url, "/admin/r/any/dossiers", FIFTY_MB)


def test_organisers_50_mb_upload_is_too_large_before_it_is_read(url: str) -> None:
    """Signed in, the bound still holds: 413 to the headers of a 50 MB dossier or round."""
    cookie, _ = organiser_cookie(url)
    assert "413" in answer_to_headers_only(url, "/admin/r/any/dossiers", FIFTY_MB, cookie)
    assert "413" in answer_to_headers_only(url, "/admin/new", FIFTY_MB, cookie)


def test_a_large_json_cast_is_refused_before_it_is_parsed(url: str) -> None:
    """A 20,000-row cast (≈ 1 MB of JSON) meets the small bound for JSON."""
    status = answer_to_headers_only(url, "/api/rounds/any/ballots", 1024 * 1024, content_type="application/json")
    assert "413" in status


def test_a_chunked_body_is_cut_off_at_its_bound(url: str) -> None:
    """Without a Content-Length the count is kept while reading: past 256 KB, 413."""
    chunk = b"a" * 65536
    body = b"".join(b"%x\r\n%s\r\n" % (len(chunk), chunk) for _ in range(6))
    status = answer_to_headers_only(url, "/admin/sign-in", None, content_type="application/x-www-form-urlencoded",
                                    first=body)
    assert "413" in status


def test_the_too_large_answer_is_in_vietnamese_first(url: str) -> None:
    response = httpx.post(f"{url}/api/rounds/any/ballots", content=b"{" + b" " * 300_000 + b"}",
                          headers={"content-type": "application/json"})
    assert 413 == response.status_code
    assert "Dữ liệu gửi lên quá lớn (tối đa 256 KB)." == response.json()["message"]  # no internal key


def test_ordinary_requests_still_pass(url: str) -> None:
    """The bound does not touch an ordinary sign-in: a wrong code is still 401, a right one 303."""
    with httpx.Client(base_url=url) as client:
        token = client.get("/admin").text.split('name="csrf-token" content="')[1].split('"')[0]
        assert 401 == client.post("/admin/sign-in", data={"login": "quantri", "password": "no", "csrf": token}).status_code
        assert 303 == client.post("/admin/sign-in", data={"login": "quantri", "password": "ORG", "csrf": token}).status_code


def test_an_office_file_over_5_mb_is_refused_whole_not_cut(tmp_path: Path) -> None:
    """A 6 MB subjects file is refused by name and size, never read as its first 5 MB."""
    from fastapi.testclient import TestClient

    client = TestClient(create_app(Settings(database_url=f"sqlite:///{tmp_path / 'o.sqlite3'}", home=tmp_path, secret_key="secret", organiser_code="ORG")))
    csrf = client.get("/admin").text.split('name="csrf-token" content="')[1].split('"')[0]
    client.headers["X-CSRF-Token"] = csrf
    client.post("/admin/sign-in", data={"login": "quantri", "password": "ORG", "csrf": csrf})
    big = b"H\xe1\xbb\x8d v\xc3\xa0 t\xc3\xaan,Ch\xe1\xbb\xa9c v\xe1\xbb\xa5\n" + b"A,B\n" * (6 * 1024 * 1024 // 4)
    refused = client.post("/admin/new", files={"details": ("round.yaml", b"title: x\n"),
                                               "subjects": ("subjects.csv", big)})
    assert 422 == refused.status_code and "Tệp quá lớn (tối đa 5 MB)" in refused.text and "subjects.csv" in refused.text
