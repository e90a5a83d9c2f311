"""The kinds of record an independent verifier built from docs/protocol.md alone (it never read src/).

That verifier built 287 version-2 records, honest and tampered, each with its verdict; before the fixes
that came with them, `tinnhiem verify` called six valid that must be refused (a point spelt with bit 255
set: libsodium reads past that bit, so one card had two credentials and cast two counted ballots), and
crashed on seventeen (an error raised in a worker process could not be sent back). Version 3 binds
ballots to the election's identity and adds the committee's signatures, so those records cannot verify
as they are: tests/data/outside-verifier/make_cases.py rebuilds each kind as a version-3 record (same
name, same tampering or its nearest version-3 equivalent), keeps that verifier's verdict on the v2 record
(`independent`) and the product's v2 verdict (`v2_expected`), and adds the forged records of an outside review
(the server's own cards, a dropped ballot with its receipt, four challenges on one card) and a case for
each new check, and the whole committee substituted (a record that verifies alone and fails only against the
hall's E or a delegate's receipt). Each record must get its verdict (given its receipts and its --election E),
with every worker count, and never a traceback.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import pytest

from tinnhiem.cli.verify import election_argument, verify_file
from tinnhiem.crypto.errors import VerificationError
from tinnhiem.services.verification import receipt_or_none

CASES: dict[str, dict[str, Any]] = json.loads(gzip.decompress(
    (Path(__file__).parents[1] / "data" / "outside-verifier" / "cases.json.gz").read_bytes()))
# Where version 3 names another check than version 2 did for the record of the same name, and why
# (protocol.md §6, §11–§12).
REVIEWED = {
    # The card list is covered by E (§6.2): a card taken off the list changes E, check `election` (14),
    # before the ballot's own card is looked up (18).
    "bc-unlisted-cast": "election",
    # A spoiled ballot names no card (§6.5): a credential or a signature on one is a field §11 does not have.
    "bc-unlisted-spoiled": "format", "sig-spoiled-copied": "format",
    # v2's generator left unused cards live in closed records (`cards-voided`); the v3 records are made by
    # the product's own simulation, which voids them at closing (§6.7), so the honest ones are valid and the
    # cast-and-spoiled ballot is caught by `duplicate`.
    **dict.fromkeys(["ok-4-challenges", "ok-escaped-key", "ok-keys-reversed", "ok-pretty-ascii", "ok-weird-texts",
                     "ok-zero-ballots", "ok2-base"], "valid"),
    "dup-same-ballot-cast-and-spoiled": "duplicate",
    # A lone surrogate anywhere fails `format` (§12.1), before the level list is judged (the outside verifier
    # of protocol 3 read the document so, the product said `levels`).
    "sur-levels": "format",
    # `cards.issued` is null until voting closes (§11, check `cards-issued`, 16): an open record stating it
    # fails there, before its ballots are compared with it (22).
    "over-cards-open": "cards-issued",
}
ISSUE_18 = {"forged-own-cards": "card-signatures", "forged-own-cards-same-e": "election",
            "forged-dropped-ballot-receipt": "receipt", "forged-dropped-ballot-after-closing": "closing",
            "forged-4-challenges-one-card": "format", "forged-challenges-over-limit": "challenge-limit"}
# The whole committee substituted (same manifest and names, everything else fresh): nothing in a record ties it
# to the hall, so alone it verifies; the hall's E (--election) or a delegate's receipt is what tells (§12.3, §12.6).
SUBSTITUTED = {"forged-substituted-committee": "valid", "forged-substituted-committee-election": "election",
               "forged-substituted-committee-receipt": "receipt-election",
               "forged-substituted-committee-own-e": "valid"}


def _verdict(path: Path, workers: int, receipts: list[dict[str, Any]], election: str | None = None) -> str:
    try:
        verify_file(path, workers, tuple(receipt_or_none(r) for r in receipts),
                    None if election is None else election_argument(election))
    except VerificationError as error:
        return error.code
    return "valid"


def test_the_reviewed_differences_are_the_only_ones() -> None:
    assert {n: c["expected"] for n, c in CASES.items()
            if c["v2_expected"] is not None and c["expected"] != c["v2_expected"]} == REVIEWED


def test_every_v2_kind_is_kept_and_issue_18_is_added() -> None:
    """All 287 kinds of the outside verifier have their v3 record; the outside review's forged records name their check."""
    assert 287 == sum(1 for c in CASES.values() if c["independent"] is not None)
    assert ISSUE_18 == {n: CASES[n]["expected"] for n in ISSUE_18}
    assert SUBSTITUTED == {n: CASES[n]["expected"] for n in SUBSTITUTED}


