"""Electronic voting on real SQLite and PostgreSQL: cards, quorum, casting once, challenges, decryption."""

from __future__ import annotations

import threading
from dataclasses import replace

import pytest
from sqlalchemy import text

from tinnhiem.crypto.ballot import encrypt_ballot
from tinnhiem.crypto.record import ballot_json
from tinnhiem.crypto.verify import verify
from tinnhiem.domain.errors import InvalidInput, QuorumNotMet
from tinnhiem.domain.model import Delegate, Level
from tinnhiem.services import roundfile, rounds, voting
from tinnhiem.storage.db import Database
from tinnhiem.storage.repository import SqlUnitOfWork
from tinnhiem.testing import demo
from tinnhiem.testing.simulate import seeded

CODE = "hall"


@pytest.fixture
def hall(uow: SqlUnitOfWork) -> dict[str, object]:
    """The demo round with 55 delegates, a 3-member committee (k = 2), cards, 40 present: voting open."""
    round_ = roundfile.parse_round(roundfile.load(demo.demo_file()))[0]
    rounds.create_round(uow, replace(round_), tuple(Delegate(f"Đại biểu {i}") for i in range(1, 56)), code=CODE)
    shares = voting.set_up_election(uow, CODE, ["Hà Văn Tâm", "Lâm Thị Kim Oanh", "Tạ Quang Vinh"], 2, seeded(1))
    cards = dict(voting.issue_cards(uow, CODE))
    for i in range(1, 41):
        rounds.attend(uow, CODE, f"Đại biểu {i}", "electronic")
    voting.open_voting(uow, CODE)
    with uow:
        election = uow.voting.election(CODE)
    assert election is not None
    return {"cards": cards, "shares": shares, "manifest": voting.manifest(election),
            "key": bytes.fromhex(election.joint_key)}


def ballot(hall: dict[str, object], choices: list[int | None], seed: int) -> dict[str, object]:
    encrypted, _ = encrypt_ballot(hall["manifest"], hall["key"], choices, seeded(seed))  # type: ignore[arg-type]
    return ballot_json(encrypted)


def test_sign_in_with_the_card_code_only(uow: SqlUnitOfWork, hall: dict[str, object]) -> None:
    """The card's code signs its delegate in; a wrong code names no one."""
    cards: dict[str, str] = hall["cards"]  # type: ignore[assignment]
    _, name = voting.sign_in(uow, CODE, cards["Đại biểu 7"].lower())
    assert "Đại biểu 7" == name
    wrong = cards["Đại biểu 7"][:-1] + ("A" if cards["Đại biểu 7"][-1] != "A" else "B")
    with pytest.raises(InvalidInput) as caught:
        voting.sign_in(uow, CODE, wrong)
    assert "bad-code" == caught.value.code


def test_codes_are_stored_hashed(database: Database, hall: dict[str, object]) -> None:
    """No printed code appears in the database."""
    with database.session() as session:
        stored = " ".join(row for (row,) in session.execute(text("SELECT code_hash FROM sign_in_codes")))
    assert not any(card.split("-", 1)[1].replace("-", "") in stored for card in hall["cards"].values())  # type: ignore[attr-defined]


def test_cast_once_retry_returns_the_same_code(uow: SqlUnitOfWork, hall: dict[str, object]) -> None:
    """A retry of the same ballot returns its code; a second, different ballot is refused."""
    delegate, _ = voting.sign_in(uow, CODE, hall["cards"]["Đại biểu 1"])  # type: ignore[index]
    first = ballot(hall, [0] * 12, seed=2)
    code = voting.cast(uow, CODE, delegate, first)
    assert code == voting.cast(uow, CODE, delegate, first)
    with pytest.raises(InvalidInput) as caught:
        voting.cast(uow, CODE, delegate, ballot(hall, [1] * 12, seed=3))
    assert "already-voted" == caught.value.code
    with uow:
        assert 1 == uow.voting.turnout(CODE)


