"""The import rule of docs/architecture.md: arrows point inward."""

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src" / "tinnhiem"
ALLOWED = {
    "domain": {"domain"},
    "crypto": {"crypto", "domain"},  # domain for the error hierarchy only
    "services": {"services", "domain", "crypto"},
    "storage": {"storage", "services", "domain"},
    "reports": {"reports", "domain"},
    "paper": {"paper", "services", "domain", "crypto", "reports"},
    "web": {"web", "services", "domain", "crypto", "reports", "storage", "paper"},
    "cli": {"cli", "services", "domain", "crypto", "reports", "storage", "testing", "paper", "web"},
    "testing": {"testing", "services", "domain", "crypto", "paper"},
}
THIRD_PARTY_OK_IN_CORE = {"domain": set(), "crypto": {"rbcl"}}


def imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


@pytest.mark.parametrize("layer", sorted(ALLOWED))
def test_layer_imports_only_inward(layer: str) -> None:
    """A layer imports only the tinnhiem layers it may; domain and crypto nothing outside."""
    wrong = []
    for path in (SRC / layer).rglob("*.py"):
        for name in imports(path):
            parts = name.split(".")
            if parts[0] == "tinnhiem" and len(parts) > 1 and parts[1] not in ALLOWED[layer] | {"__init__"}:
                wrong.append(f"{path.relative_to(SRC)}: {name}")
    assert [] == wrong


@pytest.mark.parametrize("layer", sorted(THIRD_PARTY_OK_IN_CORE))
def test_core_uses_standard_library_only(layer: str) -> None:
    """domain/ is pure standard library; crypto/ adds only the curve library."""
    import sys

    wrong = []
    for path in (SRC / layer).rglob("*.py"):
        for name in imports(path):
            top = name.split(".")[0]
            if top not in sys.stdlib_module_names and top not in {"tinnhiem", "__future__"} | THIRD_PARTY_OK_IN_CORE[layer]:
                wrong.append(f"{path.relative_to(SRC)}: {name}")
    assert [] == wrong


def test_crypto_takes_only_errors_from_domain() -> None:
    """crypto/ shares the error hierarchy with domain/ and nothing else of it."""
    used = {name for path in (SRC / "crypto").rglob("*.py") for name in imports(path) if name.startswith("tinnhiem.domain")}
    assert {"tinnhiem.domain.errors"} == used
