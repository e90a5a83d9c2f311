"""What a committee member's device does at closing, before any passphrase: check every ballot of a closed
record, count N, recompute B and the sums (services.record.check_closed_record on a laptop; the committee
page's Tinnhiem.checkClosedRecord in Debian's Chromium, as on a member's phone or laptop browser).

Command: .venv/bin/python -m bench committee   (figures in bench/results/committee.json)
"""

from __future__ import annotations

import json
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

from tinnhiem.crypto import ceremony
from tinnhiem.crypto.ballot import cast_ballot
from tinnhiem.crypto.election import ballot_list_hash, closing_message, election_hash, sign_closing, sign_election
from tinnhiem.crypto.group import base_mul, random_scalar
from tinnhiem.crypto.manifest import Manifest, new_election_nonce
from tinnhiem.crypto.record import Card, Checkins, Closing, Record, to_json
from tinnhiem.services.record import check_closed_record
from tinnhiem.testing.simulate import random_choices, run_ceremony

RESULTS = Path(__file__).parent / "results"
BUNDLE = Path(__file__).parents[1] / "src" / "tinnhiem" / "web" / "static" / "build" / "tinnhiem.js"
CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"]


def closed_record(ballots: int, subjects: int) -> dict[str, object]:
    """A closed record (every card used, k = 2 of 3 signed the list and the closing statement)."""
    manifest = Manifest(f"bench-{ballots}x{subjects}", tuple(f"Người {i}" for i in range(subjects)),
                        ("cao", "tin_nhiem", "thap"), ballots, new_election_nonce())
    keyed = run_ceremony(manifest, 3, 2, random_scalar)
    key = ceremony.joint_key(keyed.commitments)
    receipt_key = base_mul(random_scalar())
    card_keys = [random_scalar() for _ in range(ballots)]
    election = election_hash(manifest, keyed.committee, keyed.commitments, key, receipt_key,
                             [base_mul(s) for s in card_keys])
    cast = tuple(cast_ballot(manifest, election, key, c, s, random_scalar)[0]
                 for c, s in zip(random_choices(manifest, ballots, seed=1), card_keys, strict=True))
    list_hash = ballot_list_hash(b.digest() for b in cast)
    statement = closing_message(election, ballots, ballots, 0, list_hash)
    record = Record(manifest, keyed.committee, ("A", "B", "C"), keyed.commitments, key,
                    tuple(Card(base_mul(s), False) for s in card_keys), ballots, cast, (), (), (), state="closed",
                    receipt_key=receipt_key, election=election,
                    card_signatures=tuple(sign_election(m, keyed.secrets[m], election, random_scalar) for m in (1, 2)),
                    checkins=Checkins(ballots, 0),
                    closing=Closing(ballots, list_hash, tuple(sign_closing(m, keyed.secrets[m], statement,
                                                                           random_scalar) for m in (1, 2))))
    return to_json(record)


def scale(ballots: int, subjects: int) -> dict[str, float]:
    data = closed_record(ballots, subjects)
    start = time.perf_counter()
    check_closed_record(data)
    laptop = time.perf_counter() - start
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_page()
        page.set_content("<!doctype html><title>bench</title>")
        page.add_script_tag(path=str(BUNDLE))
        browser_ms = page.evaluate("""(record) => {
          const start = performance.now();
          const mine = Tinnhiem.checkClosedRecord(record, { needClosingSignatures: true });
          if (mine.ballots !== record.ballots.length) throw new Error("count");
          return performance.now() - start;
        }""", data)
        browser.close()
    return {"laptop_check_s": round(laptop, 2), "browser_check_s": round(browser_ms / 1000, 2),
            "browser_per_ballot_ms": round(browser_ms / ballots, 1)}


def main() -> None:
    figures = {"60x12": scale(60, 12), "200x12": scale(200, 12)}
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "committee.json").write_text(json.dumps(figures, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(figures, indent=1))
