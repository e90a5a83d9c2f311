"""The announcement (thông báo kết quả) as plain text: the sentence, and the table where published."""

from __future__ import annotations

from tinnhiem.domain import announcement
from tinnhiem.domain.model import LEVEL_LABELS, BodyKind
from tinnhiem.domain.percent import printed
from tinnhiem.domain.tally import RoundResult
from tinnhiem.reports.content import date_words


def announcement_text(result: RoundResult, *, per_person: bool | None = None) -> str:
    """Party bodies publish the summary only by default; State bodies per person (docs/rules.md §7)."""
    round_ = result.round
    if per_person is None:
        per_person = round_.body.kind is BodyKind.STATE
    lines = [
        round_.body.name.upper(),
        date_words(round_.date, round_.place),
        "",
        "THÔNG BÁO",
        f"Kết quả {round_.title[:1].lower()}{round_.title[1:]}",
        "",
        announcement.summary(result),
    ]
    if per_person:
        lines.append("")
        for i, s in enumerate(result.subjects, start=1):
            levels = "; ".join(
                f"{LEVEL_LABELS[lv]}: {s.totals.counts[lv]} phiếu ({printed(s.percents[lv], round_.style)}%)"
                for lv in round_.levels
            )
            lines.append(f"{i}. {s.subject.name}, {s.subject.position}: {levels}.")
    return "\n".join(lines) + "\n"
