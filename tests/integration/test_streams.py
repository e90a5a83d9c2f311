"""An outside review, "streams for nothing": 100 projector event streams for rounds that do not exist all got 200 and opened
100 Redis subscriptions, each with a database read every few seconds. The attacker here opens them against a real
server and the real Redis: each is answered 404 at once, and Redis counts no subscriber; past the worker's bound
of streams, a stream for a real round is refused 503."""

from __future__ import annotations

import threading
from pathlib import Path

import httpx

from tinnhiem.storage.repository import SqlUnitOfWork
from tinnhiem.testing.hall import prepare_hall
from tinnhiem.web.settings import Settings

from .test_live import BOUND, REDIS, redis_or_fail, serve


def _status(url: str) -> int:
    with httpx.stream("GET", url, timeout=BOUND) as response:
        return response.status_code


def test_streams_for_rounds_that_do_not_exist_are_refused_without_a_subscription(tmp_path: Path) -> None:
    client = redis_or_fail()
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'hall.sqlite3'}", home=tmp_path, secret_key="secret",
                        organiser_code="ORG", redis_url=REDIS)
    url, server = serve(settings)
    names = [f"tinnhiem:no-such-round-{tmp_path.name}-{n}" for n in range(100)]
    try:
        statuses = [_status(f"{url}/r/{name.removeprefix('tinnhiem:')}/events") for name in names]
        assert [404] * 100 == statuses
        assert all(0 == count for _, count in client.pubsub_numsub(*names))
        hub = server.config.app.state.hall.hub  # type: ignore[attr-defined]
        assert ({}, 0) == (hub.rooms, hub.streams)
    finally:
        server.should_exit = True


def test_past_the_bound_a_stream_is_refused_as_busy(tmp_path: Path) -> None:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'hall.sqlite3'}", home=tmp_path, secret_key="secret",
                        organiser_code="ORG")
    url, server = serve(settings)
    hall = server.config.app.state.hall  # type: ignore[attr-defined]
    hall.hub.max_streams = 3
    code, _, _ = prepare_hall(SqlUnitOfWork(hall.database), tmp_path / "keys")
    opened = threading.Semaphore(0)
    stop = threading.Event()

    def watch() -> None:
        with httpx.stream("GET", f"{url}/r/{code}/events", timeout=BOUND) as response:
            assert 200 == response.status_code
            for line in response.iter_lines():
                if line.startswith("data: "):
                    opened.release()
                    stop.wait(BOUND)
                    return

    watchers = [threading.Thread(target=watch, daemon=True) for _ in range(3)]
    try:
        for watcher in watchers:
            watcher.start()
        assert all(opened.acquire(timeout=BOUND) for _ in watchers)
        assert 503 == _status(f"{url}/r/{code}/events")
    finally:
        stop.set()
        server.should_exit = True
