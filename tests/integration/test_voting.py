"""Electronic voting on real SQLite and PostgreSQL: cards, quorum, casting once, challenges, states, decryption."""

from __future__ import annotations

import contextlib
import threading
import time
from dataclasses import replace
from typing import Any

import pytest
from sqlalchemy import event, text
from sqlalchemy.exc import DBAPIError

from tinnhiem.crypto.ballot import encrypt_ballot
from tinnhiem.crypto.credentials import public_credential, sign, signing_key
from tinnhiem.crypto.manifest import Manifest
from tinnhiem.crypto.record import ballot_json, secrets_json
from tinnhiem.crypto.verify import verify
from tinnhiem.domain.errors import InvalidInput, QuorumNotMet
from tinnhiem.domain.model import Delegate, Level
from tinnhiem.services import cards, record, roundfile, rounds, voting
from tinnhiem.storage.db import Database
from tinnhiem.storage.repository import SqlUnitOfWork
from tinnhiem.testing import demo
from tinnhiem.testing.simulate import seeded, seeded_cards

CODE = "hall"


class Hall:
    """The demo round, 55 delegates, a 3-member committee (k = 2), 45 cards, 40 checked in: voting open."""

    def __init__(self, uow: SqlUnitOfWork) -> None:
        round_ = roundfile.parse_round(roundfile.load(demo.demo_file()))[0]
        rounds.create_round(uow, replace(round_), tuple(Delegate(f"Đại biểu {i}") for i in range(1, 56)), code=CODE)
        self.shares = voting.set_up_election(uow, CODE, ["Hà Văn Tâm", "Lâm Thị Kim Oanh", "Tạ Quang Vinh"], 2,
                                             seeded(1))
        self.cards = seeded_cards(CODE, 45, seed=7)
        cards.upload(uow, CODE, cards.card_set(CODE, self.cards).public)
        for i in range(1, 41):
            rounds.attend(uow, CODE, f"Đại biểu {i}", "electronic")
        voting.open_voting(uow, CODE)
        with uow:
            election = uow.voting.election(CODE)
        assert election is not None
        self.manifest: Manifest = voting.manifest(election)
        self.key = bytes.fromhex(election.joint_key)

    def ballot(self, card: int, choices: list[int | None], seed: int) -> dict[str, Any]:
        s = signing_key(CODE, self.cards[card])
        return ballot_json(encrypt_ballot(self.manifest, self.key, choices, s, seeded(seed))[0])


@pytest.fixture
def hall(uow: SqlUnitOfWork) -> Hall:
    return Hall(uow)


def sign_in_proof(hall: Hall, card: int, nonce: str) -> tuple[str, dict[str, str]]:
    s = signing_key(CODE, hall.cards[card])
    credential = public_credential(CODE, hall.cards[card])
    sig = sign(s, credential, voting.SIGN_IN_TAG, hall.manifest.hash + bytes.fromhex(nonce), seeded(3))
    return credential.hex(), {"c": sig.challenge.to_bytes(32, "little").hex(), "z": sig.response.to_bytes(32, "little").hex()}


def test_sign_in_proves_the_card_without_sending_it(uow: SqlUnitOfWork, hall: Hall) -> None:
    """A signature on the nonce signs a card in; another nonce, or an unlisted card, is refused."""
    credential, signature = sign_in_proof(hall, 7, "ab" * 16)
    assert voting.sign_in(uow, CODE, credential, signature, "ab" * 16) is False
    with pytest.raises(InvalidInput) as caught:
        voting.sign_in(uow, CODE, credential, signature, "cd" * 16)
    assert "sign-in-proof" == caught.value.code
    stranger = public_credential(CODE, "ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ").hex()
    with pytest.raises(InvalidInput) as caught:
        voting.sign_in(uow, CODE, stranger, signature, "ab" * 16)
    assert "card-unknown" == caught.value.code


