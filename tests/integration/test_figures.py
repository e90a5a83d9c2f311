"""No dead ends: every figure the count needs is asked for before voting, named; the
organisers write or correct the conference figures on the web and the command line, audited; the projector
says what is missing instead of reloading."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from tinnhiem.domain.errors import InvalidInput
from tinnhiem.domain.model import BaseKind, Conference, Delegate, Level, Round, Totals, VotingBody
from tinnhiem.services import roundfile, rounds
from tinnhiem.storage.repository import SqlUnitOfWork
from tinnhiem.storage.tables import AuditRow
from tinnhiem.testing import demo
from tinnhiem.web.app import create_app
from tinnhiem.web.settings import Settings

CODE = "hoi-nghi-500"


def blank_round() -> Round:
    """The demo round as the template allows it: every conference figure left blank (QĐ 96: quorum required)."""
    round_ = roundfile.parse_round(roundfile.load(demo.demo_file()))[0]
    return replace(round_, rule_set="qd96-2023", conference=Conference(), base=BaseKind.BALLOTS_RETURNED)


def delegates(count: int) -> tuple[Delegate, ...]:
    return tuple(Delegate(f"Đại biểu {i}", "Sở Tài chính") for i in range(1, count + 1))


def decrypted(uow: SqlUnitOfWork, round_: Round, checked_in: int, returned: int) -> None:
    """The hall's day up to the committee's decryption: check-in, then the electronic totals stored
    (what services/record.finalize stores), the ballots returned filled in from the hall."""
    for i in range(1, checked_in + 1):
        rounds.attend(uow, CODE, f"Đại biểu {i}", "electronic")
    with uow:
        uow.rounds.save_totals(CODE, [Totals({Level.HIGH: returned, Level.CONFIDENCE: 0, Level.LOW: 0})
                                      for _ in round_.subjects], channel="electronic")
        stored = uow.rounds.get(CODE).conference
        uow.rounds.set_conference(CODE, replace(stored, ballots_issued=checked_in, ballots_returned=returned))
        uow.commit()


def test_the_reported_dead_end_counts(uow: SqlUnitOfWork) -> None:
    """The tester's walk: convened blank, 500 on the list, 493 voted: the count and the minutes follow
    (it stopped with "[conference.convened] Thiếu thông tin bắt buộc" after decryption)."""
    round_ = blank_round()
    rounds.create_round(uow, round_, delegates(500), code=CODE)
    decrypted(uow, round_, checked_in=493, returned=493)
    result = rounds.count(uow, CODE)
    assert (500, 493, 493) == (result.round.conference.convened, result.round.conference.present, result.base)
    assert result.quorum.met


def test_a_round_stored_before_the_fix_counts_with_its_list(uow: SqlUnitOfWork) -> None:
    """A round already stored with convened blank (before this check): counted with the list's length, as
    check-in and the quorum line were."""
    round_ = blank_round()
    with uow:
        uow.rounds.add(round_, delegates(500), CODE)
        uow.commit()
    decrypted(uow, round_, checked_in=493, returned=493)
    assert 500 == rounds.count(uow, CODE).round.conference.convened


@pytest.mark.parametrize(("change", "field"), [
    ({"conference": Conference()}, "conference.convened"),  # the quorum of QĐ 96 needs it, and no list is given
    ({"rule_set": "nq96-2023", "conference": Conference(), "base": BaseKind.CONVENED}, "conference.convened"),
    ({"rule_set": "nq85-2014", "base": None, "body": VotingBody("Hội đồng nhân dân tỉnh"), "exemptions": ()},
     "body.members"),
    ({"base": None}, "base"),  # QĐ 96 sets no base: the round must
])
def test_a_figure_nobody_records_is_asked_for_at_creation(uow: SqlUnitOfWork, change: dict[str, object],
                                                          field: str) -> None:
    """Refused when the round is created, the field named, nothing stored (before: stored, then the count
    stopped after the vote)."""
    round_ = replace(roundfile.parse_round(roundfile.load(demo.demo_file()))[0],
                     **{"rule_set": "qd96-2023", **change})  # type: ignore[arg-type]
    with pytest.raises(InvalidInput) as refused:
        rounds.create_round(uow, round_, (), code=CODE)
    assert field == refused.value.field
    assert [] == rounds.listing(uow)


def audit(uow: SqlUnitOfWork, action: str) -> list[dict[str, object]]:
    with uow:
        return [dict(row.detail) for row in uow.session.scalars(select(AuditRow).where(AuditRow.action == action))]


def test_figures_are_corrected_until_counted_then_only_blanks_filled(uow: SqlUnitOfWork) -> None:
    """Before the count any figure changes (audited, old and new); after it, a set figure is refused and a
    blank one is still written: never a dead end, never a base changed after the results are known."""
    round_ = replace(blank_round(), conference=Conference(convened=500))
    rounds.create_round(uow, round_, delegates(500), code=CODE)
    rounds.correct_figures(uow, CODE, {"convened": 498}, actor="tochuc")
    with pytest.raises(InvalidInput) as order:
        rounds.correct_figures(uow, CODE, {"present": 499}, actor="tochuc")
    assert "conference.present" == order.value.field  # 499 present of 498 convened: nothing written
    decrypted(uow, round_, checked_in=493, returned=493)
    with pytest.raises(InvalidInput) as counted:
        rounds.correct_figures(uow, CODE, {"convened": 600}, actor="tochuc")
    assert ("figures-counted", "conference.convened") == (counted.value.code, counted.value.field)
    rounds.correct_figures(uow, CODE, {"present": 493}, actor="tochuc")
    assert Conference(498, 493, 493, 493) == rounds.load(uow, CODE)[0].conference
    assert [{"figures": {"convened": [500, 498]}}, {"figures": {"present": [None, 493]}}] == audit(
        uow, "figures-corrected")


@pytest.fixture
def client(tmp_path: Path) -> TestClient:
    from tests.integration.test_web_admin import second_device

    app = create_app(Settings(database_url=f"sqlite:///{tmp_path / 'w.sqlite3'}", home=tmp_path,
                              secret_key="secret", organiser_code="ORG"))
    return second_device(TestClient(app))


def hall_uow(client: TestClient) -> SqlUnitOfWork:
    return SqlUnitOfWork(client.app.state.hall.database)  # type: ignore[attr-defined]


def test_the_projector_says_what_is_missing_and_the_web_fills_it(client: TestClient) -> None:
    """A counted round whose base was never given (stored before this check): the projector shows the
    missing figure by name and the page does not reload itself; the organisers' form fills it, audited."""
    uow = hall_uow(client)
    round_ = replace(blank_round(), conference=Conference(convened=500))
    with uow:
        uow.rounds.add(round_, delegates(500), CODE)
        uow.commit()
    for i in range(1, 494):
        rounds.attend(uow, CODE, f"Đại biểu {i}", "electronic")
    with uow:
        uow.rounds.save_totals(CODE, [Totals({Level.HIGH: 490, Level.CONFIDENCE: 0, Level.LOW: 0})
                                      for _ in round_.subjects], channel="electronic")
        uow.commit()
    screen = client.get(f"/r/{CODE}/screen").text
    assert 'id="problem"' in screen and "Số phiếu thu về" in screen  # the figure in words
    assert "[conference" not in screen and "ballots_returned" not in screen.split('id="problem"')[1][:400]
    page = client.get(f"/admin/r/{CODE}").text
    assert 'id="figure-ballots_returned"' in page
    answer = client.post(f"/admin/r/{CODE}/figures", data={"convened": "500", "present": "", "ballots_issued": "",
                                                          "ballots_returned": "493"}, follow_redirects=False)
    assert 303 == answer.status_code
    screen = client.get(f"/r/{CODE}/screen").text
    assert 'id="problem"' not in screen and 'id="results"' in screen
    assert [{"figures": {"ballots_returned": [None, 493]}}] == audit(uow, "figures-corrected")
    refused = client.post(f"/admin/r/{CODE}/figures", data={"convened": "600", "present": "", "ballots_issued": "",
                                                           "ballots_returned": "493"})
    assert 400 <= refused.status_code < 500 and "Số được triệu tập" in refused.text
    assert "[conference.convened]" not in refused.text
    for bad in ("-5", "12345678901", "5e3", "٥"):  # what a browser's form never sends: refused, nothing written
        assert 422 == client.post(f"/admin/r/{CODE}/figures", data={"present": bad}).status_code, bad
    assert Conference(500, None, None, 493) == rounds.load(uow, CODE)[0].conference
    del client.headers["X-CSRF-Token"]
    assert 403 == client.post(f"/admin/r/{CODE}/figures", data={"present": "1"}).status_code  # no CSRF token


