"""Every role lands on its page: a committee member's home lists the round's steps in
order, the one to do now first; before, it was titled "Ban tổ chức" and linked to the paper page only."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi.testclient import TestClient

from tests.integration.test_web_admin import member
from tinnhiem.domain.model import Delegate
from tinnhiem.services import roundfile, rounds, voting
from tinnhiem.storage.repository import SqlUnitOfWork
from tinnhiem.testing import demo
from tinnhiem.testing.simulate import seeded
from tinnhiem.web.app import create_app
from tinnhiem.web.settings import Settings


def steps_of(page: str) -> list[tuple[str, str]]:
    return re.findall(r'<li class="step (\w+)" data-step="(\w+)"', page)


def test_a_member_sees_the_steps_in_order_the_one_to_do_now_first(tmp_path: Path) -> None:
    client = TestClient(create_app(Settings(database_url=f"sqlite:///{tmp_path / 'c.sqlite3'}", home=tmp_path,
                                            secret_key="secret", organiser_code="ORG")))
    uow = SqlUnitOfWork(client.app.state.hall.database)  # type: ignore[attr-defined]
    round_ = roundfile.parse_round(roundfile.load(demo.demo_file()))[0]
    rounds.create_round(uow, round_, tuple(Delegate(f"Đại biểu {i}") for i in range(1, 56)), code="k")
    tam = member(client, "k", "Hà Văn Tâm", "tam")
    home = tam.get("/admin").text
    assert "<h1>Ban kiểm phiếu</h1>" in home and "<h1>Ban tổ chức</h1>" not in home
    assert [("waiting", "ceremony"), ("later", "cards"), ("later", "decryption"), ("none", "paper"),
            ("later", "totals"), ("later", "minutes")] == steps_of(home)
    assert "Việc tiếp theo: Lễ tạo khóa chung — chờ Ban tổ chức." in home

    voting.set_up_election(uow, "k", ["Hà Văn Tâm", "Lâm Thị Kim Oanh", "Tạ Quang Vinh"], 2, seeded(1))
    home = tam.get("/admin").text
    assert [("done", "ceremony"), ("now", "cards")] == steps_of(home)[:2]
    assert 'href="/committee/r/k/cards">' in home.split("Việc cần làm bây giờ:")[1][:120]
    for state, key in steps_of(home):  # every step done or to do opens for the member
        if state not in ("done", "now"):
            continue
        href = re.search(rf'data-step="{key}">\s*<a href="([^"]+)"', home)
        assert href is None or 200 == tam.get(href.group(1)).status_code, key