def test_a_bad_ballot_is_refused_and_nothing_is_stored(uow: SqlUnitOfWork, hall: dict[str, object]) -> None:
    """A ballot whose proof fails is refused before storage; the delegate can still vote."""
    delegate, _ = voting.sign_in(uow, CODE, hall["cards"]["Đại biểu 2"])  # type: ignore[index]
    bad = ballot(hall, [0] * 12, seed=4)
    bad["rows"][3]["z"][0] = bad["rows"][3]["z"][1]  # type: ignore[index]
    with pytest.raises(InvalidInput) as caught:
        voting.cast(uow, CODE, delegate, bad)
    assert "ballot-refused" == caught.value.code
    with uow:
        assert (0, False) == (uow.voting.turnout(CODE), uow.voting.has_voted(delegate))


def test_a_copied_ballot_is_refused(uow: SqlUnitOfWork, hall: dict[str, object]) -> None:
    """Another delegate replaying a cast ballot is refused by the ciphertext constraint."""
    first, _ = voting.sign_in(uow, CODE, hall["cards"]["Đại biểu 3"])  # type: ignore[index]
    second, _ = voting.sign_in(uow, CODE, hall["cards"]["Đại biểu 4"])  # type: ignore[index]
    cast = ballot(hall, [2] * 12, seed=5)
    voting.cast(uow, CODE, first, cast)
    with pytest.raises(InvalidInput) as caught:
        voting.cast(uow, CODE, second, cast)
    assert "ballot-refused" == caught.value.code


def test_challenge_opens_the_ballot_and_it_cannot_be_cast(uow: SqlUnitOfWork, hall: dict[str, object]) -> None:
    """Benaloh: the spoiled ballot opens to the choices made; it can never be cast afterwards."""
    choices: list[int | None] = [0, 1, 2, None] * 3
    encrypted, opened = encrypt_ballot(hall["manifest"], hall["key"], choices, seeded(6))  # type: ignore[arg-type]
    secrets = {"values": list(opened.values), "nonces": [r.to_bytes(32, "little").hex() for r in opened.nonces]}
    assert choices == voting.challenge(uow, CODE, ballot_json(encrypted), secrets)
    delegate, _ = voting.sign_in(uow, CODE, hall["cards"]["Đại biểu 5"])  # type: ignore[index]
    with pytest.raises(InvalidInput) as caught:
        voting.cast(uow, CODE, delegate, ballot_json(encrypted))
    assert ("ballot-refused", "ballot", "duplicate") == (caught.value.code, caught.value.field, caught.value.params["reason"])


def test_voting_opens_only_with_quorum(uow: SqlUnitOfWork) -> None:
    """R-QUORUM: 36 of 55 present is below two thirds (37 needed); the refusal says so."""
    round_ = roundfile.parse_round(roundfile.load(demo.demo_file()))[0]
    round_ = replace(round_, conference=replace(round_.conference, present=None))
    rounds.create_round(uow, round_, tuple(Delegate(f"Đại biểu {i}") for i in range(1, 56)), code="q")
    voting.set_up_election(uow, "q", ["A", "B"], 2, seeded(1))
    for i in range(1, 37):
        rounds.attend(uow, "q", f"Đại biểu {i}", "electronic")
    with pytest.raises(QuorumNotMet) as caught:
        voting.open_voting(uow, "q")
    assert "37" in caught.value.message("vi")
    rounds.attend(uow, "q", "Đại biểu 37", "paper")
    voting.open_voting(uow, "q")


def test_decryption_by_two_members_counts_and_verifies(uow: SqlUnitOfWork, hall: dict[str, object]) -> None:
    """Two of three members decrypt; the record verifies; the electronic totals are the choices cast."""
    for i, choice in enumerate([0, 0, 1, 2, None], start=10):
        delegate, _ = voting.sign_in(uow, CODE, hall["cards"][f"Đại biểu {i}"])  # type: ignore[index]
        voting.cast(uow, CODE, delegate, ballot(hall, [choice] * 12, seed=100 + i))
    voting.close_voting(uow, CODE)
    shares = {s.member: s.share for s in hall["shares"] if s.member in (1, 3)}  # type: ignore[attr-defined]
    record = voting.decrypt(uow, CODE, shares, seeded(9))
    verified = verify(record)
    assert ((2, 1, 1), 1) == (verified.counts[0], verified.empty[0])
    with uow:
        electronic = uow.rounds.channel_totals(CODE)["electronic"]
    assert (2, 1) == (electronic[5].counts[Level.HIGH], electronic[5].invalid)


