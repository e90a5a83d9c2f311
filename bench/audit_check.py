"""A member's own check of the paper audit (``tinnhiem paper audit-check FILE``) on their laptop.

Goal: a few seconds for the largest stack a hall counts, so a member checks the audit before signing
without holding up the meeting. The file is made as the server makes it (the same section builders),
for a stack of N sheets of 12 rows with every drawn sheet read by two members as the machine did, then
written, read back and checked.
Command: .venv/bin/python -m bench audit-check
"""

from __future__ import annotations

import json
import os
import random
import time
from pathlib import Path
from typing import Any

from tinnhiem.domain import audit as rla
from tinnhiem.domain.model import VoteKind
from tinnhiem.paper import audit_file
from tinnhiem.paper.audit_file import StackSheet

RESULTS = Path(__file__).parent / "results"
SEED = "31415926535897932384"
SUBJECTS = 12


def audit(sheets: int) -> dict[str, Any]:
    """An audit file of ``sheets`` counted sheets, 5 % risk limit, every drawn sheet read as counted."""
    rng = random.Random(sheets)
    stack = tuple(StackSheet(n, n, "stack.pdf", n, False,
                             tuple((s, str(rng.choice((0, 1, 2)))) for s in range(SUBJECTS)))
                  for n in range(1, sheets + 1))
    electronic = (0,) * SUBJECTS
    claims = audit_file.claims(VoteKind.CONFIDENCE, sheets, electronic, stack)
    alpha = rla.risk_limit("5")
    drawn = rla.verdict(claims, alpha, {}, 0).wanted
    places = rla.draws(SEED, drawn, sheets)
    read = [(stack[p - 1], tuple(v for _, v in stack[p - 1].rows), False) for p in places]
    verdict = rla.verdict(claims, alpha, audit_file.overstatements(VoteKind.CONFIDENCE, claims, read), len(read))
    names = [f"Người {i + 1}" for i in range(SUBJECTS)]
    return {
        "format": audit_file.AUDIT_FORMAT,
        "round": {"code": "bench", "title": "bench", "kind": "confidence", "subjects": names, "base": sheets},
        "risk_limit": "1/20", "seed": SEED, "started_by": "A", "electronic": list(electronic),
        "paper_totals": audit_file.totals_json(audit_file.stack_totals(VoteKind.CONFIDENCE, SUBJECTS, stack)),
        "stack": [audit_file.sheet_json(s) for s in stack], "stack_hash": audit_file.stack_hash(stack),
        "draws": [{"index": i, "place": p, "number": p} for i, p in enumerate(places, start=1)],
        "readings": [{"number": p, "member": m, "rows": [v for _, v in stack[p - 1].rows], "void": False}
                     for p in dict.fromkeys(places) for m in ("A", "B")],
        "discrepancies": audit_file.discrepancies_json(len(read), [(i, p, ()) for i, p in enumerate(places, 1)],
                                                       verdict),
        "verdict": audit_file.verdict_json(verdict, alpha, names),
    }


def main() -> None:
    figures: dict[str, object] = {"load average before": [round(x, 2) for x in os.getloadavg()]}
    for sheets in (300, 2000, 10000):
        data = audit(sheets)
        text = json.dumps(data, ensure_ascii=False)
        start = time.perf_counter()
        found = audit_file.check(json.loads(text))
        seconds = time.perf_counter() - start
        assert found.ok, found
        figures[f"{sheets} sheets"] = {"seconds": round(seconds, 3), "draws": len(data["draws"]),
                                       "bytes": len(text.encode("utf-8"))}
        print(f"{sheets} sheets, {len(data['draws'])} draws: {seconds:.3f} s, {len(text.encode('utf-8'))} bytes")
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "audit-check.json").write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
