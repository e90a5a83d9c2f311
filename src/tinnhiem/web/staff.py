"""Who is signed in on a staff page: the account behind the session's token, looked up on the server.

The cookie holds only a random token; ``services.accounts`` keeps its hash with the account and an end
time. Each dependency here names what a route needs: an admin, an organiser of the round, or a member
of its counting committee. Not signed in: 401 (a page goes to the sign-in form); signed in but
outside one's roles: 403. Either way the route has not run and its body was not read for an upload
(web/bounds.py asks ``signed_in`` too).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Request

from tinnhiem.domain.errors import NotAllowed, NotSignedIn
from tinnhiem.domain.staff import Staff
from tinnhiem.services import accounts

SESSION_KEY = "staff"


def signed_in(request: Request) -> Staff | None:
    """The account of this request's session, looked up once per request; None once it has ended."""
    if not hasattr(request.state, "staff"):
        token = str(request.session.get(SESSION_KEY, ""))
        request.state.staff = accounts.staff(request.app.state.hall.uow(), token) if token else None
    found: Staff | None = request.state.staff
    return found


def _allowed(request: Request, may: Callable[[Staff], bool]) -> Staff:
    """The signed-in account if ``may`` says it may; NotSignedIn (401) or NotAllowed (403) otherwise."""
    found = signed_in(request)
    if found is None:
        raise NotSignedIn()
    if not may(found):
        raise NotAllowed("not-allowed", field="session", value=found.login)
    return found


def admin(request: Request) -> Staff:
    """An admin: creates rounds and accounts."""
    return _allowed(request, lambda staff: staff.admin)


def organiser(request: Request, code: str) -> Staff:
    """An organiser of round ``code`` (the path's): check-in, voting, uploads, minutes."""
    return _allowed(request, lambda staff: staff.organises(code))


def staff_of(request: Request, code: str) -> Staff:
    """Anyone with a role in round ``code``: its pages may be seen."""
    return _allowed(request, lambda staff: staff.may_see(code))


def member(request: Request, code: str) -> str:
    """The committee member of round ``code`` this session acts as (their name on the round's list)."""
    return _allowed(request, lambda staff: staff.member_of(code) is not None).member_of(code) or ""


Admin = Annotated[Staff, Depends(admin)]
Organiser = Annotated[Staff, Depends(organiser)]
StaffOf = Annotated[Staff, Depends(staff_of)]
Member = Annotated[str, Depends(member)]