def test_no_card_secret_is_stored(database: Database, hall: Hall) -> None:
    """The database holds public credentials only: no printed code, no signing key, in any table."""
    from tinnhiem.storage.tables import Base

    dump = []
    with database.engine.connect() as connection:
        for table in Base.metadata.sorted_tables:
            dump += [str(row) for row in connection.execute(table.select())]
    everything = " ".join(dump).upper()
    for card in hall.cards:
        assert card not in everything
        assert format(signing_key(CODE, card), "x").upper() not in everything
        assert signing_key(CODE, card).to_bytes(32, "little").hex().upper() not in everything


def test_cast_once_retry_returns_the_same_code(uow: SqlUnitOfWork, hall: Hall) -> None:
    """A retry of the same ballot returns its code; a second, different ballot of the card is refused."""
    first = hall.ballot(1, [0] * 12, seed=2)
    code, short = voting.cast(uow, CODE, first)
    assert (code, short) == voting.cast(uow, CODE, first)
    with pytest.raises(InvalidInput) as caught:
        voting.cast(uow, CODE, hall.ballot(1, [1] * 12, seed=3))
    assert "card-used" == caught.value.code
    with uow:
        assert 1 == uow.voting.turnout(CODE)


def test_a_bad_ballot_is_refused_and_nothing_is_stored(uow: SqlUnitOfWork, hall: Hall) -> None:
    """A ballot whose code, signature or proof fails is refused before storage; the card can still vote."""
    bad = hall.ballot(2, [0] * 12, seed=4)
    bad["rows"][3]["z"][0] = bad["rows"][3]["z"][1]
    with pytest.raises(InvalidInput) as caught:
        voting.cast(uow, CODE, bad)
    assert ("ballot-refused", "ballot") == (caught.value.code, caught.value.field)
    with uow:
        assert (0, False) == (uow.voting.turnout(CODE), uow.voting.card(CODE, bad["credential"]).used)  # type: ignore[union-attr]
    voting.cast(uow, CODE, hall.ballot(2, [0] * 12, seed=5))


def h_ballot_of(hall: Hall, card_text: str) -> dict[str, Any]:
    s = signing_key(CODE, card_text)
    return ballot_json(encrypt_ballot(hall.manifest, hall.key, [0] * 12, s, seeded(11))[0])


def test_ballot_stuffing_is_refused(uow: SqlUnitOfWork, hall: Hall) -> None:
    """A made-up card, a void card, a second ballot with one card, a copied signature: each refused by name."""
    with pytest.raises(InvalidInput) as caught:
        voting.cast(uow, CODE, h_ballot_of(hall, "ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ"))
    assert "card-unknown" == caught.value.code
    cards.void(uow, CODE, [public_credential(CODE, hall.cards[44]).hex()], member="Hà Văn Tâm")
    with pytest.raises(InvalidInput) as caught:
        voting.cast(uow, CODE, hall.ballot(44, [0] * 12, seed=12))
    assert "card-void" == caught.value.code
    voting.cast(uow, CODE, hall.ballot(3, [2] * 12, seed=13))
    with pytest.raises(InvalidInput) as caught:
        voting.cast(uow, CODE, hall.ballot(3, [1] * 12, seed=14))
    assert "card-used" == caught.value.code
    copied = hall.ballot(4, [0] * 12, seed=15)
    copied["signature"] = hall.ballot(5, [0] * 12, seed=16)["signature"]
    with pytest.raises(InvalidInput) as caught:
        voting.cast(uow, CODE, copied)
    assert "ballot-refused" == caught.value.code and "chữ ký" in caught.value.message().lower()
    spelt_twice = hall.ballot(3, [1] * 12, seed=17)  # card 3's credential with bit 255 set: the same point
    spelt_twice["credential"] = (bytes.fromhex(spelt_twice["credential"])[:31]
                                 + bytes([bytes.fromhex(spelt_twice["credential"])[31] | 0x80])).hex()
    with pytest.raises(InvalidInput) as caught:
        voting.cast(uow, CODE, spelt_twice)
    assert caught.value.code in ("ballot-refused", "card-unknown")
    assert 1 == voting.turnout(uow, CODE).ballots


