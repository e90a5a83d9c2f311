"""A committee member's own check of the paper audit: the audit starts only from the stack the member
saw (its hash), the server's audit file is recomputed on the member's device from the file alone, and a
server that lies about the stack, the draws, a reading or the verdict is caught by the named check."""

from __future__ import annotations

import copy
import hashlib
import json
import re
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from tests.integration.test_paper_audit import CODE, SEED, A, B, _load, _read_all, _round, _stack
from tinnhiem.cli.main import app
from tinnhiem.domain.errors import InvalidInput
from tinnhiem.paper import audit, audit_file, counting
from tinnhiem.reports.content import grouped
from tinnhiem.services import rounds
from tinnhiem.storage.repository import SqlUnitOfWork
from tinnhiem.storage.tables import AuditRow


def _audited(uow: SqlUnitOfWork) -> dict[str, Any]:
    """A band the machine moved (140 low papers read as 156): discrepancies and a hand count; the file."""
    machine, paper = _stack(140, 156)
    _load(uow, machine)
    audit.start(uow, CODE, "5", SEED, member=A, seen_stack=audit.counted_stack_hash(uow, CODE))
    _read_all(uow, paper)
    return audit.export(uow, CODE)


def _rehash(data: dict[str, Any]) -> None:
    """A careful liar: the stack's hash made to fit the altered stack."""
    data["stack_hash"] = hashlib.sha256(audit_file.canonical(data["stack"])).hexdigest()


def _lies(data: dict[str, Any]) -> list[tuple[str, Any]]:
    """Each way a server could alter the file, and the check that must catch it."""
    differing = data["discrepancies"]["sheets"][0]
    number, row = differing["number"], differing["rows"][0]["row"]
    place = next(d["place"] for d in data["draws"] if d["number"] == number)
    other = next(s for s in data["stack"] if s["number"] not in {d["number"] for d in data["draws"]})

    def fmt(d: dict[str, Any]) -> None:
        d["format"] = "tinnhiem-audit/0"

    def stack_row(d: dict[str, Any]) -> None:  # the machine's reading made to agree with the members'
        d["stack"][place - 1]["rows"][row][1] = differing["rows"][0]["people"]

    def stack_row_rehashed(d: dict[str, Any]) -> None:
        stack_row(d)
        _rehash(d)

    def stack_dropped(d: dict[str, Any]) -> None:  # a sheet taken out of the stack after the start
        d["stack"].pop()
        _rehash(d)

    def draw(d: dict[str, Any]) -> None:  # another sheet pulled than the seed names
        d["draws"][0].update(place=other["place"], number=other["number"])

    def seed(d: dict[str, Any]) -> None:
        d["seed"] = "9" + d["seed"][1:]

    def reading(d: dict[str, Any]) -> None:  # both members' readings made to agree with the machine
        for r in d["readings"]:
            if r["number"] == number:
                r["rows"][row] = differing["rows"][0]["machine"]

    def one_reading(d: dict[str, Any]) -> None:
        next(r for r in d["readings"] if r["number"] == number)["rows"][row] = "empty"

    def hidden(d: dict[str, Any]) -> None:  # the server's list of discrepancies without the first sheet
        d["discrepancies"]["sheets"].pop(0)

    def verdict(d: dict[str, Any]) -> None:
        d["verdict"].update(confirmed=True, hand_count=[])

    def words(d: dict[str, Any]) -> None:
        d["verdict"]["words"] = "mọi kết quả được xác nhận với giới hạn rủi ro 5,00 %"

    def risk(d: dict[str, Any]) -> None:
        next(o for o in d["verdict"]["outcomes"] if not o["certain"])["risk"] = "1/100"

    def base(d: dict[str, Any]) -> None:  # another base moves the lines: a differing row moves other outcomes
        d["round"]["base"] += 40

    def electronic(d: dict[str, Any], count: int) -> None:  # from an outside attacker: a false electronic count,
        d["electronic"] = [count] * len(d["electronic"])     # every figure after it recomputed to agree
        again = audit_file._recompute(audit_file._parse(d))
        d["discrepancies"] = audit_file.discrepancies_json(again.read, again.drawn, again.verdict)
        d["verdict"] = audit_file.verdict_json(again.verdict, Fraction(d["risk_limit"]), d["round"]["subjects"])

    def negative(d: dict[str, Any]) -> None:
        electronic(d, -10)

    def beyond_base(d: dict[str, Any]) -> None:  # more electronic ballots than the base leaves after the paper
        electronic(d, d["round"]["base"] - len(d["stack"]) + 1)

    return [("format", fmt), ("stack-hash", stack_row), ("stack-totals", stack_row_rehashed),
            ("stack-totals", stack_dropped), ("draws", draw), ("draws", seed), ("discrepancies", reading),
            ("discrepancies", one_reading), ("discrepancies", hidden), ("verdict", verdict), ("verdict", words),
            ("verdict", risk), ("discrepancies", base), ("stack-totals", negative), ("stack-totals", beyond_base)]


