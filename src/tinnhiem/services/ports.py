"""What the use cases need from storage, as small Protocols (storage/ implements them)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from types import TracebackType
from typing import Protocol, Self

from tinnhiem.domain.model import Delegate, Round, Totals


@dataclass(frozen=True, slots=True)
class RoundListing:
    """One line of the list of rounds."""

    code: str
    date: dt.date
    body: str
    title: str
    subjects: int
    counted: bool


@dataclass(frozen=True, slots=True)
class Appearance:
    """A round in which a person was voted on or exempted (R-USE, R-TWO-PLACES)."""

    code: str
    person_key: str
    name: str
    exempted: bool


class RoundStore(Protocol):
    def add(self, round_: Round, delegates: Sequence[Delegate] = (), code: str | None = None) -> str: ...
    def get(self, code: str) -> Round: ...
    def delegates(self, code: str) -> tuple[Delegate, ...]: ...
    def totals(self, code: str) -> tuple[Totals, ...] | None: ...
    def save_totals(self, code: str, totals: Sequence[Totals]) -> None: ...
    def listing(self) -> list[RoundListing]: ...
    def appearances(self, name_or_key: str) -> list[Appearance]: ...
    def audit(self, code: str | None, action: str, actor: str, detail: dict[str, object]) -> None: ...


class UnitOfWork(Protocol):
    """One transaction: ``with uow: ...; uow.commit()``; leaving without commit rolls back."""

    rounds: RoundStore

    def __enter__(self) -> Self: ...
    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None: ...
    def commit(self) -> None: ...
