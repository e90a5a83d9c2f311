"""Office lists: how fast and in how much memory a list is read, or an oversized one refused.

Goal (the organisers' day): a 200,000-row list (113 s and 1.3 GB before) refused quickly in flat memory;
a 5,000-row list (more than any real body) read in seconds.
Command: .venv/bin/python -m bench office
"""

from __future__ import annotations

import json
import resource
import tempfile
import time
from pathlib import Path

from openpyxl import Workbook

from tinnhiem.domain.errors import InvalidInput
from tinnhiem.office.spreadsheets import MAX_ROWS, read_delegates

RESULTS = Path(__file__).parent / "results"


def _list(path: Path, rows: int) -> Path:
    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(["STT", "Họ và tên", "Đơn vị", "Ghi chú"])
    for n in range(rows):
        sheet.append([n + 1, f"Nguyễn Văn Đại Biểu {n}", "Ban Chấp hành Đảng bộ tỉnh", ""])
    book.save(path)
    return path


def _timed(path: Path) -> tuple[float, str]:
    start = time.perf_counter()
    try:
        outcome = f"read {len(read_delegates(path))} rows"
    except InvalidInput as error:
        outcome = f"refused: {error.code}"
    return time.perf_counter() - start, outcome


def main() -> None:
    figures: dict[str, object] = {}
    with tempfile.TemporaryDirectory() as folder:
        for rows in (MAX_ROWS, 200_000):
            path = _list(Path(folder) / f"{rows}.xlsx", rows)
            before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            seconds, outcome = _timed(path)
            grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
            figures[f"{rows} rows"] = {"seconds": round(seconds, 2), "outcome": outcome,
                                       "peak_memory_growth_mb": round(grown / 1024, 1),
                                       "file_mb": round(path.stat().st_size / 1e6, 1)}
            print(f"{rows:>7} rows ({figures[f'{rows} rows']['file_mb']} MB): {outcome} in {seconds:.2f} s, "
                  f"peak memory +{grown / 1024:.0f} MB")
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "office.json").write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
