"""Named accounts, roles per round, sessions kept on the server: each test plays someone the promise is against.

docs/security.md ("Organisers and the committee"): a copied cookie opens nothing once its session has ended (sign
out, a new password, the end of the day); an account acts only in the rounds and roles it was given; every staff
action is in the audit log under the account; the database holds neither a password nor a session token.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from itsdangerous import TimestampSigner
from sqlalchemy import select, update

from tinnhiem.storage.db import Database
from tinnhiem.storage.repository import SqlUnitOfWork
from tinnhiem.storage.tables import AuditRow, StaffSessionRow
from tinnhiem.testing.hall import prepare_hall
from tinnhiem.testing.staff import add_staff, csrf_of, sign_in
from tinnhiem.web.app import create_app
from tinnhiem.web.settings import Settings


@pytest.fixture
def hall(tmp_path: Path) -> tuple[TestClient, str]:
    app = create_app(Settings(database_url=f"sqlite:///{tmp_path / 'a.sqlite3'}", home=tmp_path, secret_key="secret",
                              organiser_code="ORG-1234"))
    code, _, _ = prepare_hall(SqlUnitOfWork(app.state.hall.database), tmp_path / "keys")
    return TestClient(app), code


def uow(client: TestClient) -> SqlUnitOfWork:
    return SqlUnitOfWork(client.app.state.hall.database)  # type: ignore[attr-defined]


def copy_of(client: TestClient) -> TestClient:
    """Another browser holding a copy of ``client``'s cookie (taken off the Wi-Fi or the screen)."""
    thief = TestClient(client.app)
    thief.cookies.update(client.cookies)
    thief.headers["X-CSRF-Token"] = client.headers["X-CSRF-Token"]
    return thief


def test_a_copied_cookie_opens_nothing_after_sign_out(hall: tuple[TestClient, str]) -> None:
    """Before: the session was the cookie itself, and a copy taken before sign-out still acted afterwards."""
    client, code = hall
    sign_in(client, "quantri", "ORG-1234")
    thief = copy_of(client)
    assert 200 == thief.get(f"/api/rounds/{code}/checkin").status_code  # the copy works while the session lives
    client.post("/admin/sign-out", data={"csrf": client.headers["X-CSRF-Token"]})
    refused = thief.post(f"/api/rounds/{code}/checkin", json={"number": 1})
    assert 401 == refused.status_code and "not-signed-in" == refused.json()["error"]
    assert 303 == thief.get(f"/admin/r/{code}", follow_redirects=False).status_code  # a page: to the sign-in form
    big = thief.post(f"/admin/r/{code}/dossiers", content=b"%PDF" + b"x" * 2_000_000,
                     headers={"content-type": "application/pdf"}, follow_redirects=False)
    assert 303 == big.status_code  # refused before the body is read (web/bounds.py asks the server's sessions)


def test_an_upload_to_a_round_one_does_not_organise_is_refused_unread(hall: tuple[TestClient, str]) -> None:
    """The outside attacker's find: a live session without the role had its whole upload read before the 403.
    Now the role is checked before the body (303 from web/bounds.py, not 403 from the route after reading)."""
    client, code = hall
    counter = sign_in(TestClient(client.app), "vinh", add_staff(uow(client), code, "vinh",
                                                                member=_first_member(client, code)))
    for path in (f"/admin/r/{code}/dossiers", f"/admin/r/{code}/cards", "/admin/new"):
        sent = counter.post(path, content=b"%PDF" + b"x" * 2_000_000, headers={"content-type": "application/pdf"},
                            follow_redirects=False)
        assert 303 == sent.status_code, path


def _first_member(client: TestClient, code: str) -> str:
    from tinnhiem.services import rounds

    return rounds.load(uow(client), code)[0].committee[0].name


def test_a_new_password_ends_every_session_of_the_account(hall: tuple[TestClient, str]) -> None:
    client, code = hall
    password = add_staff(uow(client), code, "lan", name="Nguyễn Thị Lan")
    lan = sign_in(TestClient(client.app), "lan", password)
    assert 200 == lan.get(f"/admin/r/{code}").status_code
    admin = sign_in(TestClient(client.app), "quantri", "org1234")  # case, spaces and dashes do not count
    renewed = admin.post("/admin/accounts/lan/password", data={"csrf": admin.headers["X-CSRF-Token"]})
    new = renewed.text.split('id="new-password">')[1].split("<")[0]
    assert 401 == lan.get(f"/api/rounds/{code}/checkin").status_code
    fresh = TestClient(client.app)
    old = fresh.post("/admin/sign-in", data={"login": "lan", "password": password, "csrf": csrf_of(fresh)})
    assert 401 == old.status_code and "Sai tên đăng nhập hoặc mật khẩu" in old.text
    sign_in(TestClient(client.app), "lan", new)


