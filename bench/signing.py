"""Signed minutes and report packages: how long the committee and the level above wait.

Goal: each member's signature in about a second on the hall's laptop (SoftHSM2 standing in for the USB
token, whose own RSA operation adds its vendor's time); checking four signatures and a whole package in
about a second, so a roll-up of a province's 100 bodies takes minutes, not hours.
Command: .venv/bin/python -m bench signing
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

from tinnhiem.domain.tally import tally
from tinnhiem.services import report_package, roundfile

RESULTS = Path(__file__).parent / "results"
ROOT = Path(__file__).resolve().parents[1]
PIN = "135790"
COMMITTEE = ("Trần Văn Kiểm", "Lê Thị Phiếu", "Phạm Văn Đếm", "Ngô Thị Hà")


def main() -> None:
    from tinnhiem.reports import signing
    from tinnhiem.reports.content import minutes
    from tinnhiem.reports.pdf import signable_minutes_pdf
    from tinnhiem.reports.report_signing import PackageSignatures, sign_manifest
    from tinnhiem.reports.signature_check import check_minutes, load_roots

    figures: dict[str, object] = {}
    with tempfile.TemporaryDirectory() as folder:
        where = Path(folder)
        tokens = shutil.which("softhsm2-util") is not None
        made = json.loads(subprocess.run(
            [sys.executable, str(ROOT / "scripts" / "softhsm-tokens.py"), str(where), "--pin", PIN,
             *(COMMITTEE[1:] + COMMITTEE[:1] if tokens else ()), "--pkcs12", "Văn phòng"],
            check=True, capture_output=True, text=True).stdout)
        os.environ["SOFTHSM2_CONF"] = str(where / "softhsm2.conf")
        data = yaml.safe_load((ROOT / "tests/data/published/vinhphuc-hdnd-2023.yaml").read_text(encoding="utf-8"))
        data["committee"] = [{"name": COMMITTEE[0], "role": "Trưởng ban"}, *({"name": m} for m in COMMITTEE[1:])]
        round_, totals = roundfile.parse_round(data)
        assert totals is not None
        result = tally(round_, totals)
        start = time.perf_counter()
        pdf, places = signable_minutes_pdf(minutes(result), keywords=signing.RESULT_MARK + report_package.sha256(
            roundfile.result_json(result).encode()))
        pdf = signing.prepare(pdf, places)
        figures["minutes with fields"] = {"seconds": round(time.perf_counter() - start, 2)}
        office = signing.Pkcs12Key(Path(made["Văn phòng"]), PIN)
        times = []
        for name in (*COMMITTEE[1:], COMMITTEE[0]):
            key: signing.Key = (signing.Pkcs11Key("/usr/lib/softhsm/libsofthsm2.so", made[name], PIN) if tokens
                                else office)
            start = time.perf_counter()
            pdf = signing.sign(pdf, signing.choose_field(pdf, name), key)
            times.append(time.perf_counter() - start)
        figures["each signature"] = {"seconds": [round(t, 2) for t in times],
                                     "key": "SoftHSM2 token (PKCS#11)" if tokens else "PKCS#12 file"}
        roots = load_roots([(where / "root.pem").read_bytes()])
        start = time.perf_counter()
        check = check_minutes(pdf, roots)
        figures["verify 4 signatures"] = {"seconds": round(time.perf_counter() - start, 2),
                                          "valid": check.ok if tokens else None}
        package = report_package.build(result, pdf, None, lambda m: sign_manifest(m, office),
                                       __import__("datetime").datetime.now())
        start = time.perf_counter()
        try:
            report_package.read(package, PackageSignatures(roots))
            outcome = "accepted"
        except Exception as error:  # noqa: BLE001 — with a PKCS#12 stand-in the signers' names differ
            outcome = f"refused: {error}"
        figures["check one package"] = {"seconds": round(time.perf_counter() - start, 2), "outcome": outcome,
                                        "bytes": len(package)}
    for name, figure in figures.items():
        print(f"{name}: {figure}")
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "signing.json").write_text(json.dumps(figures, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
