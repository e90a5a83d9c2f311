"""The listings of the command line (`tinnhiem rounds`, `tinnhiem history`): tables that fit the terminal.

Columns are chosen by the terminal's width: dates and codes never wrap, long titles
and positions fold in their own column, and below ``WIDE`` columns the body and the
title (or the position) share one column so that names stay on one line. ``--json``
and ``--csv`` print the same rows for programs and for Excel (CSV with a BOM, so
Excel reads the diacritics; a cell starting with = + - @ gets an apostrophe, so Excel shows it and runs
nothing: reports/cells.py).
"""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Sequence
from typing import Any

from rich import box
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from tinnhiem.cli.i18n import t
from tinnhiem.cli.results import band_words
from tinnhiem.domain.model import LEVEL_LABELS, REASON_LABELS, Level
from tinnhiem.domain.percent import machine, printed
from tinnhiem.domain.words import N_
from tinnhiem.reports.cells import csv_text
from tinnhiem.services.ports import RoundListing
from tinnhiem.services.rounds import HistoryItem

WIDE = 120  # columns from which every field has its own column
NARROW = 72  # columns under which only code, date and title are shown
SHORT_LABELS = {Level.HIGH: N_("Cao"), Level.CONFIDENCE: N_("TN"), Level.LOW: N_("Thấp"),
                Level.NO_CONFIDENCE: N_("Không TN")}
Row = dict[str, Any]


def console() -> Console:
    """A console measured now (COLUMNS is read when it is made, not when the module is imported)."""
    return Console(highlight=False)


def emit(rows: Sequence[Row], fmt: str) -> None:
    """The rows as JSON (a list of objects) or as CSV (a header, then one line per row)."""
    if fmt == "json":
        sys.stdout.write(json.dumps(list(rows), ensure_ascii=False, indent=2) + "\n")
        return
    buffer = io.StringIO()
    fields = list(dict.fromkeys(key for row in rows for key in row))
    writer = csv.DictWriter(buffer, fieldnames=fields, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows({key: csv_text(value) for key, value in row.items()} for row in rows)
    sys.stdout.write("\ufeff" + buffer.getvalue())


def round_rows(listing: Sequence[RoundListing]) -> list[Row]:
    return [{"code": r.code, "date": r.date.isoformat(), "body": r.body, "title": r.title,
             "subjects": r.subjects, "counted": r.counted} for r in listing]


def rounds_table(listing: Sequence[RoundListing], width: int) -> Table:
    """The stored rounds; under ``WIDE`` columns the body goes under the title, under ``NARROW`` the
    number of subjects goes too and a counted round's code gets its ✓."""
    wide, narrow = width >= WIDE, width < NARROW
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, expand=False)
    table.add_column(t("Mã"), no_wrap=True, style="bold")
    table.add_column(t("Ngày"), no_wrap=True, min_width=10)
    if wide:
        table.add_column(t("Cơ quan"), overflow="fold", ratio=2)
    table.add_column(t("Tiêu đề") if wide else t("Tiêu đề / Cơ quan"), overflow="fold",
                     ratio=3)
    if not narrow:
        table.add_column(t("Số người"), justify="right", no_wrap=True)
        table.add_column(t("Đã kiểm"), justify="center", no_wrap=True)
    for r in listing:
        counted = "✓" if r.counted else ""
        about = [escape(r.body), escape(r.title)] if wide else [f"{escape(r.title)}\n[dim]{escape(r.body)}[/]"]
        if narrow:
            table.add_row(f"{r.code} {counted}".strip(), r.date.isoformat(), *about)
        else:
            table.add_row(r.code, r.date.isoformat(), *about, str(r.subjects), counted)
    return table


def _levels(items: Sequence[HistoryItem]) -> list[Level]:
    seen = {lv for item in items if item.result is not None for lv in item.result.totals.counts}
    return [lv for lv in LEVEL_LABELS if lv in seen] or list(LEVEL_LABELS)[:3]


def _status(item: HistoryItem) -> str:
    if item.exemption is not None:
        return t("không lấy phiếu: ") + t(REASON_LABELS[item.exemption.reason])
    return t("chưa kiểm phiếu") if item.result is None else ""


def history_rows(items: Sequence[HistoryItem]) -> list[Row]:
    """One row per round; counts and percentages (two decimals, dot) per level, empty when not counted."""
    rows = []
    for item in items:
        s = item.result
        row: Row = {"code": item.code, "date": item.round.date.isoformat(), "body": item.round.body.name,
                    "title": item.round.title, "name": _name(item), "position": _position(item),
                    "exempted": item.exemption.reason.value if item.exemption else "",
                    "counted": s is not None}
        for lv in _levels(items):
            row[lv.value] = s.totals.counts.get(lv, "") if s else ""
            row[f"{lv.value}_percent"] = machine(s.percents[lv]) if s and lv in s.percents else ""
        row["band"] = (s.band or "") if s else ""
        row["base"] = item.base if item.base is not None else ""
        rows.append(row)
    return rows


def _name(item: HistoryItem) -> str:
    return item.exemption.name if item.exemption else (item.result.subject.name if item.result else "")


def _position(item: HistoryItem) -> str:
    if item.exemption is not None:
        return item.exemption.position
    if item.result is not None:
        return item.result.subject.position
    return ""


def history_table(typed: str, items: Sequence[HistoryItem], width: int) -> Table:
    """A person's rounds; under ``WIDE`` columns body and position share a column, percentages only."""
    wide = width >= WIDE
    names = {_name(i) for i in items if _name(i)}
    table = Table(title=escape(", ".join(sorted(names)) or typed), box=box.SIMPLE_HEAD, pad_edge=False)
    table.add_column(t("Ngày"), no_wrap=True, min_width=10)
    if wide:
        table.add_column(t("Cơ quan"), overflow="fold", ratio=2)
        table.add_column(t("Chức vụ"), overflow="fold", ratio=2)
    else:
        table.add_column(t("Cơ quan / Chức vụ"), overflow="fold", ratio=1)
    levels = _levels(items)
    for lv in levels:
        table.add_column(t((LEVEL_LABELS if wide else SHORT_LABELS)[lv]), justify="right", no_wrap=True)
    if not wide:
        table.caption = "; ".join(f"{t(SHORT_LABELS[lv])}: {t(LEVEL_LABELS[lv]).lower()}" for lv in levels)
    table.add_column(t("Lưu ý"), max_width=10)  # the band in words ("> 1/2 thấp"), blank at or under one half
    for item in items:
        s, style = item.result, item.round.style
        cells = ["—"] * len(levels) if s is None else [
            (f"{s.totals.counts[lv]} ({printed(s.percents[lv], style)}%)" if wide
             else f"{printed(s.percents[lv], style)}%") for lv in levels]
        band = "" if s is None else band_words(s)
        note = _status(item)
        place = [escape(item.round.body.name), escape(_position(item))]
        if note:
            place.append(f"[italic]{escape(note)}[/]")
        where = place if wide else ["\n".join([place[0], f"[dim]{place[1]}[/]", *place[2:]])]
        if wide and note:
            where[1] = "\n".join(place[1:])
        table.add_row(item.round.date.isoformat(), *where, *cells, band)
    return table