def test_an_ended_day_ends_the_session(hall: tuple[TestClient, str]) -> None:
    client, code = hall
    sign_in(client, "quantri", "ORG-1234")
    with uow(client) as work:
        work.session.execute(update(StaffSessionRow).values(expires=dt.datetime(2020, 1, 1)))
        work.commit()
    assert 401 == client.get(f"/api/rounds/{code}/checkin").status_code
    sign_in(TestClient(client.app), "quantri", "ORG-1234")  # the next sign-in clears ended sessions away
    with uow(client) as work:
        assert [False] == [r.expires <= dt.datetime(2020, 1, 1) for r in work.session.scalars(select(StaffSessionRow))]


def test_an_account_acts_only_in_its_own_rounds_and_roles(hall: tuple[TestClient, str]) -> None:
    client, code = hall
    from dataclasses import replace

    from tinnhiem.services import roundfile, rounds
    from tinnhiem.testing.demo import demo_file

    other = rounds.create_round(uow(client), replace(roundfile.parse_round(roundfile.load(demo_file()))[0]),
                                code="other")
    member_name = rounds.load(uow(client), code)[0].committee[0].name
    organiser = sign_in(TestClient(client.app), "lan", add_staff(uow(client), code, "lan"))
    counter = sign_in(TestClient(client.app), "vinh", add_staff(uow(client), code, "vinh", member=member_name))
    for who, path, expected in (
        (organiser, f"/admin/r/{other}/open", 403),  # an organiser of one round, not of another
        (organiser, "/admin/accounts", 403),  # nor an admin
        (counter, f"/admin/r/{code}/open", 403),  # a committee member does not open voting
        (counter, f"/admin/r/{code}/people", 403),  # nor give roles
        (organiser, f"/committee/r/{code}/totals", 403),  # an organiser does not type the committee's totals
    ):
        answer = who.post(path, data={"csrf": who.headers["X-CSRF-Token"], "login": "vinh", "role": "organiser"},
                          follow_redirects=False)
        assert expected == answer.status_code, path
    assert 403 == organiser.get(f"/admin/r/{other}").status_code
    assert 200 == counter.get(f"/committee/r/{code}/paper").status_code
    with uow(client) as work:
        assert not work.accounts.grants("vinh")[1:]  # nothing was given by the refused posts


def test_every_staff_action_names_its_account(hall: tuple[TestClient, str]) -> None:
    client, code = hall
    from tinnhiem.services import rounds

    lan = sign_in(TestClient(client.app), "lan", add_staff(uow(client), code, "lan"))
    late = rounds.check_in_list(uow(client), code).delegates[-1].number  # a latecomer on paper (the outside
    lan.post(f"/api/rounds/{code}/checkin", json={"number": late, "channel": "paper"})  # attacker's find)
    lan.post(f"/api/rounds/{code}/checkin/undo", json={"number": late})
    lan.post(f"/admin/r/{code}/close", data={"csrf": lan.headers["X-CSRF-Token"]})  # the hall was opened by "demo"
    with uow(client) as work:
        actors = dict(work.session.execute(select(AuditRow.action, AuditRow.actor)).all())
    assert "lan" == actors["voting-closed"] and "lan" == actors["signed-in"] and "test" == actors["role-granted"]
    assert "lan" == actors["attendance"] == actors["attendance-undone"]


def test_the_database_holds_no_password_and_no_session_token(hall: tuple[TestClient, str], tmp_path: Path) -> None:
    """An operator with the database file finds Argon2id hashes and SHA-256 digests, never what signs in."""
    client, code = hall
    password = add_staff(uow(client), code, "lan")
    lan = sign_in(TestClient(client.app), "lan", password)
    session = json.loads(base64.b64decode(TimestampSigner("secret").unsign(lan.cookies["tinnhiem"])))
    token = session["staff"]
    client.app.state.hall.database.engine.dispose()  # type: ignore[attr-defined]
    raw = b"".join(p.read_bytes() for p in tmp_path.glob("a.sqlite3*"))
    assert b"$argon2id$" in raw
    for secret in (password, password.replace("-", ""), token):
        assert secret.encode() not in raw


