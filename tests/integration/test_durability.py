"""A ballot that got its tracking code survives kill -9 of the server (docs/security.md, "Durability")."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.browser.conftest import free_port
from tinnhiem.crypto.ballot import encrypt_ballot
from tinnhiem.crypto.record import ballot_json
from tinnhiem.services import voting
from tinnhiem.storage.db import Database
from tinnhiem.storage.repository import SqlUnitOfWork
from tinnhiem.testing.hall import delegate_names, prepare_hall
from tinnhiem.testing.simulate import seeded


def start(home: Path, port: int) -> subprocess.Popen[bytes]:
    env = os.environ | {"TINNHIEM_HOME": str(home), "TINNHIEM_SECRET_KEY": "k", "TINNHIEM_ORGANISER_CODE": "O"}
    env.pop("TINNHIEM_DATABASE_URL", None)
    server = subprocess.Popen([sys.executable, "-m", "tinnhiem.cli.main", "serve", "--port", str(port)], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(200):
        try:
            httpx.get(f"http://127.0.0.1:{port}/", timeout=0.5)
            return server
        except httpx.TransportError:
            time.sleep(0.05)
    raise AssertionError("server did not start")


def test_kill_minus_9_right_after_a_cast_loses_nothing(tmp_path: Path) -> None:
    """The code is sent only after the commit: kill -9 at once, restart, the ballot is in the record."""
    database = Database.open(f"sqlite:///{tmp_path / 'tinnhiem.sqlite3'}")
    code, _ = prepare_hall(SqlUnitOfWork(database), tmp_path / "keys")
    cards = dict(voting.issue_cards(SqlUnitOfWork(database), code))
    with SqlUnitOfWork(database) as uow:
        election = uow.voting.election(code)
    assert election is not None
    database.engine.dispose()
    port = free_port()
    server = start(tmp_path, port)
    base = f"http://127.0.0.1:{port}"
    try:
        with httpx.Client(base_url=base, follow_redirects=True) as client:
            page = client.get(f"/r/{code}/vote").text
            csrf = page.split('name="csrf-token" content="')[1].split('"')[0]
            client.post(f"/r/{code}/vote/sign-in", data={"card": cards[delegate_names(1)[0]], "csrf": csrf})
            ballot, _ = encrypt_ballot(voting.manifest(election), bytes.fromhex(election.joint_key), [0] * 12, seeded(3))
            answer = client.post(f"/api/rounds/{code}/ballots", json=ballot_json(ballot), headers={"X-CSRF-Token": csrf})
            server.send_signal(signal.SIGKILL)
            assert 200 == answer.status_code, answer.text
            tracking = answer.json()["code"]
    finally:
        server.kill()
        server.wait()
    server = start(tmp_path, port)
    try:
        record = httpx.get(f"{base}/api/rounds/{code}/record").json()
    finally:
        server.kill()
        server.wait()
    assert [tracking] == [b["code"] for b in record["ballots"]]
