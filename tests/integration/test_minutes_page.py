"""The committee's page to sign the minutes (/committee/r/ROUND/minutes): three members and the head sign in turn
with SoftHSM2 tokens or a PKCS#12 file through the page; the order, the PIN, the file shown and two members signing
at once are each checked; the PIN and passphrase appear in no log line and no answer."""

from __future__ import annotations

import io
import json
import logging
import re
import shutil
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest
import yaml
from fastapi.testclient import TestClient
from sqlalchemy import select

from tests.conftest import HEAD, MEMBERS, PIN, ROOT, SIGNERS, round_file
from tests.integration.test_web_admin import member
from tinnhiem.domain.errors import SigningError
from tinnhiem.domain.tally import RoundResult, tally
from tinnhiem.reports import signed_minutes as minutes
from tinnhiem.reports import signing
from tinnhiem.reports.signature_check import Change, check_minutes, load_roots
from tinnhiem.services import roundfile, rounds
from tinnhiem.services.minutes import result_hash
from tinnhiem.storage.repository import SqlUnitOfWork
from tinnhiem.storage.tables import AuditRow
from tinnhiem.web.app import create_app
from tinnhiem.web.settings import Settings

pytestmark = pytest.mark.skipif(shutil.which("softhsm2-util") is None, reason="softhsm2 not installed (make system)")
CODE = "vp"
WRONG_PIN = "975319"
PASSPHRASE = "mật-khẩu-tệp-8642"