def test_a_committee_decision_is_recorded_under_the_signed_in_member(hall: tuple[TestClient, str]) -> None:
    """Before: any organiser posted ``member=`` with any committee name. Now the name comes from the account."""
    client, code = hall
    from tinnhiem.services import rounds

    first, second = (m.name for m in rounds.load(uow(client), code)[0].committee[:2])
    counter = sign_in(TestClient(client.app), "vinh", add_staff(uow(client), code, "vinh", member=first))
    form = {"csrf": counter.headers["X-CSRF-Token"], "member": second}
    for i in range(len(rounds.load(uow(client), code)[0].subjects)):
        form |= {f"c-{i}-cao": "1", f"c-{i}-tin_nhiem": "0", f"c-{i}-thap": "0", f"invalid-{i}": "0"}
    assert "Chờ thành viên thứ hai" in counter.post(f"/committee/r/{code}/totals", data=form).text
    with uow(client) as work:
        assert [first] == list(work.rounds.entries(code))


def test_accounts_roles_and_sessions_on_both_databases(uow: SqlUnitOfWork) -> None:
    """The service on SQLite and PostgreSQL: a session lives until signed out; a new password ends the rest."""
    from tinnhiem.domain.errors import InvalidInput
    from tinnhiem.domain.staff import Role
    from tinnhiem.services import accounts, roundfile, rounds
    from tinnhiem.testing.demo import demo_file

    rounds.create_round(uow, roundfile.parse_round(roundfile.load(demo_file()))[0], code="r")
    password = accounts.create(uow, "Lan.Nguyen", "Nguyễn  Thị Lan", actor="quantri")
    with pytest.raises(InvalidInput, match="Đã có tài khoản"):
        accounts.create(uow, "lan.nguyen", "Someone else", actor="quantri")
    accounts.grant(uow, "r", "lan.nguyen", Role.ORGANISER, actor="quantri")
    accounts.grant(uow, "r", "lan.nguyen", Role.ORGANISER, actor="quantri")  # twice: still one role
    first, second = (accounts.sign_in(uow, "lan.nguyen", password.lower()) for _ in range(2))
    staff = accounts.staff(uow, first)
    assert staff is not None and "Nguyễn Thị Lan" == staff.name and staff.organises("r") and not staff.organises("x")
    assert 1 == len(staff.grants)
    accounts.sign_out(uow, first)
    assert accounts.staff(uow, first) is None and accounts.staff(uow, second) is not None
    accounts.new_password_for(uow, "lan.nguyen", actor="quantri")
    assert accounts.staff(uow, second) is None
    for login, typed in (("lan.nguyen", password), ("nobody", password), ("Bad Login!", "x")):
        with pytest.raises(InvalidInput, match="Sai tên đăng nhập"):
            accounts.sign_in(uow, login, typed)


def test_workers_starting_together_make_one_first_admin(database: Database) -> None:
    """`tinnhiem serve --workers 2` on PostgreSQL: both workers find no account as they start and both add
    `quantri`; the second crashed on the primary key before. Two admins adding one login at once: one wins."""
    import threading

    from tinnhiem.domain.errors import InvalidInput
    from tinnhiem.services import accounts

    errors: list[BaseException] = []

    def at_once(work: Callable[[], object]) -> None:
        gate = threading.Barrier(2)

        def run() -> None:
            gate.wait()
            try:
                work()
            except BaseException as error:  # noqa: BLE001 - every failure is collected and shown
                errors.append(error)

        threads = [threading.Thread(target=run) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    at_once(lambda: accounts.ensure_first_admin(SqlUnitOfWork(database), "ABCD-1234"))
    assert [] == errors
    assert accounts.first_admin_unchanged(SqlUnitOfWork(database), "abcd1234")  # printed by `tinnhiem serve`
    at_once(lambda: accounts.create(SqlUnitOfWork(database), "lan", "Nguyễn Thị Lan", actor="quantri"))
    assert ["login-taken"] == [e.code for e in errors if isinstance(e, InvalidInput)] and 1 == len(errors)
    assert ["lan", "quantri"] == [a.login for a in accounts.listing(SqlUnitOfWork(database))]
    accounts.new_password_for(SqlUnitOfWork(database), "quantri", actor="quantri")
    assert not accounts.first_admin_unchanged(SqlUnitOfWork(database), "ABCD-1234")  # no longer printed
