"""Checking a public record: its JSON Schema first (services/schemas.py), then every check of §12.

A record that breaks the schema fails with the check ``format`` and names the field, before any
arithmetic; one that fits the schema goes through crypto.verify, which runs the whole list.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ValidationError

from tinnhiem.crypto.errors import VerificationError
from tinnhiem.crypto.verify import CHECKS, MapFn, Verified, verify
from tinnhiem.services.schemas import Record

BOUNDS = {"greater_than_equal", "less_than_equal", "greater_than", "less_than", "too_short", "too_long"}


def schema_error(error: ValidationError) -> VerificationError:
    """The schema's failures as the check of §12 each belongs to — ``levels`` (the level list's length or
    words), ``encoding`` (not 64 lower-case hex digits), ``bounds`` (a number or a list's length), else
    ``format`` (a missing or extra key, a wrong JSON type, a text's rules) — and of these the one §12 runs
    first, naming the field by its path."""
    return min((_as_check(e) for e in error.errors()), key=lambda found: CHECKS.index(found.code))


def _as_check(found: Any) -> VerificationError:
    where = ".".join(str(part) for part in found["loc"]) or "record"
    kind = str(found["type"])
    if tuple(found["loc"][:2]) == ("manifest", "levels"):
        wrong_type = kind.endswith("_type") or (kind == "literal_error" and not isinstance(found.get("input"), str))
        if not wrong_type:  # words of text, but not one of the two lists
            return VerificationError("levels", levels=str(found.get("input", ""))[:200])
    if kind == "string_pattern_mismatch" and str(found.get("ctx", {}).get("pattern", "")).startswith("^[0-9a-f]"):
        return VerificationError("encoding", field=where)
    if kind in BOUNDS:
        ctx = found.get("ctx", {})
        low = ctx.get("ge", ctx.get("gt", ctx.get("min_length", "")))
        high = ctx.get("le", ctx.get("lt", ctx.get("max_length", "")))
        return VerificationError("bounds", field=where, low=low, high=high)
    return VerificationError("format", reason=f"{where}: {found['msg']}")


def validated(model: type[BaseModel], data: Any) -> None:
    try:
        model.model_validate(data)
    except ValidationError as error:
        raise schema_error(error) from None


def verify_record(data: Any, map_fn: MapFn = map) -> Verified:
    """The schema, then §12 in order; raises VerificationError naming the first failed check."""
    validated(Record, data)
    return verify(data, map_fn)
