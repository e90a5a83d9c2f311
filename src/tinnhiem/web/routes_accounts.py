"""Accounts: admins add them and renew their passwords (shown once), and give them roles round by round."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from tinnhiem.domain.errors import InvalidInput
from tinnhiem.domain.staff import Role
from tinnhiem.services import accounts
from tinnhiem.web.deps import HallDep
from tinnhiem.web.security import require_csrf
from tinnhiem.web.staff import Admin

router = APIRouter()


def _accounts_page(request: Request, hall: HallDep, staff: Admin, status: int = 200, **shown: object) -> Response:
    return hall.page(request, "admin_accounts.html", status=status, staff=staff, accounts=accounts.listing(hall.uow()),
                     **{"shown": None, "error": None, **shown})


@router.get("/admin/accounts", response_class=HTMLResponse)
def accounts_page(request: Request, hall: HallDep, staff: Admin) -> Response:
    return _accounts_page(request, hall, staff)


@router.post("/admin/accounts", dependencies=[Depends(require_csrf)])
def add_account(request: Request, hall: HallDep, staff: Admin, login: str = Form(..., max_length=64),
                name: str = Form(..., max_length=300), admin: str = Form("")) -> Response:
    """A new account; its password is shown on this answer only (never stored in clear, never shown again)."""
    try:
        password = accounts.create(hall.uow(), login, name, admin=admin == "1", actor=staff.login)
    except InvalidInput as refused:
        return _accounts_page(request, hall, staff, status=422, error=refused)
    return _accounts_page(request, hall, staff, shown={"login": login.strip().lower(), "password": password})


@router.post("/admin/accounts/{login}/password", dependencies=[Depends(require_csrf)])
def renew_password(request: Request, hall: HallDep, staff: Admin, login: str) -> Response:
    """A new password: the old one and every session of the account end."""
    password = accounts.new_password_for(hall.uow(), login, actor=staff.login)
    hall.limits.organisers.clear(login)
    return _accounts_page(request, hall, staff, shown={"login": login, "password": password})


@router.post("/admin/r/{code}/people", dependencies=[Depends(require_csrf)])
def give_role(request: Request, hall: HallDep, staff: Admin, code: str, login: str = Form(..., max_length=64),
              role: str = Form(..., max_length=320)) -> Response:
    """``role`` is ``organiser`` or ``committee:NAME`` (NAME on the round's committee list)."""
    kind, _, member = role.partition(":")
    if kind not in {r.value for r in Role}:
        raise InvalidInput("unknown-value", field="role", value=kind, choices="organiser, committee")
    accounts.grant(hall.uow(), code, login, Role(kind), member, actor=staff.login)
    return RedirectResponse(f"/admin/r/{code}#people-heading", status_code=303)


@router.post("/admin/r/{code}/people/{login}/remove", dependencies=[Depends(require_csrf)])
def remove_role(request: Request, hall: HallDep, staff: Admin, code: str, login: str) -> Response:
    accounts.revoke(hall.uow(), code, login, actor=staff.login)
    return RedirectResponse(f"/admin/r/{code}#people-heading", status_code=303)
