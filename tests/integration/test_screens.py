"""200 projector screens cost one database read per change, not one per screen (real Redis, real server)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
import uvicorn
from fastapi import FastAPI

from tests.browser.conftest import free_port
from tinnhiem.web import routes_public
from tinnhiem.web.app import create_app
from tinnhiem.web.settings import Settings

REDIS = "redis://127.0.0.1:6379/0"
SCREENS = 200


class Counted:
    """Stands for the database read of the screens' state: counts each read; the turnout is set by the test."""

    def __init__(self) -> None:
        self.reads, self.turnout, self.lock = 0, 0, threading.Lock()

    def __call__(self, hall: object, code: str) -> dict[str, object]:
        with self.lock:
            self.reads += 1
        return {"state": "open", "turnout": self.turnout, "present": 40}


class Errors(logging.Handler):
    """What the server logs as an error (uvicorn's loggers do not reach pytest's)."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record.getMessage())


async def watch(url: str, code: str, seen: list[int], total: int) -> None:
    """One projector: every turnout its stream sends, until it has seen ``total``."""
    async with httpx.AsyncClient(timeout=30, limits=httpx.Limits(max_connections=None)) as client, \
            client.stream("GET", f"{url}/r/{code}/events") as response:
        async for line in response.aiter_lines():
            if line.startswith("data: "):
                seen.append(int(json.loads(line[6:])["turnout"]))
                if seen[-1] == total:
                    return


async def screens_see_every_change(url: str, code: str, counted: Counted, changes: int,
                                   changed: Callable[[str], None]) -> tuple[int, list[list[int]]]:
    """All screens connect; the state changes ``changes`` times; the reads those changes cost."""
    seen: list[list[int]] = [[] for _ in range(SCREENS)]
    tasks = [asyncio.create_task(watch(url, code, s, changes)) for s in seen]
    deadline = time.monotonic() + 30
    while not all(seen) and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    assert all(seen), "every screen got the first state"
    before = counted.reads
    for turnout in range(1, changes + 1):
        counted.turnout = turnout
        changed(code)
        while not all(s[-1] == turnout for s in seen) and time.monotonic() < deadline:
            await asyncio.sleep(0.02)
    await asyncio.wait_for(asyncio.gather(*tasks), 10)
    return counted.reads - before, seen


async def screens_see_a_burst(url: str, code: str, counted: Counted, casts: int,
                             changed: Callable[[str], None]) -> tuple[int, list[list[int]]]:
    """All screens connect; ``casts`` changes come within half a second; the reads they cost."""
    seen: list[list[int]] = [[] for _ in range(SCREENS)]
    tasks = [asyncio.create_task(watch(url, code, s, casts)) for s in seen]
    deadline = time.monotonic() + 30
    while not all(seen) and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    before = counted.reads
    for turnout in range(1, casts + 1):
        counted.turnout = turnout
        changed(code)
        await asyncio.sleep(0.5 / casts)
    await asyncio.wait_for(asyncio.gather(*tasks), 10)
    return counted.reads - before, seen


@contextlib.contextmanager
def served(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, counted: Counted) -> Iterator[tuple[str, FastAPI]]:
    """One worker on Redis whose screens' read is ``counted``; fails if the server logged an error."""
    monkeypatch.setattr(routes_public, "screen_state", counted)
    monkeypatch.setattr(routes_public, "_state", lambda hall, code: counted(hall, code), raising=False)  # older name
    monkeypatch.setattr(routes_public.rounds, "exists", lambda uow, code: True)  # rounds made up for the screens
    app = create_app(Settings(database_url=f"sqlite:///{tmp_path / 's.sqlite3'}", home=tmp_path, secret_key="secret", organiser_code="ORG", redis_url=REDIS))
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.02)
    errors = Errors()
    logging.getLogger("uvicorn.error").addHandler(errors)
    try:
        yield f"http://127.0.0.1:{port}", app
        time.sleep(0.5)  # the screens have gone: their streams end without an error
        assert [] == errors.records
    finally:
        logging.getLogger("uvicorn.error").removeHandler(errors)
        server.should_exit = True


def test_200_screens_cost_one_read_per_change(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Three casts seen by 200 screens of one worker: about three reads (today's streams made 600)."""
    counted = Counted()
    with served(tmp_path, monkeypatch, counted) as (url, app):
        first_reads_at = counted.reads
        reads, seen = asyncio.run(screens_see_every_change(url, "screens", counted, 3, app.state.hall.live.changed))
        assert all(s[-3:] == [1, 2, 3] for s in seen), "every screen saw every change, in order"
        assert reads <= 3 + 2, f"{reads} reads for 3 changes seen by {SCREENS} screens"  # +2: the 5 s timer
        assert counted.reads - first_reads_at - reads <= 3, "the first state is read once, not once per screen"


def test_a_burst_of_casts_is_read_and_sent_a_few_times_not_per_cast(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """50 casts within half a second: every screen ends on 50, after a handful of reads and messages."""
    counted = Counted()
    with served(tmp_path, monkeypatch, counted) as (url, app):
        reads, seen = asyncio.run(screens_see_a_burst(url, "burst", counted, 50, app.state.hall.live.changed))
        assert all(s[-1] == 50 and s == sorted(s) for s in seen), "every screen ends on the last count, never back"
        assert reads <= 6, f"{reads} reads for a burst of 50 casts"
        assert max(len(s) for s in seen) <= 7, "a screen gets a few messages, not one per cast"


def test_screens_keep_counting_when_redis_is_gone() -> None:
    """Redis unreachable: the hub falls back to its one-second timer; a change still reaches the screen."""
    from tinnhiem.web.live import Hub, Live

    counted = Counted()

    async def one_screen() -> list[int]:
        hub = Hub(Live("redis://127.0.0.1:1/0"), lambda code: counted(None, code), pause=0)
        seen: list[int] = []
        async for state in hub.states("gone"):
            if state is not None:
                seen.append(int(state["turnout"]))  # type: ignore[call-overload]
                counted.turnout = 7
            if seen[-1:] == [7]:
                return seen
        return seen

    assert [0, 7] == asyncio.run(asyncio.wait_for(one_screen(), 5))