def test_a_server_that_lies_is_caught_by_the_named_check(uow: SqlUnitOfWork) -> None:
    data = _audited(uow)
    assert data["format"] == "tinnhiem-audit/1" and data["verdict"]["hand_count"] == [0]
    assert data["discrepancies"]["sheets"] and data["stack_hash"] == audit.counted_stack_hash(uow, CODE)
    clean = audit_file.check(json.loads(json.dumps(data)))
    assert clean.ok and clean.first_failed is None
    assert [f.name for f in clean.findings] == list(audit_file.CHECKS)
    for name, lie in _lies(data):
        altered = copy.deepcopy(data)
        lie(altered)
        found = audit_file.check(altered)
        assert found.first_failed == name, (lie.__name__, found)
        earlier = audit_file.CHECKS[:audit_file.CHECKS.index(name)]
        assert all(f.passed for f in found.findings if f.name in earlier), lie.__name__
    seen = audit.counted_stack_hash(uow, CODE)
    assert audit_file.check(data, grouped(seen)).ok  # the hash the member noted, as the page groups it
    assert audit_file.check(data, "0" * 64).first_failed == "stack-hash"
    assert audit_file.check("not an object").first_failed == "format"
    assert audit_file.check({**data, "stack": "x"}).first_failed == "format"


