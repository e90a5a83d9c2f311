"""Schemathesis against the app's OpenAPI description: no input, however odd, makes the server fail.

Every call carries a session signed in as an organiser and with a voting card, and that session's
CSRF token, so generated bodies reach the handlers (a call without them stops at the CSRF check);
half the calls name the demo round, so they reach a round that exists. Cases are drawn from each
operation's strategy and run through Hypothesis directly (schemathesis' pytest plugin does not load
under pytest 9 here).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient

from tinnhiem.storage.repository import SqlUnitOfWork
from tinnhiem.testing.hall import prepare_hall, sign_in_body
from tinnhiem.web.app import create_app
from tinnhiem.web.settings import Settings


class Api:
    def __init__(self, operations: list[Any], code: str, cookies: dict[str, str], headers: dict[str, str]) -> None:
        self.operations, self.code, self.cookies, self.headers = operations, code, cookies, headers


def signed_in(app: Any, code: str, card: str) -> tuple[dict[str, str], dict[str, str]]:
    """A session signed in as organiser and with a card; returns its cookie and its CSRF header."""
    client = TestClient(app)
    page = client.get(f"/r/{code}/vote").text
    csrf = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    nonce = re.search(r'data-nonce="([0-9a-f]+)"', page).group(1)  # type: ignore[union-attr]
    assert 303 == client.post("/admin/sign-in", data={"csrf": csrf, "login": "quantri", "password": "ORG"},
                              follow_redirects=False).status_code
    election = client.get(f"/api/rounds/{code}/election").json()
    body = sign_in_body(code, card, bytes.fromhex(election["election"]), nonce)
    assert 200 == client.post(f"/api/rounds/{code}/sign-in", json=body, headers={"X-CSRF-Token": csrf}).status_code
    return {"tinnhiem": client.cookies["tinnhiem"]}, {"X-CSRF-Token": csrf}


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Api:
    home: Path = tmp_path_factory.mktemp("api")
    app = create_app(Settings(database_url=f"sqlite:///{home / 'api.sqlite3'}", home=home, secret_key="secret", organiser_code="ORG"))
    code, _, cards = prepare_hall(SqlUnitOfWork(app.state.hall.database), home / "keys")
    cookies, headers = signed_in(app, code, cards.secrets[0])
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    return Api([result.ok() for result in schema.get_all_operations()], code, cookies, headers)


def test_every_operation_is_described(api: Api) -> None:
    """The description lists the delegate, organiser and public operations (so the test below covers them)."""
    paths = {op.path for op in api.operations}
    assert {"/api/rounds/{code}/ballots", "/api/rounds/{code}/sign-in", "/admin/r/{code}/checkin"} <= paths


def test_no_input_makes_a_server_error(api: Api) -> None:
    """Every operation answers generated input with a 2xx, 3xx or 4xx, never a 5xx; posts get past CSRF."""
    failures: list[str] = []
    stopped_at_csrf: list[str] = []
    for operation in api.operations:
        statuses = exercise(api, operation, failures)
        if operation.method.upper() == "POST" and statuses and statuses <= {403}:
            stopped_at_csrf.append(operation.path)
    assert ([], []) == (failures, stopped_at_csrf)


def exercise(api: Api, operation: Any, failures: list[str]) -> set[int]:
    """15 generated calls of one operation; any 5xx is noted (an exception fails the test at once)."""
    statuses: set[int] = set()

    @settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(data=st.data())
    def run(data: st.DataObject) -> None:
        case = data.draw(operation.as_strategy())
        if case.path_parameters and "code" in case.path_parameters and data.draw(st.booleans()):
            case.path_parameters["code"] = api.code
        response = case.call(headers=api.headers, cookies=api.cookies)
        statuses.add(response.status_code)
        if response.status_code >= 500:
            failures.append(f"{operation.method.upper()} {operation.path}: {response.status_code}")

    run()
    return statuses
