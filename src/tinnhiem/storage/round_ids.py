"""A round's database id from its code: the one lookup every store of a round's rows starts with."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from tinnhiem.domain.errors import NotFound
from tinnhiem.storage.tables import RoundRow


def round_id(session: Session, code: str) -> int:
    """The id of round ``code``; NotFound, naming the code, if there is none."""
    found = session.scalar(select(RoundRow.id).where(RoundRow.code == code))
    if found is None:
        raise NotFound("round-not-found", field="round", value=code)
    return found
