"""Memory of a flood of sign-ins: 24 wrong passwords at once in one worker, with the bound of
services/accounts.py (PASSWORD_CHECKS_AT_ONCE) and without it (every check at once, as before an outside review).

Each case runs in a fresh process; the figure is that process's peak resident memory (ru_maxrss) after
the flood, beside its peak before it (the import already made one Argon2id hash).

Command: .venv/bin/python -m bench passwords; figures in bench/results/passwords.json.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

RESULTS = Path(__file__).parent / "results"
FLOOD = 24

CASE = """
import json, resource, threading
from tinnhiem.services import accounts
at_once = {at_once}
if at_once:
    accounts._checking = threading.BoundedSemaphore(at_once)
    accounts._admitted = threading.BoundedSemaphore(at_once + accounts.PASSWORD_CHECKS_WAITING)
else:
    import contextlib
    accounts._password_turn = contextlib.nullcontext
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
start, refused = threading.Barrier({flood}), []
def guess():
    start.wait()
    try:
        accounts._matches(accounts._UNKNOWN, "wrong")
    except accounts.Busy:
        refused.append(1)
threads = [threading.Thread(target=guess) for _ in range({flood})]
for t in threads: t.start()
for t in threads: t.join()
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({{"peak_before_mib": round(before / 1024), "peak_after_mib": round(after / 1024),
                  "refused_busy": len(refused)}}))
"""


def case(at_once: int) -> dict[str, int]:
    out = subprocess.run([sys.executable, "-c", CASE.format(at_once=at_once, flood=FLOOD)], check=True,
                         capture_output=True, text=True).stdout
    return dict(json.loads(out.strip().splitlines()[-1]))


def main() -> None:
    from tinnhiem.services.accounts import PASSWORD_CHECKS_AT_ONCE

    figures = {"flood": FLOOD, "bounded": {"at_once": PASSWORD_CHECKS_AT_ONCE, **case(PASSWORD_CHECKS_AT_ONCE)},
               "unbounded (before an outside review)": case(0)}
    print(json.dumps(figures, indent=1))
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "passwords.json").write_text(json.dumps(figures, indent=1) + "\n", encoding="utf-8")
