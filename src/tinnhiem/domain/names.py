"""Names as people type them: spaces, case, NFC/NFD, with or without diacritics.

``tidy`` is how a name is kept (NFC, single spaces); ``folded`` is how it is
compared when the typing is loose ("nguyen van an" for "Nguyễn Văn Ân", Đ/đ as d).
``find_person`` picks the people a typed name or code means, and refuses with
the list of namesakes, told apart by their code (mã cán bộ), when it is ambiguous.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from tinnhiem.domain.errors import InvalidInput, NotFound


def tidy(text: str) -> str:
    """NFC, surrounding and repeated spaces (also non-breaking) removed: how a name is kept."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def folded(text: str) -> str:
    """Lower case, no diacritics, Đ/đ as d, single spaces: "  Nguyễn  Văn Ân" -> "nguyen van an"."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.casefold().split())


@dataclass(frozen=True, slots=True)
class Person:
    """Someone voted on in some round: their code (or NFC name when they have none) and name."""

    key: str
    name: str
    note: str = ""  # what tells namesakes apart for a reader: a position, a body


def find_person(typed: str, people: Sequence[Person]) -> list[Person]:
    """The person ``typed`` means, by code first, then by name, strictest matching first.

    A code or a name typed exactly as kept wins; then the same ignoring case and spaces;
    then ignoring diacritics. Several people left at the first level that matches is an
    ambiguity, refused with the list of them and their codes.
    """
    wanted = tidy(typed)
    if not wanted:
        raise InvalidInput("missing", field="name")
    levels: tuple[Callable[[Person], bool], ...] = (
        lambda p: wanted in (p.key, p.name),
        lambda p: wanted.casefold() in (tidy(p.key).casefold(), tidy(p.name).casefold()),
        lambda p: folded(wanted) in (folded(p.key), folded(p.name)),
    )
    for matches in levels:
        found = [p for p in people if matches(p)]
        if len(found) == 1 or (found and any(p.key == wanted for p in found)):
            return [p for p in found if p.key == wanted] or found
        if found:
            raise InvalidInput("person-ambiguous", field="name", value=typed.strip(), count=len(found),
                               choices=namesakes(found))
    raise NotFound("person-not-found", field="name", value=typed.strip())


def namesakes(people: Sequence[Person]) -> str:
    """One line per person: name, code, what else tells them apart."""
    lines = []
    for p in sorted(people, key=lambda p: (folded(p.name), p.key)):
        code = p.key if p.key != p.name else "—"
        lines.append(f"\n  • {p.name} — {code}" + (f" ({p.note})" if p.note else ""))
    return "".join(lines)


def same_names(names: Sequence[str]) -> list[list[int]]:
    """The places (0-based) of names that are written the same (case and spaces aside), in list order:
    the namesakes an office must tell apart at check-in."""
    places: dict[str, list[int]] = {}
    for i, name in enumerate(names):
        places.setdefault(tidy(name).casefold(), []).append(i)
    return [found for found in places.values() if len(found) > 1]


def match_rank(typed: str, name: str, others: str = "") -> int | None:
    """How well ``typed`` finds a delegate (lower is better), None when it does not.

    0 the whole name as typed (diacritics too); 1 the whole name without diacritics; 2 every word typed
    is a whole word of the name, unit or number; 3 every word typed begins a word; 4 every word typed is
    inside the text. "nguyen van an" finds the five Nguyễn Văn An first, not "Thanh" or "Tân".
    """
    words = folded(typed).split()
    if not words:
        return None
    if tidy(typed).casefold() == tidy(name).casefold():
        return 0
    if folded(typed) == folded(name):
        return 1
    text = folded(f"{name} {others}")
    known = text.split()
    if all(w in known for w in words):
        return 2
    if all(any(k.startswith(w) for k in known) for w in words):
        return 3
    if all(w in text for w in words):
        return 4
    return None
