"""The risk-limiting audit of the paper count through the services and the database: the draw follows
the seed, two members must agree, a wrong band is sent to a hand count, and nothing can be changed
(seed, sheets, decisions) once the draw is known."""

from __future__ import annotations

import hashlib
import io
import random
from dataclasses import replace
from pathlib import Path

import docx
import pypdfium2 as pdfium
import pytest
from typer.testing import CliRunner

from tinnhiem.cli.main import app
from tinnhiem.domain.errors import InvalidInput
from tinnhiem.domain.model import Conference, Round, VotingBody
from tinnhiem.paper import audit, counting
from tinnhiem.paper.forms import forms_for
from tinnhiem.reports.content import minutes
from tinnhiem.reports.docx import minutes_docx
from tinnhiem.reports.pdf import minutes_pdf
from tinnhiem.services import roundfile, rounds
from tinnhiem.services.ports import StoredRow, StoredSheet
from tinnhiem.storage.repository import SqlUnitOfWork

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "scans-sample"
CODE = "r12"
A, B, OTHER = "Trần Văn Kiểm", "Lê Thị Phiếu", "Phạm Văn Đếm"
SEED = "31415926535897932384"
LOW = 2


def _round() -> Round:
    round_ = roundfile.parse_round(roundfile.load(SAMPLE / "r12.yaml"))[0]
    return replace(round_, body=VotingBody(round_.body.name, 300, round_.body.kind),
                   conference=Conference(300, 300, 300, 300))


def _stack(truth_low: int, machine_low: int, seed: int = 1) -> tuple[list[list[int]], list[list[int]]]:
    """300 sheets of 12 rows (levels 0–2): subject 0 low on ``truth_low`` papers, read low on ``machine_low``."""
    rng = random.Random(seed)
    paper = [[rng.choice((0, 1)) if s else 1 for s in range(12)] for _ in range(300)]
    for sheet in rng.sample(range(300), truth_low):
        paper[sheet][0] = LOW
    machine = [list(p) for p in paper]
    others = [i for i in range(300) if paper[i][0] != LOW]
    if machine_low > truth_low:
        for i in rng.sample(others, machine_low - truth_low):
            machine[i][0] = LOW
    return machine, paper


def _load(uow: SqlUnitOfWork, machine: list[list[int]]) -> Round:
    round_ = _round()
    rounds.create_round(uow, round_, code=CODE)
    qr = next(iter(forms_for(round_, CODE).layouts))
    with uow:
        for n, levels in enumerate(machine):
            rows = tuple(StoredRow(i, i, "marked", lv, (), "marked", lv) for i, lv in enumerate(levels))
            uow.paper.add_sheet(CODE, StoredSheet(None, "stack.pdf", n, "a" * 64, qr, (), False, rows))
        uow.commit()
    counting.count_paper(uow, CODE, forms_for(round_, CODE), A)
    return round_


def _read_all(uow: SqlUnitOfWork, paper: list[list[int]]) -> audit.AuditView:
    """Two members read every drawn sheet as the paper says, until the audit asks for nothing more."""
    view = audit.view(uow, CODE)
    assert view is not None
    while view.read < len(view.draws):
        batch = {d.sheet.id or 0: ([str(v) for v in paper[d.sheet.source_page]], False) for d in view.draws[view.read:]}
        for member in (A, B):
            view = audit.enter_many(uow, CODE, [(sheet, rows, void) for sheet, (rows, void) in batch.items()],
                                    member=member)
    return view


def test_a_right_count_is_confirmed_and_the_draw_follows_the_seed(uow: SqlUnitOfWork) -> None:
    machine, paper = _stack(180, 180)
    _load(uow, machine)
    view = audit.start(uow, CODE, "5", SEED, member=A, seen_stack=audit.counted_stack_hash(uow, CODE))
    places = [int(hashlib.sha256(f"{SEED},{i}".encode()).hexdigest(), 16) % 300 + 1 for i in range(1, 49)]
    assert [d.place for d in view.draws] == places  # anyone can redo the draw
    assert [d.sheet.source_page + 1 for d in view.draws] == places  # place k: the k-th counted sheet
    view = _read_all(uow, paper)
    assert view.verdict.confirmed and not view.verdict.hand_count and view.read == len(view.draws)
    lines = audit.minutes_lines(view)
    assert "giới hạn rủi ro 5,00 %" in lines[0] and SEED in lines[0] and f"rút {view.read} lần" in lines[0]
    assert lines[1] == "Khác biệt giữa máy và người đọc: không có (o1 0, o2 0, u1 0, u2 0)."
    assert lines[2] == "Kết luận: mọi kết quả được xác nhận với giới hạn rủi ro 5,00 %."


