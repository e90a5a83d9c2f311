"""The election's identity E where docs/protocol.md §12 says an observer finds it: on the projector once the
committee's card list is stored, in the minutes (PDF, DOCX, re-opened) of a round voted electronically, and on
the phone's receipt page. Before, E was only in the public record and the receipt's JSON: nothing in the hall
said which E the record had to carry."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from docx import Document
from fastapi.testclient import TestClient
from pypdf import PdfReader

from tests.integration.test_receipts import Phone
from tests.integration.test_web_admin import second_device
from tinnhiem.domain.model import Level, Totals
from tinnhiem.services import rounds
from tinnhiem.storage.repository import SqlUnitOfWork
from tinnhiem.testing import demo
from tinnhiem.testing.hall import prepare_hall
from tinnhiem.web.app import create_app
from tinnhiem.web.settings import Settings


@pytest.fixture
def client(tmp_path: Path) -> TestClient:
    return second_device(TestClient(create_app(Settings(
        database_url=f"sqlite:///{tmp_path / 'e.sqlite3'}", home=tmp_path, secret_key="secret", organiser_code="ORG"))))


def grouped(hex_digits: str) -> str:
    """E as a person reads it: groups of four hex digits (the test's own reading, not the code's)."""
    return " ".join(hex_digits[i:i + 4] for i in range(0, len(hex_digits), 4))


def _uow(client: TestClient) -> SqlUnitOfWork:
    return SqlUnitOfWork(client.app.state.hall.database)  # type: ignore[attr-defined]


def test_grouped_reads_in_fours() -> None:
    from tinnhiem.reports.content import grouped as printed

    assert "0123 4567 89ab cdef" == printed("0123456789abcdef")
    assert "0123 4" == printed("01234")


def test_the_projector_shows_e_once_the_cards_are_stored(client: TestClient, tmp_path: Path) -> None:
    rounds.import_round_file(_uow(client), demo.demo_file(), code="giay")
    assert 'id="election-id"' not in client.get("/r/giay/screen").text  # a paper round: no E, no empty label
    code, _, _ = prepare_hall(_uow(client), tmp_path / "keys")
    e = client.get(f"/api/rounds/{code}/election").json()["election"]
    assert e is not None and 64 == len(e)
    page = client.get(f"/r/{code}/screen").text
    assert "Mã cuộc bỏ phiếu" in page
    assert f'<span class="lead">{grouped(e[:16])}</span>' in page  # large: the first 16 digits, in fours
    assert f'<span class="full">{grouped(e)}</span>' in page  # small: the whole value


def test_the_minutes_print_e_when_the_round_was_voted_electronically(client: TestClient, tmp_path: Path) -> None:
    code, _, _ = prepare_hall(_uow(client), tmp_path / "keys")
    e = client.get(f"/api/rounds/{code}/election").json()["election"]
    assert e is not None
    uow = _uow(client)
    subjects = rounds.load(uow, code)[0].subjects
    rounds.correct_figures(uow, code, {"present": 53, "ballots_issued": 53, "ballots_returned": 53})
    with uow:  # the committee's tally stands in: what is checked is the minutes' words
        uow.rounds.save_totals(code, tuple(Totals({Level.HIGH: 1, Level.CONFIDENCE: 0, Level.LOW: 0}, 0)
                                           for _ in subjects), channel="electronic")
        uow.commit()
    pdf = client.get(f"/admin/r/{code}/documents/minutes.pdf")
    assert 200 == pdf.status_code, pdf.text[pdf.text.find("<main"):][:1500]
    text = " ".join("".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages).split())
    assert grouped(e) in text, text[:2000]
    docx = client.get(f"/admin/r/{code}/documents/minutes.docx")
    words = "\n".join(p.text for p in Document(io.BytesIO(docx.content)).paragraphs)
    assert f"mã cuộc bỏ phiếu (E), để đối chiếu với hồ sơ công khai: {grouped(e)}." in words


def test_a_paper_round_prints_no_e(client: TestClient) -> None:
    rounds.import_round_file(_uow(client), demo.demo_file(), code="giay")
    words = "\n".join(p.text for p in Document(io.BytesIO(
        client.get("/admin/r/giay/documents/minutes.docx").content)).paragraphs)
    assert "mã cuộc bỏ phiếu" not in words


def test_the_phone_shows_the_receipts_e(tmp_path: Path) -> None:
    """The receipt page has its place for E, filled by vote.js from the signed receipt (the browser test
    tests/browser/test_hall_round.py reads it on the phone)."""
    phone = Phone(tmp_path)
    page = phone.sign_in(0).get(f"/r/{phone.code}/vote/ballot").text
    assert 'id="done-election"' in page and "Mã cuộc bỏ phiếu" in page
    script = phone.client.get("/static/vote.js").text
    assert 'getElementById("done-election").textContent = grouped(receipt.election)' in script


def test_the_command_line_documents_and_signable_minutes_print_e(home: Path, tmp_path: Path) -> None:
    """`tinnhiem documents ROUND` and the minutes to sign (`tinnhiem minutes …`, reports/signed_minutes.fresh_minutes) of a
    stored round voted electronically carry E as the web's minutes do."""
    from typer.testing import CliRunner

    from tinnhiem.cli.main import app
    from tinnhiem.paper.audit import minutes_extras
    from tinnhiem.reports.signed_minutes import fresh_minutes
    from tinnhiem.services.minutes import result_hash
    from tinnhiem.storage.db import Database

    uow = SqlUnitOfWork(Database.open())
    code, _, _ = prepare_hall(uow, tmp_path / "keys")
    with uow:
        election = uow.voting.election(code)
    assert election is not None and election.election_id is not None
    e = election.election_id
    rounds.correct_figures(uow, code, {"present": 53, "ballots_issued": 53, "ballots_returned": 53})
    subjects = rounds.load(uow, code)[0].subjects
    with uow:
        uow.rounds.save_totals(code, tuple(Totals({Level.HIGH: 1, Level.CONFIDENCE: 0, Level.LOW: 0}, 0)
                                           for _ in subjects), channel="electronic")
        uow.commit()
    result = CliRunner().invoke(app, ["documents", code, "--out", str(tmp_path / "out")])
    assert 0 == result.exit_code, result.output
    docx = next((tmp_path / "out").glob("*-bien-ban.docx"))
    assert grouped(e) in "\n".join(p.text for p in Document(io.BytesIO(docx.read_bytes())).paragraphs)
    counted = rounds.count(uow, code)
    signable = fresh_minutes(counted, result_hash(counted), *minutes_extras(uow, code, counted))
    text = " ".join("".join(p.extract_text() for p in PdfReader(io.BytesIO(signable)).pages).split())
    assert grouped(e) in text
