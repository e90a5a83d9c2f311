"""Protocol 3, the committee's card list: made and signed away from the server, refused unless the committee
signed exactly this election's list. Real SQLite and PostgreSQL; the command line as a
person runs it, on the hall and on a committee laptop that has no database of the hall's."""

from __future__ import annotations

import getpass
import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from tinnhiem.cli.main import app
from tinnhiem.crypto.credentials import public_credential, sign
from tinnhiem.crypto.election import ELECTION_SIGNATURE_TAG
from tinnhiem.crypto.group import base_mul, encode_scalar
from tinnhiem.domain.errors import InvalidInput
from tinnhiem.domain.model import Delegate
from tinnhiem.services import cards, keyfiles, roundfile, rounds, voting
from tinnhiem.services.voting import MemberShare
from tinnhiem.storage.db import Database
from tinnhiem.storage.repository import SqlUnitOfWork
from tinnhiem.testing import demo
from tinnhiem.testing.hall import signed_cards
from tinnhiem.testing.simulate import seeded, seeded_cards

CODE = "ky"
runner = CliRunner()


def _round(uow: SqlUnitOfWork, code: str = CODE) -> list[MemberShare]:
    round_ = roundfile.parse_round(roundfile.load(demo.demo_file()))[0]
    rounds.create_round(uow, replace(round_, conference=replace(round_.conference, present=None, convened=12)),
                        tuple(Delegate(f"Đại biểu {i}") for i in range(1, 13)), code=code)
    return voting.set_up_election(uow, code, ["Hà Văn Tâm", "Lâm Thị Kim Oanh", "Tạ Quang Vinh"], 2, seeded(1))


def _refused(uow: SqlUnitOfWork, data: dict[str, Any]) -> tuple[str, str | None]:
    with pytest.raises(InvalidInput) as caught:
        cards.upload(uow, CODE, data)
    with uow:  # nothing written
        assert [] == uow.voting.cards(CODE)
        assert uow.voting.election(CODE).election_id is None  # type: ignore[union-attr]
    return caught.value.code, caught.value.field


def _sig(secret: int, public: bytes, message: bytes, member: int) -> dict[str, Any]:
    s = sign(secret, public, ELECTION_SIGNATURE_TAG, message, seeded(member))
    return {"member": member, "c": encode_scalar(s.challenge).hex(), "z": encode_scalar(s.response).hex()}


def test_the_organiser_cannot_add_cards_to_the_committees_list(uow: SqlUnitOfWork) -> None:
    """The organisers' attack: the committee's list plus three cards an organiser made. With E as signed: E differs
    (cards-election); with E recomputed by the organiser (all public): the committee never signed it
    (cards-signature, 0 of 2); signed by a key of the organiser's own under a member's number: the same."""
    shares = _round(uow)
    made = signed_cards(uow, CODE, seeded_cards(CODE, 10, 7), {s.member: s.share for s in shares[:2]}).public
    own = [public_credential(CODE, c).hex() for c in seeded_cards(CODE, 3, 99)]
    stuffed = made | {"credentials": sorted(made["credentials"] + own)}
    assert ("cards-election", "election") == _refused(uow, stuffed)
    with uow:
        election = uow.voting.election(CODE)
    assert election is not None
    hall = cards.read_election_file(cards.election_file_of(election))
    recomputed = cards.identity(hall, [bytes.fromhex(c) for c in stuffed["credentials"]])
    assert ("cards-signature", "signatures") == _refused(uow, stuffed | {"election": recomputed.hex()})
    organiser = 12345
    forged = [_sig(organiser, base_mul(organiser), recomputed, 1), _sig(organiser, base_mul(organiser), recomputed, 2)]
    assert ("cards-signature", "signatures") == _refused(uow, stuffed | {"election": recomputed.hex(),
                                                                         "signatures": forged})
    cards.upload(uow, CODE, made)  # the committee's own list is stored, once
    with pytest.raises(InvalidInput) as caught:
        cards.upload(uow, CODE, made)
    assert ("cards-once", "file") == (caught.value.code, caught.value.field)


