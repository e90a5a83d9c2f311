"""Database tables. People are kept across rounds so a leader's history can be shown (R-USE).

Nothing here links a delegate to a choice: counts are totals per subject, and
the audit log records who entered totals, never how anyone voted.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Integer, MetaData, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class BodyRow(Base):
    __tablename__ = "bodies"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(300), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    members: Mapped[int | None] = mapped_column(Integer)


class PersonRow(Base):
    """A person voted on in one or more rounds; ``key`` identifies them across rounds."""

    __tablename__ = "people"
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(300), unique=True)
    name: Mapped[str] = mapped_column(String(300), index=True)


class RoundRow(Base):
    __tablename__ = "rounds"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    body_id: Mapped[int] = mapped_column(ForeignKey("bodies.id"))
    rule_set: Mapped[str] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(500))
    date: Mapped[dt.date]
    place: Mapped[str] = mapped_column(String(300), default="")
    convened: Mapped[int | None]
    present: Mapped[int | None]
    ballots_issued: Mapped[int | None]
    ballots_returned: Mapped[int | None]
    base: Mapped[str | None] = mapped_column(String(32))
    style: Mapped[str] = mapped_column(String(32))
    body: Mapped[BodyRow] = relationship()
    subjects: Mapped[list[RoundSubjectRow]] = relationship(
        order_by="RoundSubjectRow.number", cascade="all, delete-orphan"
    )
    exemptions: Mapped[list[ExemptionRow]] = relationship(
        order_by="ExemptionRow.number", cascade="all, delete-orphan"
    )
    committee: Mapped[list[CommitteeRow]] = relationship(
        order_by="CommitteeRow.number", cascade="all, delete-orphan"
    )
    delegates: Mapped[list[DelegateRow]] = relationship(
        order_by="DelegateRow.number", cascade="all, delete-orphan"
    )


class RoundSubjectRow(Base):
    """A person on a round's ballot, in ballot order, with the totals once counted."""

    __tablename__ = "round_subjects"
    __table_args__ = (
        UniqueConstraint("round_id", "number", name="uq_round_subjects_round_number"),
        UniqueConstraint("round_id", "person_id", name="uq_round_subjects_round_person"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"))
    number: Mapped[int]
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    position: Mapped[str] = mapped_column(String(500))
    group: Mapped[str] = mapped_column(String(200), default="")
    person: Mapped[PersonRow] = relationship()
    totals: Mapped[list[ChannelTotalsRow]] = relationship(cascade="all, delete-orphan")


class ChannelTotalsRow(Base):
    """One subject's counted totals from one channel: paper (typed or scanned) or electronic."""

    __tablename__ = "channel_totals"
    __table_args__ = (UniqueConstraint("round_subject_id", "channel", name="uq_channel_totals_subject_channel"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    round_subject_id: Mapped[int] = mapped_column(ForeignKey("round_subjects.id", ondelete="CASCADE"))
    channel: Mapped[str] = mapped_column(String(20))
    count_high: Mapped[int | None]
    count_confidence: Mapped[int | None]
    count_low: Mapped[int | None]
    count_no_confidence: Mapped[int | None]
    invalid: Mapped[int]


class ExemptionRow(Base):
    __tablename__ = "exemptions"
    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"))
    number: Mapped[int]
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    position: Mapped[str] = mapped_column(String(500), default="")
    reason: Mapped[str] = mapped_column(String(32))
    note: Mapped[str] = mapped_column(Text, default="")
    person: Mapped[PersonRow] = relationship()


class CommitteeRow(Base):
    __tablename__ = "committee_members"
    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"))
    number: Mapped[int]
    name: Mapped[str] = mapped_column(String(300))
    role: Mapped[str] = mapped_column(String(100))


class DelegateRow(Base):
    """A voter of the round (đại biểu); kept apart from anything counted."""

    __tablename__ = "delegates"
    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"))
    number: Mapped[int]
    name: Mapped[str] = mapped_column(String(300))
    unit: Mapped[str] = mapped_column(String(300), default="")
    detail: Mapped[str] = mapped_column(String(300), default="", server_default="")


class AuditRow(Base):
    """Who did what and when; never how anyone voted."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime]
    round_id: Mapped[int | None] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"))
    action: Mapped[str] = mapped_column(String(64))
    actor: Mapped[str] = mapped_column(String(300), default="")
    detail: Mapped[dict[str, object]] = mapped_column(JSON, default=dict)


class PaperSheetRow(Base):
    """A scanned sheet: where it came from, its original image, what was read, what was decided.

    A sheet carries nothing about its voter (R-BALLOT-2); its image is kept as scanned.
    """

    __tablename__ = "paper_sheets"
    __table_args__ = (
        UniqueConstraint("round_id", "image_sha256", "source_page", name="uq_paper_sheets_round_image"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), index=True)
    source: Mapped[str] = mapped_column(String(500))
    source_page: Mapped[int]
    image_sha256: Mapped[str] = mapped_column(String(64))  # of the scanned file as received (a PDF: every page)
    qr_text: Mapped[str | None] = mapped_column(String(200))
    problems: Mapped[list[str]] = mapped_column(JSON, default=list)
    void: Mapped[bool | None]  # R-VALID-1 as decided by the committee; None while undecided
    decided_by: Mapped[str] = mapped_column(String(300), default="")
    content_hash: Mapped[str | None] = mapped_column(String(64), index=True)  # the mark pattern, for copies
    signature: Mapped[str | None] = mapped_column(Text)  # the sheet's ink, small (to compare copies)
    copy_of: Mapped[int | None]  # the sheet this one looks like a copy of
    withdrawn: Mapped[str | None] = mapped_column(Text)  # the committee's reason for taking it out
    withdrawn_by: Mapped[str] = mapped_column(String(300), default="", server_default="")
    rows: Mapped[list[PaperRowRow]] = relationship(order_by="PaperRowRow.row", cascade="all, delete-orphan")


class PaperRowRow(Base):
    """One row of a scanned sheet: the reader's reading and, where unsure, the committee's decision."""

    __tablename__ = "paper_rows"
    __table_args__ = (UniqueConstraint("sheet_id", "row", name="uq_paper_rows_sheet_row"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    sheet_id: Mapped[int] = mapped_column(ForeignKey("paper_sheets.id", ondelete="CASCADE"))
    row: Mapped[int]
    subject_number: Mapped[int]
    read_state: Mapped[str] = mapped_column(String(20))
    read_level: Mapped[int | None]
    scores: Mapped[list[float]] = mapped_column(JSON, default=list)
    state: Mapped[str | None] = mapped_column(String(20))  # final: marked | empty | multiple; None while unsure
    level: Mapped[int | None]
    decided_by: Mapped[str] = mapped_column(String(300), default="")
    ink: Mapped[list[list[float]] | None] = mapped_column(JSON)  # per box: inside, light, spread, ring


class PaperAuditRow(Base):
    """A round's risk-limiting audit of the paper count (docs/paper.md, "Audit"): one per round, its
    risk limit and seed fixed when it starts (a second seed would let one choose the draw)."""

    __tablename__ = "paper_audits"
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), primary_key=True)
    risk_limit: Mapped[str] = mapped_column(String(40))  # a fraction, "1/20"
    seed: Mapped[str] = mapped_column(String(200))
    drawn: Mapped[int]  # draws asked for so far
    started_by: Mapped[str] = mapped_column(String(300))
    __table_args__ = (CheckConstraint("drawn >= 0", name="drawn"),)


class PaperAuditReadingRow(Base):
    """What one member read on one drawn sheet: one reading per member and sheet (replaced when read again)."""

    __tablename__ = "paper_audit_readings"
    __table_args__ = (UniqueConstraint("sheet_id", "member", name="uq_paper_audit_readings_sheet_member"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("paper_audits.round_id", ondelete="CASCADE"), index=True)
    sheet_id: Mapped[int] = mapped_column(ForeignKey("paper_sheets.id", ondelete="CASCADE"))
    member: Mapped[str] = mapped_column(String(300))
    rows: Mapped[list[str]] = mapped_column(JSON, default=list)  # per row: "0", "1", … (a level), empty, multiple
    void: Mapped[bool]


class AttendanceRow(Base):
    """A delegate's presence and how they vote: one row per delegate and round, one channel only.

    Says that a delegate voted and how (paper or electronic), never what: no ballot names a
    delegate anywhere. No sequence either: the key is (round, delegate), and SQLite keeps no rowid.
    """

    __tablename__ = "attendance"
    __table_args__ = (UniqueConstraint("delegate_id", name="uq_attendance_delegate"), {"sqlite_with_rowid": False})
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), primary_key=True)
    delegate_id: Mapped[int] = mapped_column(ForeignKey("delegates.id", ondelete="CASCADE"), primary_key=True)
    present: Mapped[bool] = mapped_column(default=True)
    channel: Mapped[str | None] = mapped_column(String(20))  # paper | electronic
    checked_in_by: Mapped[str | None] = mapped_column(String(64))  # the organiser's account (a second tap is told)


ELECTION_STATES = ("ready", "open", "closed", "tallied")  # one way only: a database trigger refuses any other


class ElectionRow(Base):
    """An electronic round's public key material and state: the manifest, the ceremony, the joint key."""

    __tablename__ = "elections"
    __table_args__ = (CheckConstraint("state IN ('ready', 'open', 'closed', 'tallied')", name="state"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), unique=True)
    manifest: Mapped[dict[str, object]] = mapped_column(JSON)
    committee: Mapped[dict[str, object]] = mapped_column(JSON)  # members, threshold, commitments
    joint_key: Mapped[str] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(20), default="ready")  # ready | open | closed | tallied
    decryption: Mapped[list[object] | None] = mapped_column(JSON)
    shares: Mapped[dict[str, object] | None] = mapped_column(JSON)  # member → verified decryption shares
    cards_issued: Mapped[int | None]  # electronic check-ins (cards handed out) when voting closed
    ballots_at_close: Mapped[int | None]  # ballots stored when voting closed
    receipt_secret: Mapped[str | None] = mapped_column(String(64))  # r: the server signs receipts with it
    receipt_key: Mapped[str | None] = mapped_column(String(64))  # R = r·G, covered by the election's identity
    election_id: Mapped[str | None] = mapped_column(String(64))  # E, fixed when the signed card list is stored
    card_signatures: Mapped[list[object] | None] = mapped_column(JSON)  # the committee's on E
    checkins_paper: Mapped[int | None]  # paper check-ins when voting closed
    ballot_list_hash: Mapped[str | None] = mapped_column(String(64))  # B when voting closed
    closing_signatures: Mapped[dict[str, object] | None] = mapped_column(JSON)  # member → signature on the closing


class CardRow(Base):
    """A voting card's public credential S (docs/protocol.md §6.2): never its secret, never its holder.

    The key is (round, S), and SQLite keeps no rowid, so the table's order is that of the random
    points, not of printing, handing out or voting.
    """

    __tablename__ = "cards"
    __table_args__ = ({"sqlite_with_rowid": False},)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), primary_key=True)
    credential: Mapped[str] = mapped_column(String(64), primary_key=True)
    void: Mapped[bool] = mapped_column(default=False)
    used: Mapped[bool] = mapped_column(default=False)
    sealed: Mapped[bool] = mapped_column(default=False)  # a reserve card, usable only once released (by count)


class CardReserveRow(Base):
    """How many sealed reserve cards the committee has released for late check-ins: a count, never which card."""

    __tablename__ = "card_reserves"
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), primary_key=True)
    released: Mapped[int] = mapped_column(default=0)
    opened_with: Mapped[int | None] = mapped_column()  # electronic check-ins at opening: releases need later ones


