"""The count of a round: base, quorum, percentages, bands and consequences (docs/rules.md §5, §6)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal

from tinnhiem.domain import checks
from tinnhiem.domain.model import BaseKind, Level, Round, Subject, Totals, VoteKind
from tinnhiem.domain.percent import band, more_than_half, percent
from tinnhiem.domain.rulesets import RuleSet, rule_set


@dataclass(frozen=True, slots=True)
class QuorumStatus:
    """R-QUORUM as it stood: whether required, whether met, and the figures."""

    required: bool
    met: bool
    present: int | None = None
    convened: int | None = None


@dataclass(frozen=True, slots=True)
class SubjectResult:
    """One subject's result: counts, percentages of the base, band and what follows."""

    subject: Subject
    totals: Totals
    percents: Mapping[Level, Decimal]
    band: int | None  # R-PCT-3; None in a no-confidence vote
    dismissal_proposed: bool  # R-NOCONF-2; False in a confidence vote
    consequence: str
    consequence_en: str


@dataclass(frozen=True, slots=True)
class RoundResult:
    """The frozen outcome of a round: what the minutes, the spreadsheet and the JSON show."""

    round: Round
    rules: RuleSet
    base_kind: BaseKind
    base: int
    quorum: QuorumStatus
    subjects: tuple[SubjectResult, ...]
    channels: Mapping[str, tuple[Totals, ...]] = field(default_factory=dict)  # "paper", "electronic"


def quorum_status(round_: Round, rules: RuleSet) -> QuorumStatus:
    """Whether R-QUORUM held (checked, raising, by ``checks.check_quorum``)."""
    conf = round_.conference
    met = True
    if conf.convened is not None and conf.present is not None:
        met = 3 * conf.present >= 2 * conf.convened
    return QuorumStatus(rules.quorum, met, conf.present, conf.convened)


def _subject_result(
    round_: Round, rules: RuleSet, subject: Subject, totals: Totals, base: int
) -> SubjectResult:
    percents = {level: percent(totals.counts[level], base) for level in round_.levels}
    if round_.kind is VoteKind.NO_CONFIDENCE:
        lost = more_than_half(totals.counts[Level.NO_CONFIDENCE], base)
        vi, en = rules.no_confidence if lost else ("", "")
        return SubjectResult(subject, totals, percents, None, lost, vi, en)
    level_band = band(totals.counts[Level.LOW], base)
    return SubjectResult(
        subject, totals, percents, level_band, False,
        rules.consequence(level_band, "vi"), rules.consequence(level_band, "en"),
    )


def tally_channels(round_: Round, channels: Mapping[str, Sequence[Totals]]) -> RoundResult:
    """Paper and electronic totals of one round added subject by subject, each kept for the minutes."""
    parts = list(channels.values())
    summed = tuple(
        Totals({level: sum(p[i].counts[level] for p in parts) for level in round_.levels},
               sum(p[i].invalid for p in parts))
        for i in range(len(round_.subjects))
    )
    result = tally(round_, summed)
    return replace(result, channels={name: tuple(t) for name, t in channels.items()})


def tally(round_: Round, totals: Sequence[Totals]) -> RoundResult:
    """Check the round and its totals, then compute every subject's result.

    Raises ``InvalidInput`` (naming field and subject) on any inconsistency (docs/round-file.md).
    """
    rules = rule_set(round_.rule_set)
    checks.check_people(round_, rules)
    checks.check_conference(round_)
    checks.check_quorum(round_, rules)
    base_kind, base = checks.resolve_base(round_, rules)
    checks.check_totals(round_, totals, base)
    results = tuple(
        _subject_result(round_, rules, subject, row, base)
        for subject, row in zip(round_.subjects, totals, strict=True)
    )
    return RoundResult(round_, rules, base_kind, base, quorum_status(round_, rules), results)
