"""Closing, confirmed by the committee; decryption only of what a member's device recomputed.

The attacker is the hall's server: it hides ballots after the close, or hands the members one ballot's
ciphertexts as "the tally". A member's laptop (``tinnhiem committee decrypt RECORD-FILE``) checks the record
and recomputes the sums before any passphrase is asked, and refuses naming the check."""

from __future__ import annotations

import getpass
import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from tinnhiem.cli.main import app
from tinnhiem.crypto.ballot import cast_ballot
from tinnhiem.crypto.credentials import signing_key
from tinnhiem.crypto.election import ballot_list_hash, sign_closing
from tinnhiem.crypto.record import ballot_json
from tinnhiem.crypto.verify import verify
from tinnhiem.domain.errors import InvalidInput
from tinnhiem.domain.model import Conference, Delegate
from tinnhiem.services import cards, keyfiles, record, roundfile, rounds, voting
from tinnhiem.services.keyfiles import MemberSecrets
from tinnhiem.services.voting import MemberShare
from tinnhiem.storage.db import Database
from tinnhiem.storage.repository import SqlUnitOfWork
from tinnhiem.testing import demo
from tinnhiem.testing.hall import seal_reserve, signed_cards
from tinnhiem.testing.simulate import seeded, seeded_bytes, seeded_cards

CODE = "dong"
runner = CliRunner()
PASSPHRASES = {1: "mat-khau-mot", 2: "mat-khau-hai", 3: "mat-khau-ba"}


class ClosedHall:
    """12 delegates, 10 checked in electronically, 10 ballots cast, voting closed."""

    def __init__(self, uow: SqlUnitOfWork, sign: tuple[int, ...] = (1, 3)) -> None:
        round_ = roundfile.parse_round(roundfile.load(demo.demo_file()))[0]
        rounds.create_round(uow, replace(round_, conference=Conference(convened=12)),
                            tuple(Delegate(f"Đại biểu {i}") for i in range(1, 13)), code=CODE)
        self.shares: list[MemberShare] = voting.set_up_election(uow, CODE, ["Hà Văn Tâm", "Lâm Thị Kim Oanh",
                                                                            "Tạ Quang Vinh"], 2, seeded(1))
        self.cards = seeded_cards(CODE, 12, seed=7)
        cards.upload(uow, CODE, signed_cards(uow, CODE, self.cards, {s.member: s.share for s in self.shares[:2]}).public)
        for i in range(1, 11):
            rounds.attend(uow, CODE, f"Đại biểu {i}", "electronic")
        seal_reserve(uow, CODE, self.cards[10:])
        voting.open_voting(uow, CODE)
        with uow:
            election = uow.voting.election(CODE)
        assert election is not None and election.election_id is not None
        m, e, key = voting.manifest(election), bytes.fromhex(election.election_id), bytes.fromhex(election.joint_key)
        for i in range(10):
            choices: list[int | None] = [i % 3] * len(m.subjects)
            voting.cast(uow, CODE, ballot_json(cast_ballot(m, e, key, choices, signing_key(CODE, self.cards[i]),
                                                           seeded(100 + i), seeded_bytes(100 + i))[0]))
        voting.close_voting(uow, CODE)
        self.sign(uow, sign)

    def sign(self, uow: SqlUnitOfWork, members: tuple[int, ...]) -> None:
        message = bytes.fromhex(str(record.closing_statement(uow, CODE)["message"]))
        for member in members:
            signed = sign_closing(member, self.shares[member - 1].share, message, seeded(member))
            record.sign_closing_statement(uow, CODE, member, {
                "c": signed.signature.challenge.to_bytes(32, "little").hex(),
                "z": signed.signature.response.to_bytes(32, "little").hex()})

    def key_files(self, folder: Path) -> list[Path]:
        folder.mkdir(parents=True, exist_ok=True)
        paths = []
        for s in self.shares:
            paths.append(folder / f"{CODE}-thanh-vien-{s.member}.key")
            paths[-1].write_bytes(keyfiles.lock(MemberSecrets(CODE, s.member, keyfiles.new_member(CODE, s.member)
                                                              .device_key, s.share), PASSPHRASES[s.member],
                                                "interactive"))
        return paths


