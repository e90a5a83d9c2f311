"""Two members' devices change the key ceremony at the same instant, through two workers (PostgreSQL).

The ceremony's state is read and written under one database row lock (services/key_ceremony.py), so
neither change is lost. The pair's first half shows the race without the lock: one member's device key
is overwritten by the other's write.
"""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest

from tinnhiem.crypto.group import base_mul
from tinnhiem.domain.model import Delegate
from tinnhiem.services import key_ceremony, roundfile, rounds
from tinnhiem.storage.db import Database
from tinnhiem.storage.repository import SqlCeremonyStore, SqlUnitOfWork
from tinnhiem.testing import demo


def race(database: Database, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Members 1 and 2 join at once; each device's check is slowed so that both read before either writes."""
    round_ = roundfile.parse_round(roundfile.load(demo.demo_file()))[0]
    rounds.create_round(SqlUnitOfWork(database), round_, (Delegate("A"),), code="race")
    codes = key_ceremony.start(SqlUnitOfWork(database), "race", ["Hà Văn Tâm", "Lâm Thị Kim Oanh", "Tạ Quang Vinh"], 2)
    real_point = key_ceremony.point

    def slow_point(data: bytes, **kwargs: Any) -> bytes:
        time.sleep(0.5)
        return real_point(data, **kwargs)

    monkeypatch.setattr(key_ceremony, "point", slow_point)
    barrier = threading.Barrier(2)

    def join(member: int) -> None:
        barrier.wait()
        key_ceremony.join(SqlUnitOfWork(database), "race", member, codes[member - 1][1], base_mul(10 + member).hex())

    threads = [threading.Thread(target=join, args=(m,)) for m in (1, 2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return sorted(key_ceremony.public_state(SqlUnitOfWork(database), "race")["devices"])


@pytest.mark.postgres
@pytest.mark.parametrize("database", ["postgresql"], indirect=True)
def test_without_the_row_lock_one_device_key_is_lost(database: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    """The pair's first half: reading without FOR UPDATE, the second write drops the first device key."""
    unlocked = SqlCeremonyStore.ceremony
    monkeypatch.setattr(SqlCeremonyStore, "ceremony", lambda self, code, lock=False: unlocked(self, code))
    assert 1 == len(race(database, monkeypatch))


@pytest.mark.postgres
@pytest.mark.parametrize("database", ["postgresql"], indirect=True)
def test_with_the_row_lock_both_device_keys_are_kept(database: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    """The pair's second half: under the row lock the second join waits and both device keys are kept."""
    assert ["1", "2"] == race(database, monkeypatch)


def test_a_ceremony_code_takes_one_device_only(database: Database) -> None:
    """The abuse suite joined as member 1 twice with the same code: the second device silently replaced the
    first's key. Each step is done once per member; a lost device means a new ceremony."""
    from tinnhiem.domain.errors import InvalidInput

    round_ = roundfile.parse_round(roundfile.load(demo.demo_file()))[0]
    rounds.create_round(SqlUnitOfWork(database), round_, (Delegate("A"),), code="once")
    codes = key_ceremony.start(SqlUnitOfWork(database), "once", ["Hà Văn Tâm", "Lâm Thị Kim Oanh", "Tạ Quang Vinh"], 2)
    key_ceremony.join(SqlUnitOfWork(database), "once", 1, codes[0][1], base_mul(11).hex())
    with pytest.raises(InvalidInput) as caught:
        key_ceremony.join(SqlUnitOfWork(database), "once", 1, codes[0][1], base_mul(12).hex())
    assert "ceremony-step-done" == caught.value.code
    assert {"1": base_mul(11).hex()} == key_ceremony.public_state(SqlUnitOfWork(database), "once")["devices"]