@pytest.fixture(scope="module")
def head_p12(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A PKCS#12 file for the head (under its own rehearsal root), and that root."""
    folder = tmp_path_factory.mktemp("p12")
    made = subprocess.run([sys.executable, str(ROOT / "scripts" / "softhsm-tokens.py"), str(folder), "--pin",
                           PASSPHRASE, "--pkcs12", HEAD], check=True, capture_output=True, text=True)
    return Path(json.loads(made.stdout)[HEAD]), folder / "root.pem"


def hall(tmp_path: Path, tokens: dict[str, str], *roots: Path) -> TestClient:
    """A hall with the round stored (counted, its committee the three members and the head), and a member's
    browser signed in: the committee signs on that one laptop. The hall trusts the tokens' root and ``roots``."""
    trusted = tmp_path / "roots"
    trusted.mkdir()
    for i, root in enumerate((Path(tokens["root"]), *roots)):
        shutil.copy(root, trusted / f"root-{i}.pem")
    client = TestClient(create_app(Settings(database_url=f"sqlite:///{tmp_path / 'h.sqlite3'}", home=tmp_path,
                                            secret_key="secret", organiser_code="ORG", trust_roots=trusted)))
    rounds.import_round_file(SqlUnitOfWork(client.app.state.hall.database), round_file(tmp_path),  # type: ignore[attr-defined]
                             code=CODE)
    return member(client, CODE, MEMBERS[0], "phieu")


def picture() -> bytes:
    """A handwritten signature's picture: blue strokes on a transparent background."""
    from PIL import Image, ImageDraw

    canvas = Image.new("RGBA", (240, 90), (0, 0, 0, 0))
    ImageDraw.Draw(canvas).line([(10, 70), (60, 15), (110, 70), (170, 20), (230, 60)], fill=(20, 40, 200, 255),
                                width=5)
    out = io.BytesIO()
    canvas.save(out, format="PNG")
    return out.getvalue()


def shown_hash(page: str) -> str:
    found = re.search(r'name="file_hash" value="([0-9a-f]{64})"', page)
    assert found, page[:2000]
    return found.group(1)


def sign(client: TestClient, who: str, tokens: dict[str, str], *, pin: str = PIN, seen: str | None = None,
         p12: Path | None = None, passphrase: str = "", image: bytes | None = None) -> Any:
    seen = seen or shown_hash(client.get(f"/committee/r/{CODE}/minutes").text)
    data = {"file_hash": seen, "token": "" if p12 else tokens[who], "pin": "" if p12 else pin,
            "passphrase": passphrase}
    files = {"pkcs12": (p12.name, p12.read_bytes(), "application/x-pkcs12")} if p12 else {}
    if image is not None:
        files["image"] = ("chu-ky.png", image, "image/png")
    return client.post(f"/committee/r/{CODE}/minutes", data=data, files=files, follow_redirects=False)


def the_file(tmp_path: Path) -> Path:
    return minutes.signed_path(tmp_path / "documents", CODE)


def test_three_members_then_the_head_sign_through_the_page(tokens: dict[str, str], head_p12: tuple[Path, Path],
                                                          tmp_path: Path) -> None:
    """The page shows the file's and the result's hashes and the four places, members first, the head last;
    each member signs with a token, the head with a PKCS#12 file; the downloaded file carries four valid
    signatures in that order, nothing but signatures after the members', nothing after the head's."""
    client = hall(tmp_path, tokens, head_p12[1])
    page = client.get(f"/committee/r/{CODE}/minutes")
    assert 200 == page.status_code, page.text[:500]
    counted = rounds.count(SqlUnitOfWork(client.app.state.hall.database), CODE)  # type: ignore[attr-defined]
    assert result_hash(counted) in page.text
    assert minutes.file_hash(the_file(tmp_path).read_bytes()) == shown_hash(page.text)
    step = re.compile(r'<li class="step (\w+)" data-step="minutes"')  # the step on the member's home
    assert ["done"] != step.findall(client.get("/admin").text)
    order = [page.text.index(f'id="place-{name}"') for name in ("ky-1", "ky-2", "ky-3", "ky-truong-ban")]
    assert order == sorted(order)
    for who in MEMBERS:
        before = the_file(tmp_path).read_bytes()
        answer = sign(client, who, tokens, image=picture() if who == MEMBERS[1] else None)
        assert 303 == answer.status_code, answer.text[-1500:]
        shown = client.get(answer.headers["location"]).text
        assert f"Đã ký: {who}." in shown
        assert (who == MEMBERS[1]) == (b"/Subtype /Image" in the_file(tmp_path).read_bytes()[len(before):])
    answer = sign(client, HEAD, tokens, p12=head_p12[0], passphrase=PASSPHRASE)
    assert 303 == answer.status_code, answer.text[-1500:]
    done = client.get(answer.headers["location"]).text
    assert 'id="all-signed"' in done and 'id="sign-form"' not in done
    assert ["done"] == step.findall(client.get("/admin").text)
    pdf = client.get(f"/committee/r/{CODE}/minutes.pdf").content
    check = check_minutes(pdf, load_roots([Path(tokens["root"]).read_bytes(), head_p12[1].read_bytes()]))
    assert check.ok, check
    assert list(SIGNERS) == [s.meant_for for s in check.signatures] == [s.common_name for s in check.signatures]
    assert [Change.SIGNATURES] * 3 + [Change.NONE] == [s.change_after for s in check.signatures]
    assert 4 == done.count("hợp lệ")
    with SqlUnitOfWork(client.app.state.hall.database) as uow:  # type: ignore[attr-defined]
        audit = [(a.actor, a.detail) for a in uow.session.scalars(select(AuditRow).where(  # type: ignore[attr-defined]
            AuditRow.action == "minutes-signed").order_by(AuditRow.id))]
    assert [("phieu", name) for name in SIGNERS] == [(actor, d["signer"]) for actor, d in audit]
    assert minutes.file_hash(pdf) == audit[-1][1]["file"]


def test_refusals_write_nothing_and_name_the_field(tokens: dict[str, str], head_p12: tuple[Path, Path],
                                                  tmp_path: Path) -> None:
    """A wrong PIN, a token label no token has, a wrong passphrase, the head before the members, a member twice,
    a page loaded before someone else signed: each refused in Vietnamese (English on request) naming the field,
    the file as it was."""
    client = hall(tmp_path, tokens)
    seen = shown_hash(client.get(f"/committee/r/{CODE}/minutes").text)
    before = the_file(tmp_path).read_bytes()
    refusals = [
        (sign(client, MEMBERS[0], tokens, pin=WRONG_PIN), "Mã PIN", "Sai mã PIN"),
        (sign(client, MEMBERS[0], {MEMBERS[0]: "khong-co"}), "Nhãn thiết bị ký số", "Không thấy thiết bị ký số"),
        (sign(client, HEAD, tokens, p12=head_p12[0], passphrase="sai"), "Mật khẩu", "sai mật khẩu"),
        (sign(client, HEAD, tokens), "Người ký", "Trưởng ban ký sau cùng"),
        (sign(client, MEMBERS[0], tokens, p12=None, pin=""), "Mã PIN", "Thiếu thông tin"),
        (sign(client, HEAD, tokens, p12=Path(tokens["Người lạ"]), passphrase=PIN), "Người ký",
         "không có ô ký cho «Người lạ»"),
        (sign(client, MEMBERS[0], tokens, image=b"<svg>not a picture</svg>"), "Ảnh chữ ký tay",
         "không phải ảnh PNG hoặc JPEG"),
    ]
    for answer, field, words in refusals:
        assert 422 == answer.status_code
        alert = answer.text.split('id="sign-error">')[1].split("</p>")[0]
        assert alert.startswith(f"[{field}]") and words in alert, alert
    forged = client.post(f"/committee/r/{CODE}/minutes", headers={"X-CSRF-Token": ""},  # another site's form
                         data={"file_hash": seen, "token": tokens[MEMBERS[0]], "pin": PIN})
    assert 403 == forged.status_code
    assert before == the_file(tmp_path).read_bytes()
    assert 303 == sign(client, MEMBERS[0], tokens, seen=seen).status_code
    once = the_file(tmp_path).read_bytes()
    twice = sign(client, MEMBERS[0], tokens)
    assert 422 == twice.status_code and "đã ký biên bản này" in twice.text
    stale = sign(client, MEMBERS[1], tokens, seen=seen)  # the page as it was before the first signature
    assert 422 == stale.status_code and "[Biên bản đang ký]" in stale.text and "tải lại trang" in stale.text
    assert once == the_file(tmp_path).read_bytes()
    client.get("/?lang=en")
    english = sign(client, MEMBERS[1], tokens, pin=WRONG_PIN)
    assert "[PIN] Wrong PIN" in english.text, english.text.split('id="sign-error">')[1][:300]


def test_the_pin_and_passphrase_are_never_repeated(tokens: dict[str, str], head_p12: tuple[Path, Path],
                                                   tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """Signed and refused, with every logger at DEBUG: neither the PIN, nor a wrong one, nor the passphrase is in a
    log line or an answer; the page never fills them back in."""
    client = hall(tmp_path, tokens)
    caplog.set_level(logging.DEBUG)
    answers = [sign(client, MEMBERS[0], tokens, pin=WRONG_PIN), sign(client, MEMBERS[0], tokens),
               sign(client, HEAD, tokens, p12=head_p12[0], passphrase=PASSPHRASE + "x"),
               sign(client, HEAD, tokens, p12=head_p12[0], passphrase=PASSPHRASE)]
    assert [422, 303, 422, 422] == [a.status_code for a in answers]
    pages = [a.text for a in answers] + [client.get(f"/committee/r/{CODE}/minutes").text]
    for secret in (PIN, WRONG_PIN, PASSPHRASE):
        assert secret not in caplog.text
        assert all(secret not in page for page in pages)
    assert caplog.records  # the log was captured (pyHanko and the hall log at DEBUG)


def test_two_members_at_once_lose_no_signature(tokens: dict[str, str], tmp_path: Path) -> None:
    """Two members sign in the same instant, each in its own thread: the lock makes them sign one after the
    other, and both signatures are in the file. Through the page, two members who loaded the same page: one
    signs, the other is told the file changed (never a signature silently overwritten)."""
    client = hall(tmp_path, tokens)
    counted = rounds.count(SqlUnitOfWork(client.app.state.hall.database), CODE)  # type: ignore[attr-defined]
    signed_file = minutes.SignedFile(the_file(tmp_path), counted, result_hash(counted),
                                     lambda: minutes.fresh_minutes(counted, result_hash(counted)))
    minutes.state(signed_file, [])
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def one(who: str) -> None:
        start.wait()
        try:
            minutes.sign_next(signed_file, signing.Pkcs11Key(signing_library(), tokens[who], PIN))
        except BaseException as error:  # noqa: BLE001 — reported below
            errors.append(error)

    threads = [threading.Thread(target=one, args=(who,)) for who in MEMBERS[:2]]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert {MEMBERS[0], MEMBERS[1]} == {f.signer for f in signing.signature_fields(the_file(tmp_path).read_bytes())
                                        if f.signed}
    seen = shown_hash(client.get(f"/committee/r/{CODE}/minutes").text)
    answers: list[Any] = []
    start = threading.Barrier(2)

    def page(who: str) -> None:
        start.wait()
        answers.append(sign(client, who, tokens, seen=seen))

    threads = [threading.Thread(target=page, args=(MEMBERS[2],)), threading.Thread(target=page, args=(MEMBERS[2],))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [303, 422] == sorted(a.status_code for a in answers)
    assert 3 == sum(f.signed for f in signing.signature_fields(the_file(tmp_path).read_bytes()))


def signing_library() -> str:
    return Settings().token_library


def counted(path: Path) -> RoundResult:
    round_, totals = roundfile.parse_round(roundfile.load(path))
    assert totals is not None
    return tally(round_, totals)


def test_unsigned_minutes_follow_a_corrected_result_signed_ones_do_not(tokens: dict[str, str],
                                                                        tmp_path: Path) -> None:
    """Minutes nobody signed yet are made again when the counts were corrected since; once signed, minutes of
    another result are refused by name and left as they were."""
    path = round_file(tmp_path)
    first = counted(path)
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["subjects"][0]["counts"]["cao"] -= 1
    data["subjects"][0]["counts"]["thap"] += 1
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    second = counted(path)
    where = the_file(tmp_path)

    def signed_file(result: RoundResult) -> minutes.SignedFile:
        return minutes.SignedFile(where, result, result_hash(result), lambda: minutes.fresh_minutes(result, result_hash(result)))

    assert result_hash(first) == minutes.state(signed_file(first), []).result_hash
    assert result_hash(second) == minutes.state(signed_file(second), []).result_hash
    minutes.sign_next(signed_file(second), signing.Pkcs11Key(signing_library(), tokens[MEMBERS[0]], PIN))
    kept = where.read_bytes()
    with pytest.raises(SigningError, match="không thuộc kết quả này"):
        minutes.state(signed_file(first), [])
    assert kept == where.read_bytes()
