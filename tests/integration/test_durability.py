"""A ballot that got its tracking code survives kill -9 of the server, with casts in flight from many phones.

The server answers a cast only after the transaction that stores it has committed (SQLite with
``synchronous=FULL``). Here 24 phones cast at once against a real ``tinnhiem serve`` process; it is
killed with SIGKILL while answers are still coming; after a restart, every ballot whose code a phone
received is in the public record, none twice, and the record holds no ballot that no card cast.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx

from tests.browser.conftest import free_port
from tinnhiem.crypto.ballot import encrypt_ballot
from tinnhiem.crypto.credentials import signing_key
from tinnhiem.crypto.record import ballot_json
from tinnhiem.services import voting
from tinnhiem.storage.db import Database, make_engine
from tinnhiem.storage.repository import SqlUnitOfWork
from tinnhiem.testing.hall import prepare_hall
from tinnhiem.testing.simulate import seeded

PHONES = 24


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
    server.kill()
    raise AssertionError("server did not start")


def test_sqlite_commits_are_durable() -> None:
    """Every SQLite connection runs with synchronous=FULL (2): a commit is on disk before the answer."""
    engine = make_engine("sqlite://")
    with engine.connect() as connection:
        assert 2 == connection.exec_driver_sql("PRAGMA synchronous").scalar()


def test_kill_minus_9_with_casts_in_flight_loses_no_acknowledged_ballot(tmp_path: Path) -> None:
    """SIGKILL while 24 phones cast; after restart every code a phone got is in the record, once."""
    database = Database.open(f"sqlite:///{tmp_path / 'tinnhiem.sqlite3'}")
    code, _, cards = prepare_hall(SqlUnitOfWork(database), tmp_path / "keys")
    with SqlUnitOfWork(database) as uow:
        election = uow.voting.election(code)
    assert election is not None
    manifest, key = voting.manifest(election), bytes.fromhex(election.joint_key)
    ballots = [ballot_json(encrypt_ballot(manifest, key, [i % 3] * 12, signing_key(code, card), seeded(i))[0])
               for i, card in enumerate(cards.secrets[:PHONES])]
    database.engine.dispose()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = start(tmp_path, port)
    acknowledged: list[str] = []
    first_answer = threading.Event()

    def phone(ballot: dict[str, object]) -> None:
        try:
            with httpx.Client(base_url=base, timeout=10) as client:
                page = client.get(f"/r/{code}/vote").text
                csrf = page.split('name="csrf-token" content="')[1].split('"')[0]
                answer = client.post(f"/api/rounds/{code}/ballots", json=ballot, headers={"X-CSRF-Token": csrf})
            if answer.status_code == 200:
                acknowledged.append(answer.json()["code"])
                first_answer.set()
        except httpx.HTTPError:
            pass  # the server died under this phone: it got no code, so it will cast again

    threads = [threading.Thread(target=phone, args=(b,)) for b in ballots]
    try:
        for t in threads:
            t.start()
        assert first_answer.wait(30)
        server.send_signal(signal.SIGKILL)
        for t in threads:
            t.join(30)
    finally:
        server.kill()
        server.wait()
    server = start(tmp_path, port)
    try:
        closing = Database.open(f"sqlite:///{tmp_path / 'tinnhiem.sqlite3'}")
        voting.close_voting(SqlUnitOfWork(closing), code)  # the record is published once voting has closed
        closing.engine.dispose()
        record = httpx.get(f"{base}/api/rounds/{code}/record", timeout=10).json()
    finally:
        server.kill()
        server.wait()
    stored = [b["code"] for b in record["ballots"]]
    print(f"acknowledged {len(acknowledged)}, stored {len(stored)} of {PHONES}")
    assert acknowledged, "no phone got an answer before the kill"
    assert (set(), len(stored)) == (set(acknowledged) - set(stored), len(set(stored)))
    assert set(stored) <= {b["code"] for b in ballots}
