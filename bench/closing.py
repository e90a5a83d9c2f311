"""Closing on PostgreSQL: how long erasing the order of voting takes, step by step.

A round of 200 delegates (40 of them latecomers who vote at once) on a fresh PostgreSQL database;
voting closes (the voting tables rewritten in key order, storage/voting_store.py) and then the
erasure of storage/erasure.py runs: VACUUM FULL of the voting tables, a switch out of the current
log segment and a CHECKPOINT, then a switch per segment until every segment pg_wal held is overwritten.
The time of each step depends on the server: the number of segments in pg_wal (min_wal_size, and
more after busy times, up to max_wal_size) sets the number of 16 MB segments written.
Command: .venv/bin/python -m bench closing   (TINNHIEM_TEST_POSTGRES_URL, else the local server)
"""

from __future__ import annotations

import json
import os
import random
import time
import uuid
from dataclasses import replace
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tinnhiem.crypto.ballot import encrypt_ballot
from tinnhiem.crypto.credentials import signing_key
from tinnhiem.crypto.record import ballot_json
from tinnhiem.domain.model import Delegate
from tinnhiem.services import cards, reserve, roundfile, rounds, voting
from tinnhiem.storage.db import Database
from tinnhiem.storage.erasure import erase_postgres_history
from tinnhiem.storage.repository import SqlUnitOfWork
from tinnhiem.storage.voting_store import WRITTEN_WHILE_OPEN
from tinnhiem.testing import demo
from tinnhiem.testing.hall import COMMITTEE, seal_reserve
from tinnhiem.testing.simulate import seeded, seeded_cards

RESULTS = Path(__file__).parent / "results"
URL = os.environ.get("TINNHIEM_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
DELEGATES, LATE = 200, 40


def _round(uow: SqlUnitOfWork) -> None:
    generator = random.Random(1)
    round_ = roundfile.parse_round(roundfile.load(demo.demo_file()))[0]
    names = [f"Đại biểu {i}" for i in range(1, DELEGATES + 1)]
    rounds.create_round(uow, replace(round_, conference=replace(round_.conference, convened=DELEGATES, present=None)),
                        tuple(Delegate(n) for n in names), code="b")
    voting.set_up_election(uow, "b", ["Hà Văn Tâm", "Lâm Thị Kim Oanh", "Tạ Quang Vinh"], 2, seeded(1))
    stack = seeded_cards("b", DELEGATES, 1)
    cards.upload(uow, "b", cards.card_set("b", stack).public)
    for name in names[: DELEGATES - LATE]:
        rounds.attend(uow, "b", name, "electronic")
    seal_reserve(uow, "b", stack[DELEGATES - LATE:])  # the latecomers' cards: one released at each late check-in
    voting.open_voting(uow, "b")
    with uow:
        election = uow.voting.election("b")
    assert election is not None
    manifest, key = voting.manifest(election), bytes.fromhex(election.joint_key)
    for i, name in enumerate(names):
        if i >= DELEGATES - LATE:
            rounds.attend(uow, "b", name, "electronic")
            reserve.release(uow, "b", member=COMMITTEE[0])
        choices = [generator.randrange(3) for _ in manifest.subjects]
        voting.cast(uow, "b", ballot_json(encrypt_ballot(manifest, key, choices, signing_key("b", stack[i]),
                                                         seeded(i))[0]))


def main() -> None:
    name = f"tinnhiem_bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    database = Database.open(make_url(URL).set(database=name).render_as_string(hide_password=False))
    try:
        uow = SqlUnitOfWork(database)
        _round(uow)
        started = time.perf_counter()
        voting.close_voting(uow, "b")  # the close, its rewrite and the whole erasure
        whole = time.perf_counter() - started
        steps: dict[str, float] = {}
        erase_postgres_history(database.engine, [t.name for t in WRITTEN_WHILE_OPEN], steps)  # again, timed
        figures = {"delegates": DELEGATES, "latecomers": LATE, "close_seconds": round(whole, 2),
                   **{k: round(v, 2) for k, v in steps.items()}}
        with admin.connect() as connection:
            figures |= {s: connection.execute(text(f"SHOW {s}")).scalar() for s in ("min_wal_size", "max_wal_size")}
    finally:
        database.engine.dispose()
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()
    print(json.dumps(figures, ensure_ascii=False))
    (RESULTS / "closing.json").write_text(json.dumps(figures, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
