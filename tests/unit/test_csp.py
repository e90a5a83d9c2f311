"""The hall's Content-Security-Policy (web/security.py): only the hall's own origin anywhere, and in script-src
exactly one more source, 'wasm-unsafe-eval', for the verifier page's libsodium WebAssembly — no 'unsafe-eval',
no 'unsafe-inline', no other host, scheme or nonce."""

from __future__ import annotations

import pytest

from tinnhiem.web.security import CSP

pytestmark = pytest.mark.unit


def directives() -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for part in CSP.split(";"):
        name, *sources = part.split()
        assert name not in out, name
        out[name] = sources
    return out


def test_script_src_is_self_and_wasm_compilation_only() -> None:
    assert directives()["script-src"] == ["'self'", "'wasm-unsafe-eval'"]


def test_every_other_directive_admits_only_the_hall_or_nothing() -> None:
    allowed = {"'self'", "'none'"}
    extra = {"img-src": {"data:"}, "script-src": {"'wasm-unsafe-eval'"}}
    for name, sources in directives().items():
        assert set(sources) <= allowed | extra.get(name, set()), (name, sources)
    assert "unsafe-eval'" not in CSP.replace("'wasm-unsafe-eval'", "") and "unsafe-inline" not in CSP
    assert {"default-src", "script-src", "connect-src", "frame-ancestors", "base-uri"} <= directives().keys()
