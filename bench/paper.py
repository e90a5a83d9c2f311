"""Paper ballots: accuracy and throughput of the reader on generated scans.

Figures: rows sent to people (goal ≤ 5 %), clear marks lost (declared invalid without a
person: goal 0), rows counted for a wrong box or counted when blank/double/ambiguous (goal 0),
sheets not found, and images read per second on one core (goal ≥ 20; only the reading is timed,
as CPU time of this process with OpenCV held to one thread, so that other work on a shared
machine does not count; the wall-clock figure is given beside it).
Rows that must go to people by design — a smudge (ambiguous), a sheet with writing on it —
are counted apart: ``clear_rows_to_people`` is the figure the ≤ 5 % goal is about.
The mix (see ``tinnhiem.testing.scans.make_scan``) has circles round the box, faint ticks,
light pencil, seals, dark backdrops, edge shadows, upside-down pages and stray strokes.
Command: .venv/bin/python -m bench paper 1000
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections import Counter
from pathlib import Path

import cv2

from tinnhiem.paper.forms import forms_for
from tinnhiem.paper.layout import REGULAR, sheets
from tinnhiem.paper.memory import reuse_freed_buffers
from tinnhiem.paper.raster import pdf_pages
from tinnhiem.paper.reader import RowState
from tinnhiem.services import roundfile
from tinnhiem.testing import demo
from tinnhiem.testing.scans import Truth, make_scan

RESULTS = Path(__file__).parent / "results"
DPIS = (150, 200, 300)


def _label(flagged: bool, got: object) -> str:
    if flagged or got is None:
        return "sheet-to-committee"
    state = got.state  # type: ignore[attr-defined]
    return f"level {got.level}" if state is RowState.MARKED else state.value  # type: ignore[attr-defined]


def run(count: int, style: str = "regular") -> dict[str, object]:
    round_, _ = roundfile.parse_round(roundfile.load(demo.demo_file()))
    forms = forms_for(round_, demo.DEMO_CODE)
    layouts = [lay for lay in forms.layouts.values() if lay.style.name == style]
    blanks = {dpi: list(pdf_pages(forms.pdfs[style], dpi)) for dpi in DPIS}
    confusion: Counter[tuple[str, str]] = Counter()
    problems: Counter[str] = Counter()
    wrong, lost, to_people, sheets_flagged, stray_caught, stray_total = 0, 0, 0, 0, 0, 0
    clear_rows, clear_to_people, upside_down, dark = 0, 0, 0, 0
    seconds = cpu = 0.0
    cv2.setNumThreads(1)
    reuse_freed_buffers()  # as ``tinnhiem paper scan`` does
    for n in range(count):  # generated one at a time; only the reading is timed
        dpi = DPIS[n % len(DPIS)]
        page = n % len(layouts)
        scan = make_scan(blanks[dpi][page], layouts[page], dpi, seed=n)
        start, start_cpu = time.perf_counter(), time.process_time()
        reading = forms.read(scan.image)
        seconds += time.perf_counter() - start
        cpu += time.process_time() - start_cpu
        upside_down += scan.upside_down
        dark += scan.dark
        flagged = bool(reading.problems)
        problems.update(p.value for p in reading.problems)
        sheets_flagged += flagged
        stray_total += scan.stray
        stray_caught += scan.stray and flagged
        read_rows = {r.subject: r for r in reading.rows}
        for truth in scan.rows:
            got = read_rows.get(truth.subject)
            label = _label(flagged, got)
            expected = f"level {truth.level}" if truth.truth is Truth.MARK else truth.truth.value
            confusion[(expected, label)] += 1
            to_people += label in ("sheet-to-committee", RowState.UNSURE.value)
            if truth.truth is not Truth.AMBIGUOUS and not scan.stray:
                clear_rows += 1
                clear_to_people += label in ("sheet-to-committee", RowState.UNSURE.value)
            counted = label not in ("sheet-to-committee", RowState.UNSURE.value)
            if counted and label != expected and label.startswith("level"):
                wrong += 1  # a choice counted that the voter did not make
            elif counted and label != expected and truth.truth is Truth.MARK:
                lost += 1  # a clear mark declared invalid with nobody looking
            elif counted and label != expected:
                wrong += 1  # e.g. a double read as empty: the row's validity is still right, but counted
    rows = sum(confusion.values())
    return {
        "command": f".venv/bin/python -m bench paper {count}" + ("" if style == "regular" else f" {style}"),
        "ballots": count,
        "style": style,
        "rows": rows,
        "rows_to_people": to_people,
        "rows_to_people_percent": round(100 * to_people / rows, 2),
        "clear_rows": clear_rows,
        "clear_rows_to_people": clear_to_people,
        "clear_rows_to_people_percent": round(100 * clear_to_people / max(1, clear_rows), 2),
        "clear_marks_lost": lost,
        "wrong_rows_counted": wrong,
        "stray_sheets_caught": f"{stray_caught}/{stray_total}",
        "sheets_to_committee": sheets_flagged,
        "sheet_problems": dict(problems),
        "sheets_upside_down": upside_down,
        "sheets_on_dark_backdrop": dark,
        "images_per_second_one_core_cpu": round(count / cpu, 1),
        "images_per_second_wall_clock_shared_machine": round(count / seconds, 1),
        "confusion_truth_read_count": sorted([e, g, c] for (e, g), c in confusion.items()),
        "load_average_at_end": round(os.getloadavg()[0], 2),
    }


def main() -> None:
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
    style = sys.argv[3] if len(sys.argv) > 3 else "regular"
    figures = run(count, style)
    RESULTS.mkdir(exist_ok=True)
    name = "paper.json" if style == "regular" else f"paper-{style}.json"
    if count >= 1000:
        (RESULTS / name).write_text(json.dumps(figures, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(figures, indent=1))
def cli(count: int = 500) -> dict[str, object]:
    """A scanned PDF of ``count`` ballots counted from the command line, as a committee would."""
    import resource
    import subprocess
    import tempfile

    from tinnhiem.testing.scans import scans_pdf

    round_, _ = roundfile.parse_round(roundfile.load(demo.demo_file()))
    code = "bench-paper"
    with tempfile.TemporaryDirectory() as folder:
        env = os.environ | {"TINNHIEM_HOME": folder, "COLUMNS": "100"}
        env.pop("TINNHIEM_DATABASE_URL", None)
        meta = Path(folder) / "round.yaml"
        text = demo.demo_file().read_text(encoding="utf-8")
        meta.write_text(text.replace("ballots_returned: 53", f"ballots_returned: {count}")
                        .replace("ballots_issued: 53", f"ballots_issued: {count}")
                        .replace("present: 53", f"present: {count}").replace("convened: 55", f"convened: {count}"),
                        encoding="utf-8")
        tinnhiem = [sys.executable, "-m", "tinnhiem.cli.main"]
        subprocess.run([*tinnhiem, "round", "import", str(meta), "--code", code], env=env, check=True,
                       capture_output=True)
        forms = forms_for(round_, code)
        layouts = list(sheets(round_, code, REGULAR))
        blanks = {200.0: list(pdf_pages(forms.pdfs["regular"], 200))}
        data, _ = scans_pdf(blanks, layouts, count, seed=9000)
        pdf = Path(folder) / "scans.pdf"
        pdf.write_bytes(data)
        load_before = os.getloadavg()[0]
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        run = subprocess.run([*tinnhiem, "paper", "scan", code, str(pdf)], env=env, capture_output=True, text=True)
        seconds = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        summary = run.stdout.strip().splitlines()[-1] if run.stdout else run.stderr
    # CPU time of the command's one process (user + system, start-up and the round's forms included): the
    # figure does not depend on what else the machine runs; the wall clock does
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return {"command": f".venv/bin/python -m bench paper-cli {count}", "pages": count,
            "pdf_megabytes": round(len(data) / 1e6, 1), "cpu_seconds": round(cpu, 1),
            "pages_per_second_one_core_cpu": round(count / cpu, 1), "seconds": round(seconds, 1),
            "pages_per_second_wall_clock_shared_machine": round(count / seconds, 1),
            "load_average_before": round(load_before, 2), "load_average_after": round(os.getloadavg()[0], 2),
            "summary": summary}


def main_cli() -> None:
    figures = cli(int(sys.argv[2]) if len(sys.argv) > 2 else 500)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "paper-cli.json").write_text(json.dumps(figures, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(json.dumps(figures, indent=1, ensure_ascii=False))


def sample() -> dict[str, object]:
    """The 20 scans of an outside generator (tests/data/scans-sample): the issue's figures on them."""
    import json as json_

    folder = Path(__file__).parents[1] / "tests" / "data" / "scans-sample"
    round_, _ = roundfile.parse_round(roundfile.load(folder / "r12.yaml"))
    forms = forms_for(round_, "r12")
    truth = json_.loads((folder / "truth.json").read_text(encoding="utf-8"))
    rows = to_people = lost = wrong = not_found = 0
    cv2.setNumThreads(1)
    cpu = 0.0
    for image in truth["images"]:
        scan = cv2.imread(str(folder / image["file"]))
        start = time.process_time()
        reading = forms.read(scan)
        cpu += time.process_time() - start
        not_found += reading.layout is None
        for expected, row in zip(image["rows"], reading.rows or [None] * len(image["rows"]), strict=True):
            rows += 1
            if row is None or reading.problems or row.state is RowState.UNSURE:
                to_people += 1
            elif isinstance(expected["mark"], int):
                lost += row.state is not RowState.MARKED
                wrong += row.state is RowState.MARKED and row.level != expected["mark"]
            else:
                wrong += row.state is RowState.MARKED
    return {"command": ".venv/bin/python -m bench paper-sample", "images": len(truth["images"]), "rows": rows,
            "sheets_not_found": not_found, "rows_to_people": to_people, "clear_marks_lost": lost,
            "wrong_boxes_counted": wrong, "images_per_second_one_core_cpu": round(len(truth["images"]) / cpu, 1)}


def main_sample() -> None:
    figures = sample()
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "paper-sample.json").write_text(json.dumps(figures, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(figures, indent=1))
