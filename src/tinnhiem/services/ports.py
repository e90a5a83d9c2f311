"""What the use cases need from storage, as small Protocols (storage/ implements them)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Protocol, Self

from tinnhiem.domain.model import Conference, Delegate, Round, Totals
from tinnhiem.domain.staff import Grant, Staff


@dataclass(frozen=True, slots=True)
class RoundListing:
    """One line of the list of rounds."""

    code: str
    date: dt.date
    body: str
    title: str
    subjects: int
    counted: bool


@dataclass(frozen=True, slots=True)
class Appearance:
    """A round in which a person was voted on or exempted (R-USE, R-TWO-PLACES)."""

    code: str
    person_key: str
    name: str
    exempted: bool


class RoundStore(Protocol):
    def add(self, round_: Round, delegates: Sequence[Delegate] = (), code: str | None = None) -> str: ...
    def get(self, code: str) -> Round: ...
    def exists(self, code: str) -> bool: ...
    def delegates(self, code: str) -> tuple[Delegate, ...]: ...
    def totals(self, code: str) -> tuple[Totals, ...] | None: ...
    def save_totals(self, code: str, totals: Sequence[Totals], channel: str = "paper") -> None: ...
    def channel_totals(self, code: str) -> dict[str, tuple[Totals, ...]]: ...
    def listing(self) -> list[RoundListing]: ...
    def appearances(self, name_or_key: str) -> list[Appearance]: ...
    def audit(self, code: str | None, action: str, actor: str, detail: dict[str, object]) -> None: ...
    def set_conference(self, code: str, conference: Conference) -> None: ...
    def entries(self, code: str) -> dict[str, Entered]: ...
    def save_entry(self, code: str, member: str, totals: Sequence[Totals], device: str = "") -> None: ...
    def clear_entries(self, code: str) -> None: ...


@dataclass(frozen=True, slots=True)
class Account:
    login: str
    name: str
    admin: bool
    password_hash: str


class AccountStore(Protocol):
    def count(self) -> int: ...
    def get(self, login: str) -> Account | None: ...
    def add(self, account: Account) -> bool: ...
    def set_password(self, login: str, password_hash: str) -> None: ...
    def listing(self) -> list[Account]: ...
    def grant(self, login: str, grant: Grant) -> None: ...
    def revoke(self, login: str, code: str) -> None: ...
    def grants(self, login: str) -> tuple[Grant, ...]: ...
    def round_staff(self, code: str) -> list[tuple[Account, Grant]]: ...
    def open_session(self, token_hash: str, login: str, expires: dt.datetime) -> None: ...
    def session_staff(self, token_hash: str, now: dt.datetime) -> Staff | None: ...
    def end_session(self, token_hash: str) -> None: ...
    def end_expired(self, now: dt.datetime) -> None: ...
    def end_sessions(self, login: str) -> None: ...


@dataclass(frozen=True, slots=True)
class Reserve:
    """The sealed reserve of cards, counted (never which card): for the committee's page and the release's check."""

    sealed: int  # sealed and unused
    released: int  # released by the committee, one per late electronic check-in
    sealed_used: int  # sealed cards that voted (each used one release)
    unsealed: int  # cards neither void nor sealed: those handed out at check-in
    electronic: int  # electronic check-ins (cards handed out, the reserve's latecomers included)
    opened_with: int = 0  # electronic check-ins when voting opened

    @property
    def late(self) -> int:
        """Electronic check-ins made since voting opened: the most releases there may be."""
        return self.electronic - self.opened_with

    @property
    def free_releases(self) -> int:
        """Releases not yet taken up by a sealed card's ballot."""
        return self.released - self.sealed_used


class ReserveStore(Protocol):
    def seal(self, code: str, credentials: Sequence[str]) -> int: ...
    def sealed(self, code: str, credential: str) -> bool: ...
    def reserve(self, code: str) -> Reserve: ...
    def release(self, code: str) -> None: ...
    def mark_opened(self, code: str, electronic: int) -> None: ...
    def lift_seals(self, code: str) -> None: ...
    def sign_in_secret(self, code: str) -> str: ...
    def drop_sign_in_secret(self, code: str) -> None: ...


