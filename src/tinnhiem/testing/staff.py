"""Accounts for tests and the demo: a committee member or an organiser of a round, signed in over HTTP."""

from __future__ import annotations

from typing import Any

from tinnhiem.domain.staff import Role
from tinnhiem.services import accounts
from tinnhiem.services.ports import UnitOfWork


def add_staff(uow: UnitOfWork, code: str, login: str, member: str = "", name: str = "") -> str:
    """A new account with one role in round ``code`` (committee member ``member``, else organiser); its password."""
    password = accounts.create(uow, login, name or member or login, actor="test")
    accounts.grant(uow, code, login, Role.COMMITTEE if member else Role.ORGANISER, member, actor="test")
    return password


def csrf_of(client: Any, path: str = "/admin") -> str:
    """The session's CSRF token, also set as the client's header for JSON and form posts."""
    token = str(client.get(path).text.split('name="csrf-token" content="')[1].split('"')[0])
    client.headers["X-CSRF-Token"] = token
    return token


def sign_in(client: Any, login: str, password: str) -> Any:
    """``client`` (a Starlette TestClient or an httpx client) signed in as ``login``; returns it."""
    answer = client.post("/admin/sign-in", data={"login": login, "password": password, "csrf": csrf_of(client)},
                         follow_redirects=False)
    assert 303 == answer.status_code, answer.text
    return client
