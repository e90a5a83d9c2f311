"""Schemathesis against the app's OpenAPI description: no input, however odd, makes the server fail.

Cases are drawn from each operation's strategy and run through Hypothesis directly (schemathesis'
pytest plugin does not load under pytest 9 here).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tinnhiem.storage.repository import SqlUnitOfWork
from tinnhiem.testing.hall import prepare_hall
from tinnhiem.web.app import create_app
from tinnhiem.web.settings import Settings


@pytest.fixture(scope="module")
def operations(tmp_path_factory: pytest.TempPathFactory) -> list[Any]:
    home: Path = tmp_path_factory.mktemp("api")
    app = create_app(Settings(f"sqlite:///{home / 'api.sqlite3'}", home, "secret", "ORG"))
    prepare_hall(SqlUnitOfWork(app.state.hall.database), home / "keys")
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    return [result.ok() for result in schema.get_all_operations()]


def test_every_operation_is_described(operations: list[Any]) -> None:
    """The description lists the delegate, organiser and public operations (so the test below covers them)."""
    paths = {op.path for op in operations}
    assert {"/api/rounds/{code}/ballots", "/r/{code}/vote/sign-in", "/admin/r/{code}/checkin"} <= paths


def test_no_input_makes_a_server_error(operations: list[Any]) -> None:
    """Every operation answers generated input with a 2xx, 3xx or 4xx, never a 5xx."""
    failures: list[str] = []
    for operation in operations:
        exercise(operation, failures)
    assert [] == failures


def exercise(operation: Any, failures: list[str]) -> None:
    """15 generated calls of one operation; any 5xx is noted (an exception fails the test at once)."""

    @settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(data=st.data())
    def run(data: st.DataObject) -> None:
        case = data.draw(operation.as_strategy())
        response = case.call()
        if response.status_code >= 500:
            failures.append(f"{operation.method.upper()} {operation.path}: {response.status_code}")

    run()