class SignInKeyRow(Base):
    """The per-round secret that keys the sign-in limiter's entries (HMAC of a card's S); deleted at closing."""

    __tablename__ = "sign_in_keys"
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), primary_key=True)
    secret: Mapped[str] = mapped_column(String(64))


class BallotRow(Base):
    """An encrypted ballot as cast: one per card (the primary key), no voter, no time, no sequence."""

    __tablename__ = "ballots"
    __table_args__ = (UniqueConstraint("round_id", "code", name="uq_ballots_round_code"), {"sqlite_with_rowid": False})
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), primary_key=True)
    credential: Mapped[str] = mapped_column(String(64), primary_key=True)
    code: Mapped[str] = mapped_column(String(64))  # the full tracking code (§6.4)
    short: Mapped[str] = mapped_column(String(19), index=True)  # the short form read aloud
    ballot: Mapped[dict[str, object]] = mapped_column(JSON)  # as the server re-wrote it: canonical fields only


class SpoiledBallotRow(Base):
    """A challenged ballot, opened and never counted (Benaloh): keyed by its code, no time, no sequence."""

    __tablename__ = "spoiled_ballots"
    __table_args__ = ({"sqlite_with_rowid": False},)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), primary_key=True)
    code: Mapped[str] = mapped_column(String(64), primary_key=True)
    short: Mapped[str] = mapped_column(String(19), index=True)
    ballot: Mapped[dict[str, object]] = mapped_column(JSON)  # names no card (docs/protocol.md, the challenge)
    secrets: Mapped[dict[str, object]] = mapped_column(JSON)