class UnitOfWork(Protocol):
    """One transaction: ``with uow: ...; uow.commit()``; leaving without commit rolls back."""

    rounds: RoundStore
    paper: PaperStore
    voting: VotingStore
    ceremonies: CeremonyStore
    accounts: AccountStore
    reserve: ReserveStore

    def __enter__(self) -> Self: ...
    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None: ...
    def commit(self) -> None: ...
    def drop_old_row_versions(self) -> None: ...


@dataclass(frozen=True, slots=True)
class Entered:
    """One member's typing of the paper totals, and the device (session) it came from."""

    totals: tuple[Totals, ...]
    device: str = ""


@dataclass(frozen=True, slots=True)
class StoredRow:
    """A row of a scanned sheet as stored: the reading, and the final state once decided."""

    row: int
    subject: int
    read_state: str
    read_level: int | None
    scores: tuple[float, ...]
    state: str | None  # marked | empty | multiple; None while unsure
    level: int | None
    decided_by: str = ""
    ink: tuple[tuple[float, ...], ...] = ()  # per box: the reader's figures (inside, light, spread, ring)


@dataclass(frozen=True, slots=True)
class StoredSheet:
    """A scanned sheet as stored; ``void`` is None while the committee has not decided."""

    id: int | None
    source: str
    source_page: int
    image_sha256: str
    qr_text: str | None
    problems: tuple[str, ...]
    void: bool | None
    rows: tuple[StoredRow, ...]
    decided_by: str = ""
    content_hash: str | None = None  # the mark pattern as read: equal for two scans of one sheet
    signature: str | None = None  # the sheet's ink, small, to tell a copy from another ballot
    copy_of: int | None = None
    withdrawn: str | None = None  # the committee's reason, once taken out of the count
    withdrawn_by: str = ""


@dataclass(frozen=True, slots=True)
class Attendee:
    """A delegate on the check-in list: their number on the list, and how they vote once present."""

    number: int
    name: str
    unit: str
    channel: str | None  # None: not checked in; "electronic" or "paper"
    detail: str = ""  # date of birth or Mã cán bộ, when the list gives it (tells namesakes apart)


@dataclass(frozen=True, slots=True)
class StoredAudit:
    """A risk-limiting audit of a round's paper count: its limit and seed, fixed once, and the
    draws asked for so far."""

    risk_limit: str  # a fraction, "1/20"
    seed: str  # the digits the committee typed after the public throw
    drawn: int  # draws asked for so far
    started_by: str


@dataclass(frozen=True, slots=True)
class AuditReading:
    """What one member read on a drawn sheet: each row "0", "1", … (a level), "empty" or "multiple"."""

    sheet_id: int
    member: str
    rows: tuple[str, ...]
    void: bool


class PaperStore(Protocol):
    def add_sheet(self, code: str, sheet: StoredSheet) -> int | None: ...
    def sheets(self, code: str) -> list[StoredSheet]: ...
    def same_content(self, code: str, content_hash: str) -> list[StoredSheet]: ...
    def withdraw_sheet(self, sheet_id: int, reason: str, member: str) -> None: ...
    def replace_reading(self, sheet_id: int, sheet: StoredSheet) -> None: ...
    def decide_row(self, sheet_id: int, row: int, state: str, level: int | None, member: str) -> None: ...
    def decide_sheet(self, sheet_id: int, void: bool, member: str) -> None: ...
    def attend(self, code: str, delegate: str, channel: str, by: str = "") -> None: ...
    def channel_voters(self, code: str) -> dict[str, int]: ...
    def attendance(self, code: str) -> list[Attendee]: ...
    def attend_number(self, code: str, number: int, channel: str, by: str = "") -> Attendee: ...
    def leave(self, code: str, number: int, keep_channel: bool = False) -> Attendee: ...
    def start_audit(self, code: str, audit: StoredAudit) -> bool: ...
    def audit(self, code: str) -> StoredAudit | None: ...
    def extend_audit(self, code: str, drawn: int) -> None: ...
    def audit_readings(self, code: str) -> list[AuditReading]: ...
    def save_audit_reading(self, code: str, reading: AuditReading) -> None: ...


class ImageStore(Protocol):
    """Where the original scans are kept, by content hash."""

    def save(self, code: str, sha256: str, suffix: str, data: bytes) -> None: ...
    def load(self, code: str, sha256: str) -> tuple[bytes, str]: ...


