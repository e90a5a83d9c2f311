"""The load generator's HTTP/1.1 client: one kept-alive connection per phone, its session cookie, nothing else.

``bench load`` runs on the hall's own machine, and httpx spent about as much CPU per request as the hall's
pages cost: the figures then said more about the generator than the hall. This client writes a request and reads
the answer (Content-Length or chunked) with asyncio's streams, a few tens of µs a request.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from typing import Any


class PhoneError(OSError):
    """The connection failed or the answer could not be read."""


class Answer:
    """An answer as the bench reads it: status, headers (lower-case names), body."""

    def __init__(self, status_code: int, headers: dict[str, str], content: bytes) -> None:
        self.status_code, self.headers, self.content = status_code, headers, content

    @property
    def text(self) -> str:
        return self.content.decode("utf-8", "replace")

    def json(self) -> Any:
        return json.loads(self.content)


Streams = tuple[asyncio.StreamReader, asyncio.StreamWriter]


class Phone:
    """One phone's browser: its kept connections to ``host:port`` (one more for each request made while the others
    are busy, as a browser fetches a page's scripts together; one opened again if the server closed it), its
    cookie."""

    def __init__(self, host: str, port: int, timeout: float = 120.0) -> None:
        self.host, self.port, self.timeout = host, port, timeout
        self.cookies: dict[str, str] = {}
        self._idle: list[Streams] = []

    async def get(self, path: str, headers: dict[str, str] | None = None) -> Answer:
        return await self.request("GET", path, b"", headers or {})

    async def post(self, path: str, json_body: object, headers: dict[str, str] | None = None) -> Answer:
        body = json.dumps(json_body, separators=(",", ":")).encode()
        return await self.request("POST", path, body, {"Content-Type": "application/json", **(headers or {})})

    async def request(self, method: str, path: str, body: bytes, headers: dict[str, str]) -> Answer:
        streams = self._idle.pop() if self._idle else None
        try:
            answer, streams = await asyncio.wait_for(self._exchange(streams, method, path, body, headers), self.timeout)
        except (TimeoutError, OSError, asyncio.IncompleteReadError, ValueError) as error:
            raise PhoneError(f"{method} {path}: {error!r}") from None
        if streams is not None:
            self._idle.append(streams)
        return answer

    async def _exchange(self, streams: Streams | None, method: str, path: str, body: bytes,
                        headers: dict[str, str]) -> tuple[Answer, Streams | None]:
        fresh = streams is None
        if streams is None:
            streams = await asyncio.open_connection(self.host, self.port)
        reader, writer = streams
        lines = [f"{method} {path} HTTP/1.1", f"Host: {self.host}:{self.port}", f"Content-Length: {len(body)}"]
        lines += [f"{k}: {v}" for k, v in headers.items()]
        if self.cookies:
            lines.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        try:
            writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body)
            status = await reader.readline()
            if not status:
                raise ConnectionResetError
        except ConnectionError:
            await _close(streams)
            if fresh:
                raise
            return await self._exchange(None, method, path, body, headers)  # a kept one the server had closed
        answer, keep = await self._answer(reader, status)
        if not keep:
            await _close(streams)
        return answer, streams if keep else None

    async def _answer(self, reader: asyncio.StreamReader, status: bytes) -> tuple[Answer, bool]:
        code = int(status.split(b" ", 2)[1])
        headers: dict[str, str] = {}
        while (line := await reader.readline()) not in (b"\r\n", b"\n", b""):
            name, _, value = line.decode("latin-1").partition(":")
            name, value = name.strip().lower(), value.strip()
            if name == "set-cookie":
                key, _, rest = value.partition("=")
                self.cookies[key] = rest.split(";", 1)[0]
            headers[name] = value
        if headers.get("transfer-encoding", "").lower() == "chunked":
            content = b""
            while (size := int((await reader.readline()).split(b";")[0], 16)) > 0:
                content += await reader.readexactly(size)
                await reader.readline()
            await reader.readline()
        else:
            content = await reader.readexactly(int(headers.get("content-length", "0")))
        return Answer(code, headers, content), headers.get("connection", "").lower() != "close"

    async def close(self) -> None:
        while self._idle:
            await _close(self._idle.pop())


async def _close(streams: Streams) -> None:
    streams[1].close()
    with contextlib.suppress(OSError):
        await streams[1].wait_closed()