def test_a_closing_signature_is_checked_before_it_is_stored(uow: SqlUnitOfWork) -> None:
    """A signature over another statement, or member 1's signature claimed as member 2's, is refused."""
    hall = ClosedHall(uow, sign=())
    statement = record.closing_statement(uow, CODE)
    other = sign_closing(2, hall.shares[1].share, b"\x00" * 88, seeded(5))
    wrong = {"c": other.signature.challenge.to_bytes(32, "little").hex(),
             "z": other.signature.response.to_bytes(32, "little").hex()}
    with pytest.raises(InvalidInput) as caught:
        record.sign_closing_statement(uow, CODE, 2, wrong)
    assert ("closing-signature", "signature") == (caught.value.code, caught.value.field)
    mine = sign_closing(1, hall.shares[0].share, bytes.fromhex(str(statement["message"])), seeded(6))
    as_two = {"c": mine.signature.challenge.to_bytes(32, "little").hex(),
              "z": mine.signature.response.to_bytes(32, "little").hex()}
    with pytest.raises(InvalidInput):
        record.sign_closing_statement(uow, CODE, 2, as_two)
    assert 1 == record.sign_closing_statement(uow, CODE, 1, as_two)
    assert [1] == [s["member"] for s in record.closing_statement(uow, CODE)["signatures"]]  # type: ignore[attr-defined]


