"""The key ceremony on three members' own devices, in Debian Chromium: nothing secret reaches the server."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from playwright.sync_api import Browser

from tests.browser.conftest import Hall, ceremony_on_devices
from tinnhiem.crypto import ceremony
from tinnhiem.crypto.group import base_mul
from tinnhiem.domain.model import Delegate
from tinnhiem.services import keyfiles, roundfile, rounds, voting
from tinnhiem.storage.repository import SqlUnitOfWork
from tinnhiem.testing import demo

PHONE = {"width": 390, "height": 844}


def test_three_devices_make_the_joint_key(browser: Browser, hall: Hall, tmp_path: Path) -> None:
    """Organisers start it; each device joins, deals, checks, locks its file; K and every Sℓ agree."""
    code = "device-ceremony"
    round_ = roundfile.parse_round(roundfile.load(demo.demo_file()))[0]
    round_ = replace(round_, committee=round_.committee[:3])
    rounds.create_round(SqlUnitOfWork(hall.database), round_, (Delegate("Đại biểu A"),), code=code)

    organiser = browser.new_page()
    organiser.goto(f"{hall.url}/admin")
    organiser.get_by_label("Tên đăng nhập").fill("quantri")
    organiser.get_by_label("Mật khẩu", exact=True).fill(hall.organiser)
    organiser.get_by_role("button", name="Đăng nhập").click()
    organiser.goto(f"{hall.url}/admin/r/{code}")
    organiser.get_by_label("Số thành viên cần để giải mã").fill("2")
    organiser.get_by_role("button", name="Bắt đầu tạo khóa trên máy của từng thành viên").click()
    codes = organiser.locator("code.tracking").all_inner_texts()
    assert 3 == len(codes)

    files = ceremony_on_devices(browser, hall.url, code, codes, "mat-khau-thiet-bi-{member}", tmp_path)

    with SqlUnitOfWork(hall.database) as uow:
        election = uow.voting.election(code)
    assert election is not None
    commitments = [ceremony.MemberCommitment(c["member"], tuple(bytes.fromhex(k) for k in c["K"]), ())
                   for c in election.committee["commitments"]]  # type: ignore[index, union-attr]
    assert election.joint_key == ceremony.joint_key(commitments).hex()
    for member, path in enumerate(files, start=1):
        secrets = keyfiles.unlock(path.read_bytes(), f"mat-khau-thiet-bi-{member}")
        assert (code, member) == (secrets.round_id, secrets.member)
        assert ceremony.verification_key(commitments, member) == base_mul(secrets.share or 0)
    assert code == voting.manifest(election).round_id
