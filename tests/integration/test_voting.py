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

from tinnhiem.crypto.ballot import cast_ballot, encrypt_ballot, sign_ballot
from tinnhiem.crypto.credentials import SIGN_IN_TAG, public_credential, sign, sign_in_message, signing_key
from tinnhiem.crypto.election import sign_closing
from tinnhiem.crypto.manifest import Manifest
from tinnhiem.crypto.record import ballot_json, encrypted_ballot_json, secrets_json
from tinnhiem.crypto.verify import verify
from tinnhiem.domain.errors import InvalidInput, QuorumNotMet
from tinnhiem.domain.model import Delegate, Level
from tinnhiem.services import cards, record, roundfile, rounds, voting
from tinnhiem.storage.db import Database
from tinnhiem.storage.repository import SqlUnitOfWork
from tinnhiem.testing import demo
from tinnhiem.testing.hall import seal_reserve, signed_cards
from tinnhiem.testing.simulate import seeded, seeded_bytes, seeded_cards

CODE = "hall"


class Hall:
    """The demo round, 55 delegates, a 3-member committee (k = 2), 45 cards, 40 checked in, the other 5 sealed in
    reserve: voting open."""

    def __init__(self, uow: SqlUnitOfWork) -> None:
        round_ = roundfile.parse_round(roundfile.load(demo.demo_file()))[0]
        rounds.create_round(uow, replace(round_), tuple(Delegate(f"Đại biểu {i}") for i in range(1, 56)), code=CODE)
        self.shares = voting.set_up_election(uow, CODE, ["Hà Văn Tâm", "Lâm Thị Kim Oanh", "Tạ Quang Vinh"], 2,
                                             seeded(1))
        self.cards = seeded_cards(CODE, 45, seed=7)
        two = {s.member: s.share for s in self.shares[:2]}  # two of three members sign the card list
        cards.upload(uow, CODE, signed_cards(uow, CODE, self.cards, two).public)
        for i in range(1, 41):
            rounds.attend(uow, CODE, f"Đại biểu {i}", "electronic")
        seal_reserve(uow, CODE, self.cards[40:])
        voting.open_voting(uow, CODE)
        with uow:
            election = uow.voting.election(CODE)
        assert election is not None
        self.manifest: Manifest = voting.manifest(election)
        self.key = bytes.fromhex(election.joint_key)
        assert election.election_id is not None
        self.election = bytes.fromhex(election.election_id)

    def ballot(self, card: int, choices: list[int | None], seed: int) -> dict[str, Any]:
        s = signing_key(CODE, self.cards[card])
        return ballot_json(cast_ballot(self.manifest, self.election, self.key, choices, s, seeded(seed),
                                       seeded_bytes(seed))[0])

    def spoiled(self, choices: list[int | None], seed: int) -> tuple[Any, dict[str, Any]]:
        """A ballot the device encrypted and the delegate challenges: no card, no signature."""
        encrypted, opened = encrypt_ballot(self.manifest, self.election, self.key, choices, seeded(seed),
                                           seeded_bytes(seed))
        return encrypted, {"ballot": encrypted_ballot_json(encrypted)} | secrets_json(opened)

    def sign_closing(self, uow: SqlUnitOfWork, members: tuple[int, ...] = (1, 3)) -> None:
        """Members' devices sign the closing statement the hall fixed (what the committee page does)."""
        message = bytes.fromhex(str(record.closing_statement(uow, CODE)["message"]))
        for member in members:
            signed = sign_closing(member, self.shares[member - 1].share, message, seeded(member))
            record.sign_closing_statement(uow, CODE, member, {
                "c": signed.signature.challenge.to_bytes(32, "little").hex(),
                "z": signed.signature.response.to_bytes(32, "little").hex()})


@pytest.fixture
def hall(uow: SqlUnitOfWork) -> Hall:
    return Hall(uow)


def sign_in_proof(hall: Hall, card: int, nonce: str) -> tuple[str, dict[str, str]]:
    s = signing_key(CODE, hall.cards[card])
    credential = public_credential(CODE, hall.cards[card])
    sig = sign(s, credential, SIGN_IN_TAG, sign_in_message(hall.election, bytes.fromhex(nonce)), seeded(3))
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
    accepted, again = voting.cast(uow, CODE, first), voting.cast(uow, CODE, first)
    assert (accepted.code, accepted.short) == (again.code, again.short)
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
    return ballot_json(cast_ballot(hall.manifest, hall.election, hall.key, [0] * 12, s, seeded(11))[0])


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
        cards.upload(uow, CODE, {"format": cards.CARDS_FORMAT, "round_id": CODE, "election": "00" * 32,
                                 "credentials": [credential.hex(), alias], "signatures": []})
    assert "cards-file" == caught.value.code


