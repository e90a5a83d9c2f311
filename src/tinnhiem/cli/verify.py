"""``tinnhiem verify RECORD``: every check of docs/protocol.md §12, ballots spread over processes."""

from __future__ import annotations

import json
import os
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from tinnhiem.crypto.errors import InvalidEncoding
from tinnhiem.crypto.verify import Verified, verify


def verify_file(path: Path, workers: int | None = None) -> Verified:
    """Read the record and verify it with ``workers`` processes (default: every core)."""
    try:
        data: Any = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InvalidEncoding("bad-format", reason=str(exc)) from exc
    workers = workers or os.cpu_count() or 1
    if workers == 1:
        return verify(data)
    with ProcessPoolExecutor(workers) as pool:
        return verify(data, lambda fn, *args: pool.map(fn, *args, chunksize=16))
