"""Cryptography at National Assembly scale (480 ballots × 44 subjects) and provincial scale (60 × 12).

Goals (docs/protocol.md, on this 2-core machine): encrypt one 44-subject ballot with proofs ≤ 50 ms;
verify the whole 480 × 44 record ≤ 10 s; decrypt the tally ≤ 2 s.
Command: make bench   (or: .venv/bin/python -m bench crypto)
"""

from __future__ import annotations

import json
import statistics
import tempfile
import time
from pathlib import Path

from tinnhiem.cli.verify import verify_file
from tinnhiem.crypto import ceremony
from tinnhiem.crypto.ballot import cast_ballot
from tinnhiem.crypto.decryption import decrypt_share
from tinnhiem.crypto.election import ballot_list_hash, closing_message, election_hash, sign_closing, sign_election
from tinnhiem.crypto.group import base_mul, random_scalar
from tinnhiem.crypto.manifest import Manifest, new_election_nonce
from tinnhiem.crypto.record import Card, Checkins, Closing, Record, to_json
from tinnhiem.crypto.tally import encrypted_sums, results
from tinnhiem.testing.simulate import random_choices, run_ceremony

RESULTS = Path(__file__).parent / "results"


def median_ms(fn, repeat: int) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return round(statistics.median(times) * 1000, 1)


def scale(ballots: int, subjects: int) -> dict[str, float]:
    manifest = Manifest(f"bench-{ballots}x{subjects}", tuple(f"Người {i}" for i in range(subjects)),
                        ("cao", "tin_nhiem", "thap"), ballots, new_election_nonce())
    keyed = run_ceremony(manifest, 3, 2, random_scalar)
    key = ceremony.joint_key(keyed.commitments)
    receipt_key = base_mul(random_scalar())
    choices = random_choices(manifest, ballots, seed=1)
    card_keys = [random_scalar() for _ in choices]  # one anonymous card per ballot (protocol 3)
    election = election_hash(manifest, keyed.committee, keyed.commitments, key, receipt_key,
                             [base_mul(s) for s in card_keys])
    encrypt_ms = median_ms(lambda: cast_ballot(manifest, election, key, choices[0], card_keys[0], random_scalar), 15)
    cast = [cast_ballot(manifest, election, key, c, s, random_scalar)[0]
            for c, s in zip(choices, card_keys, strict=True)]
    list_hash = ballot_list_hash(b.digest() for b in cast)
    statement = closing_message(election, len(cast), len(cast), 0, list_hash)
    sums = encrypted_sums(manifest, cast)

    def decrypt() -> object:
        shares = {m: [decrypt_share(m, keyed.secrets[m], ct, manifest.hash, j, random_scalar)
                      for j, ct in enumerate(sums)] for m in (1, 2)}
        return results(manifest, sums, shares, len(cast))

    start = time.perf_counter()
    rows = decrypt()
    decrypt_s = time.perf_counter() - start
    cards = tuple(Card(base_mul(s), False) for s in card_keys)
    record = Record(manifest, keyed.committee, ("A", "B", "C"), keyed.commitments, key, cards, len(cast),
                    tuple(cast), (), sums, rows, receipt_key=receipt_key, election=election,
                    card_signatures=tuple(sign_election(m, keyed.secrets[m], election, random_scalar) for m in (1, 2)),
                    checkins=Checkins(len(cast), 0),
                    closing=Closing(len(cast), list_hash, tuple(sign_closing(m, keyed.secrets[m], statement,
                                                                             random_scalar) for m in (1, 2))))
    data = to_json(record)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "record.json"
        path.write_text(json.dumps(data), encoding="utf-8")
        size = path.stat().st_size
        start = time.perf_counter()
        verify_file(path, workers=2)
        verify2 = time.perf_counter() - start
        start = time.perf_counter()
        verify_file(path, workers=1)
        verify1 = time.perf_counter() - start
    return {
        "encrypt_one_ballot_ms": encrypt_ms,
        "verify_record_2_processes_s": round(verify2, 2),
        "verify_record_1_process_s": round(verify1, 2),
        "decrypt_tally_2_of_3_s": round(decrypt_s, 2),
        "record_bytes_per_ballot": size // ballots,
    }


def main() -> None:
    figures = {"480x44": scale(480, 44), "60x12": scale(60, 12)}
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "crypto.json").write_text(json.dumps(figures, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(figures, indent=1))
