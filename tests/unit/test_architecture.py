"""The import rule of docs/architecture.md: arrows point inward."""

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src" / "tinnhiem"
ALLOWED = {
    "domain": {"domain"},
    "crypto": {"crypto", "domain"},  # domain for the error hierarchy only
    "services": {"services", "domain", "crypto"},
    "storage": {"storage", "services", "domain", "settings"},
    "reports": {"reports", "domain", "settings"},
    "paper": {"paper", "services", "domain", "crypto", "reports", "i18n"},
    "office": {"office", "services", "domain", "i18n"},
    "web": {"web", "services", "domain", "crypto", "reports", "storage", "paper", "office", "settings", "i18n"},
    "cli": {"cli", "services", "domain", "crypto", "reports", "storage", "testing", "paper", "office", "web",
            "settings", "i18n"},
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
    """crypto/ shares the error hierarchy with domain/ (and its marker of texts to translate), nothing else."""
    used = {name for path in (SRC / "crypto").rglob("*.py") for name in imports(path) if name.startswith("tinnhiem.domain")}
    assert {"tinnhiem.domain.errors", "tinnhiem.domain.words"} == used


EDGES_EXEMPT = {"web/routes_paper.py"}  # the paper chain's routes, moved to services/paper.py on their own branch


def _stores_reached(source: str, where: str) -> list[str]:
    """Each place a module reaches a store itself: ``uow.rounds…``, ``uow.voting…``, ``x.uow().paper…``."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Attribute):
            continue
        owner = node.value.func if isinstance(node.value, ast.Call) else node.value
        named_uow = (isinstance(owner, ast.Name) and owner.id == "uow") or (
            isinstance(owner, ast.Attribute) and owner.attr == "uow")
        if named_uow:
            found.append((node.lineno, f"{where}:{node.lineno}: .{node.attr}"))
    return [hit for _, hit in sorted(found)]


@pytest.mark.parametrize("edge", ["web", "cli"])
def test_edges_call_services_only(edge: str) -> None:
    """web/ and cli/ hand a unit of work to a service; they never open it to reach a store themselves."""
    wrong = []
    for path in sorted((SRC / edge).rglob("*.py")):
        where = str(path.relative_to(SRC))
        if where not in EDGES_EXEMPT:
            wrong += _stores_reached(path.read_text(encoding="utf-8"), where)
    assert [] == wrong


def test_the_edge_check_sees_a_store_reached() -> None:
    """The check above finds both ways a route could go round the services, and not a service call."""
    route = ("with hall.uow() as uow:\n    uow.voting.election(code)\n"
             "hall.uow().rounds.get(code)\nrounds.load(hall.uow(), code)\n")
    assert ["r.py:2: .voting", "r.py:3: .rounds"] == _stores_reached(route, "r.py")


def test_no_relative_imports() -> None:
    """Every import names its layer (``from tinnhiem.services import …``), so the layer check above sees it."""
    wrong = []
    for path in SRC.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level > 0:
                wrong.append(f"{path.relative_to(SRC)}:{node.lineno}")
    assert [] == wrong


IO_LIBRARIES = {"fastapi", "starlette", "httpx", "cv2", "openpyxl", "fpdf", "docx", "uvicorn", "redis", "requests"}


def test_services_import_no_io_library() -> None:
    """Use cases reach the world through ports: no web framework, HTTP client, image, document or Redis library."""
    wrong = []
    for path in (SRC / "services").rglob("*.py"):
        for name in imports(path):
            if name.split(".")[0] in IO_LIBRARIES:
                wrong.append(f"{path.relative_to(SRC)}: {name}")
    assert [] == wrong


def _module(path: Path) -> str:
    parts = ["tinnhiem", *path.relative_to(SRC).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def test_no_import_cycles_between_modules() -> None:
    """No module reaches itself through its imports, top level or not, typing-only included
    (web/app.py ↔ routes_paper.py through ``Hall``, storage/attendance.py ↔ repository.py were two)."""
    modules = {_module(p): p for p in SRC.rglob("*.py")}
    graph = {}
    for name, path in modules.items():
        targets = set()
        named = set()  # "from tinnhiem.web import routes_paper" imports the module tinnhiem.web.routes_paper
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                named |= {f"{node.module}.{a.name}" for a in node.names if f"{node.module}.{a.name}" in modules}
        for imported in imports(path) | named:
            while imported and imported not in modules:
                imported = imported.rpartition(".")[0]
            if imported and imported != name and not name.startswith(imported + "."):
                targets.add(imported)
        graph[name] = targets
    cycles = []
    state: dict[str, int] = {}

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycles.append(" → ".join([*trail[trail.index(nxt):], nxt]))
            elif nxt not in state:
                visit(nxt, [*trail, nxt])
        state[node] = 2

    for start in sorted(graph):
        if start not in state:
            visit(start, [start])
    assert [] == cycles
