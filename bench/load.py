"""Load: 500 delegates cast 44-subject encrypted ballots within one minute, PostgreSQL, two workers.

Goal (the hall at its busiest): no error, no lost ballot, 99th-percentile cast latency under 500 ms on this machine.
Command: .venv/bin/python -m bench load   (PostgreSQL at TINNHIEM_TEST_POSTGRES_URL or 127.0.0.1:5432)
Traffic goes to 127.0.0.1 only; the loop is bounded (one request per delegate) and stops by itself.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import httpx
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tinnhiem.crypto.ballot import encrypt_ballot
from tinnhiem.crypto.group import random_scalar
from tinnhiem.crypto.record import ballot_json
from tinnhiem.domain.model import Delegate, Round, Subject, VotingBody
from tinnhiem.services import rounds, voting
from tinnhiem.storage.db import Database
from tinnhiem.storage.repository import SqlUnitOfWork

RESULTS = Path(__file__).parent / "results"
DELEGATES, SUBJECTS, SECONDS, PORT = 500, 44, 60.0, 8931
POSTGRES = os.environ.get("TINNHIEM_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def _encrypt(args: tuple[dict[str, object], str, int]) -> dict[str, object]:
    manifest_json, key, seed = args
    from tinnhiem.crypto.manifest import Manifest

    m = Manifest(str(manifest_json["round_id"]), tuple(manifest_json["subjects"]), tuple(manifest_json["levels"]),  # type: ignore[arg-type]
                 int(manifest_json["max_ballots"]))  # type: ignore[call-overload]
    choices = [(seed + j) % 4 or None for j in range(SUBJECTS)]
    ballot, _ = encrypt_ballot(m, bytes.fromhex(key), [None if c is None else c - 1 for c in choices], random_scalar)
    return ballot_json(ballot)


async def _sign_in(client: httpx.AsyncClient, code: str, card: str) -> str:
    page = (await client.get(f"/r/{code}/vote")).text
    csrf = page.split('name="csrf-token" content="')[1].split('"')[0]
    await client.post(f"/r/{code}/vote/sign-in", data={"card": card, "csrf": csrf})
    return csrf


async def _campaign(base: str, code: str, cards: list[str], ballots: list[dict[str, object]]) -> dict[str, object]:
    limits = httpx.Limits(max_connections=DELEGATES)
    clients = [httpx.AsyncClient(base_url=base, follow_redirects=True, timeout=30, limits=limits) for _ in cards]
    semaphore = asyncio.Semaphore(20)

    async def sign(client: httpx.AsyncClient, card: str) -> str:
        async with semaphore:
            return await _sign_in(client, code, card)

    tokens = await asyncio.gather(*(sign(c, card) for c, card in zip(clients, cards, strict=True)))
    latencies: list[float] = []
    errors: list[str] = []
    start = time.perf_counter()

    async def cast(i: int) -> None:
        await asyncio.sleep(max(0.0, start + i * SECONDS / len(cards) - time.perf_counter()))
        began = time.perf_counter()
        response = await clients[i].post(f"/api/rounds/{code}/ballots", json=ballots[i],
                                         headers={"X-CSRF-Token": tokens[i]})
        latencies.append(time.perf_counter() - began)
        if response.status_code != 200:
            errors.append(f"{response.status_code} {response.text[:120]}")

    await asyncio.gather(*(cast(i) for i in range(len(cards))))
    elapsed = time.perf_counter() - start
    for c in clients:
        await c.aclose()
    latencies.sort()
    return {
        "casts": len(latencies), "errors": len(errors), "first_errors": errors[:3],
        "seconds": round(elapsed, 1),
        "latency_ms": {"p50": _ms(statistics.median(latencies)), "p95": _ms(_at(latencies, 0.95)),
                       "p99": _ms(_at(latencies, 0.99)), "max": _ms(latencies[-1])},
    }


def _at(ordered: list[float], share: float) -> float:
    return ordered[int(share * len(ordered)) - 1]


def _ms(seconds: float) -> int:
    return round(seconds * 1000)


def main() -> None:
    name = f"tinnhiem_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(POSTGRES, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(POSTGRES).set(database=name).render_as_string(hide_password=False)
    server = None
    try:
        database = Database.open(url)
        uow = SqlUnitOfWork(database)
        round_ = Round("nq96-2023", VotingBody("Quốc hội (thử tải)", DELEGATES), "Thử tải 500 đại biểu",
                       dt.date(2026, 11, 27),
                       tuple(Subject(f"Người được lấy phiếu {i + 1}", f"Chức vụ {i + 1}") for i in range(SUBJECTS)))
        delegates = tuple(Delegate(f"Đại biểu {i + 1}") for i in range(DELEGATES))
        code = rounds.create_round(uow, round_, delegates, code="load")
        voting.set_up_election(uow, code, ["A", "B", "C"], 2, random_scalar)
        cards = [card for _, card in voting.issue_cards(uow, code)]
        for i in range(DELEGATES):
            rounds.attend(uow, code, f"Đại biểu {i + 1}", "electronic")
        voting.open_voting(uow, code)
        with uow:
            election = uow.voting.election(code)
        assert election is not None
        with ProcessPoolExecutor(2) as pool:
            ballots = list(pool.map(_encrypt, [(election.manifest, election.joint_key, i) for i in range(DELEGATES)]))
        database.engine.dispose()
        env = os.environ | {"TINNHIEM_DATABASE_URL": url, "TINNHIEM_HOME": tempfile.mkdtemp(),
                            "TINNHIEM_SECRET_KEY": "bench", "TINNHIEM_ORGANISER_CODE": "B"}
        server = subprocess.Popen([sys.executable, "-m", "tinnhiem.cli.main", "serve", "--port", str(PORT),
                                   "--workers", "2"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        base = f"http://127.0.0.1:{PORT}"
        for _ in range(200):
            try:
                httpx.get(base, timeout=0.5)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        figures = asyncio.run(_campaign(base, code, cards, ballots))
        with SqlUnitOfWork(Database(database.engine)) as check:
            figures["ballots_stored"] = len(check.voting.ballots(code))
            figures["voters_stored"] = check.voting.turnout(code)
        figures["lost_ballots"] = figures["casts"] - figures["errors"] - figures["ballots_stored"]  # type: ignore[operator]
    finally:
        if server is not None:
            server.terminate()
            server.wait()
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    figures = {"delegates": DELEGATES, "subjects": SUBJECTS, "workers": 2, "database": "PostgreSQL"} | figures
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "load.json").write_text(json.dumps(figures, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(figures, indent=1))
