"""Signed minutes (docs/documents.md): three members and the head sign with SoftHSM2 tokens, in turn;
`minutes verify` lists the four signatures in order; each tampering is reported."""

from __future__ import annotations

import io
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields
from pyhanko.stamp import TextStamp, TextStampStyle
from typer.testing import CliRunner

from tests.conftest import HEAD, MEMBERS, PIN, ROOT, SIGNERS, round_file
from tinnhiem.cli.main import app
from tinnhiem.reports.signature_check import Change, check_minutes, load_roots

runner = CliRunner()
pytestmark = pytest.mark.skipif(shutil.which("softhsm2-util") is None, reason="softhsm2 not installed (make system)")


def sign(round_path: Path, minutes: Path, who: str, tokens: dict[str, str], *extra: str, pin: str = PIN) -> object:
    return runner.invoke(app, ["minutes", "sign", str(round_path), "--file", str(minutes), "--token", tokens[who],
                               *extra], input=pin + "\n")


@pytest.fixture(scope="module")
def signed(tokens: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[bytes]]:
    """The minutes signed by the three members then the head, and the file after each signature."""
    folder = tmp_path_factory.mktemp("minutes")
    path, minutes = round_file(folder), folder / "bien-ban.pdf"
    stages = []
    for who in SIGNERS:
        result = sign(path, minutes, who, tokens)
        assert 0 == result.exit_code, result.output  # type: ignore[attr-defined]
        stages.append(minutes.read_bytes())
    return minutes, stages


def verify(path: Path, tokens: dict[str, str]) -> object:
    return runner.invoke(app, ["minutes", "verify", str(path), "--trust", tokens["root"]], env={"COLUMNS": "250"})


def test_four_signatures_in_order_nothing_after_the_head(signed: tuple[Path, list[bytes]],
                                                         tokens: dict[str, str]) -> None:
    """Each signature an incremental update: the earlier bytes stay; verify lists all four, the head last,
    every one intact and trusted, nothing but signatures after the members', nothing after the head's."""
    minutes, stages = signed
    for before, after in zip(stages, stages[1:], strict=False):
        assert after.startswith(before)
    result = verify(minutes, tokens)
    assert 0 == result.exit_code, result.output  # type: ignore[attr-defined]
    assert "HỢP LỆ: 4 chữ ký" in result.stdout  # type: ignore[attr-defined]
    check = check_minutes(minutes.read_bytes(), load_roots([Path(tokens["root"]).read_bytes()]))
    assert list(SIGNERS) == [s.meant_for for s in check.signatures] == [s.common_name for s in check.signatures]
    assert [Change.SIGNATURES] * 3 + [Change.NONE] == [s.change_after for s in check.signatures]
    assert check.signatures[-1].covers_whole_file and all(s.intact and s.valid and s.trusted for s in check.signatures)
    assert all(s.signed_at is not None and s.signed_at.utcoffset().total_seconds() == 7 * 3600  # type: ignore[union-attr]
               for s in check.signatures)


def test_the_order_is_enforced(tokens: dict[str, str], tmp_path: Path) -> None:
    """The head cannot sign before the members; nobody signs twice; a stranger has no field; a wrong PIN
    opens nothing; each refusal leaves the file as it was."""
    path, minutes = round_file(tmp_path), tmp_path / "bien-ban.pdf"
    early = sign(path, minutes, HEAD, tokens)
    assert 1 == early.exit_code and "Trưởng ban ký sau cùng" in early.stderr  # type: ignore[attr-defined]
    assert not minutes.exists()
    assert 0 == sign(path, minutes, MEMBERS[0], tokens).exit_code  # type: ignore[attr-defined]
    before = minutes.read_bytes()
    twice = sign(path, minutes, MEMBERS[0], tokens)
    assert 1 == twice.exit_code and "đã ký" in twice.stderr  # type: ignore[attr-defined]
    wrong_pin = sign(path, minutes, MEMBERS[1], tokens, pin="000000")
    assert 1 == wrong_pin.exit_code and "PIN" in wrong_pin.stderr  # type: ignore[attr-defined]
    stranger = runner.invoke(app, ["minutes", "sign", str(path), "--file", str(minutes), "--pkcs12",
                                   tokens["Người lạ"]], input=PIN + "\n")
    assert 1 == stranger.exit_code and "không có ô ký" in stranger.stderr  # type: ignore[attr-defined]
    assert before == minutes.read_bytes()


def _tampered(tmp_path: Path, data: bytes) -> Path:
    path = tmp_path / "sua.pdf"
    path.write_bytes(data)
    return path


