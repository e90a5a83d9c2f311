"""``tinnhiem committee …``, ``tinnhiem cards``, ``tinnhiem serve``: the electronic round at the hall."""

from __future__ import annotations

import getpass
import json
from pathlib import Path

import typer
from rich.console import Console

from tinnhiem.cli.i18n import t
from tinnhiem.crypto.group import random_scalar
from tinnhiem.domain.errors import InvalidInput
from tinnhiem.paper.cards import cards_pdf
from tinnhiem.services import keyfiles, record, rounds
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
    """Each member unlocks their own file; the tally is decrypted, proven and stored."""
    shares = {}
    for i, path in enumerate(key_files):
        passphrase = passphrases[i] if passphrases else getpass.getpass(t("Mật khẩu cho {name}: ", name=path.name))
        member = keyfiles.unlock(path.read_bytes(), passphrase)
        if member.round_id != code or member.share is None:
            raise InvalidInput("key-file-unreadable", field=path.name, reason="another round")
        shares[member.member] = member.share
    return record.decrypt(uow, code, shares, random_scalar)


def make_cards(uow: UnitOfWork, code: str, count: int, address: str, wifi: str, folder: Path) -> tuple[Path, Path]:
    """The committee's laptop: fresh cards as a PDF to print, and the public credentials as a file."""
    from tinnhiem.services.cards import make_cards as new_cards

    round_, _ = rounds.load(uow, code)
    made = new_cards(code, count)
    folder.mkdir(parents=True, exist_ok=True)
    pdf, public = folder / f"{code}-the-bo-phieu.pdf", folder / f"{code}-the-cong-khai.json"
    pdf.write_bytes(cards_pdf(round_, code, made.secrets, address, wifi))
    pdf.chmod(0o600)
    public.write_text(json.dumps(made.public, ensure_ascii=False, indent=1), encoding="utf-8")
    return pdf, public


def write_record(record: dict[str, object], path: Path, console: Console) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    console.print(str(path))
