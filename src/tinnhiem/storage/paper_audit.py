"""A round's risk-limiting audit in the database: its limit and seed, the draws asked for, each
member's reading of each drawn sheet. Mixed into ``repository.SqlPaperStore``."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from tinnhiem.domain.errors import InvalidInput
from tinnhiem.services.ports import AuditReading, StoredAudit
from tinnhiem.storage.round_ids import round_id
from tinnhiem.storage.tables import PaperAuditReadingRow, PaperAuditRow


class SqlPaperAudit:
    session: Session

    def start_audit(self, code: str, audit: StoredAudit) -> bool:
        """Store the audit; False (nothing written) when the round has one already."""
        found = round_id(self.session, code)
        if self.session.get(PaperAuditRow, found) is not None:
            return False
        self.session.add(PaperAuditRow(round_id=found, risk_limit=audit.risk_limit, seed=audit.seed,
                                       drawn=audit.drawn, started_by=audit.started_by))
        try:
            self.session.flush()
        except IntegrityError as exc:  # another member started it at the same moment: theirs stands
            raise InvalidInput("audit-started", field="seed") from exc
        return True

    def audit(self, code: str) -> StoredAudit | None:
        row = self.session.get(PaperAuditRow, round_id(self.session, code))
        return None if row is None else StoredAudit(row.risk_limit, row.seed, row.drawn, row.started_by)

    def extend_audit(self, code: str, drawn: int) -> None:
        """Ask for draws up to ``drawn`` (never fewer than before)."""
        row = self.session.get_one(PaperAuditRow, round_id(self.session, code), with_for_update=True)
        row.drawn = max(row.drawn, drawn)
        self.session.flush()

    def audit_readings(self, code: str) -> list[AuditReading]:
        rows = self.session.scalars(select(PaperAuditReadingRow).where(
            PaperAuditReadingRow.round_id == round_id(self.session, code)).order_by(PaperAuditReadingRow.id))
        return [AuditReading(r.sheet_id, r.member, tuple(r.rows), r.void) for r in rows]

    def save_audit_reading(self, code: str, reading: AuditReading) -> None:
        """A member's reading of a sheet, replacing their earlier one of it."""
        row = self.session.scalar(select(PaperAuditReadingRow).where(
            PaperAuditReadingRow.sheet_id == reading.sheet_id, PaperAuditReadingRow.member == reading.member))
        if row is None:
            row = PaperAuditReadingRow(round_id=round_id(self.session, code), sheet_id=reading.sheet_id,
                                       member=reading.member)
            self.session.add(row)
        row.rows, row.void = list(reading.rows), reading.void
        self.session.flush()
