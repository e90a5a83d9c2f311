"""Checking a public record: its JSON Schema first (services/schemas.py), then every check of §12.

A record that breaks the schema fails with the check ``format`` and names the field, before any
arithmetic; one that fits the schema goes through crypto.verify, which runs the whole list.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from pydantic import BaseModel, ValidationError

from tinnhiem.crypto.election import Receipt
from tinnhiem.crypto.errors import VerificationError
from tinnhiem.crypto.record import read_receipt, refuse_lone_surrogates
from tinnhiem.crypto.verify import CHECKS, MapFn, Verified, verify
from tinnhiem.services.schemas import Receipt as ReceiptSchema
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
        low, high = schema_bounds(tuple(found["loc"]), kind in ("too_short", "too_long"))
        return VerificationError("bounds", field=where, low=low, high=high)
    return VerificationError("format", reason=f"{where}: {found['msg']}")


@cache
def _record_schema() -> dict[str, Any]:
    return Record.model_json_schema()


def _resolve(node: dict[str, Any], wanted: tuple[str, ...]) -> dict[str, Any]:
    """Follow $ref; of an anyOf (a nullable field), the option that has one of ``wanted``'s keys."""
    defs = _record_schema()["$defs"]
    while True:
        if "$ref" in node:
            node = defs[node["$ref"].rsplit("/", 1)[1]]
        elif "anyOf" in node:
            options = [_resolve(option, wanted) for option in node["anyOf"] if option.get("type") != "null"]
            node = next((o for o in options if any(key in o for key in wanted)), options[0])
        else:
            return node


def schema_bounds(loc: tuple[str | int, ...], length: bool) -> tuple[int, int]:
    """Both bounds of the field at ``loc`` (a number, or a list's length) as the schema states them: a schema
    error gives only the bound that was crossed, and the message names both."""
    keys = ("minItems", "maxItems") if length else ("minimum", "maximum")
    node = _record_schema()
    for part in loc:
        node = _resolve(node, ("properties", "items"))
        node = node["items"] if isinstance(part, int) else node["properties"][part]
    node = _resolve(node, keys)
    return int(node.get(keys[0], 0)), int(node[keys[1]])


def validated(model: type[BaseModel], data: Any) -> None:
    try:
        model.model_validate(data)
    except ValidationError as error:
        raise schema_error(error) from None


def receipt_or_none(data: Any, where: str = "receipt") -> Receipt | None:
    """A receipt as read, or None for one that fails the receipt schema (§12.6: it proves nothing)."""
    try:
        refuse_lone_surrogates(data, where)
        validated(ReceiptSchema, data)
        return read_receipt(data, where)
    except VerificationError:
        return None


def verify_record(data: Any, map_fn: MapFn = map, receipts: tuple[Receipt | None, ...] = (),
                  election: bytes | None = None) -> Verified:
    """A lone surrogate anywhere (``format``), the schema, then §12 in order; raises VerificationError naming
    the first failed check. With ``election`` (the E the hall showed), the record's E must be it (check
    ``election``). With ``receipts`` (None: a file that failed the receipt schema, which proves nothing), one
    of another election fails ``receipt-election``, a valid one whose ballot the record lacks ``receipt``."""
    refuse_lone_surrogates(data)
    validated(Record, data)
    return verify(data, map_fn, receipts, election)