@pytest.mark.parametrize("name", sorted(CASES))
def test_each_record_gets_its_verdict(name: str, tmp_path: Path) -> None:
    case = CASES[name]
    path = tmp_path / f"{name}.json"
    path.write_bytes(case["text"].encode("latin-1"))  # the bytes as built, not-UTF-8 ones included
    expected = case["expected"]
    assert expected == _verdict(path, 1, case["receipts"], case["election"]), case["description"]
    if case["crashed_before"] or name.startswith(("hb-", "forged-")):
        assert expected == _verdict(path, 2, case["receipts"], case["election"]), case["description"]  # workers


def test_the_dropped_ballot_shows_only_through_its_receipt(tmp_path: Path) -> None:
    """From an outside review: a ballot dropped before the committee counted leaves a record that verifies; the delegate's
    receipt, signed by the server's key fixed in E, is what names the drop (check `receipt`)."""
    case = CASES["forged-dropped-ballot-receipt"]
    path = tmp_path / "dropped.json"
    path.write_bytes(case["text"].encode("latin-1"))
    assert "valid" == _verdict(path, 1, [])
    assert "receipt" == _verdict(path, 1, case["receipts"])


def test_a_substituted_committee_shows_only_through_the_halls_e_or_a_receipt(tmp_path: Path) -> None:
    """The attack: a record rebuilt whole (same manifest and names; fresh ceremony, receipt key, cards, E,
    signatures, ballots, tally, decryption) verifies alone. The E the hall showed (--election) fails it with
    `election`; a delegate's receipt from the hall fails it with `receipt-election`; the honest record passes
    both."""
    forged = tmp_path / "forged.json"
    forged.write_bytes(CASES["forged-substituted-committee"]["text"].encode("latin-1"))
    honest = tmp_path / "honest.json"
    honest.write_bytes(CASES["ok-base"]["text"].encode("latin-1"))
    hall_e = CASES["forged-substituted-committee-election"]["election"]
    receipts = CASES["forged-substituted-committee-receipt"]["receipts"]
    assert "valid" == _verdict(forged, 1, [])
    assert "election" == _verdict(forged, 1, [], hall_e)
    assert "receipt-election" == _verdict(forged, 1, receipts)
    assert "valid" == _verdict(honest, 1, receipts, hall_e)


@pytest.mark.parametrize("name", ["forged-own-cards", "forged-dropped-ballot-receipt", "dup-within-ballot",
                                  "hb-double-vote", "enc-upper-alpha", "ok-base"])
def test_the_kept_script_rebuilds_the_kept_records(name: str) -> None:
    """make_cases.py is deterministic: what it builds now is what cases.json.gz holds (spot checks)."""
    import importlib.util
    import sys

    path = Path(__file__).parents[1] / "data" / "outside-verifier" / "make_cases.py"
    spec = importlib.util.spec_from_file_location("make_cases", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["make_cases"] = module  # its dataclass looks itself up there
    try:
        spec.loader.exec_module(module)
    finally:
        del sys.modules["make_cases"]
    built = module.CASES[name][1]()
    assert (CASES[name]["text"], CASES[name]["expected"]) == (built[0].decode("latin-1"), built[1])