def test_a_card_list_with_one_point_spelt_twice_is_refused(uow: SqlUnitOfWork, hall: Hall) -> None:
    """libsodium reads past bit 255: without the canonical check a committee's file (or a server) could list
    one card twice, and the card would cast two counted ballots (found by an independent verifier)."""
    credential = public_credential(CODE, hall.cards[0])
    alias = (credential[:31] + bytes([credential[31] | 0x80])).hex()
    with pytest.raises(InvalidInput) as caught:
        cards.upload(uow, CODE, {"format": cards.CARDS_FORMAT, "round_id": CODE,
                                 "credentials": [credential.hex(), alias]})
    assert "cards-file" == caught.value.code


def test_never_more_ballots_than_cards_handed_out(uow: SqlUnitOfWork, hall: Hall) -> None:
    """40 electronic check-ins, 45 cards: the 41st ballot is refused although its card is valid."""
    for card in range(40):
        voting.cast(uow, CODE, hall.ballot(card, [card % 3] * 12, seed=100 + card))
    with pytest.raises(InvalidInput) as caught:
        voting.cast(uow, CODE, hall.ballot(40, [0] * 12, seed=99))
    assert "ballots-over-cards" == caught.value.code
    rounds.attend(uow, CODE, "Đại biểu 41", "electronic")  # a late delegate is handed a reserve card
    voting.cast(uow, CODE, hall.ballot(40, [0] * 12, seed=99))


def test_a_copied_ballot_is_refused(uow: SqlUnitOfWork, hall: Hall) -> None:
    """Another card cannot replay a cast ballot's rows: its proofs are bound to the first card."""
    cast = hall.ballot(6, [2] * 12, seed=5)
    voting.cast(uow, CODE, cast)
    replay = dict(cast) | {"credential": public_credential(CODE, hall.cards[7]).hex()}
    with pytest.raises(InvalidInput) as caught:
        voting.cast(uow, CODE, replay)
    assert "ballot-refused" == caught.value.code


def test_challenge_opens_the_ballot_a_few_times_and_it_cannot_be_cast(uow: SqlUnitOfWork, hall: Hall) -> None:
    """Benaloh: the spoiled ballot opens to the choices made, is found by its code, never cast; 3 per card."""
    choices: list[int | None] = [0, 1, 2, None] * 3
    s = signing_key(CODE, hall.cards[8])
    for attempt in range(3):
        encrypted, opened = encrypt_ballot(hall.manifest, hall.key, choices, s, seeded(60 + attempt))
        found, full, short = voting.challenge(uow, CODE, ballot_json(encrypted), secrets_json(opened))
        assert (choices, [(full, True)]) == (found, voting.lookup(uow, CODE, short))
    with pytest.raises(InvalidInput) as caught:
        voting.cast(uow, CODE, ballot_json(encrypted))
    assert "ballot-copied" == caught.value.code
    encrypted, opened = encrypt_ballot(hall.manifest, hall.key, choices, s, seeded(70))
    with pytest.raises(InvalidInput) as caught:
        voting.challenge(uow, CODE, ballot_json(encrypted), secrets_json(opened))
    assert "too-many-challenges" == caught.value.code


def test_lookup_lists_every_ballot_with_that_short_code(uow: SqlUnitOfWork, hall: Hall) -> None:
    """A short code is checked against the full one: every match is listed with its full code."""
    full, short = voting.cast(uow, CODE, hall.ballot(9, [0] * 12, seed=21))
    assert [(full, False)] == voting.lookup(uow, CODE, short.lower().replace("-", " "))
    assert [(full, False)] == voting.lookup(uow, CODE, full.upper())
    assert [] == voting.lookup(uow, CODE, "AAAA-AAAA-AAAA-AAAA")


