"""Run every benchmark and print the figures (python -m bench [crypto])."""

import sys

from bench import crypto

BENCHES = {"crypto": crypto.main}

if __name__ == "__main__":
    for name in sys.argv[1:] or list(BENCHES):
        BENCHES[name]()
