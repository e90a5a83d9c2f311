"""Run every benchmark and print the figures (python -m bench [crypto])."""

import sys

from bench import closing, crypto, load, office, paper, screens

BENCHES = {"crypto": crypto.main, "paper": paper.main, "paper-cli": paper.main_cli, "paper-sample": paper.main_sample,
           "load": load.main, "office": office.main, "screens": screens.main,
           "closing": closing.main}

if __name__ == "__main__":
    for name in sys.argv[1:2] or list(BENCHES):
        BENCHES[name]()
