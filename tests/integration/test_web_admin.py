"""Organisers over HTTP: sign in, create a round from the office's files, print cards, check in."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from openpyxl import Workbook
from pypdf import PdfReader

from tinnhiem.testing import demo
from tinnhiem.web.app import create_app
from tinnhiem.web.settings import Settings


@pytest.fixture
def client(tmp_path: Path) -> TestClient:
    app = create_app(Settings(database_url=f"sqlite:///{tmp_path / 'w.sqlite3'}", home=tmp_path, secret_key="secret", organiser_code="ORG"))
    return second_device(TestClient(app))


def member(client: TestClient, code: str, name: str, login: str) -> TestClient:
    """A new browser signed in as committee member ``name`` of round ``code`` (an account with that role)."""
    from tinnhiem.storage.repository import SqlUnitOfWork
    from tinnhiem.testing.staff import add_staff, sign_in

    password = add_staff(SqlUnitOfWork(client.app.state.hall.database), code, login, member=name)  # type: ignore[attr-defined]
    return sign_in(TestClient(client.app), login, password)  # type: ignore[no-any-return]


def second_device(client: TestClient) -> TestClient:
    """Another browser signed in as organiser on the same hall (its own session)."""
    other = TestClient(client.app)
    csrf = other.get("/admin").text.split('name="csrf-token" content="')[1].split('"')[0]
    other.headers["X-CSRF-Token"] = csrf
    assert 200 == other.post("/admin/sign-in", data={"login": "quantri", "password": "org", "csrf": csrf}).status_code
    return other


def xlsx(rows: list[list[object]]) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def details() -> bytes:
    text = demo.demo_file().read_text(encoding="utf-8")
    return text[: text.index("subjects:")].encode("utf-8")


def test_wrong_organiser_code_is_refused(tmp_path: Path) -> None:
    """Without the organiser code, no organiser page opens."""
    app = create_app(Settings(database_url=f"sqlite:///{tmp_path / 'x.sqlite3'}", home=tmp_path, secret_key="secret", organiser_code="ORG"))
    anonymous = TestClient(app)
    csrf = anonymous.get("/admin").text.split('name="csrf-token" content="')[1].split('"')[0]
    assert 401 == anonymous.post("/admin/sign-in", data={"login": "quantri", "password": "nope", "csrf": csrf}).status_code
    assert "Tên đăng nhập" in anonymous.get("/admin").text


def test_a_post_without_the_csrf_token_is_refused(client: TestClient) -> None:
    """State changes need the session's token (CSRF)."""
    del client.headers["X-CSRF-Token"]
    assert 403 == client.post("/admin/r/x/open").status_code


def test_create_a_round_from_files_then_upload_the_committees_cards(client: TestClient) -> None:
    """The office's files make a round; the committee's public card file is uploaded; a wrong one is refused."""
    import json

    from tinnhiem.paper.cards import cards_pdf
    from tinnhiem.services import cards, rounds, voting
    from tinnhiem.storage.repository import SqlUnitOfWork
    from tinnhiem.testing.simulate import seeded

    files = {
        "details": ("round.yaml", details()),
        "subjects": ("subjects.xlsx", xlsx([["Họ và tên", "Chức vụ"], ["Nguyễn Văn Ân", "Bí thư Tỉnh ủy"]])),
        "delegates": ("delegates.xlsx", xlsx([["Họ và tên"], ["Đại Biểu Một"], ["Đại Biểu Hai"]])),
    }
    created = client.post("/admin/new", files=files, data={"code": "web-round"})
    assert 200 == created.status_code and "1. Nguyễn Văn Ân" in created.text  # the dossier list
    assert "Đại Biểu Hai" in created.text  # the check-in list
    uow = SqlUnitOfWork(client.app.state.hall.database)  # type: ignore[attr-defined]
    shares = {s.member: s.share for s in voting.set_up_election(uow, "web-round", ["A", "B", "C"], 2, seeded(1))}
    download = client.get("/committee/r/web-round/election.json")  # the organisers' download for the committee
    assert 200 == download.status_code and "attachment" in download.headers["content-disposition"]
    election = cards.read_election_file(download.json())  # on the committee's laptop
    made = cards.make_cards(election, 4, {1: shares[1], 3: shares[3]})
    other = made.public | {"round_id": "another-round"}
    refused = client.post("/admin/r/web-round/cards", files={"cards_file": ("x.json", json.dumps(other))})
    assert 422 == refused.status_code and "another-round" in refused.text
    extra = json.dumps(made.public | {"note": "x"})
    assert 422 == client.post("/admin/r/web-round/cards", files={"cards_file": ("x.json", extra)}).status_code
    unsigned = json.dumps(made.public | {"signatures": made.public["signatures"][:1]})
    refused = client.post("/admin/r/web-round/cards", files={"cards_file": ("x.json", unsigned)})
    assert 422 == refused.status_code and "[Chữ ký của Ban kiểm phiếu]" in refused.text
    page = client.post("/admin/r/web-round/cards", files={"cards_file": ("c.json", json.dumps(made.public))}).text
    assert "Thẻ: <strong>4</strong>" in page
    pdf = cards_pdf(rounds.load(uow, "web-round")[0], "web-round", made.secrets, "http://192.168.1.10:8000", "HoiTruong")
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "HoiTruong" in text and made.secrets[0][:14] in text and "Đại Biểu Một" not in text  # cards name nobody


