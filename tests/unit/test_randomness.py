"""Production code takes its randomness from the OS CSPRNG only: no module outside testing/ uses `random`."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "tinnhiem"
# services/electronic.py `choices_for` shuffles demo ballots from a seed, on purpose: demos must be repeatable.
REPEATABLE_ON_PURPOSE = {"services/electronic.py"}
PREDICTABLE = {"random", "tinnhiem.testing.simulate", "numpy.random"}


def imported(tree: ast.AST) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def test_no_production_module_draws_from_a_predictable_generator() -> None:
    """Keys, nonces, proofs and codes come from secrets/libsodium; `random` and the seeded test helper stay in testing/."""
    found = {
        str(path.relative_to(PACKAGE)): sorted(imported(ast.parse(path.read_text(encoding="utf-8"))) & PREDICTABLE)
        for path in PACKAGE.rglob("*.py")
        if path.relative_to(PACKAGE).parts[0] != "testing"
    }
    assert {} == {name: bad for name, bad in found.items() if bad and name not in REPEATABLE_ON_PURPOSE}
