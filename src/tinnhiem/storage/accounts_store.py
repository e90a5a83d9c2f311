"""The SQLAlchemy implementation of ``services.ports.AccountStore``: accounts, roles per round, sessions."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, func, select
from sqlalchemy.dialects.postgresql import insert as postgres_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from tinnhiem.domain.staff import Grant, Role, Staff
from tinnhiem.services.ports import Account
from tinnhiem.storage.round_ids import round_id
from tinnhiem.storage.tables import AccountRow, RoundRoleRow, RoundRow, StaffSessionRow


def _account(row: AccountRow) -> Account:
    return Account(row.login, row.name, row.admin, row.password_hash)


class SqlAccountStore:
    def __init__(self, session: Session) -> None:
        self.session = session

    def _round_id(self, code: str) -> int:
        return round_id(self.session, code)

    def count(self) -> int:
        return self.session.scalar(select(func.count()).select_from(AccountRow)) or 0

    def get(self, login: str) -> Account | None:
        row = self.session.get(AccountRow, login)
        return None if row is None else _account(row)

    def add(self, account: Account) -> bool:
        """False when the login exists already (also when another worker or request adds it at this moment)."""
        insert = sqlite_insert if self.session.get_bind().dialect.name == "sqlite" else postgres_insert
        result = self.session.execute(insert(AccountRow).values(
            login=account.login, name=account.name, admin=account.admin, password_hash=account.password_hash,
        ).on_conflict_do_nothing().returning(AccountRow.login))
        return result.first() is not None

    def set_password(self, login: str, password_hash: str) -> None:
        self.session.get_one(AccountRow, login).password_hash = password_hash

    def listing(self) -> list[Account]:
        return [_account(row) for row in self.session.scalars(select(AccountRow).order_by(AccountRow.login))]

    def grant(self, login: str, grant: Grant) -> None:
        round_id = self._round_id(grant.code)
        self.session.merge(RoundRoleRow(round_id=round_id, login=login, role=grant.role.value, member=grant.member))

    def revoke(self, login: str, code: str) -> None:
        self.session.execute(delete(RoundRoleRow).where(RoundRoleRow.round_id == self._round_id(code),
                                                        RoundRoleRow.login == login))

    def grants(self, login: str) -> tuple[Grant, ...]:
        rows = self.session.execute(select(RoundRow.code, RoundRoleRow.role, RoundRoleRow.member)
                                    .join(RoundRow, RoundRow.id == RoundRoleRow.round_id)
                                    .where(RoundRoleRow.login == login).order_by(RoundRow.code, RoundRoleRow.role))
        return tuple(Grant(code, Role(role), member) for code, role, member in rows)

    def round_staff(self, code: str) -> list[tuple[Account, Grant]]:
        rows = self.session.execute(select(AccountRow, RoundRoleRow.role, RoundRoleRow.member)
                                    .join(RoundRoleRow, RoundRoleRow.login == AccountRow.login)
                                    .where(RoundRoleRow.round_id == self._round_id(code))
                                    .order_by(RoundRoleRow.role, AccountRow.login))
        return [(_account(row), Grant(code, Role(role), member)) for row, role, member in rows]

    def open_session(self, token_hash: str, login: str, expires: dt.datetime) -> None:
        self.session.add(StaffSessionRow(token_hash=token_hash, login=login, expires=expires))

    def session_staff(self, token_hash: str, now: dt.datetime) -> Staff | None:
        row = self.session.get(StaffSessionRow, token_hash)
        if row is None or row.expires <= now:
            return None
        account = self.session.get_one(AccountRow, row.login)
        return Staff(account.login, account.name, account.admin, self.grants(account.login))

    def end_session(self, token_hash: str) -> None:
        self.session.execute(delete(StaffSessionRow).where(StaffSessionRow.token_hash == token_hash))

    def end_expired(self, now: dt.datetime) -> None:
        self.session.execute(delete(StaffSessionRow).where(StaffSessionRow.expires <= now))

    def end_sessions(self, login: str) -> None:
        self.session.execute(delete(StaffSessionRow).where(StaffSessionRow.login == login))
