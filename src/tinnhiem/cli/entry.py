"""Double entry of the paper totals at the terminal: two members type, the program compares.

The second member does not see the first's numbers (the screen is cleared); nothing
is saved until both agree, and only the rows that differ are typed again.
"""

from __future__ import annotations

import typer
from rich.console import Console
from rich.table import Table

from tinnhiem.cli.i18n import t
from tinnhiem.domain.double_entry import Entry, mismatches
from tinnhiem.domain.errors import EntriesDiffer
from tinnhiem.domain.model import LEVEL_LABELS, Round, Totals
from tinnhiem.domain.tally import RoundResult
from tinnhiem.services import rounds
from tinnhiem.services.ports import UnitOfWork


def _ask_row(round_: Round, index: int) -> Totals:
    subject = round_.subjects[index]
    typer.echo(f"\n{index + 1}. {subject.name} — {subject.position}")
    counts = {level: _ask_count(f"   {t(LEVEL_LABELS[level])}") for level in round_.levels}
    return Totals(counts, _ask_count(t("   Không hợp lệ"), default=0))


def _ask_count(label: str, default: int | None = None) -> int:
    """A whole number, zero or more; asks again, naming the mistake, until it gets one."""
    while True:
        value: int = typer.prompt(label, type=int, default=default)
        if value >= 0:
            return value
        typer.echo(t("   Số phiếu không được âm."))


def _ask_entry(round_: Round, console: Console, rows: list[int], previous: Entry | None) -> Entry:
    member = previous.member if previous else typer.prompt(t("Họ tên thành viên nhập"))
    totals = list(previous.totals) if previous else [Totals({}, 0)] * len(round_.subjects)
    for i in rows:
        totals[i] = _ask_row(round_, i)
    console.clear()
    return Entry(member, tuple(totals))


def _show_mismatches(console: Console, round_: Round, first: Entry, second: Entry) -> list[int]:
    differ = mismatches(round_.subjects, first, second)
    table = Table(t("STT"), t("Họ và tên"), first.member, second.member,
                  title=t("Hai lần nhập chưa khớp"))
    for m in differ:
        def show(x: Totals) -> str:
            return " / ".join(str(x.counts[lv]) for lv in round_.levels) + f" / KHL {x.invalid}"
        table.add_row(str(m.index + 1), m.subject.name, show(m.first), show(m.second))
    console.print(table)
    return [m.index for m in differ]


def double_entry(uow: UnitOfWork, code: str, console: Console) -> RoundResult:
    """Prompt both members, re-prompt what differs, save when all agree (or raise, saving nothing)."""
    round_, _ = rounds.load(uow, code)
    console.print(t("Nhập kết quả: {title}", title=round_.title))
    everyone = list(range(len(round_.subjects)))
    console.print(t("Lần nhập thứ nhất"), style="bold")
    first = _ask_entry(round_, console, everyone, None)
    console.print(t("Lần nhập thứ hai (thành viên khác)"), style="bold")
    second = _ask_entry(round_, console, everyone, None)
    while True:
        try:
            return rounds.record_totals(uow, code, first, second)
        except EntriesDiffer:
            rows = _show_mismatches(console, round_, first, second)
            if not typer.confirm(t("Nhập lại những dòng chưa khớp?"), default=True):
                raise
            console.print(first.member, style="bold")
            first = _ask_entry(round_, console, rows, first)
            console.print(second.member, style="bold")
            second = _ask_entry(round_, console, rows, second)