def test_unsigned_one_member_and_other_election_lists_are_refused_by_name(uow: SqlUnitOfWork) -> None:
    """Protocol 2's unsigned list; a list signed by one member of a committee of k = 2 (and one by a member
    twice); a list signed for an election file whose receipt key the server's operator swapped."""
    shares = _round(uow)
    secrets = seeded_cards(CODE, 8, 5)
    unsigned = {"format": "tinnhiem-cards/1", "round_id": CODE,
                "credentials": sorted(public_credential(CODE, c).hex() for c in secrets)}
    assert ("cards-unsigned", "signatures") == _refused(uow, unsigned)
    with pytest.raises(InvalidInput) as caught:  # the laptop refuses to make it with one member's key
        signed_cards(uow, CODE, secrets, {1: shares[0].share})
    assert ("cards-too-few-members", "key") == (caught.value.code, caught.value.field)
    two = signed_cards(uow, CODE, secrets, {s.member: s.share for s in shares[:2]}).public
    assert ("cards-signature", "signatures") == _refused(uow, two | {"signatures": two["signatures"][:1]})
    twice = two | {"signatures": [two["signatures"][0], two["signatures"][0]]}
    assert ("cards-file", "signatures") == _refused(uow, twice)  # one member twice: not read at all
    with uow:
        election = uow.voting.election(CODE)
    assert election is not None
    swapped = cards.election_file_of(election) | {"receipt_key": base_mul(777).hex()}
    other = cards.signed_set(cards.read_election_file(swapped), secrets, {s.member: s.share for s in shares[:2]},
                             seeded(3)).public
    assert ("cards-election", "election") == _refused(uow, other)
    with pytest.raises(InvalidInput) as caught:  # a key file of another member number than its share
        signed_cards(uow, CODE, secrets, {1: shares[1].share, 2: shares[0].share})
    assert ("key-file-other-election", "key") == (caught.value.code, caught.value.field)


def test_the_receipt_key_is_drawn_when_the_election_is_stored_and_never_served(
        database: Database, uow: SqlUnitOfWork) -> None:
    """R = r·G is public (in the election file, covered by E); r stays in its one column, in no answer."""
    shares = _round(uow)
    cards.upload(uow, CODE, signed_cards(uow, CODE, seeded_cards(CODE, 4, 5),
                                         {s.member: s.share for s in shares[1:]}).public)
    exported = cards.election_file(uow, CODE)
    with database.engine.connect() as connection:
        r = connection.execute(text("SELECT receipt_secret FROM elections")).scalar_one()
    assert exported["receipt_key"] == base_mul(int.from_bytes(bytes.fromhex(r), "little")).hex()
    from tinnhiem.services import record

    for public in (exported, record.public_record(uow, CODE)):
        assert r not in json.dumps(public)


def _hall_with_key_files(home: Path, folder: Path) -> list[Path]:
    uow = SqlUnitOfWork(Database.open())
    round_ = roundfile.parse_round(roundfile.load(demo.demo_file()))[0]
    rounds.create_round(uow, replace(round_, conference=replace(round_.conference, present=None, convened=12)),
                        tuple(Delegate(f"Đại biểu {i}") for i in range(1, 13)), code=CODE)
    names = ["Hà Văn Tâm", "Lâm Thị Kim Oanh", "Tạ Quang Vinh"]
    files = keyfiles.ceremony_files(uow, CODE, names, 2, lambda name: f"mat-khau-{names.index(name) + 1}",
                                    "interactive")
    folder.mkdir(parents=True)
    paths = []
    for member, data in files:
        paths.append(folder / f"{CODE}-thanh-vien-{member}.key")
        paths[-1].write_bytes(data)
    return paths