def test_voting_opens_only_with_quorum_and_cards(uow: SqlUnitOfWork) -> None:
    """R-QUORUM: 36 of 55 present is below two thirds (37 needed); the refusal says so. No cards: refused."""
    round_ = roundfile.parse_round(roundfile.load(demo.demo_file()))[0]
    round_ = replace(round_, conference=replace(round_.conference, present=None))
    rounds.create_round(uow, round_, tuple(Delegate(f"Đại biểu {i}") for i in range(1, 56)), code="q")
    voting.set_up_election(uow, "q", ["A", "B"], 2, seeded(1))
    for i in range(1, 38):
        rounds.attend(uow, "q", f"Đại biểu {i}", "electronic" if i < 37 else "paper")
    with pytest.raises(InvalidInput) as caught:
        voting.open_voting(uow, "q")
    assert "no-cards" == caught.value.code
    cards.upload(uow, "q", cards.card_set("q", seeded_cards("q", 40, 1)).public)
    voting.open_voting(uow, "q")


def test_quorum_refusal_names_the_numbers(uow: SqlUnitOfWork) -> None:
    round_ = roundfile.parse_round(roundfile.load(demo.demo_file()))[0]
    round_ = replace(round_, conference=replace(round_.conference, present=None))
    rounds.create_round(uow, round_, tuple(Delegate(f"Đại biểu {i}") for i in range(1, 56)), code="q2")
    voting.set_up_election(uow, "q2", ["A", "B"], 2, seeded(1))
    cards.upload(uow, "q2", cards.card_set("q2", seeded_cards("q2", 40, 1)).public)
    for i in range(1, 37):
        rounds.attend(uow, "q2", f"Đại biểu {i}", "electronic")
    with pytest.raises(QuorumNotMet) as caught:
        voting.open_voting(uow, "q2")
    assert "37" in caught.value.message()


def test_threshold_one_is_refused_at_set_up(uow: SqlUnitOfWork) -> None:
    """k = 1 would let one member decrypt every ballot: refused before any key is made."""
    round_ = roundfile.parse_round(roundfile.load(demo.demo_file()))[0]
    rounds.create_round(uow, round_, (), code="k1")
    with pytest.raises(InvalidInput) as caught:
        voting.set_up_election(uow, "k1", ["A", "B", "C"], 1, seeded(1))
    assert "threshold-too-low" == caught.value.code
    with uow:
        assert uow.voting.election("k1") is None


def test_states_go_one_way_and_the_database_enforces_it(database: Database, uow: SqlUnitOfWork, hall: Hall) -> None:
    """Closed cannot reopen (the service says so; a raw UPDATE is refused by the database's trigger);
    no ballot is stored after the close, even written straight into the table."""
    voting.cast(uow, CODE, hall.ballot(10, [0] * 12, seed=30))
    assert 1 == voting.close_voting(uow, CODE)
    with pytest.raises(InvalidInput):
        voting.open_voting(uow, CODE)
    with pytest.raises(InvalidInput) as caught:
        voting.cast(uow, CODE, hall.ballot(11, [0] * 12, seed=31))
    assert "voting-not-open" == caught.value.code
    with pytest.raises(DBAPIError), database.engine.begin() as connection:
        connection.execute(text("UPDATE elections SET state = 'open'"))
    with pytest.raises(DBAPIError), database.engine.begin() as connection:
        round_id = connection.execute(text("SELECT id FROM rounds WHERE code = 'hall'")).scalar_one()
        connection.execute(text("INSERT INTO ballots (round_id, credential, code, short, ballot) "
                                "VALUES (:r, :c, :c, 'X', '{}')"), {"r": round_id, "c": "ab" * 32})


