"""An outside review, "memory for anyone": 24 wrong sign-ins at once raised a worker's peak memory by 321 MiB (Argon2id
takes 64 MiB a check, and nothing bounded how many ran at once). The attacker here posts 24 at once; the test
counts the checks running together (not timings): at most PASSWORD_CHECKS_AT_ONCE, and the ones beyond the
queue are refused as busy without an Argon2 computation. The memory itself: bench/passwords.py."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from tinnhiem.domain.errors import Busy, InvalidInput
from tinnhiem.services import accounts
from tinnhiem.storage.db import Database
from tinnhiem.storage.repository import SqlUnitOfWork
from tinnhiem.storage.tables import Base
from tinnhiem.web.app import create_app
from tinnhiem.web.settings import Settings

FLOOD = 24


class Counted:
    """Wraps libsodium's check: how many run at the same moment, at most (each held 0.3 s to overlap)."""

    def __init__(self) -> None:
        self.now = self.peak = self.calls = 0
        self.lock = threading.Lock()
        self.real = accounts.pwhash.verify

    def __call__(self, stored: bytes, password: bytes) -> bool:
        with self.lock:
            self.now += 1
            self.calls += 1
            self.peak = max(self.peak, self.now)
        try:
            time.sleep(0.3)
            return bool(self.real(stored, password))
        finally:
            with self.lock:
                self.now -= 1


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> Counted:
    counter = Counted()
    monkeypatch.setattr(accounts.pwhash, "verify", counter)
    return counter


@pytest.mark.postgres
def test_a_flood_of_wrong_sign_ins_runs_few_password_checks_at_once(postgres_database: Database,
                                                                    counted: Counted) -> None:
    """On PostgreSQL, as the hall runs (SQLite's file lock lets one sign-in in at a time anyway)."""
    database = postgres_database
    with database.engine.begin() as connection:
        connection.execute(text("TRUNCATE " + ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables) + " CASCADE"))
    accounts.ensure_first_admin(SqlUnitOfWork(database), "RIGHT-CODE-2026")
    outcomes: list[str] = []
    start = threading.Barrier(FLOOD)

    def guess(n: int) -> None:
        start.wait()
        try:
            accounts.sign_in(SqlUnitOfWork(database), "quantri", f"wrong-{n}")
        except (InvalidInput, Busy) as refused:
            outcomes.append(refused.code)

    threads = [threading.Thread(target=guess, args=(n,)) for n in range(FLOOD)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert FLOOD == len(outcomes) and set(outcomes) <= {"wrong-password", "busy"}
    assert counted.peak <= accounts.PASSWORD_CHECKS_AT_ONCE, counted.peak
    admitted = accounts.PASSWORD_CHECKS_AT_ONCE + accounts.PASSWORD_CHECKS_WAITING
    assert outcomes.count("busy") >= FLOOD - admitted and counted.calls == outcomes.count("wrong-password")


def test_busy_is_answered_503_and_the_right_password_signs_in_after(tmp_path: Path, counted: Counted) -> None:
    """The page says the hall is busy (503), in both languages; once the flood is over the holder signs in."""
    app = create_app(Settings(database_url=f"sqlite:///{tmp_path / 'b.sqlite3'}", home=tmp_path,
                              secret_key="secret", organiser_code="RIGHT-CODE-2026"))
    client = TestClient(app)
    token = client.get("/admin").text.split('name="csrf-token" content="')[1].split('"')[0]
    held = [accounts._admitted.acquire(blocking=False) for _ in range(accounts.PASSWORD_CHECKS_AT_ONCE
                                                                       + accounts.PASSWORD_CHECKS_WAITING)]
    try:
        busy = client.post("/admin/sign-in", data={"login": "quantri", "password": "RIGHT-CODE-2026", "csrf": token})
    finally:
        for taken in held:
            if taken:
                accounts._admitted.release()
    assert 503 == busy.status_code and "Máy chủ đang bận" in busy.text
    signed = client.post("/admin/sign-in", data={"login": "quantri", "password": "RIGHT-CODE-2026", "csrf": token},
                         follow_redirects=False)
    assert 303 == signed.status_code
