"""Live updates reach every worker through Redis (the real server at 127.0.0.1:6379)."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import httpx
import pytest
import redis
import uvicorn
from redis.asyncio.client import PubSub

from tests.browser.conftest import free_port
from tinnhiem.crypto.ballot import cast_ballot
from tinnhiem.crypto.credentials import signing_key
from tinnhiem.crypto.record import ballot_json
from tinnhiem.services import voting
from tinnhiem.storage.repository import SqlUnitOfWork
from tinnhiem.testing.hall import prepare_hall
from tinnhiem.testing.simulate import seeded
from tinnhiem.web.app import create_app
from tinnhiem.web.settings import Settings

REDIS = "redis://127.0.0.1:6379/0"
BOUND = 30.0  # seconds: every wait below gives up after this, and the test then fails


def serve(settings: Settings) -> tuple[str, uvicorn.Server]:
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning"))
    threading.Thread(target=server.run, daemon=True).start()
    deadline = time.monotonic() + BOUND
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    assert server.started, f"the server on port {port} did not start"
    return f"http://127.0.0.1:{port}", server


def redis_or_fail() -> redis.Redis:
    client = redis.Redis.from_url(REDIS, socket_timeout=5)
    try:
        client.ping()
    except redis.RedisError as error:
        pytest.fail(f"no Redis at {REDIS} ({error}): scripts/system-packages.sh installs it, .ci/run starts it")
    return client


def test_a_cast_on_one_worker_reaches_the_screen_on_another(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Worker A stores a ballot and publishes through Redis; worker B's event stream, woken only by Redis, reports it."""
    redis_or_fail()
    waiting = threading.Semaphore(0)  # released each time a worker's stream starts waiting for Redis
    wait_for_redis = PubSub.get_message

    async def only_redis_wakes(self: PubSub, ignore_subscribe_messages: bool = False, timeout: float | None = 0.0):  # type: ignore[no-untyped-def]
        if not timeout:  # draining what came together: no wait to replace
            return await wait_for_redis(self, ignore_subscribe_messages=ignore_subscribe_messages, timeout=timeout)
        waiting.release()
        return await wait_for_redis(self, ignore_subscribe_messages=ignore_subscribe_messages, timeout=3600)

    monkeypatch.setattr(PubSub, "get_message", only_redis_wakes)  # no 5 s timer: a change can come only from Redis
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'hall.sqlite3'}", home=tmp_path, secret_key="secret", organiser_code="ORG", redis_url=REDIS)
    a_url, a = serve(settings)
    b_url, b = serve(settings)
    database = a.config.app.state.hall.database  # type: ignore[attr-defined]
    code, _, cards = prepare_hall(SqlUnitOfWork(database), tmp_path / "keys")
    with SqlUnitOfWork(database) as uow:
        election = uow.voting.election(code)
    assert election is not None and election.election_id is not None
    ballot, _ = cast_ballot(voting.manifest(election), bytes.fromhex(election.election_id),
                            bytes.fromhex(election.joint_key), [0] * 12, signing_key(code, cards.secrets[0]), seeded(4))
    seen: list[dict[str, object]] = []
    counted = threading.Event()

    def listen() -> None:
        with httpx.stream("GET", f"{b_url}/r/{code}/events", timeout=BOUND) as response:
            for line in response.iter_lines():
                if line.startswith("data: "):
                    seen.append(json.loads(line[6:]))
                    if seen[-1]["turnout"] == 1:
                        counted.set()
                        return

    listener = threading.Thread(target=listen, daemon=True)
    listener.start()
    try:
        # B's stream has subscribed, read its subscription's confirmation, and waits again: only a publish wakes it.
        assert waiting.acquire(timeout=BOUND) and waiting.acquire(timeout=BOUND), "B's stream never waited on Redis"
        with httpx.Client(base_url=a_url, follow_redirects=True, timeout=BOUND) as client:
            csrf = client.get(f"/r/{code}/vote").text.split('name="csrf-token" content="')[1].split('"')[0]
            assert 200 == client.post(f"/api/rounds/{code}/ballots", json=ballot_json(ballot),
                                      headers={"X-CSRF-Token": csrf}).status_code
        assert counted.wait(BOUND), f"B's stream never reported the ballot: {seen}"
        assert [0, 1] == [state["turnout"] for state in seen]
    finally:
        a.should_exit = b.should_exit = True
