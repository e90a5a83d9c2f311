"""/admin/reports: the level above uploads its bodies' packages and sees the roll-up (docs/documents.md)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from tests.integration.test_report_up import keys, packages  # noqa: F401 — the provinces' signed packages
from tinnhiem.storage.repository import SqlUnitOfWork
from tinnhiem.testing.hall import prepare_hall
from tinnhiem.testing.staff import add_staff, csrf_of, sign_in
from tinnhiem.web.app import create_app
from tinnhiem.web.settings import Settings


@pytest.fixture
def client(tmp_path: Path, keys: dict[str, Path]) -> TestClient:  # noqa: F811
    app = create_app(Settings(database_url=f"sqlite:///{tmp_path / 'a.sqlite3'}", home=tmp_path / "home",
                              secret_key="secret", organiser_code="ORG-1234", trust_roots=keys["root"]))
    return TestClient(app)


def _upload(client: TestClient, *files: Path | tuple[str, bytes], follow: bool = True) -> object:
    parts = [("packages", (f.name, f.read_bytes(), "application/zip")) if isinstance(f, Path)
             else ("packages", (f[0], f[1], "application/zip")) for f in files]
    return client.post("/admin/reports", files=parts, data={"csrf": client.headers["X-CSRF-Token"]},
                       follow_redirects=follow)


def test_upload_and_roll_up(client: TestClient, packages: dict[str, Path], tmp_path: Path) -> None:  # noqa: F811
    """Three packages in, one tampered refused by name with the reason while the others go in; the roll-up shows
    21 people and the band counts; the XLSX downloads with the managed post marked."""
    sign_in(client, "quantri", "ORG-1234")
    with zipfile.ZipFile(packages["b"]) as archive:
        files = {n: archive.read(n) for n in archive.namelist()}
    files["result.json"] = files["result.json"].replace(b'"thap": 32', b'"thap": 3', 1)
    tampered = io.BytesIO()
    with zipfile.ZipFile(tampered, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    answer = _upload(client, *packages.values(), ("sua.zip", tampered.getvalue()))
    assert 400 == answer.status_code  # type: ignore[attr-defined]
    page = answer.text  # type: ignore[attr-defined]
    assert "Từ chối</strong> sua.zip" in page and "result.json" in page and "bị sửa" in page
    assert 3 == page.count("Đã nhập")
    assert "số người: 21; trên 1/2 phiếu tín nhiệm thấp: 3; từ 2/3 trở lên: 1" in page
    again = _upload(client, packages["a"])
    assert 200 == again.status_code and "Đã có từ trước" in again.text  # type: ignore[attr-defined]
    book = client.get("/admin/reports/tong-hop.xlsx", params={"managed": "Chủ tịch UBND tỉnh"})
    sheet = load_workbook(io.BytesIO(book.content))["Tổng hợp"]
    head = [c.value for c in sheet[5]]
    marked = [row[head.index("Họ và tên")].value for row in sheet.iter_rows(min_row=6)
              if row[head.index("Cấp trên quản lý")].value == "x"]
    assert ["Lê Duy Thành"] * 3 == marked
    assert client.get("/admin/reports/tong-hop.pdf").content.startswith(b"%PDF")


def test_only_admins_may_import(client: TestClient, packages: dict[str, Path], tmp_path: Path) -> None:  # noqa: F811
    """Signed out, or signed in as an organiser of one round (no admin), an upload is turned back to the sign-in
    page before its body is read, and the page itself is refused; nothing is kept."""
    csrf_of(client)
    refused = _upload(client, packages["a"], follow=False)
    assert (303, "/admin") == (refused.status_code, refused.headers["location"])  # type: ignore[attr-defined]
    code, _, _ = prepare_hall(SqlUnitOfWork(client.app.state.hall.database), tmp_path / "keys")  # type: ignore[attr-defined]
    password = add_staff(SqlUnitOfWork(client.app.state.hall.database), code, "lan")  # type: ignore[attr-defined]
    sign_in(client, "lan", password)
    for path in ("/admin/reports", "/admin/reports/tong-hop.xlsx", "/admin/new"):  # as every admin-only page
        assert client.get(path, follow_redirects=False).status_code in (303, 403)
    assert 303 == _upload(client, packages["a"], follow=False).status_code  # type: ignore[attr-defined]
    assert not (tmp_path / "home" / "reports").exists()


def test_without_trust_roots_nothing_is_imported(tmp_path: Path, packages: dict[str, Path]) -> None:  # noqa: F811
    """TINNHIEM_TRUST_ROOTS unset: the page says so by name, and an upload is refused, nothing kept."""
    app = create_app(Settings(database_url=f"sqlite:///{tmp_path / 'a.sqlite3'}", home=tmp_path / "home",
                              secret_key="secret", organiser_code="ORG-1234"))
    client = sign_in(TestClient(app), "quantri", "ORG-1234")
    page = client.get("/admin/reports")
    assert 200 == page.status_code and "TINNHIEM_TRUST_ROOTS" in page.text
    refused = _upload(client, packages["a"])
    assert refused.status_code >= 400 and "TINNHIEM_TRUST_ROOTS" in refused.text  # type: ignore[attr-defined]
    assert not (tmp_path / "home" / "reports").exists()
