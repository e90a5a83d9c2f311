"""``tinnhiem verify RECORD``: the record's schema, then every check of docs/protocol.md §12,
ballots spread over processes."""

from __future__ import annotations

import json
import os
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from tinnhiem.crypto.errors import VerificationError
from tinnhiem.crypto.verify import Verified
from tinnhiem.services.verification import verify_record

MAX_RECORD_BYTES = 2_000_000_000  # far above any real round (≈ 32 kB a ballot); refused before reading


def _no_repeated_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object with a key twice has two readings: refused (check ``format``), never one chosen."""
    keys = [key for key, _ in pairs]
    if len(set(keys)) != len(keys):
        repeated = next(key for key in keys if keys.count(key) > 1)
        raise VerificationError("format", reason=f"the key {repeated[:40]!r} appears twice in one object")
    return dict(pairs)


def verify_file(path: Path, workers: int | None = None) -> Verified:
    """Read the record and verify it with ``workers`` processes (default: every core)."""
    try:
        if path.stat().st_size > MAX_RECORD_BYTES:
            raise VerificationError("format", reason=f"{path.name}: larger than {MAX_RECORD_BYTES} bytes")
        data: Any = json.loads(path.read_text(encoding="utf-8"), object_pairs_hook=_no_repeated_keys)
    except (OSError, UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise VerificationError("format", reason=f"{path.name}: {exc}") from None
    workers = workers or os.cpu_count() or 1
    if workers == 1:
        return verify_record(data)
    with ProcessPoolExecutor(workers) as pool:
        return verify_record(data, lambda fn, *args: pool.map(fn, *args, chunksize=16))