def test_a_flipped_byte_is_reported(signed: tuple[Path, list[bytes]], tokens: dict[str, str], tmp_path: Path) -> None:
    """One byte of the first page's text changed: every signature's digest fails."""
    data = bytearray(signed[0].read_bytes())
    at = data.index(b"stream\n") + 40
    data[at] ^= 0x01
    result = verify(_tampered(tmp_path, bytes(data)), tokens)
    assert 1 == result.exit_code  # type: ignore[attr-defined]
    assert 4 == result.stdout.count("nội dung đã ký bị sửa")  # type: ignore[attr-defined]
    assert "KHÔNG HỢP LỆ" in result.stderr  # type: ignore[attr-defined]


def test_a_stamped_page_is_reported(signed: tuple[Path, list[bytes]], tokens: dict[str, str], tmp_path: Path) -> None:
    """Text stamped on the first page after the head signed: each signature says the file changed after it."""
    writer = IncrementalPdfFileWriter(io.BytesIO(signed[0].read_bytes()))
    TextStamp(writer, TextStampStyle(stamp_text="ĐÃ DUYỆT")).apply(0, 60, 60)
    out = io.BytesIO()
    writer.write(out)
    result = verify(_tampered(tmp_path, out.getvalue()), tokens)
    assert 1 == result.exit_code  # type: ignore[attr-defined]
    assert 4 == result.stdout.count("tệp bị thay đổi sau chữ ký này")  # type: ignore[attr-defined]
    check = check_minutes(out.getvalue(), load_roots([Path(tokens["root"]).read_bytes()]))
    assert [Change.OTHER] * 4 == [s.change_after for s in check.signatures]


def test_a_removed_signature_is_reported(signed: tuple[Path, list[bytes]], tokens: dict[str, str],
                                         tmp_path: Path) -> None:
    """The head's signature cut off (the file as it was before): the head's field shows unsigned. A member's
    signature cleared by a later update: that field unsigned, and the head's signature sees the change."""
    cut = verify(_tampered(tmp_path, signed[1][2]), tokens)
    assert 1 == cut.exit_code and f"Chưa ký: {HEAD}" in cut.stderr  # type: ignore[attr-defined]
    writer = IncrementalPdfFileWriter(io.BytesIO(signed[0].read_bytes()))
    ref = next(r for name, _, r in fields.enumerate_sig_fields(PdfFileReader(io.BytesIO(signed[0].read_bytes())))
               if name == "ky-2")
    field = ref.get_object()
    del field["/V"]
    writer.update_container(field)
    out = io.BytesIO()
    writer.write(out)
    cleared = verify(_tampered(tmp_path, out.getvalue()), tokens)
    assert 1 == cleared.exit_code and f"Chưa ký: {MEMBERS[1]}" in cleared.stderr  # type: ignore[attr-defined]
    assert "tệp bị thay đổi sau chữ ký này" in cleared.stdout  # type: ignore[attr-defined]


def test_no_trust_root_no_verdict(signed: tuple[Path, list[bytes]], tmp_path: Path) -> None:
    """Without --trust the chain is not checked, so the minutes are not called valid; a root that issued
    none of the certificates makes every signature untrusted."""
    plain = runner.invoke(app, ["minutes", "verify", str(signed[0])], env={"COLUMNS": "250"})
    assert 1 == plain.exit_code and "--trust" in plain.stderr
    other = tmp_path / "other"
    subprocess.run([sys.executable, str(ROOT / "scripts" / "softhsm-tokens.py"), str(other), "--pin", PIN],
                   check=True, capture_output=True)
    foreign = runner.invoke(app, ["minutes", "verify", str(signed[0]), "--trust", str(other / "root.pem")],
                            env={"COLUMNS": "250"})
    assert 1 == foreign.exit_code and 4 == foreign.stdout.count("không dẫn về gốc tin cậy")


def test_signed_minutes_render(signed: tuple[Path, list[bytes]], tmp_path: Path) -> None:
    """The signatures' appearance is drawn on the page (rendered by pdftoppm when installed)."""
    if shutil.which("pdftoppm") is None:
        pytest.skip("poppler-utils not installed")
    subprocess.run(["pdftoppm", "-r", "60", "-png", str(signed[0]), str(tmp_path / "p")], check=True)
    assert sorted(tmp_path.glob("p-*.png"))


def test_signing_another_members_field_is_reported(tokens: dict[str, str], tmp_path: Path) -> None:
    """A member's token used with --as for another member's field: it signs, but verify names the mismatch."""
    path, minutes = round_file(tmp_path), tmp_path / "bien-ban.pdf"
    assert 0 == sign(path, minutes, MEMBERS[0], tokens, "--as", MEMBERS[1]).exit_code  # type: ignore[attr-defined]
    check = check_minutes(minutes.read_bytes(), load_roots([Path(tokens["root"]).read_bytes()]))
    assert [(MEMBERS[1], MEMBERS[0], ("other-signer",))] == [(s.meant_for, s.common_name, s.problems)
                                                            for s in check.signatures]
    result = verify(minutes, tokens)
    assert 1 == result.exit_code and "tên trên chứng thư khác tên in dưới ô ký" in result.stdout  # type: ignore[attr-defined]


