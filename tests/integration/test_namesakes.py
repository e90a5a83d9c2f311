"""Delegates of the same name: warned at import, told apart by number, unit and date of
birth or Mã cán bộ, on the web and the command line; `tinnhiem checkin` never ticks the first one twice."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from openpyxl import Workbook
from typer.testing import CliRunner

from tinnhiem.cli.main import app
from tinnhiem.domain.model import Delegate
from tinnhiem.services import rounds
from tinnhiem.storage.db import Database
from tinnhiem.storage.repository import SqlUnitOfWork
from tinnhiem.testing import demo

runner = CliRunner()
WIDE = {"COLUMNS": "200", "TINNHIEM_LANG": "vi"}


def office_files(folder: Path) -> list[str]:
    """The template's files with a list of delegates: three Nguyễn Văn An, two of them in the same unit."""
    text = demo.demo_file().read_text(encoding="utf-8")
    meta = folder / "thong-tin.yaml"
    details = text[: text.index("subjects:")]  # the figures left blank, as the template allows
    meta.write_text(details.replace(details[details.index("conference:"):].split("\n")[0], "conference: {}"),
                    encoding="utf-8")
    subjects = folder / "danh-sach.csv"
    subjects.write_text("Họ và tên,Chức vụ\n" + "".join(f"{s['name']},\"{s['position']}\"\n" for s in
                        __import__("yaml").safe_load(text)["subjects"]), encoding="utf-8")
    book = Workbook()
    sheet = book.active
    sheet.append(["Họ và tên", "Đơn vị", "Ngày sinh", "Mã cán bộ"])
    for row in (["Trần Văn Bình", "Sở Tài chính", None, None],
                ["Nguyễn Văn An", "Sở Tài chính", __import__("datetime").date(1970, 1, 2), "CB-01"],
                ["Nguyễn Thị Thanh", "Công an tỉnh", None, None],
                ["Nguyễn Văn An", "Sở Tài chính", __import__("datetime").date(1981, 5, 9), "CB-02"],
                ["Nguyễn Văn An", "Tỉnh ủy", None, None]):
        sheet.append(row)
    delegates = folder / "dai-bieu.xlsx"
    book.save(delegates)
    return [str(meta), "--subjects", str(subjects), "--delegates", str(delegates)]


def test_import_warns_and_checkin_tells_namesakes_apart(home: Path, tmp_path: Path) -> None:
    """Before: imported without a word; `checkin r "Nguyen Van An"` needed exact diacritics, ticked the
    first of them again and again, and did not say which channel it recorded."""
    created = runner.invoke(app, ["round", "create", *office_files(tmp_path), "--code", "r"], env=WIDE)
    assert 0 == created.exit_code, created.output
    assert "3 đại biểu trùng tên Nguyễn Văn An" in created.stdout
    assert "Số được triệu tập: 5 (số đại biểu trong danh sách" in " ".join(created.stdout.split())
    assert "số 2 (Sở Tài chính, sinh 02/01/1970 · mã CB-01); số 4 (Sở Tài chính, sinh 09/05/1981" in created.stdout

    ambiguous = runner.invoke(app, ["checkin", "r", "nguyen van an"], env=WIDE)
    assert 1 == ambiguous.exit_code
    said = " ".join(ambiguous.stderr.split())
    assert "Có 3 đại biểu khớp" in said and "• 2. Nguyễn Văn An (Sở Tài chính, sinh 02/01/1970 · mã CB-01)" in said
    by_number = runner.invoke(app, ["checkin", "r", "4"], env=WIDE)
    assert 0 == by_number.exit_code, by_number.output
    assert "4. Nguyễn Văn An (Sở Tài chính, sinh 09/05/1981 · mã CB-02) — phiếu giấy" in by_number.stdout
    by_detail = runner.invoke(app, ["checkin", "r", "an cb-01", "--electronic"], env=WIDE)
    assert 0 == by_detail.exit_code, by_detail.output
    assert "2. Nguyễn Văn An" in by_detail.stdout and "bỏ phiếu điện tử" in by_detail.stdout
    uow = SqlUnitOfWork(Database.open())
    present = {p.number + 1: p.channel for p in rounds.check_in_list(uow, "r").delegates if p.channel}
    assert {2: "electronic", 4: "paper"} == present
    thanh = runner.invoke(app, ["checkin", "r", "thanh"], env=WIDE)  # one match: checked in, said so
    assert 0 == thanh.exit_code and "3. Nguyễn Thị Thanh (Công an tỉnh) — phiếu giấy" in thanh.stdout


def test_the_round_page_warns_of_namesakes(tmp_path: Path) -> None:
    from tests.integration.test_web_admin import second_device
    from tinnhiem.web.app import create_app
    from tinnhiem.web.settings import Settings

    client = second_device(TestClient(create_app(Settings(
        database_url=f"sqlite:///{tmp_path / 'w.sqlite3'}", home=tmp_path, secret_key="secret",
        organiser_code="ORG"))))
    args = office_files(tmp_path)
    files = {"details": ("t.yaml", Path(args[0]).read_bytes()), "subjects": ("s.csv", Path(args[2]).read_bytes()),
             "delegates": ("d.xlsx", Path(args[4]).read_bytes())}
    made = client.post("/admin/new", files=files, data={"code": "r"})
    assert 200 == made.status_code, made.text[-500:]
    page = made.text
    assert 'id="namesakes"' in page and "Nguyễn Văn An: số 2 (Sở Tài chính, sinh 02/01/1970 · mã CB-01)" in page
    listing = client.get("/api/rounds/r/checkin").json()
    assert ["Nguyễn Văn An", "Sở Tài chính", None, "sinh 09/05/1981 · mã CB-02"] == listing["delegates"][3][1:]


def test_checking_in_by_name_never_picks_the_first_namesake(uow: SqlUnitOfWork) -> None:
    """Before: by name, the first of two identical names was ticked again and the second could not be."""
    from dataclasses import replace

    from tinnhiem.domain.errors import InvalidInput
    from tinnhiem.services import roundfile

    round_ = roundfile.parse_round(roundfile.load(demo.demo_file()))[0]
    people = (Delegate("Nguyễn Văn An", "Tỉnh ủy"), Delegate("Nguyễn Văn An", "Sở Tài chính"))
    rounds.create_round(uow, replace(round_), people, code="n")
    with pytest.raises(InvalidInput) as refused:
        rounds.attend(uow, "n", "Nguyễn Văn An", "paper")
    assert "delegate-ambiguous" == refused.value.code
    assert "2. Nguyễn Văn An (Sở Tài chính)" in str(refused.value.params["choices"])
    assert [] == [p for p in rounds.check_in_list(uow, "n").delegates if p.channel]