def test_never_more_ballots_than_cards_handed_out(database: Database, uow: SqlUnitOfWork, hall: Hall) -> None:
    """40 electronic check-ins, 45 cards, 5 of them sealed: a sealed card is refused; an operator who lifts the
    seals in the database still cannot cast a 41st ballot (its card is valid, no delegate stands behind it)."""
    for card in range(40):
        voting.cast(uow, CODE, hall.ballot(card, [card % 3] * 12, seed=100 + card))
    with pytest.raises(InvalidInput) as caught:
        voting.cast(uow, CODE, hall.ballot(40, [0] * 12, seed=99))
    assert "card-sealed" == caught.value.code
    with database.engine.begin() as connection:  # the operator, straight into the table
        connection.execute(text("UPDATE cards SET sealed = false"))
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


def test_challenge_opens_the_ballot_names_no_card_and_it_cannot_be_cast(database: Database, uow: SqlUnitOfWork,
                                                                        hall: Hall) -> None:
    """Benaloh: the spoiled ballot opens to the choices made, is found by its code, never cast; it names no
    card (no credential stored with it, no card's challenge counted) and the card still votes."""
    choices: list[int | None] = [0, 1, 2, None] * 3
    for attempt in range(4):  # no per-card count: a spoiled ballot names no card
        encrypted, posted = hall.spoiled(choices, seed=60 + attempt)
        found, full, short = voting.challenge(uow, CODE, posted)
        assert (choices, [(full, True)]) == (found, voting.lookup(uow, CODE, short))
    as_cast = ballot_json(sign_ballot(encrypted, signing_key(CODE, hall.cards[8]), seeded(1)))
    with pytest.raises(InvalidInput) as caught:
        voting.cast(uow, CODE, as_cast)
    assert "ballot-copied" == caught.value.code
    with uow:
        assert not uow.voting.card(CODE, public_credential(CODE, hall.cards[8]).hex()).used  # type: ignore[union-attr]
        stored = [b for b, _ in uow.voting.ballots(CODE, spoiled=True)]
    assert 4 == len(stored) and all("credential" not in b and "signature" not in b for b in stored)
    with database.engine.connect() as connection:  # as the operator reads it: no column counts a card's checks
        assert {"round_id", "credential", "void", "used", "sealed"} == set(connection.execute(text("SELECT * FROM cards")).keys())
        assert "credential" not in set(connection.execute(text("SELECT * FROM spoiled_ballots")).keys())
    voting.cast(uow, CODE, hall.ballot(8, choices, seed=69))


def test_a_spoiled_ballot_with_a_card_or_a_false_opening_is_refused(uow: SqlUnitOfWork, hall: Hall) -> None:
    """What a browser never posts: a spoiled ballot carrying a card and signature, or an opening that does not
    re-encrypt to its rows. Each refused naming the field; nothing stored."""
    _, posted = hall.spoiled([0] * 12, seed=80)
    with pytest.raises(InvalidInput) as caught:
        voting.challenge(uow, CODE, {"ballot": hall.ballot(9, [0] * 12, seed=81),
                                     "values": posted["values"], "nonces": posted["nonces"]})
    assert ("ballot-refused", "spoiled") == (caught.value.code, caught.value.field)
    lying = posted | {"values": [hall.manifest.values[2], *posted["values"][1:]]}
    with pytest.raises(InvalidInput) as caught:
        voting.challenge(uow, CODE, lying)
    assert ("ballot-refused", "spoiled") == (caught.value.code, caught.value.field)
    with uow:
        assert 0 == uow.voting.spoiled_count(CODE)


def test_spoiled_ballots_are_bounded_per_round(uow: SqlUnitOfWork) -> None:
    """At most 3 × the cards listed per round (challenge-limit): 2 cards, the 7th spoiled ballot is refused."""
    round_ = roundfile.parse_round(roundfile.load(demo.demo_file()))[0]
    rounds.create_round(uow, replace(round_, conference=replace(round_.conference, present=None, convened=2)),
                        (Delegate("Một"), Delegate("Hai")), code="few")
    shares = {s.member: s.share for s in voting.set_up_election(uow, "few", ["A", "B"], 2, seeded(1))}
    cards.upload(uow, "few", signed_cards(uow, "few", seeded_cards("few", 2, 1), shares).public)
    rounds.attend(uow, "few", "Một", "electronic")
    rounds.attend(uow, "few", "Hai", "electronic")
    voting.open_voting(uow, "few")
    with uow:
        election = uow.voting.election("few")
    assert election is not None and election.election_id is not None
    m, key, e = voting.manifest(election), bytes.fromhex(election.joint_key), bytes.fromhex(election.election_id)

    def spoiled(seed: int) -> dict[str, Any]:
        encrypted, opened = encrypt_ballot(m, e, key, [0] * len(m.subjects), seeded(seed), seeded_bytes(seed))
        return {"ballot": encrypted_ballot_json(encrypted)} | secrets_json(opened)

    for seed in range(6):
        voting.challenge(uow, "few", spoiled(seed))
    with pytest.raises(InvalidInput) as caught:
        voting.challenge(uow, "few", spoiled(6))
    assert ("challenge-limit", "spoiled") == (caught.value.code, caught.value.field)
    with uow:
        assert 6 == uow.voting.spoiled_count("few")


