"""Who runs a round and who counts it: named accounts, their roles per round (pure; no storage here).

An *admin* creates rounds and accounts and organises every round. Any other account does only
what it has been given, round by round: ``organiser`` (check-in, open and close, uploads, minutes)
or ``committee`` (the Ban kiểm phiếu's decisions on paper ballots and typed totals, as the named
member of that round's committee). Delegates have no account: they hold an anonymous card.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from enum import StrEnum

from tinnhiem.domain.errors import InvalidInput
from tinnhiem.domain.model import Round

LOGIN = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
FIRST_ADMIN = "quantri"  # made on first start, with the organiser code (HOME/organiser.code) as password


class Role(StrEnum):
    ORGANISER = "organiser"
    COMMITTEE = "committee"


@dataclass(frozen=True)
class Grant:
    code: str  # the round
    role: Role
    member: str = ""  # for COMMITTEE: the member's name on the round's committee list


@dataclass(frozen=True)
class Staff:
    """A signed-in account and what it may do."""

    login: str
    name: str
    admin: bool = False
    grants: tuple[Grant, ...] = field(default=())

    def organises(self, code: str | None) -> bool:
        return self.admin or any(g.role is Role.ORGANISER and g.code == code for g in self.grants)

    def member_of(self, code: str) -> str | None:
        """The committee member this account counts as in round ``code``, if any."""
        return next((g.member for g in self.grants if g.role is Role.COMMITTEE and g.code == code), None)

    def may_see(self, code: str) -> bool:
        return self.organises(code) or self.member_of(code) is not None


def committee_member(round_: Round, member: str) -> str:
    """The member's name as on the round's committee, or InvalidInput: only they decide (R-COMMITTEE)."""
    wanted = unicodedata.normalize("NFC", " ".join(member.split())).casefold()
    for person in round_.committee:
        if unicodedata.normalize("NFC", " ".join(person.name.split())).casefold() == wanted:
            return person.name
    raise InvalidInput("not-a-committee-member", field="member", value=member,
                       choices=", ".join(p.name for p in round_.committee) or "—")


def login_name(text: str) -> str:
    """A login as typed, checked: lower-case letters without marks, digits, dot, dash, underscore."""
    login = unicodedata.normalize("NFC", text.strip().lower())
    if not LOGIN.fullmatch(login):
        raise InvalidInput("bad-login", field="login", value=text[:64])
    return login


def typed_password(text: str) -> str:
    """A password as typed: generated ones are shown in groups (ABCD-EFGH-…); case, spaces and dashes do not count."""
    return "".join(text.split()).replace("-", "").upper()