def test_web_messages_say_fields_in_words(tmp_path: Path) -> None:
    """Before: "[password] Sai tên đăng nhập…", "[round_id] …" on the pages and in the phones' answers."""
    app = create_app(Settings(database_url=f"sqlite:///{tmp_path / 'm.sqlite3'}", home=tmp_path,
                              secret_key="secret", organiser_code="ORG"))
    browser = TestClient(app)
    csrf = browser.get("/admin").text.split('name="csrf-token" content="')[1].split('"')[0]
    wrong = browser.post("/admin/sign-in", data={"login": "quantri", "password": "sai", "csrf": csrf}).text
    assert "Sai tên đăng nhập hoặc mật khẩu" in wrong and "[password]" not in wrong and "[Mật khẩu]" in wrong
    answer = browser.get("/api/rounds/khong-co/election").json()
    assert answer["field"] == "round" and answer["message"].startswith("[Cuộc lấy phiếu] ")
    assert answer["message_en"].startswith("[Vote round] ")


def test_voting_does_not_open_without_a_figure_the_count_needs(uow: SqlUnitOfWork) -> None:
    """A round stored without its base (before the check at creation): opening voting names the field,
    before cards or quorum are looked at; before, voting opened and the count stopped after decryption."""
    from tinnhiem.services import voting
    from tinnhiem.testing.simulate import seeded

    round_ = replace(blank_round(), base=None)
    with uow:
        uow.rounds.add(round_, delegates(60), CODE)
        uow.commit()
    voting.set_up_election(uow, CODE, ["Hà Văn Tâm", "Lâm Thị Kim Oanh", "Tạ Quang Vinh"], 2, seeded(1))
    with pytest.raises(InvalidInput) as refused:
        voting.open_voting(uow, CODE)
    assert ("base-missing", "base") == (refused.value.code, refused.value.field)
