"""What every part of the ``tinnhiem`` command shares: its consoles, the exit codes, the error wrapper,
the check that a given file exists, the unit of work and a round's result. The command's modules
(main, minutes, report) import it; it imports none of them, so the command has no import circle."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import typer
from rich.console import Console
from rich.markup import escape

from tinnhiem.domain.errors import EntriesDiffer, InvalidInput, NotFound, TinnhiemError
from tinnhiem.domain.tally import RoundResult, tally
from tinnhiem.i18n import bilingual
from tinnhiem.services import roundfile, rounds
from tinnhiem.storage.db import Database
from tinnhiem.storage.repository import SqlUnitOfWork

EXIT_CODES: dict[type[TinnhiemError], int] = {InvalidInput: 1, NotFound: 3, EntriesDiffer: 4, TinnhiemError: 1}
out = Console()
err = Console(stderr=True)
F = TypeVar("F", bound=Callable[..., Any])


def reports_errors(command: F) -> F:
    """Print a TinnhiemError in Vietnamese and English and exit non-zero; nothing else is written."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except TinnhiemError as error:
            err.print(f"[bold red]Lỗi / Error[/]\n{escape(bilingual(error))}", highlight=False)
            code = next(c for kind, c in EXIT_CODES.items() if isinstance(error, kind))
            raise typer.Exit(code) from None

    return wrapper  # type: ignore[return-value]


def existing(value: Path | list[Path] | None) -> Path | list[Path] | None:
    """A file given on the command line exists; otherwise said in both languages (not Click's English)."""
    for path in value if isinstance(value, list) else [value] if value is not None else []:
        if not path.is_file():
            missing = InvalidInput("file-missing", value=str(path))
            err.print(f"[bold red]Lỗi / Error[/]\n{escape(bilingual(missing))}", highlight=False)
            raise typer.Exit(EXIT_CODES[InvalidInput])
    return value


def _json_file(path: Path) -> Any:
    """A JSON file's content; a file that is not JSON is said by name, not with a traceback."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as error:
        raise InvalidInput("file-unreadable", field=str(path), reason=str(error)) from None


def _uow() -> SqlUnitOfWork:
    return SqlUnitOfWork(Database.open())


def _result(round_ref: str) -> RoundResult:
    """A round file's result, or a stored round's by its code."""
    path = Path(round_ref)
    if not path.is_file() and path.suffix.lower() in (".yaml", ".yml", ".json"):
        raise InvalidInput("file-missing", value=round_ref)
    if path.is_file():
        round_, totals = roundfile.parse_round(roundfile.load(path))
        if totals is None:
            raise InvalidInput("no-counts", field="subjects[0].counts", value=round_ref)
        return tally(round_, totals)
    return rounds.count(_uow(), round_ref)




def minutes_extras(round_ref: str, result: RoundResult) -> tuple[Any, str | None]:
    """What the minutes add for a stored round: the paper figures (with the audit) and the election's E."""
    from tinnhiem.paper.audit import minutes_extras as extras

    return (None, None) if Path(round_ref).is_file() else extras(_uow(), round_ref, result)
