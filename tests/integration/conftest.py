"""Fixtures the signed-minutes tests share (the command line's and the committee page's): SoftHSM2 tokens for a
committee of three members and the head, and a round file naming that committee."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.conftest import PUBLISHED, ROOT

PIN = "246810"
HEAD = "Trần Văn Kiểm"
MEMBERS = ("Lê Thị Phiếu", "Phạm Văn Đếm", "Ngô Thị Hà")
SIGNERS = (*MEMBERS, HEAD)


@pytest.fixture(scope="session")
def tokens(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """One SoftHSM2 token per signer, made by the project's script; SOFTHSM2_CONF for this process.

    The PKCS#11 library reads SOFTHSM2_CONF once, when first loaded: every token is made before that, once per
    test session, whichever test module asks first.
    """
    folder = tmp_path_factory.mktemp("tokens")
    made = subprocess.run([sys.executable, str(ROOT / "scripts" / "softhsm-tokens.py"), str(folder), "--pin", PIN,
                           *SIGNERS, "--pkcs12", "Người lạ"], check=True, capture_output=True, text=True)
    os.environ["SOFTHSM2_CONF"] = str(folder / "softhsm2.conf")
    return json.loads(made.stdout) | {"root": str(folder / "root.pem")}  # type: ignore[no-any-return]


def round_file(folder: Path) -> Path:
    """A published round (with its counts) whose committee is the head and the three members."""
    data = yaml.safe_load((PUBLISHED / "vinhphuc-hdnd-2023.yaml").read_text(encoding="utf-8"))
    data["committee"] = [{"name": HEAD, "role": "Trưởng ban"}, *({"name": m} for m in MEMBERS)]
    path = folder / "vinhphuc.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path