def test_a_bad_row_names_the_row_and_creates_nothing(client: TestClient) -> None:
    """A subject without a position is refused with its row; no round appears."""
    files = {"details": ("round.yaml", details()),
             "subjects": ("subjects.xlsx", xlsx([["Họ và tên", "Chức vụ"], ["Nguyễn Văn Ân", None]]))}
    refused = client.post("/admin/new", files=files)
    assert 422 == refused.status_code and "dòng 2, cột Chức vụ" in refused.text
    assert "Sơn Thủy" not in client.get("/admin").text


def test_a_dossier_reaches_signed_in_delegates_only(client: TestClient, tmp_path: Path) -> None:
    """R-DOSSIER: the organisers upload a subject's report; the ballot links it; strangers are sent to sign in."""
    import re

    from tinnhiem.storage.repository import SqlUnitOfWork
    from tinnhiem.testing.hall import prepare_hall, sign_in_body

    database = client.app.state.hall.database  # type: ignore[attr-defined]
    code, _, cards = prepare_hall(SqlUnitOfWork(database), tmp_path / "keys")
    pdf = b"%PDF-1.4 report of Nguyen Van An"
    assert 200 == client.post(f"/admin/r/{code}/dossiers", data={"number": "1"},
                              files={"dossier": ("bao-cao.pdf", pdf)}).status_code
    stranger = TestClient(client.app)
    assert f"/r/{code}/vote" == stranger.get(f"/r/{code}/dossiers/1.pdf", follow_redirects=False).headers["location"]
    delegate = TestClient(client.app)
    page = delegate.get(f"/r/{code}/vote").text
    csrf = page.split('name="csrf-token" content="')[1].split('"')[0]
    nonce = re.search(r'data-nonce="([0-9a-f]+)"', page).group(1)  # type: ignore[union-attr]
    election = bytes.fromhex(delegate.get(f"/api/rounds/{code}/election").json()["election"])
    signed = delegate.post(f"/api/rounds/{code}/sign-in", json=sign_in_body(code, cards.secrets[0], election, nonce),
                           headers={"X-CSRF-Token": csrf})
    ballot_page = delegate.get(signed.json()["next"]).text
    assert f"/r/{code}/dossiers/1.pdf" in ballot_page and f"/r/{code}/dossiers/2.pdf" not in ballot_page
    assert pdf == delegate.get(f"/r/{code}/dossiers/1.pdf").content


