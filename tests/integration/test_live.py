"""Live updates reach every worker through Redis (the real server at 127.0.0.1:6379)."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import httpx
import uvicorn

from tests.browser.conftest import free_port
from tinnhiem.crypto.ballot import encrypt_ballot
from tinnhiem.crypto.credentials import signing_key
from tinnhiem.crypto.record import ballot_json
from tinnhiem.services import voting
from tinnhiem.storage.repository import SqlUnitOfWork
from tinnhiem.testing.hall import prepare_hall
from tinnhiem.testing.simulate import seeded
from tinnhiem.web.app import create_app
from tinnhiem.web.settings import Settings

REDIS = "redis://127.0.0.1:6379/0"


def serve(settings: Settings) -> tuple[str, uvicorn.Server]:
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning"))
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.02)
    return f"http://127.0.0.1:{port}", server


def test_a_cast_on_one_worker_reaches_the_screen_on_another(tmp_path: Path) -> None:
    """Worker A stores a ballot; worker B's event stream reports it within 2 s (its timer alone waits 5 s)."""
    settings = Settings(f"sqlite:///{tmp_path / 'hall.sqlite3'}", tmp_path, "secret", "ORG", redis_url=REDIS)
    a_url, a = serve(settings)
    b_url, b = serve(settings)
    database = a.config.app.state.hall.database  # type: ignore[attr-defined]
    code, _, cards = prepare_hall(SqlUnitOfWork(database), tmp_path / "keys")
    with SqlUnitOfWork(database) as uow:
        election = uow.voting.election(code)
    assert election is not None
    ballot, _ = encrypt_ballot(voting.manifest(election), bytes.fromhex(election.joint_key), [0] * 12,
                               signing_key(code, cards.secrets[0]), seeded(4))
    seen: list[dict[str, object]] = []

    def listen() -> None:
        with httpx.stream("GET", f"{b_url}/r/{code}/events", timeout=10) as response:
            for line in response.iter_lines():
                if line.startswith("data: "):
                    seen.append(json.loads(line[6:]))
                    if seen[-1]["turnout"] == 1:
                        return

    listener = threading.Thread(target=listen, daemon=True)
    listener.start()
    try:
        with httpx.Client(base_url=a_url, follow_redirects=True) as client:
            csrf = client.get(f"/r/{code}/vote").text.split('name="csrf-token" content="')[1].split('"')[0]
            time.sleep(0.5)  # the stream has sent its first state
            cast_at = time.monotonic()
            assert 200 == client.post(f"/api/rounds/{code}/ballots", json=ballot_json(ballot),
                                      headers={"X-CSRF-Token": csrf}).status_code
        listener.join(4)
        assert 1 == seen[-1]["turnout"] and time.monotonic() - cast_at < 2.0
        assert 0 == seen[0]["turnout"]
    finally:
        a.should_exit = b.should_exit = True