def test_lookup_lists_every_ballot_with_that_short_code(uow: SqlUnitOfWork, hall: Hall) -> None:
    """A short code is checked against the full one: every match is listed with its full code."""
    accepted = voting.cast(uow, CODE, hall.ballot(9, [0] * 12, seed=21))
    full, short = accepted.code, accepted.short
    assert [(full, False)] == voting.lookup(uow, CODE, short.lower().replace("-", " "))
    assert [(full, False)] == voting.lookup(uow, CODE, full.upper())
    assert [] == voting.lookup(uow, CODE, "AAAA-AAAA-AAAA-AAAA")


def test_voting_opens_only_with_quorum_and_cards(uow: SqlUnitOfWork) -> None:
    """R-QUORUM: 36 of 55 present is below two thirds (37 needed); the refusal says so. No cards: refused."""
    round_ = roundfile.parse_round(roundfile.load(demo.demo_file()))[0]
    round_ = replace(round_, conference=replace(round_.conference, present=None))
    rounds.create_round(uow, round_, tuple(Delegate(f"Đại biểu {i}") for i in range(1, 56)), code="q")
    shares = {s.member: s.share for s in voting.set_up_election(uow, "q", ["A", "B"], 2, seeded(1))}
    for i in range(1, 38):
        rounds.attend(uow, "q", f"Đại biểu {i}", "electronic" if i < 37 else "paper")
    with pytest.raises(InvalidInput) as caught:
        voting.open_voting(uow, "q")
    assert "no-cards" == caught.value.code
    made = seeded_cards("q", 40, 1)
    cards.upload(uow, "q", signed_cards(uow, "q", made, shares).public)
    with pytest.raises(InvalidInput) as caught:  # 40 cards, 36 handed out: 4 loose cards could vote for nobody
        voting.open_voting(uow, "q")
    assert ("cards-not-accounted", "cards", 4) == (caught.value.code, caught.value.field, caught.value.params["loose"])
    assert "4 thẻ chưa phát" in caught.value.message()
    seal_reserve(uow, "q", made[36:39])
    cards.void(uow, "q", [public_credential("q", made[39]).hex()], member="Tạ Quang Vinh")
    voting.open_voting(uow, "q")


def test_quorum_refusal_names_the_numbers(uow: SqlUnitOfWork) -> None:
    round_ = roundfile.parse_round(roundfile.load(demo.demo_file()))[0]
    round_ = replace(round_, conference=replace(round_.conference, present=None))
    rounds.create_round(uow, round_, tuple(Delegate(f"Đại biểu {i}") for i in range(1, 56)), code="q2")
    shares = {s.member: s.share for s in voting.set_up_election(uow, "q2", ["A", "B"], 2, seeded(1))}
    cards.upload(uow, "q2", signed_cards(uow, "q2", seeded_cards("q2", 40, 1), shares).public)
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
    assert {"electronic": 40, "paper": 0} == data["checkins"]
    assert 42 == sum(c["void"] for c in data["cards"]["list"])  # type: ignore[index]
    statement = record.closing_statement(uow, CODE)
    assert (3, 40, 0, []) == (statement["ballots"], statement["issued"], statement["paper"], statement["signatures"])


def test_decryption_by_two_members_counts_and_verifies(uow: SqlUnitOfWork, hall: Hall) -> None:
    """Two of three members decrypt; the record verifies; the electronic totals are the choices cast."""
    for i, choice in enumerate([0, 0, 1, 2, None], start=10):
        voting.cast(uow, CODE, hall.ballot(i, [choice] * 12, seed=100 + i))
    voting.close_voting(uow, CODE)
    shares = {s.member: s.share for s in hall.shares if s.member in (1, 3)}
    with pytest.raises(InvalidInput) as caught:  # nobody decrypts before k members signed the closing statement
        record.decrypt(uow, CODE, shares, seeded(9))
    assert ("closing-unsigned", "closing") == (caught.value.code, caught.value.field)
    hall.sign_closing(uow)
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
        encrypted, spoiled = hall.spoiled([1] * 12, seed=700 + card)
        data = ballot_json(sign_ballot(encrypted, signing_key(CODE, hall.cards[card]), seeded(card)))
        outcomes = _at_once(database, (voting.cast, (data,)), (voting.challenge, (spoiled,)))
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
    hall.sign_closing(uow)
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