def test_closing_records_the_counts_and_voids_unused_cards(uow: SqlUnitOfWork, hall: Hall) -> None:
    """The close fixes the ballots and cards handed out; every unused card is void afterwards."""
    for card in range(3):
        voting.cast(uow, CODE, hall.ballot(card, [1] * 12, seed=40 + card))
    voting.close_voting(uow, CODE)
    data = record.public_record(uow, CODE)
    assert 40 == data["cards"]["issued"]  # type: ignore[index]
    assert 42 == sum(c["void"] for c in data["cards"]["list"])  # type: ignore[index]


def test_decryption_by_two_members_counts_and_verifies(uow: SqlUnitOfWork, hall: Hall) -> None:
    """Two of three members decrypt; the record verifies; the electronic totals are the choices cast."""
    for i, choice in enumerate([0, 0, 1, 2, None], start=10):
        voting.cast(uow, CODE, hall.ballot(i, [choice] * 12, seed=100 + i))
    voting.close_voting(uow, CODE)
    shares = {s.member: s.share for s in hall.shares if s.member in (1, 3)}
    full = record.decrypt(uow, CODE, shares, seeded(9))
    verified = verify(full)
    assert ((2, 1, 1), 1) == (verified.counts[0], verified.empty[0])
    assert full == record.public_record(uow, CODE)  # what observers download is what was verified
    with uow:
        electronic = uow.rounds.channel_totals(CODE)["electronic"]
    assert (2, 1) == (electronic[5].counts[Level.HIGH], electronic[5].invalid)
    with pytest.raises(InvalidInput):
        record.decrypt(uow, CODE, shares, seeded(9))  # a tallied round is never counted again


def _race(database: Database, hall: Hall, ballots: list[dict[str, Any]]) -> tuple[int, int]:
    """Several workers cast at the same instant; returns (stored, accepted)."""
    barrier = threading.Barrier(len(ballots))
    outcomes: list[str] = []

    def cast(data: dict[str, Any]) -> None:
        barrier.wait()
        try:
            voting.cast(SqlUnitOfWork(database), CODE, data)
            outcomes.append("stored")
        except InvalidInput:
            outcomes.append("refused")

    threads = [threading.Thread(target=cast, args=(b,)) for b in ballots]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    with SqlUnitOfWork(database) as uow:
        stored = uow.voting.turnout(CODE)
    return stored, outcomes.count("stored")


def test_race_two_tabs_one_card_stores_one_ballot(database: Database, hall: Hall) -> None:
    """Two different ballots of one card at the same instant: exactly one is stored."""
    assert (1, 1) == _race(database, hall, [hall.ballot(20, [0] * 12, seed=200), hall.ballot(20, [2] * 12, seed=201)])


def test_race_more_casts_than_cards_handed_out(database: Database, hall: Hall) -> None:
    """38 ballots stored, then 5 valid cards race for the last 2 places: exactly 2 get in (the row lock)."""
    for card in range(38):
        voting.cast(SqlUnitOfWork(database), CODE, hall.ballot(card, [0] * 12, seed=300 + card))
    racing = [hall.ballot(card, [1] * 12, seed=400 + card) for card in range(38, 43)]
    assert (40, 2) == _race(database, hall, racing)


def test_race_with_the_close(database: Database, hall: Hall) -> None:
    """Casts racing the close: the close's count is exactly the ballots stored, before and after."""
    ballots = [hall.ballot(card, [1] * 12, seed=500 + card) for card in range(12)]
    closed: list[int] = []
    barrier = threading.Barrier(len(ballots) + 1)

    def close() -> None:
        barrier.wait()
        closed.append(voting.close_voting(SqlUnitOfWork(database), CODE))

    def cast(data: dict[str, Any]) -> None:
        barrier.wait()
        with contextlib.suppress(InvalidInput):
            voting.cast(SqlUnitOfWork(database), CODE, data)

    threads = [threading.Thread(target=close)] + [threading.Thread(target=cast, args=(b,)) for b in ballots]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    with SqlUnitOfWork(database) as uow:
        assert closed == [uow.voting.turnout(CODE)]


