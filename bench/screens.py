"""Screens: 500 delegates cast within one minute while 200 projector screens stream (PostgreSQL, two workers, Redis).

Goal (the hall at the chair's word): 200 screens add under 10 % to cast latency; the hub reads the state once per change
per worker (web/live.py), where each stream used to re-read it at every cast.
Command: .venv/bin/python -m bench screens   (PostgreSQL as for `load`, Redis at TINNHIEM_REDIS_URL or 127.0.0.1:6379)
It runs the same campaign twice, without and with the screens, and records the machine's load average
before and after each (on a shared machine other work moves the figures).
Traffic goes to 127.0.0.1 only and stops by itself.
The delegates' flow is the one of bench/load.py (the whole phone sequence, with the card's proof).
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import httpx

from bench.load import _campaign, _cpu_seconds, prepared, scratch_database

RESULTS = Path(__file__).parent / "results"
DELEGATES, SUBJECTS, SCREENS, PORT = 500, 44, 200, 8932
POSTGRES = os.environ.get("TINNHIEM_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
REDIS = os.environ.get("TINNHIEM_REDIS_URL", "redis://127.0.0.1:6379/0")


def _prepared(url: str, code: str) -> tuple[list[str], list[dict[str, object]]]:
    """A round of 500 present delegates, voting open (as bench/load.py makes it); cards and ballots."""
    _, cards, ballots = prepared(url, code, DELEGATES, "Thử 200 màn hình")
    return cards, ballots


async def _with_screens(base: str, code: str, cards: list[str], ballots: list[dict[str, object]],
                        screens: int, cpu: Callable[[], float]) -> dict[str, object]:
    """The campaign while ``screens`` event streams stay open; how many updates the screens received."""
    updates = [0] * screens

    async def screen(i: int, client: httpx.AsyncClient) -> None:
        async with client.stream("GET", f"/r/{code}/events") as response:
            async for line in response.aiter_lines():
                updates[i] += line.startswith("data: ")

    client = httpx.AsyncClient(base_url=base, timeout=None, limits=httpx.Limits(max_connections=None))
    tasks = [asyncio.create_task(screen(i, client)) for i in range(screens)]
    while screens and min(updates) == 0:
        await asyncio.sleep(0.1)
    figures = await _campaign(base, code, cards, ballots, 60.0, False, cpu)
    figures.pop("codes")
    await asyncio.sleep(1)
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    await client.aclose()
    return figures | {"screens": screens, "updates_per_screen_min": min(updates) if screens else 0}


def _serve(url: str) -> subprocess.Popen[bytes]:
    env = os.environ | {"TINNHIEM_DATABASE_URL": url, "TINNHIEM_HOME": tempfile.mkdtemp(), "TINNHIEM_REDIS_URL": REDIS,
                        "TINNHIEM_SECRET_KEY": "bench", "TINNHIEM_ORGANISER_CODE": "BENCH-HALL-2026"}
    server = subprocess.Popen([sys.executable, "-m", "tinnhiem.cli.main", "serve", "--port", str(PORT),
                               "--workers", "2"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(200):
        try:
            httpx.get(f"http://127.0.0.1:{PORT}", timeout=0.5)
            break
        except httpx.TransportError:
            time.sleep(0.1)
    return server


def _run(screens: int) -> dict[str, object]:
    with scratch_database() as url:
        server = None
        try:
            cards, ballots = _prepared(url, "screens")
            server = _serve(url)
            before = os.getloadavg()[0]
            pid = server.pid
            figures = asyncio.run(_with_screens(f"http://127.0.0.1:{PORT}", "screens", cards, ballots, screens,
                                                lambda: _cpu_seconds(pid)))
            return figures | {"load_average_1min": [round(before, 1), round(os.getloadavg()[0], 1)]}
        finally:
            if server is not None:
                server.terminate()
                server.wait()


def main() -> None:
    runs = [_run(0), _run(SCREENS)]
    p50 = [int(r["latency_ms"]["cast"]["p50"]) for r in runs]  # type: ignore[index]
    figures = {"delegates": DELEGATES, "subjects": SUBJECTS, "workers": 2, "database": "PostgreSQL", "redis": True,
               "without_screens": runs[0], "with_screens": runs[1],
               "p50_added_percent": round(100 * (p50[1] - p50[0]) / p50[0], 1)}
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "screens.json").write_text(json.dumps(figures, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(figures, indent=1))
