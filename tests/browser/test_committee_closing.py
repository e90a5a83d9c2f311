"""The committee's page at closing: each member's browser fetches the ballots, checks them, counts N
itself and shows it; signs the closing statement it recomputed; decrypts only the sums it recomputed.

A hostile hall is played by Playwright routes that rewrite the server's answers: the tally replaced by one
ballot's ciphertexts, nine ballots of ten hidden. Each is refused on the page, naming the check, before the
key file and passphrase are even asked for, and nothing is posted."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, Route, expect

from tests.browser.conftest import PHONE, SHOTS, served
from tinnhiem.crypto.ballot import cast_ballot
from tinnhiem.crypto.credentials import signing_key
from tinnhiem.crypto.record import ballot_json
from tinnhiem.domain.model import Conference, Delegate
from tinnhiem.services import cards, keyfiles, record, roundfile, rounds, voting
from tinnhiem.services.keyfiles import MemberSecrets
from tinnhiem.storage.repository import SqlUnitOfWork
from tinnhiem.testing import demo
from tinnhiem.testing.hall import seal_reserve, signed_cards
from tinnhiem.testing.simulate import seeded, seeded_bytes, seeded_cards
from tinnhiem.web.app import create_app
from tinnhiem.web.settings import Settings

CODE = "ban-kiem-phieu"


class Closed:
    def __init__(self, url: str, keys: list[Path], uow: SqlUnitOfWork) -> None:
        self.url, self.keys, self.uow = url, keys, uow


@pytest.fixture(scope="module")
def closed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Closed]:
    """A round with 10 electronic ballots, voting closed, nobody signed yet; each member's key file."""
    home = tmp_path_factory.mktemp("closing")
    app = create_app(Settings(database_url=f"sqlite:///{home / 'hall.sqlite3'}", home=home, secret_key="s",
                              organiser_code="ORG12345"))
    uow = SqlUnitOfWork(app.state.hall.database)
    round_ = roundfile.parse_round(roundfile.load(demo.demo_file()))[0]
    rounds.create_round(uow, replace(round_, conference=Conference(convened=12)),
                        tuple(Delegate(f"Đại biểu {i}") for i in range(1, 13)), code=CODE)
    shares = voting.set_up_election(uow, CODE, ["Hà Văn Tâm", "Lâm Thị Kim Oanh", "Tạ Quang Vinh"], 2, seeded(1))
    secrets = seeded_cards(CODE, 12, seed=7)
    cards.upload(uow, CODE, signed_cards(uow, CODE, secrets, {s.member: s.share for s in shares[:2]}).public)
    for i in range(1, 11):
        rounds.attend(uow, CODE, f"Đại biểu {i}", "electronic")
    seal_reserve(uow, CODE, secrets[10:])
    voting.open_voting(uow, CODE)
    with uow:
        election = uow.voting.election(CODE)
    assert election is not None and election.election_id is not None
    m, e, key = voting.manifest(election), bytes.fromhex(election.election_id), bytes.fromhex(election.joint_key)
    for i in range(10):
        voting.cast(uow, CODE, ballot_json(cast_ballot(m, e, key, [i % 3] * len(m.subjects),
                                                       signing_key(CODE, secrets[i]), seeded(i), seeded_bytes(i))[0]))
    voting.close_voting(uow, CODE)
    keys = []
    for s in shares:
        keys.append(home / f"{CODE}-thanh-vien-{s.member}.key")
        keys[-1].write_bytes(keyfiles.lock(MemberSecrets(CODE, s.member, keyfiles.new_member(CODE, s.member).device_key,
                                                         s.share), f"mat-khau-{s.member}", "interactive"))
    with served(app) as url:
        yield Closed(url, keys, uow)


def _device(browser: Browser) -> Page:
    return browser.new_context(viewport=PHONE).new_page()


def _posted(page: Page) -> list[str]:
    sent: list[str] = []
    page.on("request", lambda r: sent.append(r.url) if r.method == "POST" else None)
    return sent


def _check(page: Page, closed: Closed) -> None:
    page.goto(f"{closed.url}/committee/r/{CODE}")
    page.get_by_role("button", name="Kiểm tra hồ sơ trên máy này").click()


