"""Load: delegates with 44-subject ballots (or 20), all at the chair's word (a burst) or spread (steady), on
PostgreSQL with two workers. Each delegate's phone does what a real one does — the sign-in page and its
scripts and style, the election, the card's sign-in proof, the ballot page and its scripts, then the
election again and the cast — and every request is timed, as is the whole. Each phone keeps static files
as a browser does (Cache-Control max-age, then If-None-Match), so a script it has is not fetched again.

Per scenario: the floor (delegates × one ballot's check ÷ cores, the check measured in the same run on the
same machine), the time from the first arrival to the last code given, their ratio, the server's CPU per
delegate beyond one ballot's check (the hall's own overhead), and the machine's load average before and
after (the machine may be shared: figures beside a load above the cores are not the hall's alone).

In the "signed-in" scenarios every phone signed in beforehand (when the chair asked) and only fetches the
election and casts at the chair's word. Server CPU (the app's processes,
not PostgreSQL's) is read from /proc for the timed part only. The load generator runs on the same machine, with
a lean HTTP/1.1 client (bench/phone_http.py). After each scenario, the server's CPU for the cheapest request
(a kept script's 304) is measured too: times the requests a phone makes, what no page or read can go below.

Command: .venv/bin/python -m bench load [SCENARIO …] (every scenario of SCENARIOS by default)
(PostgreSQL at TINNHIEM_TEST_POSTGRES_URL or 127.0.0.1:5432). Traffic goes to 127.0.0.1 only; the
loop is bounded (one sequence per delegate) and stops by itself.
Where the server's CPU goes: TINNHIEM_BENCH_PROFILE=/tmp/hall.prof .venv/bin/python -m bench load SCENARIO runs
one worker under cProfile (figures then not kept), read with ``python -m pstats /tmp/hall.prof``.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import datetime as dt
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bench.phone_http import Answer, Phone, PhoneError
from tinnhiem.crypto.ballot import cast_ballot, verify_cast_ballot
from tinnhiem.crypto.group import base_mul, mul, random_scalar
from tinnhiem.crypto.record import ballot_json, read_ballot, read_manifest
from tinnhiem.domain.model import Delegate, Round, Subject, VotingBody
from tinnhiem.services import cards, rounds, voting
from tinnhiem.storage.db import Database
from tinnhiem.storage.repository import SqlUnitOfWork
from tinnhiem.testing.hall import sign_in_body

RESULTS = Path(__file__).parent / "results"
SUBJECTS, PORT = 44, 8931  # the National Assembly's list (44 in 2023); a provincial committee rates about 20
PROFILE = os.environ.get("TINNHIEM_BENCH_PROFILE")  # a file: the server runs one worker under cProfile, kept there
POSTGRES = os.environ.get("TINNHIEM_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def _encrypt(args: tuple[dict[str, object], str, str, str, int]) -> dict[str, object]:
    manifest_json, election_hex, key, card, seed = args
    from tinnhiem.crypto.credentials import signing_key
    from tinnhiem.crypto.record import read_manifest

    m = read_manifest(manifest_json)
    choices = [(seed + j) % 4 or None for j in range(len(m.subjects))]
    election = bytes.fromhex(election_hex)  # E, fixed by the committee's signed card list
    ballot, _ = cast_ballot(m, election, bytes.fromhex(key), [None if c is None else c - 1 for c in choices],
                            signing_key(m.round_id, card), random_scalar)
    return ballot_json(ballot)


def _timer(timings: dict[str, list[float]], errors: list[str]) -> Any:
    async def timed(name: str, request: Any) -> Answer:
        start = time.perf_counter()
        try:
            response = await request
        except PhoneError as exc:
            errors.append(f"{name} transport {exc!r}"[:120])
            raise
        timings[name].append(time.perf_counter() - start)
        if response.status_code not in (200, 303, 304):
            errors.append(f"{name} {response.status_code} {response.text[:100]}")
        return response
    return timed


STATIC = re.compile(r'(?:src|href)="(/static/[^"]+)"')


class BrowserCache:
    """What one phone's browser keeps of the static files: each path's ETag and how long it is fresh."""

    def __init__(self) -> None:
        self.kept: dict[str, tuple[str, float]] = {}
        self.bytes = 0

    async def page_files(self, client: Phone, page: str, timed: Any) -> None:
        """The scripts and style a page names, fetched together as a browser does (fresh ones not at all)."""
        await asyncio.gather(*(self._fetch(client, path, timed) for path in dict.fromkeys(STATIC.findall(page))))

    async def _fetch(self, client: Phone, path: str, timed: Any) -> None:
        etag, fresh_until = self.kept.get(path, ("", 0.0))
        if time.monotonic() < fresh_until:
            return
        answer = await timed("static", client.get(path, headers={"If-None-Match": etag} if etag else {}))
        self.bytes += len(answer.content)
        control = answer.headers.get("cache-control", "")
        age = re.search(r"max-age=(\d+)", control)
        if "no-store" in control:
            self.kept.pop(path, None)
        else:
            self.kept[path] = (answer.headers.get("etag", ""), time.monotonic() + (int(age.group(1)) if age else 0))


async def _sign_in(client: Phone, code: str, card: str, timed: Any, cache: BrowserCache) -> str:
    """The phone scans its card: the sign-in page, the election, the sign-in proof, the ballot page; its CSRF token."""
    page = (await timed("page", client.get(f"/r/{code}/vote"))).text
    await cache.page_files(client, page, timed)
    csrf = page.split('name="csrf-token" content="')[1].split('"')[0]
    nonce = page.split('data-nonce="')[1].split('"')[0]
    election = (await timed("election", client.get(f"/api/rounds/{code}/election"))).json()
    body = sign_in_body(code, card, bytes.fromhex(election["election"]), nonce)
    await timed("sign_in", client.post(f"/api/rounds/{code}/sign-in", body, headers={"X-CSRF-Token": csrf}))
    ballot_page = (await timed("ballot_page", client.get(f"/r/{code}/vote/ballot"))).text
    await cache.page_files(client, ballot_page, timed)
    return csrf


async def _cast(client: Phone, code: str, csrf: str, ballot: dict[str, object], timed: Any) -> str | None:
    """Encrypt (the page fetches the election first; the ballot was encrypted beforehand) and cast: the code given."""
    await timed("cast_election", client.get(f"/api/rounds/{code}/election"))
    answer = await timed("cast", client.post(f"/api/rounds/{code}/ballots", ballot, headers={"X-CSRF-Token": csrf}))
    return str(answer.json()["code"]) if answer.status_code == 200 else None


async def _campaign(port: int, code: str, cards: list[str], ballots: list[dict[str, object]],
                    seconds: float, ready: bool, cpu: Callable[[], float]) -> dict[str, object]:
    """Delegate i starts at i·seconds/n: a burst when ``seconds`` is small, a steady stream when large.

    ``ready``: every phone signed in beforehand (when the chair asks, as operations.md advises), untimed; at the
    chair's word each one only fetches the election and casts. Otherwise each does the whole sequence then.
    """
    clients = [Phone("127.0.0.1", port) for _ in cards]
    timings: dict[str, list[float]] = collections.defaultdict(list)
    errors: list[str] = []
    timed = _timer(timings, errors)
    tokens: list[str] = [""] * len(cards)
    caches = [BrowserCache() for _ in cards]
    given: list[str | None] = [None] * len(cards)  # the tracking code each phone was given
    given_at: list[float] = []  # when each code was given, after the first arrival
    if ready:
        gate = asyncio.Semaphore(8)
        untimed = _timer(collections.defaultdict(list), errors)

        async def early(i: int) -> None:
            async with gate:
                tokens[i] = await _sign_in(clients[i], code, cards[i], untimed, caches[i])

        await asyncio.gather(*(early(i) for i in range(len(cards))))
    cpu_before, start = cpu(), time.perf_counter()

    async def one(i: int) -> None:
        await asyncio.sleep(max(0.0, start + i * seconds / len(cards) - time.perf_counter()))
        began = time.perf_counter()
        try:
            csrf = tokens[i] or await _sign_in(clients[i], code, cards[i], timed, caches[i])
            given[i] = await _cast(clients[i], code, csrf, ballots[i], timed)
            if given[i] is not None:
                given_at.append(time.perf_counter() - start)
        except PhoneError:
            pass  # counted where it happened
        timings["delegate"].append(time.perf_counter() - began)

    await asyncio.gather(*(one(i) for i in range(len(cards))))
    elapsed, server_cpu = time.perf_counter() - start, cpu() - cpu_before
    for c in clients:
        await c.close()
    return {
        "casts": len(timings["cast"]), "errors": len(errors), "first_errors": errors[:3], "codes": given,
        "errors_by_step": dict(collections.Counter(e.split()[0] for e in errors)), "seconds": round(elapsed, 1),
        "server_cpu_s": round(server_cpu, 1), "server_cpu_ms_per_delegate": round(1000 * server_cpu / len(cards)),
        "last_code_s": round(max(given_at, default=float("nan")), 2),
        "requests_per_delegate": round(sum(len(v) for k, v in timings.items() if k != "delegate") / len(cards), 1),
        "static_kb_per_delegate": round(sum(c.bytes for c in caches) / 1024 / len(cards), 1),
        "latency_ms": {name: _percentiles(values) for name, values in timings.items() if values},
    }


async def _request_floor(port: int, cpu: Callable[[], float], count: int = 800) -> float:
    """The server's CPU for the cheapest answer it gives (a kept script's 304: no page, no database), ms a request:
    what every request of a phone costs at least, in uvicorn, Starlette and the hall's middleware."""
    phones = [Phone("127.0.0.1", port) for _ in range(8)]
    page = (await phones[0].get("/admin")).text
    path = STATIC.findall(page)[0]
    etag = (await phones[0].get(path)).headers["etag"]

    async def ask(phone: Phone) -> None:
        for _ in range(count // len(phones)):
            await phone.get(path, headers={"If-None-Match": etag})

    before = cpu()
    await asyncio.gather(*(ask(p) for p in phones))
    spent = cpu() - before
    for p in phones:
        await p.close()
    return 1000 * spent / count


def machine(url: str, code: str, ballot: dict[str, object]) -> dict[str, float]:
    """What this machine pays for the check no cast can skip: one scalar multiplication (libsodium, µs) and
    the whole check of one ballot of the scenario (ms, the median of 5): figures from other machines
    compare through these."""
    database = Database.open(url)
    election = voting.election_view(SqlUnitOfWork(database), code)
    database.engine.dispose()
    assert election is not None
    m, key, read = read_manifest(election.manifest), bytes.fromhex(election.joint_key), read_ballot(ballot, "ballot")
    point, s = base_mul(random_scalar()), random_scalar()
    start = time.perf_counter()
    for _ in range(1000):
        mul(s, point)
    mult_us = (time.perf_counter() - start) * 1000
    checks, cpu = [], []
    for _ in range(5):
        start, start_cpu = time.perf_counter(), time.process_time()
        verify_cast_ballot(m, read.election, key, read)
        checks.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return {"scalar_mult_us": round(mult_us, 1), "ballot_check_ms": round(statistics.median(checks) * 1000, 1),
            "ballot_check_cpu_ms": round(statistics.median(cpu) * 1000, 1)}


def _percentiles(values: list[float]) -> dict[str, int]:
    ordered = sorted(values)
    return {"p50": _ms(statistics.median(ordered)), "p95": _ms(_at(ordered, 0.95)), "p99": _ms(_at(ordered, 0.99)),
            "max": _ms(ordered[-1])}


def _at(ordered: list[float], share: float) -> float:
    return ordered[max(0, int(share * len(ordered)) - 1)]


def _ms(seconds: float) -> int:
    return round(seconds * 1000)


def _cpu_seconds(root: int) -> float:
    """User + system CPU of a process and its children (the workers), from /proc."""
    total = 0.0
    tick = os.sysconf("SC_CLK_TCK")
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid, ppid = int(entry.name), int(fields[1])
        if pid == root or ppid == root:
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


def prepared(url: str, code: str, delegates: int, title: str,
             subjects: int = SUBJECTS) -> tuple[Database, list[str], list[dict[str, object]]]:
    """A 44-subject round of ``delegates`` present electronic voters, voting open: the database (its engine
    disposed, for a server to take over), the cards' secrets and one encrypted ballot per card."""
    database = Database.open(url)
    uow = SqlUnitOfWork(database)
    round_ = Round("nq96-2023", VotingBody("Quốc hội (thử tải)", delegates), title, dt.date(2026, 11, 27),
                   tuple(Subject(f"Người được lấy phiếu {i + 1}", f"Chức vụ {i + 1}") for i in range(subjects)))
    rounds.create_round(uow, round_, tuple(Delegate(f"Đại biểu {i + 1}") for i in range(delegates)), code=code)
    shares = {s.member: s.share for s in voting.set_up_election(uow, code, ["A", "B", "C"], 2, random_scalar)[:2]}
    made = cards.make_cards(cards.read_election_file(cards.election_file(uow, code)), delegates, shares)
    cards.upload(uow, code, made.public)
    for i in range(delegates):
        rounds.attend(uow, code, f"Đại biểu {i + 1}", "electronic")
    voting.open_voting(uow, code)
    election = voting.election_view(uow, code)
    assert election is not None and election.election_id is not None
    with ProcessPoolExecutor(2) as pool:
        ballots = list(pool.map(_encrypt, [(election.manifest, election.election_id, election.joint_key, card, i)
                                           for i, card in enumerate(made.secrets)], chunksize=8))
    database.engine.dispose()
    return database, list(made.secrets), ballots


@contextlib.contextmanager
def scratch_database() -> Iterator[str]:
    """A PostgreSQL database of its own for one run (its URL), dropped afterwards whatever happens."""
    name = f"tinnhiem_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(POSTGRES, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(POSTGRES).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()


def run(delegates: int, seconds: float, subjects: int = SUBJECTS, ready: bool = False) -> dict[str, object]:
    with scratch_database() as url:
        return _run_on(url, delegates, seconds, subjects, ready)


def _run_on(url: str, delegates: int, seconds: float, subjects: int, ready: bool) -> dict[str, object]:
    server = None
    try:
        code = "load"
        database, secrets, ballots = prepared(url, code, delegates, f"Thử tải {delegates} đại biểu", subjects)
        measured = machine(url, code, ballots[0])
        env = os.environ | {"TINNHIEM_DATABASE_URL": url, "TINNHIEM_HOME": tempfile.mkdtemp(),
                            "TINNHIEM_SECRET_KEY": "bench", "TINNHIEM_ORGANISER_CODE": "BENCH-HALL-2026"}
        command = ["-m", "bench.profiled_hall", str(PORT), PROFILE] if PROFILE else [
            "-m", "tinnhiem.cli.main", "serve", "--port", str(PORT), "--workers", "2"]
        server = subprocess.Popen([sys.executable, *command], env=env, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL)
        base = f"http://127.0.0.1:{PORT}"
        deadline = time.monotonic() + 300  # a loaded machine starts two workers slowly: never begin before they answer
        while True:
            try:
                httpx.get(base, timeout=5)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError("the server did not start") from None
                time.sleep(0.2)
        pid = server.pid
        load_before = os.getloadavg()
        figures = asyncio.run(_campaign(PORT, code, secrets, ballots, seconds, ready, lambda: _cpu_seconds(pid)))
        request_ms = asyncio.run(_request_floor(PORT, lambda: _cpu_seconds(pid)))  # after: the machine is as busy
        with SqlUnitOfWork(Database(database.engine)) as check:
            figures["ballots_stored"] = check.voting.turnout(code)
            kept = {b["code"] for b, _ in check.voting.ballots(code)}
        codes = [c for c in figures.pop("codes") if c is not None]  # type: ignore[attr-defined]
        figures["codes_given"] = len(codes)
        figures["lost_ballots"] = sum(c not in kept for c in codes)  # a code given, no ballot kept
        figures |= against_floor(delegates, measured["ballot_check_cpu_ms"], figures, load_before, os.getloadavg())
        figures |= {"request_floor_ms": round(request_ms, 2),  # the cheapest request's server CPU, × a phone's
                    "web_floor_ms_per_delegate": round(request_ms * figures["requests_per_delegate"], 1)}
    finally:
        if server is not None:
            server.terminate()
            server.wait()
    return {"delegates": delegates, "spread_s": seconds, "subjects": subjects, "signed_in_before": ready, "workers": 2,
            "database": "PostgreSQL"} | measured | figures


def against_floor(delegates: int, check_ms: float, figures: dict[str, Any], before: tuple[float, ...],
                  after: tuple[float, ...]) -> dict[str, object]:
    """The floor no server of this machine beats (every ballot checked once, every core busy; the check's CPU time,
    so that a shared machine's waiting is not counted in it), the last code's time beside it, what the hall spent
    beyond the checks (per delegate and as a share of one check), and how many cores the server had."""
    cores = os.cpu_count() or 1
    floor = delegates * check_ms / 1000 / cores
    overhead = figures["server_cpu_ms_per_delegate"] - check_ms
    used = figures["server_cpu_s"] / figures["seconds"] if figures["seconds"] else 0.0
    return {"cores": cores, "floor_s": round(floor, 2),
            "last_code_over_floor": round(figures["last_code_s"] / floor, 2),
            "overhead_ms_per_delegate": round(overhead, 1), "overhead_over_check": round(overhead / check_ms, 2),
            "server_cores_used": round(used, 2),  # of ``cores``: below them, others' work had the rest
            "load_average_before": [round(v, 2) for v in before], "load_average_after": [round(v, 2) for v in after]}


SCENARIOS: dict[str, tuple[int, float, int, bool]] = {  # delegates, seconds they start over, subjects, signed in before
    "burst-500-in-10s": (500, 10.0, SUBJECTS, False), "steady-500-in-60s": (500, 60.0, SUBJECTS, False),
    "burst-500-in-10s-signed-in": (500, 10.0, SUBJECTS, True),
    "burst-500-in-10s-20-subjects": (500, 10.0, 20, False),
    "burst-500-in-10s-20-subjects-signed-in": (500, 10.0, 20, True),
    "steady-2000-in-60s-20-subjects": (2000, 60.0, 20, False),
    "provincial-60-in-5s-12-subjects": (60, 5.0, 12, False),
}


def summary(scenario: str, f: dict[str, Any]) -> str:
    """One line a person reads: the floor, the last code, their ratio, the p99 wait, the overhead, the load."""
    return (f"{scenario}: floor {f['floor_s']} s ({f['delegates']} × {f['ballot_check_cpu_ms']} ms ÷ {f['cores']} "
            "cores), "
            f"last code {f['last_code_s']} s, ratio {f['last_code_over_floor']}; whole wait p99 "
            f"{f['latency_ms'].get('delegate', {}).get('p99')} ms; overhead {f['overhead_ms_per_delegate']} ms a "
            f"delegate ({f['overhead_over_check']} × a check; {f.get('requests_per_delegate')} requests at least "
            f"{f.get('request_floor_ms')} ms each); errors {f['errors']}, lost {f['lost_ballots']}; "
            f"server had {f['server_cores_used']} of {f['cores']} cores; load average {f['load_average_before'][0]} → "
            f"{f['load_average_after'][0]}")


def main() -> None:
    """``python -m bench load [SCENARIO]``: every scenario by default; figures in bench/results/load.json."""
    chosen = sys.argv[2:] or list(SCENARIOS)
    path = RESULTS / "load.json"
    kept = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    kept = kept if isinstance(kept, dict) and all(isinstance(v, dict) for v in kept.values()) else {}
    for scenario in chosen:
        when = dt.datetime.now(dt.UTC).isoformat(timespec="minutes")
        kept[scenario] = run(*SCENARIOS[scenario]) | {"measured_at": when}
        print(scenario, json.dumps(kept[scenario], indent=1))
        print(summary(scenario, kept[scenario]), flush=True)
        if PROFILE:  # one profiled worker: figures not comparable, not kept
            continue
        RESULTS.mkdir(exist_ok=True)
        path.write_text(json.dumps(kept, indent=1) + "\n", encoding="utf-8")  # each scenario kept as it ends
