"""Every document from the web: minutes (PDF, DOCX), results (XLSX), announcement and the
public record for the round's organisers and committee, each file named after its round and date; before,
only the PDF minutes could be downloaded, named without a date."""

from __future__ import annotations

import io
from pathlib import Path

from docx import Document
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from tests.integration.test_web_admin import member, second_device
from tinnhiem.services import rounds
from tinnhiem.storage.repository import SqlUnitOfWork
from tinnhiem.testing import demo
from tinnhiem.web.app import create_app
from tinnhiem.web.settings import Settings


def test_every_document_downloads_named_after_its_round_and_date(tmp_path: Path) -> None:
    client = second_device(TestClient(create_app(Settings(
        database_url=f"sqlite:///{tmp_path / 'd.sqlite3'}", home=tmp_path, secret_key="secret", organiser_code="ORG"))))
    uow = SqlUnitOfWork(client.app.state.hall.database)  # type: ignore[attr-defined]
    rounds.import_round_file(uow, demo.demo_file(), code="d")
    rounds.import_round_file(uow, demo.demo_file(), code="other")
    page = client.get("/admin/r/d/documents").text
    names = {}
    for kind in ("minutes.pdf", "minutes.docx", "results.xlsx", "announcement.txt"):
        assert f'href="/admin/r/d/documents/{kind}"' in page, kind
        answer = client.get(f"/admin/r/d/documents/{kind}")
        assert 200 == answer.status_code, (kind, answer.text[:300])
        names[kind] = answer.headers["content-disposition"]
        assert 'filename="d-2026-11-20-' in names[kind], names[kind]
        if kind == "minutes.pdf":
            assert answer.content.startswith(b"%PDF")
        elif kind == "minutes.docx":
            assert "BIÊN BẢN" in "\n".join(p.text for p in Document(io.BytesIO(answer.content)).paragraphs).upper()
        elif kind == "results.xlsx":
            assert "Nguyễn Văn Ân" in [c.value for row in load_workbook(io.BytesIO(answer.content)).active.iter_rows()
                                       for c in row]
        else:
            assert "Tất cả 12 đồng chí" in answer.text
    assert 'href="/admin/r/d/documents"' in client.get("/admin/r/d").text  # from the round's page
    assert 'href="/committee/r/d/minutes"' in page  # and on to the committee's page to sign the minutes

    tam = member(client, "d", "Hà Văn Tâm", "tam")  # the committee may download them too
    assert 200 == tam.get("/admin/r/d/documents/results.xlsx").status_code
    assert 'href="/admin/r/d/documents"' in tam.get("/admin").text
    assert 403 == tam.get("/admin/r/other/documents/results.xlsx").status_code  # not their round
    anonymous = TestClient(client.app).get("/admin/r/d/documents/minutes.pdf", follow_redirects=False)
    assert (303, "/admin") == (anonymous.status_code, anonymous.headers["location"])  # to the sign-in form
    assert 422 == client.get("/admin/r/d/documents/record.json").status_code  # a paper round has no record
    assert 422 == client.get("/admin/r/d/documents/secrets.txt").status_code