def test_members_sign_the_closing_statement_their_device_recomputed(browser: Browser, closed: Closed) -> None:
    """Member 1's phone counts 10 ballots, shows 10 (and 10 cards, 0 paper) and signs; member 3 the same."""
    for member in (1, 3):
        page = _device(browser)
        _check(page, closed)
        expect(page.locator("#count-ballots")).to_have_text("10", timeout=60_000)
        expect(page.locator("#count-issued")).to_have_text("10")
        expect(page.locator("#count-paper")).to_have_text("0")
        expect(page.get_by_role("button", name="Số phiếu trùng màn chiếu: ký xác nhận")).to_be_visible()
        page.get_by_label("Tệp khóa của đồng chí").set_input_files(str(closed.keys[member - 1]))
        page.get_by_label("Mật khẩu").fill(f"mat-khau-{member}")
        if member == 1:
            SHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=SHOTS / "phone-committee-closing.png", full_page=True)
        page.get_by_role("button", name="Số phiếu trùng màn chiếu: ký xác nhận").click()
        expect(page.get_by_role("status")).to_contain_text(f"Đã ký xác nhận: {1 if member == 1 else 2}/2",
                                                           timeout=30_000)
        if member == 1:
            page.screenshot(path=SHOTS / "phone-committee-closing-signed.png", full_page=True)
        page.context.close()
    assert [1, 3] == [s["member"] for s in record.closing_statement(closed.uow, CODE)["signatures"]]  # type: ignore[attr-defined]


def _rewrite(path: str, change: Any) -> Any:
    def handle(route: Route) -> None:
        answer = route.fetch()
        route.fulfill(response=answer, body=json.dumps(change(answer.json())), content_type="application/json")
    return path, handle


def _refused_before_any_key(browser: Browser, closed: Closed, route: tuple[str, Any], check: str) -> None:
    page = _device(browser)
    page.route(*route)
    sent = _posted(page)
    _check(page, closed)
    expect(page.get_by_role("alert")).to_contain_text(f"«{check}»", timeout=60_000)
    expect(page.locator("#key")).to_be_hidden()
    expect(page.get_by_label("Mật khẩu")).to_be_hidden()
    assert [] == sent
    page.screenshot(path=SHOTS / f"phone-committee-refused-{check}.png", full_page=True)
    page.context.close()


def test_a_server_that_substitutes_one_ballot_for_the_tally_is_refused(browser: Browser, closed: Closed) -> None:
    """The server answers /tally with the first ballot's ciphertexts: the page's own sums differ (tally-sum)."""
    def one_ballot(tally: dict[str, Any]) -> dict[str, Any]:
        first = record.public_record(closed.uow, CODE)["ballots"][0]  # type: ignore[index]
        return tally | {"rows": [{"alpha": r["alpha"], "beta": r["beta"]} for r in first["rows"]]}

    _refused_before_any_key(browser, closed, _rewrite("**/api/rounds/*/tally", one_ballot), "tally-sum")


def test_a_server_that_hides_nine_ballots_of_ten_is_refused(browser: Browser, closed: Closed) -> None:
    """The record answered with one ballot of ten (their cards voided): N recomputed is 1, the statement the
    members signed says 10 (closing-count)."""
    def hide_nine(data: dict[str, Any]) -> dict[str, Any]:
        hidden = {b["credential"] for b in data["ballots"][1:]}
        return data | {"ballots": data["ballots"][:1], "cards": data["cards"] | {
            "list": [c | {"void": c["void"] or c["credential"] in hidden} for c in data["cards"]["list"]]}}

    _refused_before_any_key(browser, closed, _rewrite("**/api/rounds/*/record", hide_nine), "closing-count")


def test_two_members_decrypt_the_sums_they_recomputed(browser: Browser, closed: Closed) -> None:
    for member, expected in ((1, "Chờ các thành viên khác"), (3, "kết quả đã được giải mã")):
        page = _device(browser)
        _check(page, closed)
        expect(page.get_by_role("button", name="Giải mã phần của tôi")).to_be_visible(timeout=60_000)
        page.get_by_label("Tệp khóa của đồng chí").set_input_files(str(closed.keys[member - 1]))
        page.get_by_label("Mật khẩu").fill(f"mat-khau-{member}")
        page.get_by_role("button", name="Giải mã phần của tôi").click()
        expect(page.get_by_role("status")).to_contain_text(expected, timeout=30_000)
        page.context.close()
    data = record.public_record(closed.uow, CODE)
    assert "tallied" == data["state"]