def test_a_reader_that_changed_a_band_sends_the_leader_to_a_hand_count(uow: SqlUnitOfWork) -> None:
    """Subject 0 has 140 low papers (band 1); the machine counted 156 (band 2)."""
    machine, paper = _stack(140, 156)
    round_ = _load(uow, machine)
    audit.start(uow, CODE, "5", SEED, member=A, seen_stack=audit.counted_stack_hash(uow, CODE))
    view = _read_all(uow, paper)
    assert view.verdict.hand_count == (0,) and not view.verdict.open
    assert view.found().get("o2", 0) >= 1
    text = " ".join(audit.minutes_lines(view))
    assert f"cần kiểm phiếu bằng tay cho: {round_.subjects[0].name}" in text
    assert "máy «Tín nhiệm thấp», người đọc «Tín nhiệm»" in text
    assert f"{round_.subjects[0].name}, ngưỡng quá nửa: o2 " in text  # 156 reported: above half, below two thirds
    assert f"{round_.subjects[0].name}, ngưỡng từ hai phần ba: u2 " in text
    assert "mọi kết quả khác được xác nhận với giới hạn rủi ro 5,00 %" in text
    # the minutes, written and opened again: PDF text and DOCX paragraphs
    paper = audit.figures(uow, CODE)
    words = minutes(rounds.count(uow, CODE), paper)
    pdf = pdfium.PdfDocument(minutes_pdf(words))
    printed = " ".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf))).replace("\r\n", " ")
    assert SEED in printed and "cần kiểm phiếu bằng tay cho" in printed
    paragraphs = [p.text for p in docx.Document(io.BytesIO(minutes_docx(words))).paragraphs]
    assert [line for line in paragraphs if line in audit.minutes_lines(view)] == list(audit.minutes_lines(view))


def test_nothing_changes_once_the_draw_is_known(uow: SqlUnitOfWork) -> None:
    """Attacks: a second seed (to choose the draw), a changed decision or a new sheet after the draw,
    one member reading twice, a reading by someone off the committee, a sheet not drawn."""
    machine, paper = _stack(180, 180)
    _load(uow, machine)
    view = audit.start(uow, CODE, "5 %", SEED, member=A, seen_stack=audit.counted_stack_hash(uow, CODE))
    first = view.draws[0].sheet
    for attempt in (lambda: audit.start(uow, CODE, "5", "9" * 20, member=B, seen_stack=audit.counted_stack_hash(uow, CODE)),
                    lambda: counting.decide_row(uow, CODE, first.id or 0, 0, 0, member=A),
                    lambda: counting.decide_sheet(uow, CODE, first.id or 0, void=True, member=A),
                    lambda: counting.withdraw_sheet(uow, CODE, first.id or 0, reason="x", member=A)):
        with pytest.raises(InvalidInput) as refused:
            attempt()
        assert refused.value.code in ("audit-started", "audit-frozen")
    again = audit.view(uow, CODE)
    assert again is not None and again.stored.seed == SEED and again.draws == view.draws
    rows = [str(v) for v in paper[first.source_page]]
    audit.enter(uow, CODE, first.id or 0, rows, void=False, member=A)
    view = audit.enter(uow, CODE, first.id or 0, rows, void=False, member=" trần văn  KIỂM ")  # the same member
    assert view.read == 0 and view.draws[0].agreed is None
    view = audit.enter(uow, CODE, first.id or 0, ["0"] * 12, void=False, member=B)
    assert view.draws[0].differ and view.read == 0  # two readings differ: read again
    drawn = {d.sheet.id for d in view.draws}
    not_drawn = next(i for i in range(1, 301) if i not in drawn)
    for sheet, values, member, code in ((first.id or 0, rows, "Người Lạ", "not-a-committee-member"),
                                        (not_drawn, rows, A, "audit-not-drawn"),
                                        (first.id or 0, rows[:5], A, "audit-reading"),
                                        (first.id or 0, ["7"] * 12, A, "audit-reading")):
        with pytest.raises(InvalidInput) as refused:
            audit.enter(uow, CODE, sheet, values, void=False, member=member)
        assert refused.value.code == code


def test_bad_limits_and_seeds_write_nothing(uow: SqlUnitOfWork) -> None:
    machine, _ = _stack(180, 180)
    _load(uow, machine)
    for limit, seed, code in (("0", SEED, "audit-risk-limit"), ("5", "123456", "audit-seed"),
                              ("5", SEED, "not-a-committee-member")):
        with pytest.raises(InvalidInput) as refused:
            audit.start(uow, CODE, limit, seed, member=A if code != "not-a-committee-member" else "X",
                        seen_stack=audit.counted_stack_hash(uow, CODE))
        assert refused.value.code == code
    assert audit.view(uow, CODE) is None


