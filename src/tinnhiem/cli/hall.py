"""``tinnhiem committee …``, ``tinnhiem cards``, ``tinnhiem serve``: the electronic round at the hall."""

from __future__ import annotations

import getpass
import json
from collections.abc import Callable
from pathlib import Path

import typer
from rich.console import Console

from tinnhiem.cli.i18n import t
from tinnhiem.crypto.errors import VerificationError
from tinnhiem.crypto.group import random_scalar
from tinnhiem.domain.errors import InvalidInput
from tinnhiem.paper.cards import cards_pdf
from tinnhiem.services import keyfiles, record
from tinnhiem.services.ports import UnitOfWork


def ask_passphrase(name: str) -> str:
    while True:
        first = getpass.getpass(t("Mật khẩu của {name} (ít nhất 10 ký tự): ", name=name))
        if len(first) < 10:
            typer.echo(t("Mật khẩu quá ngắn."))
            continue
        if first == getpass.getpass(t("Nhập lại: ")):
            return first
        typer.echo(t("Hai lần nhập không khớp."))


def setup(uow: UnitOfWork, code: str, names: list[str], threshold: int, folder: Path,
          passphrases: dict[str, str] | None = None, strength: str = "moderate") -> list[Path]:
    """Run the ceremony and seal each member's share in their own passphrase file."""
    files = keyfiles.ceremony_files(uow, code, names, threshold,
                                    lambda name: (passphrases or {}).get(name) or ask_passphrase(name), strength)
    return write_key_files(folder, code, files)


def write_key_files(folder: Path, code: str, files: list[tuple[int, bytes]]) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for member, data in files:
        path = folder / f"{code}-thanh-vien-{member}.key"
        path.write_bytes(data)
        path.chmod(0o600)
        paths.append(path)
    return paths


def decrypt(uow: UnitOfWork, code: str, key_files: list[Path], passphrases: list[str] | None = None) -> dict[str, object]:
    """Each member unlocks their own file at the hall's machine; the tally is decrypted, proven and stored."""
    return record.decrypt(uow, code, unlock_members(key_files, code, passphrases), random_scalar)


def unlock_members(key_files: list[Path], round_id: str, passphrases: list[str] | None = None) -> dict[int, int]:
    """Each member types their own passphrase for their own file: member number → key share sℓ."""
    shares = {}
    for i, path in enumerate(key_files):
        passphrase = passphrases[i] if passphrases else getpass.getpass(t("Mật khẩu cho {name}: ", name=path.name))
        member = keyfiles.unlock(path.read_bytes(), passphrase)
        if member.round_id != round_id or member.share is None:
            raise InvalidInput("key-file-unreadable", field=path.name, reason="another round")
        shares[member.member] = member.share
    return shares