@dataclass(frozen=True, slots=True)
class Election:
    """An electronic round's public material and state."""

    manifest: dict[str, object]
    committee: dict[str, object]
    joint_key: str
    state: str  # ready | open | closed | tallied (one way only: the database refuses any other change)
    decryption: list[object] | None = None
    shares: dict[str, object] | None = None  # member number → that member's verified shares, per subject
    cards_issued: int | None = None  # cards handed out (electronic check-ins), fixed at closing
    receipt_key: str | None = None  # R: the server's receipt key, drawn when the election is stored
    election_id: str | None = None  # E, once the committee's signed card list is stored
    card_signatures: list[object] | None = None  # the committee members' signatures on E
    ballots_at_close: int | None = None  # N, fixed at closing
    checkins_paper: int | None = None  # P, fixed at closing
    ballot_list_hash: str | None = None  # B, fixed at closing
    closing_signatures: dict[str, object] | None = None  # member number → signature on the closing statement


@dataclass(frozen=True, slots=True)
class Stamp:
    """What a phone's copy of the election depends on: it changes with the state (one way only) and with the
    committee's card list (E). A worker's copies of the election and of the ballot's pages are good while the
    stamp read from the database is the one they were made under (web/pages.py)."""

    joint_key: str
    state: str
    election_id: str | None


@dataclass(frozen=True, slots=True)
class PhoneElection:
    """What a delegate's phone is given to sign in and encrypt, and all a cast is checked against (public)."""

    manifest: dict[str, object]
    joint_key: str
    state: str
    election_id: str | None
    receipt_key: str | None

    @property
    def stamp(self) -> Stamp:
        return Stamp(self.joint_key, self.state, self.election_id)


@dataclass(frozen=True, slots=True)
class StoredCard:
    """A voting card as the server knows it: its public credential only, never its secret or holder."""

    credential: str
    void: bool
    used: bool
    sealed: bool = False  # kept in the reserve (services/reserve.py): it signs in or casts only once released


@dataclass(frozen=True, slots=True)
class Found:
    """A ballot found by its tracking code: the full code, and whether it was cast or spoiled."""

    code: str
    spoiled: bool


class Duplicate(Exception):
    """A uniqueness the database enforces: a second ballot of a card, a repeated code, a copied ciphertext."""


class VotingStore(Protocol):
    def create_election(self, code: str, election: Election, receipt_secret: str) -> None: ...
    def receipt_secret(self, code: str) -> str | None: ...
    def election(self, code: str) -> Election | None: ...
    def stamp(self, code: str) -> Stamp | None: ...
    def phone_election(self, code: str) -> PhoneElection | None: ...
    def lock_election(self, code: str) -> Election: ...
    def lock_state(self, code: str) -> str: ...
    def set_state(self, code: str, state: str, decryption: list[object] | None = None) -> None: ...
    def close(self, code: str, cards_issued: int, paper: int, ballots: int, list_hash: str) -> None: ...
    def add_closing_signature(self, code: str, member: int, signature: dict[str, str]) -> None: ...
    def add_shares(self, code: str, member: int, shares: list[dict[str, object]]) -> None: ...
    def store_cards(self, code: str, credentials: Sequence[str], election_id: str,
                    signatures: list[dict[str, object]]) -> None: ...
    def void_cards(self, code: str, credentials: Sequence[str]) -> int: ...
    def cards(self, code: str) -> list[StoredCard]: ...
    def card(self, code: str, credential: str) -> StoredCard | None: ...
    def take_card(self, code: str, credential: str) -> bool | None: ...
    def ballot_code(self, code: str, credential: str) -> str | None: ...
    def cast(self, code: str, credential: str, tracking: str, short: str, ballot: dict[str, object],
             alphas: Sequence[str]) -> None: ...
    def spoil(self, code: str, tracking: str, short: str, ballot: dict[str, object],
              secrets: dict[str, object], alphas: Sequence[str]) -> None: ...
    def spoiled_count(self, code: str) -> int: ...
    def turnout(self, code: str) -> int: ...
    def counts(self, code: str) -> tuple[int, int]: ...
    def ballots(self, code: str, spoiled: bool = False) -> list[tuple[dict[str, object], dict[str, object] | None]]: ...
    def find(self, code: str, tracking: str) -> list[Found]: ...


class CeremonyStore(Protocol):
    """The public state of a device ceremony (JSON): never a secret, only what every device may see."""

    def ceremony(self, code: str, lock: bool = False) -> dict[str, Any] | None: ...
    def save_ceremony(self, code: str, data: dict[str, Any]) -> None: ...