def _race(database: Database, hall: dict[str, object]) -> tuple[int, int]:
    """Two workers cast two different ballots for one delegate at the same instant."""
    uow = SqlUnitOfWork(database)
    delegate, _ = voting.sign_in(uow, CODE, hall["cards"]["Đại biểu 20"])  # type: ignore[index]
    ballots = [ballot(hall, [0] * 12, seed=200), ballot(hall, [2] * 12, seed=201)]
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def cast(data: dict[str, object]) -> None:
        barrier.wait()
        try:
            voting.cast(SqlUnitOfWork(database), CODE, delegate, data)
            outcomes.append("stored")
        except InvalidInput:
            outcomes.append("refused")

    threads = [threading.Thread(target=cast, args=(b,)) for b in ballots]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    with uow:
        stored = len(uow.voting.ballots(CODE))
    return stored, outcomes.count("stored")


@pytest.mark.postgres
@pytest.mark.parametrize("database", ["postgresql"], indirect=True)
def test_race_without_the_constraint_stores_two_ballots(database: Database, hall: dict[str, object]) -> None:
    """The pair's first half: with uq_voters_delegate dropped, two tabs store two ballots."""
    with database.engine.begin() as connection:
        connection.execute(text("ALTER TABLE voters DROP CONSTRAINT uq_voters_delegate"))
    try:
        assert (2, 2) == _race(database, hall)
    finally:
        with database.engine.begin() as connection:
            connection.execute(text("TRUNCATE voters, cast_ballots, ciphertexts CASCADE"))
            connection.execute(text("ALTER TABLE voters ADD CONSTRAINT uq_voters_delegate UNIQUE (delegate_id)"))


@pytest.mark.postgres
@pytest.mark.parametrize("database", ["postgresql"], indirect=True)
def test_race_with_the_constraint_stores_one_ballot(database: Database, hall: dict[str, object]) -> None:
    """The pair's second half: the database constraint lets exactly one of two racing ballots in."""
    assert (1, 1) == _race(database, hall)


def test_members_send_proven_shares_and_k_of_them_finish_the_tally(uow: SqlUnitOfWork, hall: dict[str, object]) -> None:
    """A member's device sends shares; a share whose proof fails is refused; the k-th finishes the tally."""
    from tinnhiem.crypto.decryption import decrypt_share
    from tinnhiem.crypto.elgamal import Ciphertext

    delegate, _ = voting.sign_in(uow, CODE, hall["cards"]["Đại biểu 30"])  # type: ignore[index]
    voting.cast(uow, CODE, delegate, ballot(hall, [1] * 12, seed=300))
    voting.close_voting(uow, CODE)
    tally = voting.tally_for_members(uow, CODE)
    sums = [Ciphertext(bytes.fromhex(r["alpha"]), bytes.fromhex(r["beta"])) for r in tally["rows"]]  # type: ignore[attr-defined, index]
    secret = {s.member: s.share for s in hall["shares"]}  # type: ignore[attr-defined]
    m = hall["manifest"]

    def shares(member: int, secret_share: int) -> list[dict[str, object]]:
        made = [decrypt_share(member, secret_share, ct, m.hash, j, seeded(member)) for j, ct in enumerate(sums)]  # type: ignore[attr-defined]
        return [{"member": member, "M": s.partial.hex(), "c": s.proof.challenge.to_bytes(32, "little").hex(),
                 "z": s.proof.response.to_bytes(32, "little").hex()} for s in made]

    with pytest.raises(InvalidInput) as caught:
        voting.submit_shares(uow, CODE, 2, shares(2, secret[1]))  # member 1's secret presented as member 2's
    assert ("ballot-refused", "shares") == (caught.value.code, caught.value.field)
    assert "closed" == voting.submit_shares(uow, CODE, 2, shares(2, secret[2]))
    assert "tallied" == voting.submit_shares(uow, CODE, 3, shares(3, secret[3]))
    with uow:
        electronic = uow.rounds.channel_totals(CODE)["electronic"]
    assert 1 == electronic[0].counts[Level.CONFIDENCE]
