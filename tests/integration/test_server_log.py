"""The operator reads PostgreSQL's own log: no card, no tracking code, no ciphertext in it.

PostgreSQL logs every statement that fails, with the failing key: a unique violation reads
``Key (round_id, credential)=(1, 5f0e…) already exists``, with the time. A phone that resends its
ballot (a lost answer, a second tap) or a copied ballot would so put a card's credential, and when
it voted, in the server's log. The store refuses a repeated key without raising it (INSERT … ON
CONFLICT DO NOTHING, then the count of rows written).

The log is found as an operator would: ``pg_current_logfile()`` when the server's logging collector
runs, else the server's standard error (``/proc/self/fd/2`` of the backend, where Debian's
``pg_ctlcluster`` sends it: /var/log/postgresql/). It is read through the database (superuser's
``pg_read_file``), from where it ended before the test, so lines of other sessions are left aside.
"""

from __future__ import annotations

import random
from dataclasses import replace
from typing import Any

import pytest
from sqlalchemy import Connection, text

from tinnhiem.crypto.ballot import cast_ballot, encrypt_ballot, sign_ballot
from tinnhiem.crypto.credentials import signing_key
from tinnhiem.crypto.record import ballot_json, encrypted_ballot_json, secrets_json
from tinnhiem.domain.errors import InvalidInput
from tinnhiem.domain.model import Delegate
from tinnhiem.services import cards, roundfile, rounds, voting
from tinnhiem.storage.db import Database
from tinnhiem.storage.repository import SqlUnitOfWork
from tinnhiem.testing import demo
from tinnhiem.testing.hall import signed_cards
from tinnhiem.testing.simulate import seeded, seeded_bytes, seeded_cards

pytestmark = [pytest.mark.postgres, pytest.mark.parametrize("database", ["postgresql"], indirect=True)]

CODE = "nhatky"


def _log_file(connection: Connection) -> str:
    """Where the server writes its log, as a path ``pg_read_file`` takes; skips when it is not a file."""
    if connection.execute(text("SHOW logging_collector")).scalar() == "on":
        current = connection.execute(text("SELECT pg_current_logfile('stderr')")).scalar()
        if current:
            return str(current)
    try:
        size = connection.execute(text("SELECT size FROM pg_stat_file('/proc/self/fd/2', true)")).scalar()
    except Exception:  # not Linux, or not allowed to read server files
        pytest.skip("the server's log cannot be read through the database here")
    if not size:
        pytest.skip("the server's standard error is not a file (a pipe, the journal or /dev/null)")
    return "/proc/self/fd/2"


def _log_size(connection: Connection, path: str) -> int:
    return int(connection.execute(text("SELECT size FROM pg_stat_file(:p)"), {"p": path}).scalar() or 0)


def test_a_resent_or_copied_ballot_leaves_no_card_in_the_server_log(database: Database, uow: SqlUnitOfWork) -> None:
    """Resent ballots, a second ballot of a used card, a copied ciphertext: each answered as before
    (the same code, ``card-used``, ``ballot-copied``), and the log written meanwhile names no card,
    no tracking code and no α of this round. Before the fix it held each with ``already exists``."""
    seed = random.SystemRandom().randrange(2**32)  # cards of this run only: other sessions share the log
    round_ = roundfile.parse_round(roundfile.load(demo.demo_file()))[0]
    rounds.create_round(uow, replace(round_), tuple(Delegate(f"Đại biểu {i}") for i in range(1, 56)), code=CODE)
    shares = voting.set_up_election(uow, CODE, ["Hà Văn Tâm", "Lâm Thị Kim Oanh", "Tạ Quang Vinh"], 2, seeded(seed))
    stack = seeded_cards(CODE, 6, seed)
    cards.upload(uow, CODE, signed_cards(uow, CODE, stack, {s.member: s.share for s in shares[:2]}).public)
    for i in range(1, 41):
        rounds.attend(uow, CODE, f"Đại biểu {i}", "electronic")
    voting.open_voting(uow, CODE)
    with uow:
        election = uow.voting.election(CODE)
    assert election is not None
    assert election.election_id is not None
    manifest, key, identity = voting.manifest(election), bytes.fromhex(election.joint_key), \
        bytes.fromhex(election.election_id)

    def ballot(card: int, choice: int, nonce: int) -> dict[str, Any]:
        cast = cast_ballot(manifest, identity, key, [choice] * len(manifest.subjects),
                           signing_key(CODE, stack[card]), seeded(seed + nonce), seeded_bytes(seed + nonce))[0]
        return ballot_json(cast)

    with database.engine.connect() as connection:
        path = _log_file(connection)
        start = _log_size(connection, path)
    sent = [ballot(card, card % 3, card) for card in range(4)]
    for data in sent:
        code = voting.cast(uow, CODE, data).code
        assert (code, code) == (voting.cast(uow, CODE, data).code, voting.cast(uow, CODE, data).code)  # resent twice
    with pytest.raises(InvalidInput) as caught:
        voting.cast(uow, CODE, ballot(0, 2, 100))  # the card's second, different ballot
    assert "card-used" == caught.value.code
    encrypted, opened = encrypt_ballot(manifest, identity, key, [1] * len(manifest.subjects), seeded(seed + 101),
                                       seeded_bytes(seed + 101))
    voting.challenge(uow, CODE, {"ballot": encrypted_ballot_json(encrypted)} | secrets_json(opened))
    signed = ballot_json(sign_ballot(encrypted, signing_key(CODE, stack[4]), seeded(seed + 102)))
    with pytest.raises(InvalidInput) as caught:
        voting.cast(uow, CODE, signed)  # a challenged ballot cast after all: its α are known
    assert "ballot-copied" == caught.value.code
    sent.append(signed)
    with database.engine.connect() as connection:
        written = connection.execute(text("SELECT pg_read_file(:p, :start, :length)"), {
            "p": path, "start": start, "length": _log_size(connection, path) - start}).scalar() or ""
    secrets = {data["credential"] for data in sent} | {data["code"] for data in sent} \
        | {row["alpha"] for data in sent for row in data["rows"]}
    found = sorted(s for s in secrets if s in written)
    assert not found, f"{len(found)} credentials, codes or α in the server's log, e.g. {found[:2]}"
