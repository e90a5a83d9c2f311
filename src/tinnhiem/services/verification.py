"""Checking a public record: its JSON Schema first (services/schemas.py), then every check of §12.

A record that breaks the schema fails with the check ``format`` and names the field, before any
arithmetic; one that fits the schema goes through crypto.verify, which runs the whole list.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ValidationError

from tinnhiem.crypto.errors import VerificationError
from tinnhiem.crypto.verify import MapFn, Verified, verify
from tinnhiem.services.schemas import Record

BOUNDS = {"greater_than_equal", "less_than_equal", "greater_than", "less_than", "too_short", "too_long"}


def schema_error(error: ValidationError) -> VerificationError:
    """The first schema failure as the check of §12 it belongs to, naming the field by its path:
    ``encoding`` (not 64 lower-case hex digits), ``bounds`` (a number or a list's length), ``levels``
    (another level list), else ``format``."""
    first = error.errors()[0]
    where = ".".join(str(part) for part in first["loc"]) or "record"
    kind = first["type"]
    if kind == "string_pattern_mismatch" and str(first.get("ctx", {}).get("pattern", "")).startswith("^[0-9a-f]"):
        return VerificationError("encoding", field=where)
    if kind in BOUNDS:
        ctx = first.get("ctx", {})
        low = ctx.get("ge", ctx.get("gt", ctx.get("min_length", "")))
        high = ctx.get("le", ctx.get("lt", ctx.get("max_length", "")))
        return VerificationError("bounds", field=where, low=low, high=high)
    if first["loc"][:2] == ("manifest", "levels"):
        return VerificationError("levels", levels=str(first.get("input", "")))
    return VerificationError("format", reason=f"{where}: {first['msg']}")


def validated(model: type[BaseModel], data: Any) -> None:
    try:
        model.model_validate(data)
    except ValidationError as error:
        raise schema_error(error) from None


def verify_record(data: Any, map_fn: MapFn = map) -> Verified:
    """The schema, then §12 in order; raises VerificationError naming the first failed check."""
    validated(Record, data)
    return verify(data, map_fn)
