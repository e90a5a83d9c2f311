"""Which rounds' public records the hall serves (once voting has closed), for the verifier page's search by hash."""

from __future__ import annotations

from tinnhiem.services.ports import UnitOfWork


def published_rounds(uow: UnitOfWork) -> list[str]:
    """The codes of the rounds whose record is served (voting closed or counted), oldest first."""
    with uow:
        codes = [r.code for r in uow.rounds.listing()]
        return [code for code in codes
                if (election := uow.voting.election(code)) is not None and election.state in ("closed", "tallied")]
