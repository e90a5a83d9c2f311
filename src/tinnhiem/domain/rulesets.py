"""Rule sets (docs/rules.md §1, §6) are data, read from ``rulesets.toml`` beside this module."""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources

from tinnhiem.domain.errors import InvalidInput
from tinnhiem.domain.model import BaseKind, BodyKind, ExemptionReason


@dataclass(frozen=True, slots=True)
class RuleSet:
    """One legal text and what it decides: base, quorum, exemptions, consequences."""

    id: str
    title: str
    title_en: str
    short: str
    scope: BodyKind
    default_base: BaseKind | None
    quorum: bool
    reasons: frozenset[ExemptionReason]
    band2: tuple[str, str]
    band3: tuple[str, str]
    no_confidence: tuple[str, str]

    def consequence(self, band: int, lang: str = "vi") -> str:
        """What follows a band (docs/rules.md §6); empty for band 1."""
        pair = {2: self.band2, 3: self.band3}.get(band)
        return "" if pair is None else pair[1 if lang == "en" else 0]


def _parse(rule_id: str, raw: Mapping[str, object]) -> RuleSet:
    def text(key: str) -> str:
        return str(raw[key])

    reasons = raw["reasons"]
    assert isinstance(reasons, list)
    return RuleSet(
        id=rule_id,
        title=text("title"),
        title_en=text("title_en"),
        short=text("short"),
        scope=BodyKind(text("scope")),
        default_base=BaseKind(text("default_base")) if text("default_base") else None,
        quorum=bool(raw["quorum"]),
        reasons=frozenset(ExemptionReason(r) for r in reasons),
        band2=(text("band2"), text("band2_en")),
        band3=(text("band3"), text("band3_en")),
        no_confidence=(text("no_confidence"), text("no_confidence_en")),
    )


@cache
def rule_sets() -> Mapping[str, RuleSet]:
    """Every known rule set by id."""
    raw = tomllib.loads(resources.files(__package__).joinpath("rulesets.toml").read_text("utf-8"))
    return {rule_id: _parse(rule_id, entry) for rule_id, entry in raw.items()}


def rule_set(rule_id: str, *, field: str = "rule_set") -> RuleSet:
    """The rule set ``rule_id``, or an error that lists the known ones."""
    known = rule_sets()
    if rule_id not in known:
        raise InvalidInput("unknown-rule-set", field=field, value=rule_id, choices=", ".join(known))
    return known[rule_id]
