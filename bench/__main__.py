"""Run every benchmark and print the figures (python -m bench [crypto])."""

import sys

from bench import crypto, load, paper, screens

BENCHES = {"crypto": crypto.main, "paper": paper.main, "paper-cli": paper.main_cli, "load": load.main,
           "screens": screens.main}

if __name__ == "__main__":
    for name in sys.argv[1:2] or list(BENCHES):
        BENCHES[name]()