def test_the_committee_decides_doubtful_paper_rows_on_the_web(client: TestClient, tmp_path: Path) -> None:
    """docs/paper.md: each doubtful row is shown from the kept original; the decision is stored with its member."""
    from dataclasses import replace

    import cv2

    from tinnhiem.paper import counting
    from tinnhiem.paper.forms import forms_for
    from tinnhiem.paper.layout import REGULAR, sheets
    from tinnhiem.paper.raster import pdf_pages
    from tinnhiem.services import roundfile, rounds
    from tinnhiem.storage.files import ImageFiles
    from tinnhiem.storage.repository import SqlUnitOfWork
    from tinnhiem.testing.scans import make_scan

    database = client.app.state.hall.database  # type: ignore[attr-defined]
    round_ = roundfile.parse_round(roundfile.load(demo.demo_file()))[0]
    rounds.create_round(SqlUnitOfWork(database), replace(round_), code="p")
    forms = forms_for(round_, "p")
    layout = sheets(round_, "p", REGULAR)[1]
    blank = list(pdf_pages(forms.pdfs["regular"], 200))[1]
    images = ImageFiles(tmp_path / "scans")
    for seed in (1, 2):
        scan = make_scan(blank, layout, 200, seed, ambiguous_rate=0.4, stray_rate=float(seed == 2))
        data = cv2.imencode(".png", scan.image)[1].tobytes()
        counting.import_sheet(SqlUnitOfWork(database), images, "p", forms,
                              counting.original(f"s{seed}.png", data), 0, scan.image)
    vinh, oanh, tam = (member(client, "p", name, login) for name, login in (
        ("Tạ Quang Vinh", "vinh"), ("Lâm Thị Kim Oanh", "oanh"), ("Hà Văn Tâm", "tam")))
    page = client.get("/committee/r/p/paper").text  # an organiser sees the page, and may not decide:
    assert "không phải thành viên Ban kiểm phiếu" in page
    assert 403 == client.post("/committee/r/p/paper/1/-1", data={"decision": "valid"}).status_code
    pending = counting.pending(SqlUnitOfWork(database), "p")
    assert pending and pending[0].row is None  # the sheet with writing on it comes first
    first = pending[0]
    assert f"/committee/r/p/paper/{first.sheet.id}/-1.png" in page
    # a doubtful row shows its boxes by the levels' names, with every figure, faint ring included
    assert "<strong>Tín nhiệm cao</strong>: mực trong ô" in page and "vòng nhạt quanh ô" in page
    assert client.get(f"/committee/r/p/paper/{first.sheet.id}/-1.png").content.startswith(b"\x89PNG")
    assert 200 == vinh.post(f"/committee/r/p/paper/{first.sheet.id}/-1",
                            data={"decision": "valid", "csrf": vinh.headers["X-CSRF-Token"]}).status_code
    for item in counting.pending(SqlUnitOfWork(database), "p"):
        assert item.row is not None  # a form naming another member is recorded under the account's own member
        oanh.post(f"/committee/r/p/paper/{item.sheet.id}/{item.row.row}",
                  data={"decision": "level-1", "member": "Hà Văn Tâm", "csrf": oanh.headers["X-CSRF-Token"]})
    assert "Không còn phiếu hoặc dòng nào chờ quyết định." in client.get("/committee/r/p/paper").text
    with SqlUnitOfWork(database) as uow:
        sheets_stored = uow.paper.sheets("p")
    assert "Tạ Quang Vinh" == next(s for s in sheets_stored if s.id == first.sheet.id).decided_by
    assert {"Lâm Thị Kim Oanh"} == {r.decided_by for s in sheets_stored for r in s.rows if r.decided_by}
    counted = tam.post("/committee/r/p/paper/count", data={"csrf": tam.headers["X-CSRF-Token"]})
    assert 200 == counted.status_code and "table" in counted.text  # the projector shows the paper result
    with SqlUnitOfWork(database) as uow:
        assert {"paper"} == set(uow.rounds.channel_totals("p"))


def test_two_members_type_the_paper_totals_on_the_web(client: TestClient) -> None:
    """Nothing is saved until two members' typings agree; a difference names the subject, not the numbers."""
    from dataclasses import replace

    from tinnhiem.services import roundfile, rounds
    from tinnhiem.storage.repository import SqlUnitOfWork

    database = client.app.state.hall.database  # type: ignore[attr-defined]
    round_ = roundfile.parse_round(roundfile.load(demo.demo_file()))[0]
    rounds.create_round(SqlUnitOfWork(database), replace(round_, subjects=round_.subjects[:2]), code="t")

    def typed(member: str, second_high: int) -> dict[str, str]:
        form = {"member": member}  # ignored: the account's committee member is recorded
        for i, high in enumerate((40, second_high)):
            form |= {f"c-{i}-cao": str(high), f"c-{i}-tin_nhiem": "10", f"c-{i}-thap": "3", f"invalid-{i}": "0"}
        return form

    tam, oanh = member(client, "t", "Hà Văn Tâm", "tam"), member(client, "t", "Lâm Thị Kim Oanh", "oanh")
    assert 403 == client.post("/committee/r/t/totals", data=typed("Hà Văn Tâm", 30)).status_code  # an organiser
    assert "Chờ thành viên thứ hai" in tam.post("/committee/r/t/totals", data=typed("Lâm Thị Kim Oanh", 30)).text
    again = tam.post("/committee/r/t/totals", data=typed("Lâm Thị Kim Oanh", 31))
    assert "Chờ thành viên thứ hai" in again.text  # the same member again: their typing replaced, still one
    tam.post("/committee/r/t/totals", data=typed("", 30))
    client = oanh
    differ = client.post("/committee/r/t/totals", data=typed("Lâm Thị Kim Oanh", 31)).text
    assert "chưa khớp ở: Trần Thị Bích Hạnh" in differ and "30" not in differ.split("chưa khớp")[1][:200]
    with SqlUnitOfWork(database) as uow:
        assert {} == uow.rounds.channel_totals("t")
    assert "đã lưu" in client.post("/committee/r/t/totals", data=typed("Lâm Thị Kim Oanh", 30)).text
    with SqlUnitOfWork(database) as uow:
        assert 30 == uow.rounds.channel_totals("t")["paper"][1].counts[__import__("tinnhiem.domain.model", fromlist=["Level"]).Level.HIGH]
    bad = client.post("/committee/r/t/totals", data=typed("Tạ Quang Vinh", 30) | {"c-0-cao": "bốn mươi"})
    assert 422 == bad.status_code and "Số phiếu — người: " in bad.text and "c-0-cao" not in bad.text