def test_cards_are_made_and_signed_on_a_laptop_without_the_halls_database(
        home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The hall exports the election file; the laptop (another TINNHIEM_HOME, no database) asks each member's
    passphrase, writes the PDF and the signed list only where told; the hall accepts that list, not a
    list with one card added."""
    keys = _hall_with_key_files(home, tmp_path / "usb")
    exported = tmp_path / "usb" / "cuoc-bo-phieu.json"
    result = runner.invoke(app, ["cards", "election", CODE, "--out", str(exported)])
    assert 0 == result.exit_code, result.output
    laptop = tmp_path / "laptop"
    monkeypatch.setenv("TINNHIEM_HOME", str(laptop))
    asked: list[str] = []
    monkeypatch.setattr(getpass, "getpass", lambda prompt: asked.append(prompt) or f"mat-khau-{len(asked) * 2 - 1}")
    out = tmp_path / "usb" / "the"
    result = runner.invoke(app, ["cards", "make", str(exported), "--count", "6", "--key", str(keys[0]),
                                 "--key", str(keys[2]), "--out", str(out)])
    assert 0 == result.exit_code, result.output
    assert 2 == len(asked) and not laptop.exists()  # each member asked once; no database made on the laptop
    public = out / f"{CODE}-the-cong-khai.json"
    assert (out / f"{CODE}-the-bo-phieu.pdf").is_file() and public.is_file()
    assert not (home / "documents").exists() or not list((home / "documents").glob("*the-bo-phieu*"))
    signed = json.loads(public.read_text(encoding="utf-8"))
    assert ("tinnhiem-cards/2", [1, 3]) == (signed["format"], [s["member"] for s in signed["signatures"]])
    monkeypatch.setenv("TINNHIEM_HOME", str(home))
    stuffed = tmp_path / "stuffed.json"
    extra = public_credential(CODE, seeded_cards(CODE, 1, 4)[0]).hex()
    stuffed.write_text(json.dumps(signed | {"credentials": sorted([*signed["credentials"], extra])}), encoding="utf-8")
    result = runner.invoke(app, ["cards", "upload", CODE, str(stuffed)])
    assert 1 == result.exit_code and "election" in result.stderr and "cards" not in result.stdout
    result = runner.invoke(app, ["cards", "upload", CODE, str(public)])
    assert 0 == result.exit_code, result.output


def test_cards_make_refuses_too_few_keys_before_any_passphrase(tmp_path: Path, home: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    keys = _hall_with_key_files(home, tmp_path / "usb")
    exported = tmp_path / "e.json"
    assert 0 == runner.invoke(app, ["cards", "election", CODE, "--out", str(exported)]).exit_code
    monkeypatch.setattr(getpass, "getpass", lambda prompt: pytest.fail("asked a passphrase"))
    result = runner.invoke(app, ["cards", "make", str(exported), "--count", "3", "--key", str(keys[0]),
                                 "--out", str(tmp_path / "out")])
    assert 1 == result.exit_code and "cards-too-few-members" not in result.stdout
    assert "--key" in result.stderr and not (tmp_path / "out").exists()


def test_the_halls_commands_refuse_to_unlock_a_key_file_unless_told(tmp_path: Path, home: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """`committee decrypt ROUND` and `committee setup` run against the hall's database: they say why they
    refuse (the server's administrator could take the key) and what to do, before any passphrase."""
    keys = _hall_with_key_files(home, tmp_path / "usb")
    monkeypatch.setattr(getpass, "getpass", lambda prompt: pytest.fail("asked a passphrase"))
    for args in (["committee", "decrypt", CODE, "--key", str(keys[0]), "--key", str(keys[1])],
                 ["committee", "setup", "khac", "--member", "A", "--member", "B", "--threshold", "2"]):
        result = runner.invoke(app, args, env={"COLUMNS": "200"})
        assert 1 == result.exit_code, result.output
        assert "--on-hall-server" in result.stderr and "quản trị" in result.stderr
