"""A round and its result at the terminal (`tinnhiem round show`, `tinnhiem tally`): readable at 80 columns.

Each subject takes one row: the name, the position on its own line under it, each level's count over its
percentage, the invalid rows, and the band said in words (no number to look up). The base is said in
words too. ``--csv`` and ``--json`` give the same rows for Excel and programs.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rich import box
from rich.console import Console, Group, RenderableType
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from tinnhiem.cli.i18n import t
from tinnhiem.domain.model import BASE_LABELS, LEVEL_LABELS, REASON_LABELS, Delegate, Round
from tinnhiem.domain.percent import machine, printed
from tinnhiem.domain.rulesets import rule_set
from tinnhiem.domain.tally import RoundResult, SubjectResult
from tinnhiem.domain.words import N_

Row = dict[str, Any]
BAND_WORDS: Mapping[int, str] = {2: N_("> 1/2 thấp"), 3: N_("≥ 2/3 thấp")}
DISMISSAL = N_("> 1/2 không tín nhiệm")


def band_words(s: SubjectResult) -> str:
    """The band as the projector says it ("> 1/2 thấp"); blank at or under one half."""
    if s.dismissal_proposed:
        return t(DISMISSAL)
    return t(BAND_WORDS[s.band]) if s.band is not None and s.band in BAND_WORDS else ""


def base_line(result: RoundResult) -> str:
    return t("Tỷ lệ tính trên {base_words}: {base}", base_words=t(BASE_LABELS[result.base_kind]),
             base=result.base)


def result_table(result: RoundResult) -> Table:
    """One row per subject; the position under the name; count over percentage; the band in words."""
    round_ = result.round
    title = f"{escape(round_.title)}\n{escape(round_.body.name)}, {round_.date.strftime('%d/%m/%Y')}"
    table = Table(title=title, box=box.SIMPLE_HEAD, pad_edge=False, show_lines=True, collapse_padding=True)
    table.add_column(t("STT"), justify="right", no_wrap=True)
    table.add_column(t("Họ và tên, chức vụ"), overflow="fold", ratio=1, min_width=16)
    for level in round_.levels:
        table.add_column(t(LEVEL_LABELS[level]), justify="right", max_width=7)  # "100,00%"
    table.add_column(t("Không hợp lệ"), justify="right", max_width=6)
    table.add_column(t("Lưu ý"), max_width=10)
    for i, s in enumerate(result.subjects, start=1):
        cells = [f"{s.totals.counts[lv]}\n{printed(s.percents[lv], round_.style)}%" for lv in round_.levels]
        style = "bold red" if (s.band or 1) > 1 or s.dismissal_proposed else None
        who = f"{escape(s.subject.name)}\n[dim]{escape(s.subject.position)}[/]"
        table.add_row(str(i), who, *cells, str(s.totals.invalid), band_words(s), style=style)
    return table


def show_result(result: RoundResult, screen: Console) -> None:
    """The result as the minutes show it, then the base and the summary, in words."""
    from tinnhiem.domain.announcement import summary

    screen.print(result_table(result))
    screen.print(base_line(result))
    screen.print(summary(result, t))


def result_rows(result: RoundResult) -> list[Row]:
    """One row per subject for --csv: counts, exact percentages, the band in words and its consequence."""
    rows = []
    for i, s in enumerate(result.subjects, start=1):
        row: Row = {t("STT"): i, t("Họ và tên"): s.subject.name, t("Chức vụ"): s.subject.position,
                    t("Nhóm"): s.subject.group}
        for level in result.round.levels:
            row[t(LEVEL_LABELS[level])] = s.totals.counts[level]
            row[f"{t(LEVEL_LABELS[level])} (%)"] = machine(s.percents[level])
        row |= {t("Không hợp lệ"): s.totals.invalid, t("Lưu ý"): band_words(s), t("Hệ quả"): s.consequence,
                t("Tỷ lệ tính trên"): t(BASE_LABELS[result.base_kind]), t("Cơ sở"): result.base}
        rows.append(row)
    return rows


def _known(value: int | None) -> str:
    return t("(chưa ghi)") if value is None else str(value)


def round_facts(round_: Round, people: tuple[Delegate, ...]) -> list[tuple[str, str]]:
    """What was imported, in words: the label and the value of every fact the count will use."""
    rules, conf = rule_set(round_.rule_set), round_.conference
    base = round_.base or rules.default_base
    return [
        (t("Tiêu đề"), round_.title), (t("Cơ quan"), round_.body.name),
        (t("Ngày"), round_.date.strftime("%d/%m/%Y")), (t("Địa điểm"), round_.place or "—"),
        (t("Bộ quy tắc"), f"{round_.rule_set} ({rules.short})"),
        (t("Tỷ lệ tính trên"), t(BASE_LABELS[base]) if base else t("(chưa ghi)")),
        (t("Tổng số thành viên"), _known(round_.body.members)),
        (t("Số được triệu tập"), _known(conf.convened)), (t("Số có mặt"), _known(conf.present)),
        (t("Số phiếu phát ra"), _known(conf.ballots_issued)), (t("Số phiếu thu về"), _known(conf.ballots_returned)),
        (t("Đại biểu trong danh sách"), str(len(people))),
        (t("Ban kiểm phiếu"), "; ".join(f"{m.name} ({m.role})" for m in round_.committee) or "—"),
    ]


def round_view(code: str, round_: Round, people: tuple[Delegate, ...]) -> RenderableType:
    """`round show`: the facts, then the subjects (position under the name) and those not voted on."""
    facts = Table(box=None, show_header=False, pad_edge=False)
    facts.add_column(style="bold", no_wrap=True)
    facts.add_column(overflow="fold")
    for label, value in round_facts(round_, people):
        facts.add_row(label, escape(value))
    subjects = Table(title=t("Người được lấy phiếu ({count})", count=len(round_.subjects)), box=box.SIMPLE_HEAD,
                     pad_edge=False)
    subjects.add_column(t("STT"), justify="right", no_wrap=True)
    subjects.add_column(t("Họ và tên, chức vụ"), overflow="fold")
    subjects.add_column(t("Nhóm"), overflow="fold", max_width=16)
    for i, s in enumerate(round_.subjects, start=1):
        subjects.add_row(str(i), f"{escape(s.name)}\n[dim]{escape(s.position)}[/]", escape(s.group))
    parts: list[RenderableType] = [Text(code, style="bold"), facts, subjects]
    if round_.exemptions:
        exempt = Table(title=t("Không lấy phiếu ({count})", count=len(round_.exemptions)), box=box.SIMPLE_HEAD,
                       pad_edge=False)
        exempt.add_column(t("Họ và tên, chức vụ"), overflow="fold")
        exempt.add_column(t("Lý do"), overflow="fold")
        for e in round_.exemptions:
            exempt.add_row(f"{escape(e.name)}\n[dim]{escape(e.position)}[/]",
                           escape(t(REASON_LABELS[e.reason]) + (f" ({e.note})" if e.note else "")))
        parts.append(exempt)
    return Group(*parts)


def round_rows(round_: Round) -> list[Row]:
    """`round show --csv/--json`: one row per subject and per exemption, with the round's facts on each."""
    rows: list[Row] = [{"kind": "subject", "number": i, "name": s.name, "position": s.position, "group": s.group,
                        "reason": ""} for i, s in enumerate(round_.subjects, start=1)]
    rows += [{"kind": "exemption", "number": "", "name": e.name, "position": e.position, "group": "",
              "reason": e.reason.value} for e in round_.exemptions]
    return rows