def make_cards(election_path: Path, count: int, key_files: list[Path], address: str, wifi: str, folder: Path,
               title: str = "", passphrases: list[str] | None = None) -> tuple[Path, Path]:
    """The committee's laptop, from the hall's election file and no database of the hall: fresh cards as a PDF
    to print, and the public credentials with E, signed by each member whose key file is given."""
    from tinnhiem.services.cards import make_cards as new_cards
    from tinnhiem.services.cards import read_election_file

    try:
        data = json.loads(election_path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        raise InvalidInput("election-file", field=election_path.name) from None
    election = read_election_file(data)
    if len(key_files) < election.committee.threshold:  # said before any passphrase is asked
        raise InvalidInput("cards-too-few-members", field="--key", given=len(key_files),
                           needed=election.committee.threshold)
    code = election.manifest.round_id
    made = new_cards(election, count, unlock_members(key_files, code, passphrases))
    folder.mkdir(parents=True, exist_ok=True)
    pdf, public = folder / f"{code}-the-bo-phieu.pdf", folder / f"{code}-the-cong-khai.json"
    pdf.write_bytes(cards_pdf(title or code, code, made.secrets, address, wifi))
    pdf.chmod(0o600)
    public.write_text(json.dumps(made.public, ensure_ascii=False, indent=1), encoding="utf-8")
    return pdf, public


SHARES_FORMAT = "tinnhiem-shares/1"
CLOSING_FORMAT = "tinnhiem-closing-signature/1"


def decrypt_record(record_path: Path, key_files: list[Path], folder: Path, console: Console,
                   passphrases: list[str] | None = None) -> list[Path]:
    """A member's laptop: check the closed record (every ballot, N and B against the closing statement and its
    k signatures), recompute the sums, show N, and only then ask each member's passphrase; write each member's
    decryption shares of the recomputed sums to a file for the hall."""
    from tinnhiem.cli.verify import read_json

    data = read_json(record_path)
    try:
        checked, _, _ = record.check_closed_record(data)  # refused, naming the check, before any passphrase
    except VerificationError as error:
        console.print(t("KHÔNG GIẢI MÃ / REFUSED — {check}", check=error.code), style="bold red")
        raise
    closing = checked.closing
    assert closing is not None and checked.checkins is not None
    console.print(t("Hồ sơ hợp lệ: {ballots} phiếu điện tử (so với màn chiếu và biên bản), {issued} thẻ đã phát, "
                    "{paper} đại biểu bỏ phiếu giấy; {signed} thành viên đã ký xác nhận.",
                    ballots=closing.ballots, issued=checked.issued, paper=checked.checkins.paper,
                    signed=len(closing.signatures)))
    shares = unlock_members(key_files, checked.manifest.round_id, passphrases)
    made = record.member_shares(data, shares, random_scalar)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for member, items in made.items():
        path = folder / f"{checked.manifest.round_id}-phan-giai-ma-{member}.json"
        path.write_text(json.dumps({"format": SHARES_FORMAT, "round_id": checked.manifest.round_id,
                                    "election": (checked.election or b"").hex(), "member": member,
                                    "shares": items}), encoding="utf-8")
        paths.append(path)
    return paths


def sign_closing(record_path: Path, key_files: list[Path], folder: Path, console: Console,
                 confirmed: Callable[[], bool], passphrases: list[str] | None = None) -> list[Path]:
    """A member's laptop at closing: check the closed record, count N and recompute B, show the counts for the
    person to compare with the projector, and only if they agree ask the passphrases and sign the statement
    recomputed here; one file per member for the hall."""
    from tinnhiem.cli.verify import read_json

    data = read_json(record_path)
    try:
        checked, _, _ = record.check_closed_record(data, signed=False)
    except VerificationError as error:
        console.print(t("KHÔNG KÝ / REFUSED — {check}", check=error.code), style="bold red")
        raise
    assert checked.checkins is not None
    console.print(t("Máy này đếm được {ballots} phiếu điện tử, {issued} thẻ đã phát, {paper} đại biểu bỏ phiếu "
                    "giấy.", ballots=len(checked.ballots), issued=checked.issued, paper=checked.checkins.paper))
    if not confirmed():
        raise InvalidInput("closing-not-confirmed", field="confirm")
    code = checked.manifest.round_id
    signed = record.closing_signatures(data, unlock_members(key_files, code, passphrases), random_scalar)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for member, signature in signed.items():
        path = folder / f"{code}-ky-dong-bo-phieu-{member}.json"
        path.write_text(json.dumps({"format": CLOSING_FORMAT, "round_id": code, "member": member,
                                    "signature": signature}), encoding="utf-8")
        paths.append(path)
    return paths


def submit_shares(uow: UnitOfWork, code: str, files: list[Path]) -> str:
    """The hall: each member's closing signature or shares file is checked against the member's key and stored;
    with k shares the tally is finished."""
    state = ""
    for path in files:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("format") not in (SHARES_FORMAT, CLOSING_FORMAT) or data.get("round_id") != code:
                raise ValueError(path.name)
            member = int(data["member"])
            if data["format"] == CLOSING_FORMAT:
                record.sign_closing_statement(uow, code, member, dict(data["signature"]), actor=f"member {member}")
                continue
            items = list(data["shares"])
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            raise InvalidInput("share-unreadable", field=path.name) from None
        state = record.submit_shares(uow, code, member, items, actor=f"member {member}")
    return state


def write_record(record: dict[str, object], path: Path, console: Console) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    console.print(str(path))
