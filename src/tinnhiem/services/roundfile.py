"""The round file and the result file of docs/round-file.md: YAML/JSON in, JSON out.

Reading maps plain data onto domain values and names the field (and subject)
of anything wrong; writing turns a ``RoundResult`` into the documented JSON.
"""

from __future__ import annotations

import datetime as dt
import json
import unicodedata
from collections.abc import Mapping, Sequence
from enum import StrEnum
from pathlib import Path
from typing import Any, TypeVar

import yaml

from tinnhiem.domain import announcement
from tinnhiem.domain.errors import InvalidInput
from tinnhiem.domain.model import (
    LEVELS,
    BaseKind,
    BodyKind,
    CommitteeMember,
    Conference,
    Exemption,
    ExemptionReason,
    Level,
    PercentStyle,
    Round,
    Subject,
    Totals,
    VoteKind,
    VotingBody,
)
from tinnhiem.domain.percent import machine
from tinnhiem.domain.rulesets import rule_set
from tinnhiem.domain.tally import RoundResult

E = TypeVar("E", bound=StrEnum)


def load(path: Path) -> Mapping[str, Any]:
    """Read a round file (YAML or JSON; YAML is a superset) into plain data."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise InvalidInput("file-unreadable", field=str(path), reason=str(exc)) from exc
    if not isinstance(data, Mapping):
        raise InvalidInput("file-unreadable", field=str(path), reason="not a mapping")
    return data


def _text(data: Mapping[str, Any], key: str, where: str, *, required: bool = True, subject: str | None = None) -> str:
    value = data.get(key)
    if value is None or value == "":
        if required:
            raise InvalidInput("missing", field=f"{where}{key}", subject=subject)
        return ""
    if not isinstance(value, (str, int)) or isinstance(value, bool):
        raise InvalidInput("not-text", field=f"{where}{key}", subject=subject, value=value)
    return unicodedata.normalize("NFC", str(value).strip())  # one spelling of each letter


def _count(value: Any, field: str, subject: str | None = None, *, required: bool = True) -> int | None:
    if value is None and not required:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise InvalidInput("not-integer", field=field, subject=subject, value=value)
    return value


def _choice(enum: type[E], value: Any, field: str, subject: str | None = None) -> E:
    try:
        return enum(value)
    except ValueError:
        raise InvalidInput(
            "unknown-value", field=field, subject=subject, value=value,
            choices=", ".join(member.value for member in enum),
        ) from None


def _date(value: Any) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise InvalidInput("not-date", field="date", value=value) from None


def _list(data: Mapping[str, Any], key: str) -> Sequence[Mapping[str, Any]]:
    value = data.get(key) or []
    if not isinstance(value, list) or not all(isinstance(v, Mapping) for v in value):
        raise InvalidInput("missing", field=key)
    return value


def parse_round(data: Mapping[str, Any]) -> tuple[Round, tuple[Totals, ...] | None]:
    """Domain values from a round file; the totals are None when no subject has counts."""
    rule_id = _text(data, "rule_set", "")
    rules = rule_set(rule_id)
    kind = _choice(VoteKind, data.get("kind", "confidence"), "kind")
    body_data = data.get("body")
    if not isinstance(body_data, Mapping):
        raise InvalidInput("missing", field="body.name")
    body = VotingBody(
        name=_text(body_data, "name", "body."),
        members=_count(body_data.get("members"), "body.members", required=False),
        kind=_choice(BodyKind, body_data.get("kind", rules.scope.value), "body.kind"),
    )
    conf_data = data.get("conference") or {}
    conference = Conference(
        **{
            name: _count(conf_data.get(name), f"conference.{name}", required=False)
            for name in ("convened", "present", "ballots_issued", "ballots_returned")
        }
    )
    subjects, totals = _subjects(_list(data, "subjects"), kind)
    round_ = Round(
        rule_set=rule_id,
        body=body,
        title=_text(data, "title", ""),
        date=_date(data.get("date")),
        subjects=subjects,
        kind=kind,
        place=_text(data, "place", "", required=False),
        conference=conference,
        base=_choice(BaseKind, data["base"], "base") if data.get("base") else None,
        style=_choice(PercentStyle, data.get("style", "two-decimals"), "style"),
        committee=tuple(
            CommitteeMember(_text(m, "name", f"committee[{i}]."), _text(m, "role", "", required=False) or "Ủy viên")
            for i, m in enumerate(_list(data, "committee"))
        ),
        exemptions=tuple(_exemption(e, i) for i, e in enumerate(_list(data, "exemptions"))),
    )
    return round_, totals


def _exemption(data: Mapping[str, Any], i: int) -> Exemption:
    where = f"exemptions[{i}]."
    name = _text(data, "name", where)
    return Exemption(
        name=name,
        position=_text(data, "position", where, required=False, subject=name),
        reason=_choice(ExemptionReason, data.get("reason"), f"{where}reason", name),
        note=_text(data, "note", where, required=False),
    )


def _subjects(
    rows: Sequence[Mapping[str, Any]], kind: VoteKind
) -> tuple[tuple[Subject, ...], tuple[Totals, ...] | None]:
    subjects: list[Subject] = []
    totals: list[Totals] = []
    for i, row in enumerate(rows):
        where = f"subjects[{i}]."
        name = _text(row, "name", where)
        subjects.append(
            Subject(
                name=name,
                position=_text(row, "position", where, subject=name),
                group=_text(row, "group", where, required=False),
                person_key=_text(row, "person_key", where, required=False),
            )
        )
        if "counts" in row:
            totals.append(_totals(row, kind, f"subjects[{i}]", name))
    if totals and len(totals) != len(subjects):
        missing = next(i for i, row in enumerate(rows) if "counts" not in row)
        raise InvalidInput("missing", field=f"subjects[{missing}].counts", subject=subjects[missing].name)
    return tuple(subjects), (tuple(totals) if totals else None)


def _totals(row: Mapping[str, Any], kind: VoteKind, where: str, name: str) -> Totals:
    raw = row.get("counts")
    levels = LEVELS[kind]
    if not isinstance(raw, Mapping) or set(raw) != {level.value for level in levels}:
        got = ", ".join(sorted(map(str, raw))) if isinstance(raw, Mapping) else str(raw)
        raise InvalidInput(
            "counts-keys", field=f"{where}.counts", subject=name,
            expected=", ".join(level.value for level in levels), got=got or "—",
        )
    counts = {Level(key): _count(value, f"{where}.counts.{key}", name) for key, value in raw.items()}
    invalid = _count(row.get("invalid", 0), f"{where}.invalid", name)
    return Totals({level: int(counts[level] or 0) for level in levels}, int(invalid or 0))


def result_document(result: RoundResult) -> dict[str, Any]:
    """The result file of docs/round-file.md (``tinnhiem tally ROUND --json``)."""
    return {
        "rule_set": result.rules.id,
        "base": {"kind": result.base_kind.value, "value": result.base},
        "quorum": {"required": result.quorum.required, "met": result.quorum.met},
        "subjects": [
            {
                "name": s.subject.name,
                "position": s.subject.position,
                "counts": {level.value: s.totals.counts[level] for level in result.round.levels},
                "valid": s.totals.valid,
                "invalid": s.totals.invalid,
                "percent": {level.value: machine(p) for level, p in s.percents.items()},
                "band": s.band,
                "consequence": s.consequence,
            }
            | ({"dismissal_proposed": s.dismissal_proposed} if s.band is None else {})
            for s in result.subjects
        ],
        "exemptions": [
            {"name": e.name, "position": e.position, "reason": e.reason.value, "note": e.note}
            for e in result.round.exemptions
        ],
        "summary": announcement.summary(result),
    }


def result_json(result: RoundResult) -> str:
    """The result file as UTF-8 JSON text (diacritics kept, not escaped)."""
    return json.dumps(result_document(result), ensure_ascii=False, indent=2)


def round_document(round_: Round, totals: Sequence[Totals]) -> dict[str, Any]:
    """The round file of docs/round-file.md for a counted round: ``parse_round`` reads it back to the same round."""
    conference = {name: getattr(round_.conference, name) for name in ("convened", "present", "ballots_issued",
                                                                     "ballots_returned")}
    body: dict[str, Any] = {"name": round_.body.name, "kind": round_.body.kind.value}
    if round_.body.members is not None:
        body["members"] = round_.body.members
    document: dict[str, Any] = {
        "rule_set": round_.rule_set,
        "kind": round_.kind.value,
        "body": body,
        "title": round_.title,
        "date": round_.date.isoformat(),
        "place": round_.place,
        "conference": {name: value for name, value in conference.items() if value is not None},
        "style": round_.style.value,
        "committee": [{"name": m.name, "role": m.role} for m in round_.committee],
        "subjects": [
            {"name": s.name, "position": s.position, "group": s.group, "person_key": s.person_key,
             "counts": {level.value: t.counts[level] for level in round_.levels}, "invalid": t.invalid}
            for s, t in zip(round_.subjects, totals, strict=True)
        ],
        "exemptions": [{"name": e.name, "position": e.position, "reason": e.reason.value, "note": e.note}
                       for e in round_.exemptions],
    }
    if round_.base is not None:
        document["base"] = round_.base.value
    return document
