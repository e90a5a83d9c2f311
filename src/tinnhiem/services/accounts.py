"""Named accounts for the people who run and count a round; their sessions, kept on the server.

A password is made here (78 random bits, shown once, in four groups of four) and stored only as
its Argon2id hash (libsodium's ``pwhash``). A session is a random token in the browser's cookie;
only its SHA-256 is stored, with the account and an end time. Signing out deletes that row, a new
password deletes every row of the account: a copied cookie then opens nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from nacl import pwhash
from nacl.exceptions import InvalidkeyError

from tinnhiem.domain.errors import Busy, InvalidInput, NotFound
from tinnhiem.domain.staff import FIRST_ADMIN, Grant, Role, Staff, committee_member, login_name, typed_password
from tinnhiem.services.ports import Account, UnitOfWork

SESSION_HOURS = 12  # one conference day
ALPHABET = "ABCDEFGHJKMNPQRSTVWXYZ23456789"  # no 0/O, 1/I/L, U: read aloud and typed by older hands
_UNKNOWN = pwhash.argon2id.str(b"not a password", opslimit=pwhash.argon2id.OPSLIMIT_INTERACTIVE,  # an unknown
                               memlimit=pwhash.argon2id.MEMLIMIT_INTERACTIVE).decode()  # login costs the same


PASSWORD_CHECKS_AT_ONCE = 2  # per worker: Argon2id takes 64 MiB a check, so at most 128 MiB for passwords
PASSWORD_CHECKS_WAITING = 6  # beyond these, a sign-in is refused at once ("busy"), holding no thread
_checking = threading.BoundedSemaphore(PASSWORD_CHECKS_AT_ONCE)
_admitted = threading.BoundedSemaphore(PASSWORD_CHECKS_AT_ONCE + PASSWORD_CHECKS_WAITING)


@contextmanager
def _password_turn() -> Iterator[None]:
    """One Argon2 computation's turn (an outside review: 24 wrong sign-ins at once took 321 MiB more in one worker).

    A few run at once, a few more wait their turn, the rest are refused with ``Busy``: whoever posts passwords
    in a flood costs each worker at most PASSWORD_CHECKS_AT_ONCE × 64 MiB and eight waiting threads.
    """
    if not _admitted.acquire(blocking=False):
        raise Busy("password")
    try:
        with _checking:
            yield
    finally:
        _admitted.release()


def new_password() -> str:
    """16 symbols of 30 (78 bits), shown as ABCD-EFGH-JKMN-PQRS."""
    symbols = "".join(secrets.choice(ALPHABET) for _ in range(16))
    return "-".join(symbols[i:i + 4] for i in range(0, 16, 4))


def _hash(password: str) -> str:
    with _password_turn():
        return pwhash.argon2id.str(typed_password(password).encode(), opslimit=pwhash.argon2id.OPSLIMIT_INTERACTIVE,
                               memlimit=pwhash.argon2id.MEMLIMIT_INTERACTIVE).decode()


def _matches(password_hash: str, password: str) -> bool:
    try:
        with _password_turn():
            return pwhash.verify(password_hash.encode(), typed_password(password).encode())
    except InvalidkeyError:
        return False


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def ensure_first_admin(uow: UnitOfWork, organiser_code: str) -> None:
    """On a database without accounts: the admin ``quantri`` whose password is the organiser code.

    Every worker runs this as it starts; on PostgreSQL they may all see no account at once, and one adds it.
    """
    with uow:
        if uow.accounts.count() == 0 and organiser_code:
            if uow.accounts.add(Account(FIRST_ADMIN, "Quản trị", True, _hash(organiser_code))):
                uow.rounds.audit(None, "account-created", "", {"login": FIRST_ADMIN, "admin": True})
            uow.commit()


def first_admin_unchanged(uow: UnitOfWork, organiser_code: str) -> bool:
    """Whether ``quantri`` still signs in with the organiser code (then it is worth printing at start)."""
    with uow:
        account = uow.accounts.get(FIRST_ADMIN)
    return account is not None and bool(organiser_code) and _matches(account.password_hash, organiser_code)


def create(uow: UnitOfWork, login: str, name: str, *, admin: bool = False, actor: str) -> str:
    """A new account; returns its password, to be shown once."""
    login = login_name(login)
    name = " ".join(name.split())
    if not name:
        raise InvalidInput("missing", field="name")
    password = new_password()
    with uow:
        if not uow.accounts.add(Account(login, name[:300], admin, _hash(password))):
            raise InvalidInput("login-taken", field="login", value=login)
        uow.rounds.audit(None, "account-created", actor, {"login": login, "admin": admin})
        uow.commit()
    return password


def new_password_for(uow: UnitOfWork, login: str, *, actor: str) -> str:
    """A new password for ``login`` (forgotten, or seen by someone else): every session of it ends."""
    password = new_password()
    with uow:
        if uow.accounts.get(login) is None:
            raise NotFound("account-not-found", field="login", value=login)
        uow.accounts.set_password(login, _hash(password))
        uow.accounts.end_sessions(login)
        uow.rounds.audit(None, "account-password", actor, {"login": login})
        uow.commit()
    return password


def sign_in(uow: UnitOfWork, login: str, password: str) -> str:
    """A new session's token for the right password; the same refusal for a wrong login or password."""
    try:
        login = login_name(login)
    except InvalidInput:
        login = ""
    with uow:
        account = uow.accounts.get(login) if login else None
        if not _matches(account.password_hash if account else _UNKNOWN, password) or account is None:
            raise InvalidInput("wrong-password", field="password")
        token = secrets.token_urlsafe(32)
        uow.accounts.end_expired(_now())  # ended sessions leave the table (nothing of them is kept)
        uow.accounts.open_session(_token_hash(token), login, _now() + dt.timedelta(hours=SESSION_HOURS))
        uow.rounds.audit(None, "signed-in", login, {})
        uow.commit()
    return token


def staff(uow: UnitOfWork, token: str) -> Staff | None:
    """Who holds the session ``token``, while it lasts."""
    if not token:
        return None
    with uow:
        return uow.accounts.session_staff(_token_hash(token), _now())


def sign_out(uow: UnitOfWork, token: str) -> None:
    with uow:
        uow.accounts.end_session(_token_hash(token))
        uow.commit()


def grant(uow: UnitOfWork, code: str, login: str, role: Role, member: str = "", *, actor: str) -> None:
    """Give ``login`` a role in round ``code``; a committee role names one member of the round's committee."""
    with uow:
        if uow.accounts.get(login) is None:
            raise NotFound("account-not-found", field="login", value=login)
        if role is Role.COMMITTEE:
            member = committee_member(uow.rounds.get(code), member)
        uow.accounts.grant(login, Grant(code, role, member if role is Role.COMMITTEE else ""))
        uow.rounds.audit(code, "role-granted", actor, {"login": login, "role": role.value, "member": member})
        uow.commit()


def revoke(uow: UnitOfWork, code: str, login: str, *, actor: str) -> None:
    with uow:
        uow.accounts.revoke(login, code)
        uow.rounds.audit(code, "role-revoked", actor, {"login": login})
        uow.commit()


def listing(uow: UnitOfWork) -> list[Account]:
    with uow:
        return uow.accounts.listing()


def round_staff(uow: UnitOfWork, code: str) -> list[tuple[Account, Grant]]:
    with uow:
        return uow.accounts.round_staff(code)