def _laptop(home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[ClosedHall, list[Path], dict[str, Any]]:
    hall = ClosedHall(SqlUnitOfWork(Database.open()))
    keys = hall.key_files(tmp_path / "usb")
    data = record.published_record(SqlUnitOfWork(Database.open()), CODE)
    return hall, keys, data


def _decrypt(tmp_path: Path, data: dict[str, Any], keys: list[Path], monkeypatch: pytest.MonkeyPatch,
             asked: list[str]) -> Any:
    path = tmp_path / "ho-so.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    monkeypatch.setattr(getpass, "getpass", lambda prompt: asked.append(prompt) or PASSPHRASES[len(asked) * 2 - 1])
    return runner.invoke(app, ["committee", "decrypt", str(path), "--key", str(keys[0]), "--key", str(keys[2]),
                               "--out", str(tmp_path / "phan")], env={"COLUMNS": "200"})


def test_the_laptop_decrypts_the_recomputed_sums_and_the_hall_finishes(home: Path, tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    hall, keys, data = _laptop(home, tmp_path, monkeypatch)
    asked: list[str] = []
    result = _decrypt(tmp_path, data, keys, monkeypatch, asked)
    assert 0 == result.exit_code, result.output
    assert 2 == len(asked) and "10 phiếu điện tử" in result.stdout
    files = sorted((tmp_path / "phan").glob("*.json"))
    assert 2 == len(files)
    result = runner.invoke(app, ["committee", "submit", CODE, *map(str, files)])
    assert 0 == result.exit_code, result.output
    verified = verify(record.public_record(SqlUnitOfWork(Database.open()), CODE))
    assert 10 == verified.ballots and (4, 3, 3) == verified.counts[0]


def test_a_server_that_hides_nine_ballots_of_ten_is_refused_before_any_passphrase(
        home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The operator drops nine ballots from the record (and voids their cards): the committee signed N = 10
    at the close, so the count recomputed here differs (closing-count). Restating N = 1 and B breaks the
    members' signatures (closing). No passphrase is asked, no share written."""
    hall, keys, data = _laptop(home, tmp_path, monkeypatch)
    kept = data["ballots"][:1]
    hidden = {b["credential"] for b in data["ballots"][1:]}
    voided = data | {"ballots": kept, "cards": data["cards"] | {
        "list": [c | {"void": c["void"] or c["credential"] in hidden} for c in data["cards"]["list"]]}}
    asked: list[str] = []
    result = _decrypt(tmp_path, voided, keys, monkeypatch, asked)
    assert (1, []) == (result.exit_code, asked), result.output
    assert "closing-count" in result.stdout and not (tmp_path / "phan").exists()
    restated = voided | {"closing": voided["closing"] | {
        "ballots": 1, "list_hash": ballot_list_hash([bytes.fromhex(kept[0]["code"])]).hex()}}
    result = _decrypt(tmp_path, restated, keys, monkeypatch, asked)
    assert (1, []) == (result.exit_code, asked) and "— closing" in result.stdout


def test_a_server_that_substitutes_one_ballot_for_the_tally_is_refused_before_any_passphrase(
        home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The operator hands the committee one ballot's ciphertexts as "the tally" (in the record's tally field, or
    as every ballot's rows): the laptop never decrypts what the server sums; it refuses the record by name."""
    hall, keys, data = _laptop(home, tmp_path, monkeypatch)
    one = [{"alpha": r["alpha"], "beta": r["beta"]} for r in data["ballots"][0]["rows"]]
    asked: list[str] = []
    result = _decrypt(tmp_path, data | {"tally": {"ballots": 10, "rows": one}}, keys, monkeypatch, asked)
    assert (1, []) == (result.exit_code, asked), result.output
    assert "format" in result.stdout
    swapped = json.loads(json.dumps(data))
    swapped["ballots"][1]["rows"] = swapped["ballots"][0]["rows"]
    result = _decrypt(tmp_path, swapped, keys, monkeypatch, asked)
    assert (1, []) == (result.exit_code, asked)
    assert "tracking-code" in result.stdout


def test_the_hall_refuses_shares_before_k_closing_signatures(uow: SqlUnitOfWork) -> None:
    """Even a member's honest shares wait for k closing signatures; the record is not served while open."""
    ClosedHall(uow, sign=(2,))
    with pytest.raises(InvalidInput) as caught:
        record.submit_shares(uow, CODE, 2, [])
    assert ("closing-unsigned", "closing") == (caught.value.code, caught.value.field)


def test_the_record_waits_for_the_close(uow: SqlUnitOfWork) -> None:
    round_ = roundfile.parse_round(roundfile.load(demo.demo_file()))[0]
    rounds.create_round(uow, round_, (), code="mo")
    voting.set_up_election(uow, "mo", ["A", "B"], 2, seeded(1))
    with pytest.raises(InvalidInput) as caught:
        record.published_record(uow, "mo")
    assert ("record-after-close", "round") == (caught.value.code, caught.value.field)


def test_members_sign_the_closing_on_their_laptops_and_the_hall_stores_it(home: Path, tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """`committee sign RECORD-FILE` shows the count it made itself; a member who answers that it does not match
    the projector signs nothing (no passphrase asked); one who confirms signs, and `committee submit` stores it."""
    hall = ClosedHall(SqlUnitOfWork(Database.open()), sign=())
    keys = hall.key_files(tmp_path / "usb")
    path = tmp_path / "ho-so.json"
    path.write_text(json.dumps(record.published_record(SqlUnitOfWork(Database.open()), CODE)), encoding="utf-8")
    asked: list[str] = []
    monkeypatch.setattr(getpass, "getpass", lambda prompt: asked.append(prompt) or PASSPHRASES[1])
    args = ["committee", "sign", str(path), "--key", str(keys[0]), "--out", str(tmp_path / "ky")]
    declined = runner.invoke(app, args, input="n\n", env={"COLUMNS": "200"})
    assert (1, []) == (declined.exit_code, asked) and "10 phiếu điện tử" in declined.stdout
    assert not (tmp_path / "ky").exists()
    signed = runner.invoke(app, args, input="y\n", env={"COLUMNS": "200"})
    assert 0 == signed.exit_code, signed.output
    files = list((tmp_path / "ky").glob("*.json"))
    result = runner.invoke(app, ["committee", "submit", CODE, *map(str, files)])
    assert 0 == result.exit_code, result.output
    statement = record.closing_statement(SqlUnitOfWork(Database.open()), CODE)
    assert [1] == [s["member"] for s in statement["signatures"]]  # type: ignore[attr-defined]