def _at_once(database: Database, *posts: tuple[Any, tuple[Any, ...]]) -> list[str]:
    """Each (service, arguments) from its own worker at the same instant: "kept" or the refusal's code."""
    barrier = threading.Barrier(len(posts))
    outcomes: list[str] = []

    def post(act: Any, args: tuple[Any, ...]) -> None:
        barrier.wait()
        try:
            act(SqlUnitOfWork(database), CODE, *args)
            outcomes.append("kept")
        except InvalidInput as refused:
            outcomes.append(refused.code)

    threads = [threading.Thread(target=post, args=p) for p in posts]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return outcomes


def test_race_one_ballot_cast_and_challenged_at_once(database: Database, hall: Hall) -> None:
    """A device posts one ballot both to be cast and to be challenged, at the same instant (a browser
    never does): one of the two is kept, the other refused by name, never a deadlock or a server
    error. Sixteen cards, sixteen races (on PostgreSQL the order of locks once made this a deadlock)."""
    for card in range(24, 40):
        s = signing_key(CODE, hall.cards[card])
        encrypted, opened = encrypt_ballot(hall.manifest, hall.key, [1] * 12, s, seeded(700 + card))
        data = ballot_json(encrypted)
        outcomes = _at_once(database, (voting.cast, (data,)), (voting.challenge, (data, secrets_json(opened))))
        assert 1 == outcomes.count("kept") and {"ballot-copied", "card-used"} >= set(outcomes) - {"kept"}, outcomes
        assert 1 == len(voting.lookup(SqlUnitOfWork(database), CODE, encrypted.code))


