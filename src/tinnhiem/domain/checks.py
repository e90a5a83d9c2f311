"""Consistency checks of a round and its totals; each failure names the field and the subject."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import replace

from tinnhiem.domain.errors import InvalidInput, QuorumNotMet
from tinnhiem.domain.model import BASE_LABELS, BaseKind, Delegate, ExemptionReason, Round, Totals
from tinnhiem.domain.rulesets import RuleSet
from tinnhiem.domain.words import N_

_ORDER = (
    ("present", "convened"),
    ("ballots_issued", "present"),
    ("ballots_returned", "ballots_issued"),
)


def check_conference(round_: Round) -> None:
    """R-CONV: present ≤ convened, issued ≤ present, returned ≤ issued, where known."""
    conf = round_.conference
    for name, other in _ORDER:
        value, limit = getattr(conf, name), getattr(conf, other)
        if value is not None and limit is not None and value > limit:
            raise InvalidInput(
                "conference-order",
                field=f"conference.{name}",
                value=value,
                other=limit,
                other_field=f"conference.{other}",
            )


def quorum_needed(convened: int) -> int:
    """The smallest number present that makes quorum: 3·present ≥ 2·convened (R-QUORUM)."""
    return (2 * convened + 2) // 3


def check_quorum(round_: Round, rules: RuleSet) -> None:
    """R-QUORUM: where the rule set requires it, refuse below two thirds present."""
    if not rules.quorum:
        return
    conf = round_.conference
    if conf.convened is None:
        raise InvalidInput("missing", field="conference.convened")
    if conf.present is None:
        raise InvalidInput("missing", field="conference.present")
    if 3 * conf.present < 2 * conf.convened:
        raise QuorumNotMet(
            "quorum-not-met",
            field="conference.present",
            present=conf.present,
            convened=conf.convened,
            needed=quorum_needed(conf.convened),
        )


HALL_FIGURES = frozenset({BaseKind.PRESENT, BaseKind.BALLOTS_ISSUED, BaseKind.BALLOTS_RETURNED})


def check_figures(round_: Round, rules: RuleSet, *, delegates: int = 0) -> Round:
    """R-CONV, R-QUORUM, R-PCT-1 before anything is stored or voting opens: every figure the count will
    need that nobody records on the day is given, naming the field (no count stopped after decryption).

    Present, issued and returned are recorded by the hall (check-in, cards, sheets) or typed with the
    totals; the base, the number convened (for the quorum or as the base) and the body's members (as the
    base) are not. A blank number convened with a list of delegates is the list's length: what check-in
    and the quorum line count with, now written down so the minutes say the same. Returns the round so.
    """
    kind = round_.base or rules.default_base
    if kind is None:
        raise InvalidInput("base-missing", field="base", rule_set=rules.id)
    conf = round_.conference
    if conf.convened is None and delegates > 0:
        round_ = replace(round_, conference=replace(conf, convened=delegates))
    elif conf.convened is None and (rules.quorum or kind is BaseKind.CONVENED):
        raise InvalidInput("figure-needed", field="conference.convened",
                           why=N_("cần để tính số lượng cần thiết (2/3)") if rules.quorum
                           else N_("là cơ sở tính tỷ lệ"))
    if kind is BaseKind.MEMBERS and round_.body.members is None:
        raise InvalidInput("figure-needed", field="body.members", why=N_("là cơ sở tính tỷ lệ"))
    check_conference(round_)
    return round_


def resolve_base(round_: Round, rules: RuleSet) -> tuple[BaseKind, int]:
    """R-PCT-1: the base kind (the round's, else the rule set's) and its value."""
    kind = round_.base or rules.default_base
    if kind is None:
        raise InvalidInput("base-missing", field="base", rule_set=rules.id)
    if kind is BaseKind.MEMBERS:
        value, where = round_.body.members, "body.members"
    else:
        value, where = getattr(round_.conference, kind.value), f"conference.{kind.value}"
    if value is None:
        raise InvalidInput("base-value-missing", field=where, base=BASE_LABELS[kind])
    if value <= 0:
        raise InvalidInput("base-zero", field=where)
    return kind, value


HIDDEN = {"Cc", "Cf", "Co", "Cs", "Cn"}  # controls, format marks (U+202E turns text around), private use, unassigned


def check_visible(round_: Round, delegates: Sequence[Delegate] = ()) -> None:
    """Every text that is printed or shown is what it looks like: no character a reader cannot see.

    A subject named "Nguyễn Văn A\u202e" prints reversed on the minutes; a zero-width character makes two
    names that look the same differ. Refused, naming the field and the character (U+XXXX).
    """
    texts: list[tuple[str, str, str | None]] = [("title", round_.title, None), ("body.name", round_.body.name, None)]
    for i, s in enumerate(round_.subjects):
        texts += [(f"subjects[{i}].{k}", v, s.name) for k, v in (("name", s.name), ("position", s.position),
                                                                 ("group", s.group))]
    for i, e in enumerate(round_.exemptions):
        texts += [(f"exemptions[{i}].{k}", v, e.name) for k, v in (("name", e.name), ("position", e.position),
                                                                   ("note", e.note))]
    for i, m in enumerate(round_.committee):
        texts += [(f"committee[{i}].{k}", v, m.name) for k, v in (("name", m.name), ("role", m.role))]
    for i, d in enumerate(delegates):
        texts += [(f"delegates[{i}].{k}", v, d.name) for k, v in (("name", d.name), ("unit", d.unit))]
    for field, text, subject in texts:
        hidden = next((c for c in text if unicodedata.category(c) in HIDDEN), None)
        if hidden is not None:
            raise InvalidInput("hidden-character", field=field, subject=subject, value=f"U+{ord(hidden):04X}")


def check_people(round_: Round, rules: RuleSet) -> None:
    """R-SUBJ-1, R-EXEMPT, R-COMMITTEE: a sound list of subjects, exemptions and counters."""
    if not round_.subjects:
        raise InvalidInput("no-subjects", field="subjects")
    seen: dict[tuple[str, str], int] = {}
    for i, subject in enumerate(round_.subjects):
        key = (subject.person_key or subject.name, subject.position)
        if key in seen:
            raise InvalidInput(
                "duplicate-subject", field=f"subjects[{i}]", subject=subject.name, first=seen[key]
            )
        seen[key] = i
    subject_names = {s.name for s in round_.subjects}
    for i, exemption in enumerate(round_.exemptions):
        where = f"exemptions[{i}]"
        if exemption.reason not in rules.reasons:
            raise InvalidInput(
                "reason-not-in-rule-set",
                field=f"{where}.reason",
                subject=exemption.name,
                value=exemption.reason.value,
                rule_set=rules.id,
                choices=", ".join(sorted(r.value for r in rules.reasons)),
            )
        if exemption.reason is ExemptionReason.OTHER and not exemption.note.strip():
            raise InvalidInput("note-required", field=f"{where}.note", subject=exemption.name)
        if exemption.name in subject_names:
            raise InvalidInput("exempt-and-subject", field=where, subject=exemption.name)
    for i, member in enumerate(round_.committee):
        if member.name in subject_names:
            raise InvalidInput("committee-is-subject", field=f"committee[{i}]", subject=member.name)


def check_totals(round_: Round, totals: Sequence[Totals], base: int) -> None:
    """Every subject has the round's levels, and no more rows than ballots returned."""
    if len(totals) != len(round_.subjects):
        raise InvalidInput("missing", field="subjects.counts")
    expected = set(round_.levels)
    returned = round_.conference.ballots_returned
    limit, code = (returned, "counts-above-returned") if returned is not None else (base, "counts-above-base")
    for i, (subject, row) in enumerate(zip(round_.subjects, totals, strict=True)):
        where = f"subjects[{i}]"
        if set(row.counts) != expected:
            raise InvalidInput(
                "counts-keys",
                field=f"{where}.counts",
                subject=subject.name,
                expected=", ".join(level.value for level in round_.levels),
                got=", ".join(sorted(level.value for level in row.counts)) or "—",
            )
        total = row.valid + row.invalid
        if total > limit:
            raise InvalidInput(
                code, field=f"{where}.counts", subject=subject.name,
                total=total, invalid=row.invalid, limit=limit,
            )