def test_the_command_line_walks_an_audit(uow: SqlUnitOfWork, monkeypatch: pytest.MonkeyPatch) -> None:
    """paper audit: start (the sheets to pull, by number, file, page and place), each member's
    readings typed at the prompts, the verdict."""
    machine, paper = _stack(180, 180)
    _load(uow, machine)
    monkeypatch.setattr("tinnhiem.cli.main._uow", lambda: uow)
    out = CliRunner().invoke(app, ["paper", "audit", CODE, "--risk-limit", "5", "--seed", SEED, "--member", A])
    assert out.exit_code == 0, out.output
    assert "giới hạn rủi ro 5,00 %" in out.output and "«stack.pdf», trang" in out.output and "/300" in out.output
    again = CliRunner().invoke(app, ["paper", "audit", CODE, "--risk-limit", "5", "--seed", "9" * 20, "--member", B])
    assert again.exit_code == 1 and "không đổi được nữa" in again.output  # one seed only
    view = audit.view(uow, CODE)
    assert view is not None
    order = list(dict.fromkeys(d.sheet.source_page for d in view.draws))
    typed = "".join("y\n" + "".join(f"{v + 1}\n" for v in paper[page]) for page in order)
    for member in (A, B):
        out = CliRunner().invoke(app, ["paper", "audit", CODE, "--member", member, "--read"], input=typed)
        assert out.exit_code == 0, out.output[-2000:]
    assert "Kết luận: mọi kết quả được xác nhận với giới hạn rủi ro 5,00 %" in out.output


def test_the_committee_walks_the_audit_on_the_web(tmp_path: Path) -> None:
    """The page: start with limit and seed, each member reads the drawn sheets blind (the machine's
    reading is not on the page before both agree), the verdict; an organiser may look, not enter."""
    import re

    from fastapi.testclient import TestClient

    from tests.integration.test_web_admin import member as signed_member
    from tests.integration.test_web_admin import second_device
    from tinnhiem.web.app import create_app
    from tinnhiem.web.settings import Settings

    client = second_device(TestClient(create_app(Settings(
        database_url=f"sqlite:///{tmp_path / 'w.sqlite3'}", home=tmp_path, secret_key="secret", organiser_code="ORG"))))
    database = client.app.state.hall.database  # type: ignore[attr-defined]
    machine, paper = _stack(140, 156)
    _load(SqlUnitOfWork(database), machine)
    a, b = signed_member(client, CODE, A, "kiem"), signed_member(client, CODE, B, "phieu")
    assert 403 == client.post(f"/committee/r/{CODE}/audit/start", data={"risk_limit": "5", "seed": SEED}).status_code
    stack = re.findall(r'name="seen_stack" value="([0-9a-f]{64})"', a.get(f"/committee/r/{CODE}/audit").text)[0]
    for seed, status in (("123", 422), (SEED, 200)):
        assert status == a.post(f"/committee/r/{CODE}/audit/start", data={
            "risk_limit": "5", "seed": seed, "seen_stack": stack, "csrf": a.headers["X-CSRF-Token"]}).status_code
    page = a.get(f"/committee/r/{CODE}/audit").text
    forms = re.findall(rf'/committee/r/{CODE}/audit/(\d+)"', page)
    drawn = audit.view(SqlUnitOfWork(database), CODE)
    assert drawn is not None
    sheets = sorted({d.sheet.id or 0 for d in drawn.draws})
    assert "máy «" not in page and len(sheets) > 3  # blind: nothing of the machine's reading before two agree
    assert [str(drawn.draws[0].sheet.id)] == forms  # one sheet at a time: the first drawn, the others below it
    for who in (a, b):  # the first sheets through the page, the rest as the same service call
        for sheet in sheets[:3]:
            data = {f"row-{i}": str(v) for i, v in enumerate(paper[sheet - 1])}
            assert 200 == who.post(f"/committee/r/{CODE}/audit/{sheet}",
                                   data={**data, "csrf": who.headers["X-CSRF-Token"]}).status_code
    assert 403 == client.post(f"/committee/r/{CODE}/audit/{sheets[0]}", data={"row-0": "0"}).status_code
    _read_all(SqlUnitOfWork(database), paper)
    page = client.get(f"/committee/r/{CODE}/audit").text
    assert "cần kiểm phiếu bằng tay cho: Nguyễn Văn Ân" in page and "máy «Tín nhiệm thấp»" in page
