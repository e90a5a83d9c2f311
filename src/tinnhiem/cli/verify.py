"""``tinnhiem verify RECORD [--election E] [--receipt FILE …] [--json | --csv]``: the record's schema, then every
check of docs/protocol.md §12, ballots spread over processes; with the E the hall showed, the record must be that
election; with receipts, the checks ``receipt-election`` and ``receipt`` too."""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from tinnhiem.crypto.election import Receipt
from tinnhiem.crypto.errors import VerificationError
from tinnhiem.crypto.record import from_json
from tinnhiem.crypto.verify import CHECKS, Verified, receipt_findings
from tinnhiem.services.verification import receipt_or_none, verify_record

RECEIPT_CHECKS = ("receipt-election", "receipt")  # run only when receipts are given
MAX_RECORD_BYTES = 2_000_000_000  # far above any real round (≈ 32 kB a ballot); refused before reading


def _no_repeated_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object with a key twice has two readings: refused (check ``format``), never one chosen."""
    keys = [key for key, _ in pairs]
    if len(set(keys)) != len(keys):
        repeated = next(key for key in keys if keys.count(key) > 1)
        raise VerificationError("format", reason=f"the key {repeated[:40]!r} appears twice in one object")
    return dict(pairs)


def read_json(path: Path) -> Any:
    """A JSON file, refused (check ``format``, naming the file) if too large, not UTF-8, not JSON or ambiguous."""
    try:
        if path.stat().st_size > MAX_RECORD_BYTES:
            raise VerificationError("format", reason=f"{path.name}: larger than {MAX_RECORD_BYTES} bytes")
        return json.loads(path.read_text(encoding="utf-8"), object_pairs_hook=_no_repeated_keys)
    except (OSError, UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise VerificationError("format", reason=f"{path.name}: {exc}") from None


def read_receipts(paths: tuple[Path, ...]) -> tuple[Receipt | None, ...]:
    """Receipt files (``tinnhiem-receipt/1``); a file that is not JSON or fails the receipt schema is None: it
    proves nothing (§12.6)."""
    receipts: list[Receipt | None] = []
    for path in paths:
        try:
            data = read_json(path)
        except VerificationError:
            receipts.append(None)
            continue
        receipts.append(receipt_or_none(data, path.name))
    return tuple(receipts)


def election_argument(text: str) -> bytes:
    """The E typed from a phone, the projector or the minutes: 64 hex digits (either case; spaces and
    hyphens ignored), compared as 32 bytes. Anything else raises ValueError."""
    digits = "".join(text.split()).replace("-", "")
    if len(digits) != 64 or any(ch not in "0123456789abcdefABCDEF" for ch in digits):
        raise ValueError("E is 64 hex digits")
    return bytes.fromhex(digits)


def verify_file(path: Path, workers: int | None = None, receipts: tuple[Receipt | None, ...] = (),
                election: bytes | None = None) -> Verified:
    """Read the record and verify it with ``workers`` processes (default: every core); ``election``: the E the
    hall showed, which the record must be."""
    data = read_json(path)
    workers = workers or os.cpu_count() or 1
    if workers == 1:
        return verify_record(data, receipts=receipts, election=election)
    with ProcessPoolExecutor(workers) as pool:
        return verify_record(data, lambda fn, *args: pool.map(fn, *args, chunksize=16), receipts, election)


def receipt_notes(path: Path, receipts: tuple[Receipt | None, ...]) -> list[str]:
    """For a record that verified: each receipt "in-record" or "invalid" (see crypto.verify.receipt_findings)."""
    return receipt_findings(from_json(read_json(path)), receipts)


def check_rows(verified: Verified | None, failed: tuple[str, str] | None = None, receipts: tuple[Path, ...] = (),
               notes: Sequence[str] = ()) -> list[dict[str, str]]:
    """``verify --csv``: the verdict, then one row per check of §12 in the order they run, then one per receipt.

    A valid record passed every check (the receipts' two only when receipts were given, else "not-run"). The
    verifier stops at the first failure (``failed``: its check and message): that check "failed", every other
    "not-concluded", since a check done ballot by ballot may have stopped part-way. Cells are made safe for a
    spreadsheet by the caller (reports/cells.py)."""
    if verified is None:
        code, said = failed or ("", "")
        said = said.encode("utf-8", "backslashreplace").decode("utf-8")  # a lone surrogate echoed from the record
        rows = [{"check": "verdict", "result": "invalid", "detail": code}]
        rows += [{"check": c, "result": "failed" if c == code else "not-concluded", "detail": said if c == code else ""}
                 for c in CHECKS]
        return rows
    summary = (f"ballots={verified.ballots}; spoiled={verified.spoiled}; subjects={verified.subjects}; "
               f"decrypting_members={' '.join(map(str, verified.decrypting_members))}")
    rows = [{"check": "verdict", "result": "valid", "detail": summary}]
    rows += [{"check": c, "result": "not-run" if c in RECEIPT_CHECKS and not receipts else "passed", "detail": ""}
             for c in CHECKS]
    rows += [{"check": "receipt-file", "result": note, "detail": path.name}
             for path, note in zip(receipts, notes, strict=True)]
    return rows