class CiphertextRow(Base):
    """Every α ever accepted in a round: the database refuses a replayed or copied ciphertext."""

    __tablename__ = "ciphertexts"
    __table_args__ = ({"sqlite_with_rowid": False},)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), primary_key=True)
    alpha: Mapped[str] = mapped_column(String(64), primary_key=True)


class CeremonyRow(Base):
    """A key ceremony run on the members' own devices: public keys, commitments, sealed shares, confirmations."""

    __tablename__ = "ceremonies"
    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), unique=True)
    data: Mapped[dict[str, object]] = mapped_column(JSON)


class CountEntryRow(Base):
    """One committee member's typing of the paper totals, kept until a second member's typing agrees."""

    __tablename__ = "count_entries"
    __table_args__ = (UniqueConstraint("round_id", "member", name="uq_count_entries_round_member"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"))
    member: Mapped[str] = mapped_column(String(300))
    totals: Mapped[list[dict[str, int]]] = mapped_column(JSON)
    device: Mapped[str] = mapped_column(String(64), default="", server_default="")  # sha256 of the session's mark


class AccountRow(Base):
    """A named person who runs rounds (an organiser) or counts them (a committee member); never a delegate."""

    __tablename__ = "accounts"
    login: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    password_hash: Mapped[str] = mapped_column(String(200))  # Argon2id, libsodium's string form
    admin: Mapped[bool] = mapped_column(default=False)  # may create rounds and accounts, organises every round


class RoundRoleRow(Base):
    """What an account may do in one round: organise it, or count it as the committee member ``member``."""

    __tablename__ = "round_roles"
    __table_args__ = (CheckConstraint("role IN ('organiser', 'committee')", name="role"),)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), primary_key=True)
    login: Mapped[str] = mapped_column(ForeignKey("accounts.login", ondelete="CASCADE"), primary_key=True)
    role: Mapped[str] = mapped_column(String(20), primary_key=True)
    member: Mapped[str] = mapped_column(String(300), default="")  # the committee list's name, for role committee


class StaffSessionRow(Base):
    """A signed-in account's session, kept here so that signing out (or a new password) ends every copy of it."""

    __tablename__ = "staff_sessions"
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)  # sha256 of the cookie's random token
    login: Mapped[str] = mapped_column(ForeignKey("accounts.login", ondelete="CASCADE"), index=True)
    expires: Mapped[dt.datetime]
