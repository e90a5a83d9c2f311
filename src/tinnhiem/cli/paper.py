"""``tinnhiem paper …``: print ballots, read scans (with a progress bar), review, count."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import cv2
import numpy as np
import pypdfium2 as pdfium
import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from tinnhiem.cli.i18n import t
from tinnhiem.domain.errors import InvalidInput
from tinnhiem.domain.model import LEVEL_LABELS, LEVELS
from tinnhiem.domain.staff import committee_member
from tinnhiem.paper import audit, counting
from tinnhiem.paper.forms import Forms, forms_for
from tinnhiem.paper.memory import reuse_freed_buffers
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


def scan(uow: UnitOfWork, images: ImageFiles, code: str, paths: list[Path], console: Console) -> tuple[int, int, int]:
    """Read every page of every file; returns (sheets stored, already seen, needing review).

    A file that cannot be read (a text file named .jpg, a damaged PDF) is named and skipped:
    the batch goes on.
    """
    known = forms(uow, code)
    reuse_freed_buffers()
    cv2.setNumThreads(1)  # OpenCV's own threads split operations too small to gain: 10–20 % more CPU a sheet
    stored = seen = review = 0
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=console) as progress:
        task = progress.add_task(t("Đọc phiếu"), total=_count_pages(paths, console))
        for path in paths:
            scan = counting.original(path.name, path.read_bytes())
            for outcome in counting.import_sheets(uow, images, code, known, scan, _readable_pages(scan, path, console)):
                stored += outcome.sheet_id is not None
                seen += outcome.sheet_id is None
                review += outcome.sheet_id is not None and outcome.needs_review
                if outcome.copy_of is not None:
                    console.print(t("«{name}» trang {page_number}: có thể là bản quét lại của tờ "
                                    "{copy_of}; Ban kiểm phiếu sẽ xem hai tờ cạnh nhau.",
                                    name=path.name, page_number=outcome.page + 1, copy_of=outcome.copy_of))
                progress.advance(task)
    return stored, seen, review


def _readable_pages(scan: counting.Original, path: Path, console: Console) -> Iterator[tuple[int, np.ndarray]]:
    """The file's pages one at a time (a long PDF is never held whole); a file that cannot be read is
    named on the screen and gives no page."""
    try:
        yield from _pages(scan)
    except (InvalidInput, pdfium.PdfiumError):
        console.print(t("Bỏ qua tệp «{path}»: không phải ảnh hay PDF đọc được.", path=path), style="bold red")


def _count_pages(paths: list[Path], console: Console) -> int:
    """Pages to read, for the progress bar (an unreadable PDF counts as one: it is named when reached)."""
    total = 0
    for path in paths:
        try:
            total += page_count(path) if path.suffix.lower() == ".pdf" else 1  # PDFium reads only what it needs
        except pdfium.PdfiumError:
            total += 1
    return total


def _crop(uow: UnitOfWork, images: ImageFiles, known: Forms, code: str, item: counting.Pending, folder: Path) -> Path:
    """Write the picture the committee looks at into ``folder``: the row or sheet with the machine's
    reading drawn on it; a likely copy beside the sheet it resembles."""
    name = f"to-{item.sheet.id}" + (f"-dong-{item.row.row + 1}" if item.row else "") + ".png"
    folder.mkdir(parents=True, exist_ok=True)
    cv2.imwrite(str(folder / name), counting.picture(uow, images, known, code, item, SCAN_DPI))
    return folder / name


def box_words(levels: tuple[str, ...], ink: tuple[tuple[float, ...], ...]) -> list[str]:
    """Each box of a row by its level's name, with every figure the reader decided on (faint ring included)."""
    names = (t("mực trong ô"), t("nét nhạt"), t("độ trải"), t("vòng quanh ô"), t("vòng nhạt quanh ô"))
    return [f"{level}: " + ", ".join(f"{name} {value:.0%}" for name, value in zip(names, box, strict=False))
            for level, box in zip(levels, ink, strict=False)]


def _reading(item: counting.Pending, levels: tuple[str, ...]) -> str:
    """The machine's reading of a row, in words, with its ink figures."""
    assert item.row is not None
    return t("Máy đọc: chưa chắc ({figures}).", figures="; ".join(box_words(levels, item.row.ink)))


def _sheet_text(item: counting.Pending, picture: Path) -> str:
    sheet = item.sheet
    why = "; ".join(t(counting.reason(p)) for p in sheet.problems) or t(counting.reason("unsure"))
    where = t("Tờ phiếu {id} («{source}», trang {source_page_number})",
              id=sheet.id, source=sheet.source, source_page_number=sheet.source_page + 1)
    copy = t(" Giống tờ {copy_of}.", copy_of=sheet.copy_of) if sheet.copy_of else ""
    return f"{where}: {why}.{copy} " + t("Ảnh") + f": {picture}"


def _decide_sheet(uow: UnitOfWork, code: str, item: counting.Pending, member: str, console: Console) -> bool:
    """Ask about a whole sheet; True when a decision was recorded (a person always decides)."""
    sheet_id = item.sheet.id or 0
    if item.sheet.qr_text is None:
        answer = typer.prompt(t("Tờ này chưa định vị được. k = phiếu không hợp lệ, r = rút ra "
                                "(không phải phiếu), b = bỏ qua (đặt bốn góc trên ứng dụng web)"), default="b")
    elif item.sheet.copy_of is not None:
        answer = typer.prompt(t("r = rút ra (bản quét lại), h = giữ (phiếu khác), k = phiếu không "
                                "hợp lệ"), default="r")
    else:
        answer = "h" if typer.confirm(t("Phiếu hợp lệ?")) else "k"
    if answer.strip().lower() == "r":
        reason = typer.prompt(t("Lý do rút tờ phiếu"),
                              default=t("Bản quét lại của tờ {copy_of}",
                                        copy_of=item.sheet.copy_of) if item.sheet.copy_of else None)
        counting.withdraw_sheet(uow, code, sheet_id, reason=reason, member=member)
    elif answer.strip().lower() in ("k", "h"):
        counting.decide_sheet(uow, code, sheet_id, void=answer.strip().lower() == "k", member=member)
    else:
        console.print(t("Để lại cho Ban kiểm phiếu."))
        return False
    return True


