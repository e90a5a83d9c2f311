"""The lock files pin, with hashes, every dependency pyproject.toml declares (re-run `make lock` when they differ)."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+) \\\n((?:    --hash=sha256:[0-9a-f]{64}(?: \\)?\n)+)", re.M)


def pins(name: str) -> dict[str, str]:
    """Package → pinned version, for each pin of a lock file that carries at least one sha256 hash."""
    text = (ROOT / name).read_text(encoding="utf-8")
    found = {canonicalize_name(m.group(1)): m.group(2) for m in PIN.finditer(text)}
    listed = re.findall(r"^[A-Za-z0-9][A-Za-z0-9._-]*==", text, re.M)
    assert len(listed) == len(found), f"{name}: a pin without hashes"
    return found


def declared(requirements: list[str]) -> list[Requirement]:
    return [Requirement(line) for line in requirements]


RUNTIME = declared(PROJECT["project"]["dependencies"] + PROJECT["build-system"]["requires"])
DEV = declared(PROJECT["project"]["optional-dependencies"]["dev"])


@pytest.mark.parametrize(("lock", "requirements"), [
    ("requirements.lock", RUNTIME),
    ("requirements-dev.lock", RUNTIME + DEV),
])
def test_every_declared_dependency_is_pinned_within_its_range(lock: str, requirements: list[Requirement]) -> None:
    """Each dependency of pyproject.toml has a hashed pin in the lock, inside the declared version range."""
    locked = pins(lock)
    wrong = [
        f"{r.name}: {locked.get(canonicalize_name(r.name), 'missing')} (wants {r.specifier or 'any'})"
        for r in requirements
        if not r.specifier.contains(locked.get(canonicalize_name(r.name), "0.0.0.dev0"), prereleases=True)
        or canonicalize_name(r.name) not in locked
    ]
    assert [] == wrong


def test_demo_lock_has_no_development_tool() -> None:
    """`make demo` installs requirements.lock: none of the test or lint tools is in it."""
    runtime = pins("requirements.lock")
    assert [] == [r.name for r in DEV if canonicalize_name(r.name) in runtime]


def test_both_locks_agree_on_shared_packages() -> None:
    """The development lock is compiled under the runtime one, so the demo and the tests run the same versions."""
    runtime, dev = pins("requirements.lock"), pins("requirements-dev.lock")
    assert runtime == {name: dev.get(name) for name in runtime}
