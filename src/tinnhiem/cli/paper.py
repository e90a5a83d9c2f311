"""``tinnhiem paper …``: print ballots, read scans (with a progress bar), review, count."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import cv2
import numpy as np
import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from tinnhiem.cli.i18n import t
from tinnhiem.domain.errors import InvalidInput
from tinnhiem.domain.model import LEVEL_LABELS, LEVELS
from tinnhiem.paper import counting
from tinnhiem.paper.forms import Forms, forms_for
from tinnhiem.paper.raster import page_count, pdf_pages
from tinnhiem.services import rounds
from tinnhiem.services.ports import UnitOfWork
from tinnhiem.storage.files import ImageFiles

SCAN_DPI = 200


def forms(uow: UnitOfWork, code: str) -> Forms:
    round_, _ = rounds.load(uow, code)
    return forms_for(round_, code)


def _decode(name: str, data: bytes) -> np.ndarray:
    image = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_GRAYSCALE)
    if image is None:
        raise InvalidInput("file-unreadable", field=name, reason="not an image")
    return image


def _pages(scan: counting.Original) -> Iterator[tuple[int, np.ndarray]]:
    if scan.suffix == ".pdf":
        yield from enumerate(pdf_pages(scan.data, SCAN_DPI))
    else:
        yield 0, _decode(scan.name, scan.data)


def _count_pages(paths: list[Path]) -> int:
    return sum(page_count(p.read_bytes()) if p.suffix.lower() == ".pdf" else 1 for p in paths)


def scan(uow: UnitOfWork, images: ImageFiles, code: str, paths: list[Path], console: Console) -> tuple[int, int, int]:
    """Read every page of every file; returns (sheets stored, already seen, needing review)."""
    known = forms(uow, code)
    stored = seen = review = 0
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=console) as progress:
        task = progress.add_task(t("Đọc phiếu", "Reading ballots"), total=_count_pages(paths))
        for path in paths:
            scan = counting.original(path.name, path.read_bytes())
            for page, image in _pages(scan):
                outcome = counting.import_sheet(uow, images, code, known, scan, page, image)
                stored += outcome.sheet_id is not None
                seen += outcome.sheet_id is None
                review += outcome.sheet_id is not None and outcome.needs_review
                progress.advance(task)
    return stored, seen, review


def _crop(images: ImageFiles, known: Forms, code: str, item: counting.Pending, folder: Path) -> Path:
    """Write the picture the committee looks at into ``folder``."""
    name = f"to-{item.sheet.id}" + (f"-dong-{item.row.row + 1}" if item.row else "") + ".png"
    folder.mkdir(parents=True, exist_ok=True)
    cv2.imwrite(str(folder / name), counting.picture(images, known, code, item, SCAN_DPI))
    return folder / name


def review(uow: UnitOfWork, images: ImageFiles, code: str, member: str, folder: Path, console: Console) -> int:
    """Show each pending sheet or row (its picture's path) and record the member's decision."""
    known = forms(uow, code)
    round_, _ = rounds.load(uow, code)
    levels = LEVELS[round_.kind]
    decided = 0
    for item in counting.pending(uow, code):
        picture = _crop(images, known, code, item, folder)
        if item.row is None:
            console.print(t(f"Tờ phiếu {item.sheet.id} ({item.sheet.source}, trang {item.sheet.source_page + 1}): "
                            f"{', '.join(item.sheet.problems)}. Ảnh: {picture}",
                            f"Sheet {item.sheet.id} ({item.sheet.source}, page {item.sheet.source_page + 1}): "
                            f"{', '.join(item.sheet.problems)}. Picture: {picture}"))
            if item.sheet.qr_text is None:
                console.print(t("Không nhận ra mẫu phiếu: phiếu không hợp lệ.", "Form not recognised: void."))
                counting.decide_sheet(uow, code, item.sheet.id or 0, void=True, member=member)
            else:
                valid = typer.confirm(t("Phiếu hợp lệ?", "Is the ballot valid?"))
                counting.decide_sheet(uow, code, item.sheet.id or 0, void=not valid, member=member)
            decided += 1
            continue
        subject = round_.subjects[item.row.subject]
        choices = ", ".join(f"{i + 1} = {LEVEL_LABELS[lv][0]}" for i, lv in enumerate(levels))
        console.print(f"{subject.name} — {subject.position}. " + t("Ảnh", "Picture") + f": {picture}")
        answer = typer.prompt(t(f"{choices}, 0 = không đánh dấu, 9 = nhiều ô",
                                f"{choices}, 0 = no mark, 9 = several boxes"), type=int)
        level = answer - 1 if 1 <= answer <= len(levels) else None
        counting.decide_row(uow, code, item.sheet.id or 0, item.row.row, level, multiple=answer == 9, member=member)
        decided += 1
    return decided
