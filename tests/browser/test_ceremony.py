"""The key ceremony on three members' own devices, in Debian Chromium: nothing secret reaches the server."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from playwright.sync_api import Browser, expect

from tests.browser.conftest import Hall
from tinnhiem.crypto import ceremony
from tinnhiem.crypto.group import base_mul
from tinnhiem.domain.model import Delegate
from tinnhiem.services import keyfiles, roundfile, rounds, voting
from tinnhiem.storage.repository import SqlUnitOfWork
from tinnhiem.testing import demo

PHONE = {"width": 390, "height": 844}


def test_three_devices_make_the_joint_key(browser: Browser, hall: Hall, shots: Path, tmp_path: Path) -> None:
    """Organisers start it; each device joins, deals, checks, locks its file; K and every Sℓ agree."""
    code = "device-ceremony"
    round_ = roundfile.parse_round(roundfile.load(demo.demo_file()))[0]
    round_ = replace(round_, committee=round_.committee[:3])
    rounds.create_round(SqlUnitOfWork(hall.database), round_, (Delegate("Đại biểu A"),), code=code)

    organiser = browser.new_page()
    organiser.goto(f"{hall.url}/admin")
    organiser.get_by_label("Mã của Ban tổ chức").fill(hall.organiser)
    organiser.get_by_role("button", name="Đăng nhập").click()
    organiser.goto(f"{hall.url}/admin/r/{code}")
    organiser.get_by_label("Số thành viên cần để giải mã").fill("2")
    organiser.get_by_role("button", name="Bắt đầu tạo khóa trên máy của từng thành viên").click()
    codes = organiser.locator("code.tracking").all_inner_texts()
    assert 3 == len(codes)

    devices = []
    for member, member_code in enumerate(codes, start=1):
        page = browser.new_context(viewport=PHONE, accept_downloads=True).new_page()
        page.goto(f"{hall.url}/committee/r/{code}/ceremony")
        page.get_by_label("Thành viên").select_option(str(member))
        page.get_by_label("Mã tham gia (Ban tổ chức trao)").fill(member_code)
        page.get_by_label("Mật khẩu cho tệp khóa (ít nhất 10 ký tự)").fill(f"mat-khau-thiet-bi-{member}")
        page.get_by_label("Nhập lại mật khẩu").fill(f"mat-khau-thiet-bi-{member}")
        page.get_by_role("button", name="Tham gia tạo khóa").click()
        devices.append(page)
    files = []
    for member, page in enumerate(devices, start=1):
        link = page.locator("#download")
        expect(link).to_be_visible(timeout=30_000)
        if member == 1:
            page.screenshot(path=shots / "phone-ceremony-done.png", full_page=True)
        with page.expect_download() as download:
            link.click()
        path = tmp_path / f"{member}.key"
        download.value.save_as(path)
        files.append(path)

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