def review(uow: UnitOfWork, images: ImageFiles, code: str, member: str, folder: Path, console: Console) -> int:
    """Show each pending sheet or row (its picture, the machine's reading, why) and record the member's decision."""
    known = forms(uow, code)
    round_, _ = rounds.load(uow, code)
    member = committee_member(round_, member)  # before anything is shown
    levels = LEVELS[round_.kind]
    decided = 0
    for item in counting.pending(uow, code):
        picture = _crop(uow, images, known, code, item, folder)
        if item.row is None:
            console.print(_sheet_text(item, picture))
            decided += _decide_sheet(uow, code, item, member, console)
            continue
        subject = round_.subjects[item.row.subject]
        choices = ", ".join(f"{i + 1} = {LEVEL_LABELS[lv]}" for i, lv in enumerate(levels))
        names = tuple(t(LEVEL_LABELS[lv]) for lv in levels)
        console.print(f"{subject.name} — {subject.position}. {_reading(item, names)} " + t("Ảnh") + f": {picture}")
        answer = typer.prompt(t("{choices}, 0 = không đánh dấu, 9 = nhiều ô", choices=choices), type=int)
        level = answer - 1 if 1 <= answer <= len(levels) else None
        counting.decide_row(uow, code, item.sheet.id or 0, item.row.row, level, multiple=answer == 9, member=member)
        decided += 1
    return decided


def _draw_status(view: audit.AuditView, draw: audit.Draw) -> str:
    if draw.agreed is not None:
        if not draw.differences:
            return t("đã đối chiếu: khớp với máy")
        return t("đã đối chiếu: khác máy ở") + " " + "; ".join(
            f"{t('dòng')} {x.row + 1}: {t('máy')} «{t(audit.row_words(view.round, x.machine))}», "
            f"{t('người đọc')} «{t(audit.row_words(view.round, x.people))}»"
            + (f" ({', '.join(c for _, c in x.classes)})" if x.classes else "")
            for x in draw.differences)
    if draw.differ:
        return t("hai người đọc khác nhau: đọc lại")
    if draw.readings:
        return t("{count} người đã đọc, cần hai", count=len(draw.readings))
    return t("chưa đọc")


def show_audit(view: audit.AuditView, console: Console) -> None:
    """The audit as it stands: limit, seed, the sheets to pull, what was read, the verdict."""
    from tinnhiem.domain.audit import percent_text

    console.print(t("Kiểm tra đối chiếu: giới hạn rủi ro {limit} %, số ngẫu nhiên {seed}; {drawn} lần rút trong "
                    "{stack} tờ đã kiểm.", limit=percent_text(view.alpha), seed=view.stored.seed,
                    drawn=len(view.draws), stack=len(view.stack)))
    for draw in view.draws:
        console.print(f"{draw.index:>4}. {audit.place_words(view, draw)} — {_draw_status(view, draw)}")
    for standing in view.verdict.standings:
        if standing.assertion.certain:
            continue
        subject = view.round.subjects[standing.assertion.subject].name
        console.print(t("{subject}, ngưỡng {line}: rủi ro {risk} %", subject=subject,
                        line=t(audit.LINE_WORDS[standing.assertion.line.name]),
                        risk=percent_text(standing.risk)) + (" ✓" if standing.confirmed else ""))
    console.print(t("Kết luận") + ": " + t(audit.outcome_words(view)))


def read_audit(uow: UnitOfWork, code: str, member: str, console: Console) -> audit.AuditView:
    """Ask the member, sheet by drawn sheet, what the paper shows (the machine's reading is not shown
    before both members have read it)."""
    view = audit.view(uow, code)
    if view is None:
        raise InvalidInput("audit-not-started", field="round")
    levels = view.round.levels
    choices = ", ".join(f"{i + 1} = {t(LEVEL_LABELS[lv])}" for i, lv in enumerate(levels))
    done: set[int] = set()
    name = committee_member(view.round, member)
    while True:
        todo = [d for d in view.draws if d.sheet.id not in done and d.agreed is None
                and (d.differ or all(r.member != name for r in d.readings))]
        if not todo:
            return view
        draw = todo[0]
        done.add(draw.sheet.id or 0)
        console.print(t("Lấy tờ") + f" {audit.place_words(view, draw)}")
        void = not typer.confirm(t("Phiếu hợp lệ?"), default=True)
        rows: list[str] = []
        for row in draw.sheet.rows:
            subject = view.round.subjects[row.subject]
            answer = typer.prompt(f"{row.row + 1}. {subject.name} — " + t(
                "{choices}, 0 = không đánh dấu, 9 = nhiều ô", choices=choices), type=int)
            rows.append(str(answer - 1) if 1 <= answer <= len(levels) else
                        audit.MULTIPLE if answer == 9 else audit.EMPTY)
        view = audit.enter(uow, code, draw.sheet.id or 0, rows, void=void, member=name)