@pytest.mark.parametrize("database", [pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True)
def test_a_card_voided_while_its_cast_waits_is_refused_as_void(database: Database, hall: Hall) -> None:
    """The committee's void holds the election's lock, uncommitted, while a cast of that card reads the card
    (not yet void), writes its ballot and waits for the lock; the void commits: the cast is refused as
    `card-void` and its ballot is not kept. (The cast asks for the lock last: bench/load.py, bursts.)"""
    credential = public_credential(CODE, hall.cards[24]).hex()
    data = hall.ballot(24, [2] * 12, seed=824)
    committee = SqlUnitOfWork(database)
    outcome: list[str] = []

    def cast() -> None:
        try:
            voting.cast(SqlUnitOfWork(database), CODE, data)
            outcome.append("kept")
        except InvalidInput as refused:
            outcome.append(refused.code)

    with committee:
        committee.voting.lock_election(CODE)
        assert 1 == committee.voting.void_cards(CODE, [credential])
        worker = threading.Thread(target=cast)
        worker.start()
        with database.engine.connect() as watch:
            waiting = "SELECT count(*) FROM pg_locks WHERE NOT granted AND locktype = 'transactionid'"
            for _ in range(500):
                if watch.execute(text(waiting)).scalar():
                    break
                time.sleep(0.01)
        committee.commit()
    worker.join(60)
    assert ["card-void"] == outcome
    with SqlUnitOfWork(database) as uow:
        assert uow.voting.ballot_code(CODE, credential) is None


@pytest.mark.parametrize("database", [pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True)
def test_a_cast_waits_on_the_election_only_to_check_and_commit(database: Database, hall: Hall) -> None:
    """The ballot is written before the election's lock is asked for: casts queue on one another only for
    the check of the state and the counts, and the commit (bench/load.py: bursts). (PostgreSQL: SQLite
    has one writer at a time and no row lock to order.)"""
    statements: list[str] = []

    def seen(conn: object, cursor: object, statement: str, *args: object) -> None:
        statements.append(statement.split()[0] + (" FOR UPDATE" if "FOR UPDATE" in statement else ""))

    event.listen(database.engine, "before_cursor_execute", seen)
    try:
        voting.cast(SqlUnitOfWork(database), CODE, hall.ballot(21, [0] * 12, seed=210))
    finally:
        event.remove(database.engine, "before_cursor_execute", seen)
    locked = statements.index("SELECT FOR UPDATE")
    assert statements.index("INSERT") < locked
    assert {"UPDATE", "SELECT"} >= set(statements[locked + 1:])  # the card, the counts; then the commit


def test_a_cast_the_close_overtook_is_refused_by_name(uow: SqlUnitOfWork, hall: Hall) -> None:
    """A cast that read 'open' before a close committed meets the database's own refusal: a clear
    'voting is not open', never a server error, and nothing written."""
    data = hall.ballot(22, [1] * 12, seed=220)
    voting.close_voting(uow, CODE)
    with uow, pytest.raises(InvalidInput) as caught:
        uow.voting.cast(CODE, "ab" * 32, "cd" * 32, "ABCD-EFGH-IJKL-MNOP", data, ["ef" * 32])
    assert ("voting-not-open", "round") == (caught.value.code, caught.value.field)
    with uow:
        assert uow.voting.ballot_code(CODE, "ab" * 32) is None


def test_members_send_proven_shares_and_k_of_them_finish_the_tally(uow: SqlUnitOfWork, hall: Hall) -> None:
    """A member's device sends shares; a share whose proof fails is refused; the k-th finishes the tally."""
    from tinnhiem.crypto.decryption import decrypt_share
    from tinnhiem.crypto.elgamal import Ciphertext

    voting.cast(uow, CODE, hall.ballot(30, [1] * 12, seed=300))
    voting.close_voting(uow, CODE)
    tally = record.tally_for_members(uow, CODE)
    sums = [Ciphertext(bytes.fromhex(r["alpha"]), bytes.fromhex(r["beta"])) for r in tally["rows"]]  # type: ignore[attr-defined, index]
    secret = {s.member: s.share for s in hall.shares}
    m = hall.manifest

    def shares(member: int, secret_share: int) -> list[dict[str, object]]:
        made = [decrypt_share(member, secret_share, ct, m.hash, j, seeded(member)) for j, ct in enumerate(sums)]
        return [{"member": member, "M": s.partial.hex(), "c": s.proof.challenge.to_bytes(32, "little").hex(),
                 "z": s.proof.response.to_bytes(32, "little").hex()} for s in made]

    with pytest.raises(InvalidInput) as caught:
        record.submit_shares(uow, CODE, 2, shares(2, secret[1]))  # member 1's secret presented as member 2's
    assert ("share-unproven", "shares[0]") == (caught.value.code, caught.value.field)
    assert "closed" == record.submit_shares(uow, CODE, 2, shares(2, secret[2]))
    assert "tallied" == record.submit_shares(uow, CODE, 3, shares(3, secret[3]))
    with uow:
        electronic = uow.rounds.channel_totals(CODE)["electronic"]
    assert 1 == electronic[0].counts[Level.CONFIDENCE]


def test_voiding_a_card_of_another_round_is_refused_and_voids_nothing(uow: SqlUnitOfWork, hall: Hall) -> None:
    """The abuse suite voided a credential the round never had and was told {"voided": 0} with 200: a committee
    scanning a card from the wrong stack would believe it voided. Now refused by position; the batch voids nothing."""
    mine = public_credential(CODE, hall.cards[43]).hex()
    stranger = public_credential("vong-khac", hall.cards[43]).hex()
    with pytest.raises(InvalidInput) as caught:
        cards.void(uow, CODE, [mine, stranger], member="Hà Văn Tâm")
    assert ("card-unknown", "credentials[1]") == (caught.value.code, caught.value.field)
    with uow:
        assert not uow.voting.card(CODE, mine).void  # type: ignore[union-attr]
