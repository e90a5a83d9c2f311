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


def schema_error(error: ValidationError) -> VerificationError:
    """The first schema failure as the ``format`` check, naming the field by its path."""
    first = error.errors()[0]
    where = ".".join(str(part) for part in first["loc"]) or "record"
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
