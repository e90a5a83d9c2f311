"""Run every benchmark and print the figures (python -m bench [crypto])."""

import sys

from bench import (
    audit_check,
    browser_verify,
    closing,
    committee,
    crypto,
    load,
    office,
    paper,
    passwords,
    screens,
    signing,
)

BENCHES = {"crypto": crypto.main, "paper": paper.main, "paper-cli": paper.main_cli, "paper-sample": paper.main_sample,
           "load": load.main, "office": office.main, "screens": screens.main, "committee": committee.main,
           "signing": signing.main, "passwords": passwords.main, "browser-verify": browser_verify.main,
           "closing": closing.main, "audit-check": audit_check.main}

if __name__ == "__main__":
    for name in sys.argv[1:2] or list(BENCHES):
        BENCHES[name]()