def test_the_image_shows_and_another_results_file_is_refused(tokens: dict[str, str], tmp_path: Path) -> None:
    """--image puts the handwritten signature's picture in the field's appearance; signing a minutes file made
    from another result (counts changed since) is refused and the file stays as it was."""
    from PIL import Image

    picture = tmp_path / "chu-ky.png"
    Image.new("RGBA", (200, 80), (20, 40, 200, 255)).save(picture)
    path, minutes = round_file(tmp_path), tmp_path / "bien-ban.pdf"
    before = sign(path, minutes, MEMBERS[0], tokens)
    assert 0 == before.exit_code  # type: ignore[attr-defined]
    unsigned_size = len(minutes.read_bytes())
    with_image = sign(path, minutes, MEMBERS[1], tokens, "--image", str(picture))
    assert 0 == with_image.exit_code, with_image.output  # type: ignore[attr-defined]
    assert b"/Subtype /Image" in minutes.read_bytes()[unsigned_size:]
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["subjects"][0]["counts"]["cao"] -= 1
    data["subjects"][0]["counts"]["thap"] += 1
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    kept = minutes.read_bytes()
    other = sign(path, minutes, MEMBERS[2], tokens)
    assert 1 == other.exit_code and "không thuộc kết quả này" in other.stderr  # type: ignore[attr-defined]
    assert kept == minutes.read_bytes()


def test_the_rehearsal_tokens_keep_their_keys(tokens: dict[str, str]) -> None:
    """scripts/softhsm-tokens.py makes each key on its token, sensitive and not extractable, as on a USB token:
    signing sends the token a digest, never reads the key."""
    import pkcs11
    from pkcs11 import Attribute, ObjectClass

    token = pkcs11.lib("/usr/lib/softhsm/libsofthsm2.so").get_token(token_label=tokens[HEAD])
    with token.open(user_pin=PIN) as session:
        keys = list(session.get_objects({Attribute.CLASS: ObjectClass.PRIVATE_KEY}))
        assert [(True, False)] == [(k[Attribute.SENSITIVE], k[Attribute.EXTRACTABLE]) for k in keys]


def test_one_certificate_signs_one_place_and_a_name_without_marks_picks_no_namesake(tmp_path: Path) -> None:
    """From an outside attacker: with Lê Văn Ân and Lê Văn An on one committee, a certificate "Le Van An" signed both
    places, and `minutes verify` and `report import` accepted it. Now a name without marks that fits two printed
    names is refused, a certificate that signed one place cannot sign another, and a file where one did (made
    around the command) fails the check by name."""
    from tinnhiem.reports import signing

    pki = tmp_path / "pki"
    subprocess.run([sys.executable, str(ROOT / "scripts" / "softhsm-tokens.py"), str(pki), "--pin", PIN,
                    "--pkcs12", "Le Van An"], check=True, capture_output=True)
    data = yaml.safe_load(round_file(tmp_path).read_text(encoding="utf-8"))
    data["committee"] = [{"name": HEAD, "role": "Trưởng ban"}, {"name": "Lê Văn Ân"}, {"name": "Lê Văn An"}]
    path, minutes, key = tmp_path / "ten-gan-giong.yaml", tmp_path / "bien-ban.pdf", pki / "signer-1.p12"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")

    def sign_p12(*extra: str) -> Any:
        return runner.invoke(app, ["minutes", "sign", str(path), "--file", str(minutes), "--pkcs12", str(key), *extra],
                             input=PIN + "\n", env={"COLUMNS": "250"})

    ambiguous = sign_p12()
    assert 0 != ambiguous.exit_code and "khớp với nhiều ô ký" in ambiguous.output, ambiguous.output
    assert 0 == sign_p12("--as", "Lê Văn Ân").exit_code  # the holder names their place, spelt as printed
    again = sign_p12("--as", "Lê Văn An")
    assert 0 != again.exit_code and "Chứng thư này đã ký ô của «Lê Văn Ân»" in again.output, again.output
    signed = minutes.read_bytes()
    (other,) = [f for f in signing.signature_fields(signed) if f.signer == "Lê Văn An"]
    forged = signing.sign(signed, other, signing.Pkcs12Key(key, PIN))  # around the command: the check names it
    check = check_minutes(forged, load_roots([(pki / "root.pem").read_bytes()]))
    assert [(), ("same-certificate",)] == [s.problems for s in check.signatures] and not check.ok
