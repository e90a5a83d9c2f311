"""The demo hall: the demo round as an electronic vote, with 55 fictional delegates, keys and quorum."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path

from tinnhiem.domain.model import Conference, Delegate
from tinnhiem.services import cards, keyfiles, reserve, roundfile, rounds, voting
from tinnhiem.services.cards import CardSet, election_file, make_cards, read_election_file, signed_set
from tinnhiem.services.ports import UnitOfWork
from tinnhiem.testing.demo import demo_file

HALL_CODE = "son-thuy-2026-dien-tu"
SURNAMES = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô")
MIDDLE = ("Văn", "Thị", "Hữu", "Minh", "Quốc")
GIVEN = ("Anh", "Bình", "Cường", "Dung", "Giang", "Hải", "Khánh", "Linh", "Mai", "Nam", "Oanh", "Phúc", "Quân",
         "Sơn", "Thảo", "Uyên", "Việt", "Xuân", "Yến")


def delegate_names(count: int) -> list[str]:
    """Fictional, distinct, with every Vietnamese letter shape the UI must show."""
    names = []
    for i in range(count):
        names.append(f"{SURNAMES[i % len(SURNAMES)]} {MIDDLE[i % len(MIDDLE)]} {GIVEN[i % len(GIVEN)]}")
    return [f"{n} ({i + 1:02d})" if names.count(n) > 1 else n for i, n in enumerate(names)]


COMMITTEE = ("Hà Văn Tâm", "Lâm Thị Kim Oanh", "Tạ Quang Vinh")


def prepare_hall(uow: UnitOfWork, key_folder: Path, strength: str = "interactive") -> tuple[str, list[Path], CardSet]:
    """Store the electronic demo round (once): its keys, 55 voting cards, 53 delegates checked in
    electronically (53 cards handed out, 2 sealed in reserve by the committee), voting open.

    The card secrets are kept beside the key files, as the committee's laptop would keep them until
    printing; a real server never sees them (services/cards.py).
    """
    secrets_file = key_folder / f"{HALL_CODE}-the-bo-phieu.txt"
    if HALL_CODE in {r.code for r in rounds.listing(uow)}:
        kept = secrets_file.read_text(encoding="utf-8").split()
        public = json.loads(secrets_file.with_suffix(".json").read_text(encoding="utf-8"))
        return HALL_CODE, sorted(key_folder.glob(f"{HALL_CODE}-*.key")), CardSet(tuple(kept), public)
    round_ = roundfile.parse_round(roundfile.load(demo_file()))[0]
    # The hall records presence and ballots itself: only the number convened is given beforehand.
    round_ = replace(round_, title=round_.title + " (bỏ phiếu điện tử)", conference=Conference(convened=55))
    names = delegate_names(55)
    rounds.create_round(uow, round_, tuple(Delegate(n) for n in names), code=HALL_CODE)
    passphrases = {name: f"mat-khau-mau-{i}" for i, name in enumerate(COMMITTEE, start=1)}
    files = keyfiles.ceremony_files(uow, HALL_CODE, list(COMMITTEE), 2, passphrases.__getitem__, strength)
    key_folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for member, data in files:
        paths.append(key_folder / f"{HALL_CODE}-thanh-vien-{member}.key")
        paths[-1].write_bytes(data)
    unlocked = [keyfiles.unlock(data, passphrases[COMMITTEE[member - 1]]) for member, data in files[:2]]
    shares = {u.member: u.share or 0 for u in unlocked}  # two of three sign, as on the committee's laptop
    made = make_cards(read_election_file(election_file(uow, HALL_CODE)), 55, shares)
    secrets_file.write_text("\n".join(made.secrets) + "\n", encoding="utf-8")
    secrets_file.chmod(0o600)
    secrets_file.with_suffix(".json").write_text(json.dumps(made.public), encoding="utf-8")
    cards.upload(uow, HALL_CODE, made.public, actor="demo")
    for name in names[:53]:
        rounds.attend(uow, HALL_CODE, name, "electronic")
    seal_reserve(uow, HALL_CODE, made.secrets[53:])
    voting.open_voting(uow, HALL_CODE, actor="demo")
    return HALL_CODE, paths, made


def seal_reserve(uow: UnitOfWork, code: str, card_secrets: Sequence[str], member: str = COMMITTEE[0]) -> int:
    """The committee seals the cards nobody was handed (scanned as on its page), so that voting can open."""
    from tinnhiem.crypto.credentials import public_credential

    return reserve.seal(uow, code, [public_credential(code, c).hex() for c in card_secrets], member=member,
                        actor="demo")


def signed_cards(uow: UnitOfWork, code: str, card_secrets: Sequence[str], shares: Mapping[int, int]) -> CardSet:
    """The card list as the committee's laptop signs it, from the hall's exported election (tests, demos)."""
    from tinnhiem.crypto.group import random_scalar

    return signed_set(read_election_file(election_file(uow, code)), card_secrets, shares, random_scalar)


def sign_in_body(code: str, card: str, election: bytes, nonce: str) -> dict[str, object]:
    """What a phone posts to sign in with ``card``: its public credential and a signature over E ‖ the nonce
    (the browser's Tinnhiem.signIn does the same; tests and benchmarks use this)."""
    from tinnhiem.crypto.credentials import SIGN_IN_TAG, public_credential, sign, sign_in_message, signing_key
    from tinnhiem.crypto.group import encode_scalar, random_scalar

    credential = public_credential(code, card)
    proof = sign(signing_key(code, card), credential, SIGN_IN_TAG, sign_in_message(election, bytes.fromhex(nonce)),
                 random_scalar)
    return {"credential": credential.hex(),
            "signature": {"c": encode_scalar(proof.challenge).hex(), "z": encode_scalar(proof.response).hex()}}