def test_the_command_line_checks_a_file(uow: SqlUnitOfWork, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """paper audit-check FILE: every check named, exit 0 on a clean file, 1 on any difference; English on request."""
    data = _audited(uow)
    clean, lying, broken = tmp_path / "r12-audit.json", tmp_path / "lying.json", tmp_path / "broken.json"
    clean.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    altered = copy.deepcopy(data)
    altered["verdict"].update(confirmed=True, hand_count=[])
    lying.write_text(json.dumps(altered), encoding="utf-8")
    broken.write_text("{not json", encoding="utf-8")
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.setenv("TINNHIEM_LANG", "vi")
    out = CliRunner().invoke(app, ["paper", "audit-check", str(clean)])
    assert out.exit_code == 0, out.output
    assert all(f"✓ {name}" in out.output for name in audit_file.CHECKS)
    assert grouped(data["stack_hash"]) in out.output and "Khớp: mọi phép kiểm tra đều đúng" in out.output
    assert "cần kiểm phiếu bằng tay cho: Nguyễn Văn Ân" in out.output
    out = CliRunner().invoke(app, ["paper", "audit-check", str(lying)])
    assert out.exit_code == 1 and "✗ verdict" in out.output and "KHÔNG KHỚP" in out.output
    out = CliRunner().invoke(app, ["paper", "audit-check", str(clean), "--stack", "e084 " + "0" * 60])
    assert out.exit_code == 1 and "✗ stack-hash" in out.output and "khác mã bạn đã ghi" in " ".join(out.output.split())
    out = CliRunner().invoke(app, ["paper", "audit-check", str(broken)])
    assert out.exit_code == 1 and "✗ format" in out.output and "– verdict" in out.output
    monkeypatch.setenv("TINNHIEM_LANG", "en")
    out = CliRunner().invoke(app, ["paper", "audit-check", str(lying)])
    assert out.exit_code == 1 and "MISMATCH: the check «verdict»" in out.output
    assert "✓ draws — The sheets drawn follow the seed" in out.output


def test_a_start_is_refused_when_the_stack_changed_since_the_member_looked(uow: SqlUnitOfWork,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    machine, _ = _stack(180, 180)
    _load(uow, machine)
    seen = audit.counted_stack_hash(uow, CODE)
    assert re.fullmatch("[0-9a-f]{64}", seen)
    _change_the_stack(uow)
    with pytest.raises(InvalidInput) as refused:
        audit.start(uow, CODE, "5", SEED, member=A, seen_stack=seen)
    assert refused.value.code == "audit-stack-changed" and refused.value.field == "seen_stack"
    monkeypatch.setattr("tinnhiem.cli.main._uow", lambda: uow)
    monkeypatch.setenv("TINNHIEM_LANG", "vi")
    out = CliRunner().invoke(app, ["paper", "audit", CODE, "--risk-limit", "5", "--seed", SEED, "--member", A,
                                   "--stack", grouped(seen)])
    assert out.exit_code == 1 and "Chồng phiếu đã kiểm đã thay đổi" in " ".join(out.output.split())
    assert audit.view(uow, CODE) is None  # nothing started
    now = audit.counted_stack_hash(uow, CODE)
    assert now != seen
    audit.start(uow, CODE, "5", SEED, member=A, seen_stack=now)
    with uow:
        logged = uow.session.scalars(select(AuditRow.detail).where(AuditRow.action == "paper-audit-started")).one()
    assert logged["stack"] == now
    view = audit.view(uow, CODE)
    assert view is not None and view.stack_hash == now


def _change_the_stack(uow: SqlUnitOfWork) -> None:
    """A sheet withdrawn and the paper counted again: a stack the audit could start from, but not the one seen."""
    from tinnhiem.paper.forms import forms_for

    with uow:
        round_, sheet = uow.rounds.get(CODE), uow.paper.sheets(CODE)[6]
    counting.withdraw_sheet(uow, CODE, sheet.id or 0, reason="bản quét lại", member=B)
    counting.count_paper(uow, CODE, forms_for(round_, CODE), B)


def test_the_page_shows_the_stack_refuses_a_changed_one_and_gives_the_file(tmp_path: Path) -> None:
    """The audit page shows the stack's hash before the start and posts it back: a start after the stack
    changed is refused; once started, the file is for the round's staff only."""
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
    a = signed_member(client, CODE, A, "kiem")
    page = a.get(f"/committee/r/{CODE}/audit").text
    seen = re.findall(r'name="seen_stack" value="([0-9a-f]{64})"', page)
    assert seen and grouped(seen[0]) in re.sub(r"<input[^>]*>", "", page)  # shown to the member, not only posted
    _change_the_stack(SqlUnitOfWork(database))
    start = {"risk_limit": "5", "seed": SEED, "csrf": a.headers["X-CSRF-Token"]}
    refused = a.post(f"/committee/r/{CODE}/audit/start", data={**start, "seen_stack": seen[0]})
    assert refused.status_code == 422 and "Chồng phiếu đã kiểm đã thay đổi" in refused.text
    assert audit.view(SqlUnitOfWork(database), CODE) is None
    assert 422 == a.post(f"/committee/r/{CODE}/audit/start", data=start).status_code  # no hash: no start
    assert 422 == a.get(f"/committee/r/{CODE}/audit.json").status_code  # nothing to export yet
    now = re.findall(r'name="seen_stack" value="([0-9a-f]{64})"', a.get(f"/committee/r/{CODE}/audit").text)[0]
    assert 200 == a.post(f"/committee/r/{CODE}/audit/start", data={**start, "seen_stack": now}).status_code
    _read_all(SqlUnitOfWork(database), paper)
    page = a.get(f"/committee/r/{CODE}/audit").text
    assert grouped(now) in page and f'href="/committee/r/{CODE}/audit.json"' in page
    assert f"tinnhiem paper audit-check {CODE}-kiem-tra-doi-chieu.json" in page
    got = a.get(f"/committee/r/{CODE}/audit.json")
    assert got.status_code == 200 and "attachment" in got.headers["content-disposition"]
    assert got.json() == audit.export(SqlUnitOfWork(database), CODE) and audit_file.check(got.json()).ok
    assert 200 == client.get(f"/committee/r/{CODE}/audit.json").status_code  # the round's organiser may look
    anonymous = TestClient(client.app).get(f"/committee/r/{CODE}/audit.json", follow_redirects=False)
    assert anonymous.status_code == 303 and anonymous.headers["location"] == "/admin"  # to the sign-in form, no file
    rounds.create_round(SqlUnitOfWork(database), _round(), code="r99")
    elsewhere = signed_member(client, "r99", A, "khac")  # a committee member of another round
    assert 403 == elsewhere.get(f"/committee/r/{CODE}/audit.json").status_code
