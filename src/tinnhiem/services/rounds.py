"""Use cases of a round: create, import, record the paper totals, count, history.

Each function is one transaction: ``with uow``, change, audit entry, commit.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from tinnhiem.domain import checks
from tinnhiem.domain.double_entry import Entry, mismatches
from tinnhiem.domain.errors import EntriesDiffer, InvalidInput, NotFound
from tinnhiem.domain.model import Delegate, Exemption, Round, Totals
from tinnhiem.domain.names import match_rank, same_names
from tinnhiem.domain.rulesets import rule_set
from tinnhiem.domain.tally import RoundResult, SubjectResult, tally, tally_channels
from tinnhiem.services import roundfile
from tinnhiem.services.ports import Attendee, RoundListing, UnitOfWork


def create_round(
    uow: UnitOfWork, round_: Round, delegates: Sequence[Delegate] = (), *, code: str | None = None, actor: str = ""
) -> str:
    """Store a new round (subjects, exemptions, committee, delegates); returns its code."""
    rules = rule_set(round_.rule_set)
    checks.check_people(round_, rules)
    checks.check_visible(round_, delegates)
    round_ = checks.check_figures(round_, rules, delegates=len(delegates))
    with uow:
        new_code = uow.rounds.add(round_, delegates, code)
        uow.rounds.audit(new_code, "round-created", actor, {"subjects": len(round_.subjects)})
        uow.commit()
    return new_code


def import_round_file(uow: UnitOfWork, path: Path, *, code: str | None = None, actor: str = "") -> str:
    """Store a round file (docs/round-file.md); its totals too, after the full check of ``tally``."""
    round_, totals = roundfile.parse_round(roundfile.load(path))
    if totals is not None:
        tally(round_, totals)  # refuses inconsistent totals before anything is written
    rules = rule_set(round_.rule_set)
    checks.check_people(round_, rules)
    checks.check_visible(round_)
    if totals is None:
        round_ = checks.check_figures(round_, rules)
    with uow:
        new_code = uow.rounds.add(round_, (), code)
        if totals is not None:
            uow.rounds.save_totals(new_code, totals)
        uow.rounds.audit(new_code, "round-imported", actor, {"file": path.name, "counted": totals is not None})
        uow.commit()
    return new_code


def record_totals(uow: UnitOfWork, code: str, first: Entry, second: Entry) -> RoundResult:
    """Save the paper totals once two members' entries agree; otherwise save nothing.

    Raises ``EntriesDiffer`` (with ``.mismatches``) or ``InvalidInput``.
    """
    if first.member.strip() == second.member.strip():
        raise InvalidInput("same-member-twice", field="second.member")
    with uow:
        round_ = uow.rounds.get(code)
        differ = mismatches(round_.subjects, first, second)
        if differ:
            raise EntriesDiffer(differ, field="totals")
        result = _save_agreed(uow, code, round_, first, second)
        uow.commit()
    return result


def _save_agreed(uow: UnitOfWork, code: str, round_: Round, first: Entry, second: Entry) -> RoundResult:
    """Two typings agree: the totals, and who typed them, inside the caller's transaction."""
    result = tally(round_, first.totals)
    uow.rounds.save_totals(code, first.totals)
    uow.rounds.audit(code, "totals-recorded", f"{first.member}; {second.member}", {"double_entry": True})
    return result


def count(uow: UnitOfWork, code: str) -> RoundResult:
    """The result of a stored round (its totals must be recorded). Figures the organisers left blank are
    what the hall counted with (R-CONV): convened, the delegates on the list; present, those checked in."""
    with uow:
        round_ = uow.rounds.get(code)
        channels = uow.rounds.channel_totals(code)
        checked_in = sum(uow.paper.channel_voters(code).values())
        listed = len(uow.rounds.delegates(code))
    conf = round_.conference
    round_ = replace(round_, conference=replace(
        conf, convened=listed or None if conf.convened is None else conf.convened,
        present=checked_in or None if conf.present is None else conf.present))
    if not channels:
        raise InvalidInput("no-counts", field="round", value=code)
    return tally_channels(round_, channels)


FIGURES = ("convened", "present", "ballots_issued", "ballots_returned")


def correct_figures(uow: UnitOfWork, code: str, figures: Mapping[str, int | None], *, actor: str = "") -> Round:
    """The organisers write or correct the conference figures (R-CONV), audited with each old and new value.

    Until a channel's totals are recorded any figure may change; after that (the committee has counted)
    only a blank one may be filled: the percentages are fixed once the count is known, but a figure
    nobody gave never blocks the minutes. Nothing is written when a figure breaks R-CONV's order.
    """
    unknown = sorted(set(figures) - set(FIGURES))
    if unknown:
        raise InvalidInput("unknown-value", field="conference", value=unknown[0], choices=", ".join(FIGURES))
    with uow:
        round_ = uow.rounds.get(code)
        before = round_.conference
        changed = {name: [getattr(before, name), value] for name, value in figures.items()
                   if getattr(before, name) != value}
        if not changed:
            return round_
        counted = bool(uow.rounds.channel_totals(code))
        refused = next((name for name, (old, _) in changed.items() if counted and old is not None), None)
        if refused is not None:
            raise InvalidInput("figures-counted", field=f"conference.{refused}")
        for name, value in figures.items():
            if value is not None and value < 0:
                raise InvalidInput("not-integer", field=f"conference.{name}", value=value)
        after = replace(round_, conference=replace(before, **{n: v for n, (_, v) in changed.items()}))
        checks.check_conference(after)
        uow.rounds.set_conference(code, after.conference)
        uow.rounds.audit(code, "figures-corrected", actor, {"figures": changed})
        uow.commit()
    return after


def load(uow: UnitOfWork, code: str) -> tuple[Round, tuple[Totals, ...] | None]:
    """A stored round and its totals (None before the count)."""
    with uow:
        return uow.rounds.get(code), uow.rounds.totals(code)


@dataclass(frozen=True, slots=True)
class HistoryItem:
    """One round of a person's history: their result, or why they were not voted on."""

    code: str
    round: Round
    result: SubjectResult | None
    exemption: Exemption | None
    base: int | None


def history(uow: UnitOfWork, name_or_key: str) -> list[HistoryItem]:
    """A person's results across rounds and bodies, oldest first (R-USE, R-TWO-PLACES)."""
    items: list[HistoryItem] = []
    with uow:
        for seen in uow.rounds.appearances(name_or_key):
            round_ = uow.rounds.get(seen.code)
            if seen.exempted:
                exemption = next(e for e in round_.exemptions if e.name == seen.name)
                items.append(HistoryItem(seen.code, round_, None, exemption, None))
                continue
            totals = uow.rounds.totals(seen.code)
            result = tally(round_, totals) if totals is not None else None
            mine = None if result is None else next(
                s for s in result.subjects if s.subject.name == seen.name
            )
            items.append(HistoryItem(seen.code, round_, mine, None, result.base if result else None))
    return items


def exists(uow: UnitOfWork, code: str) -> bool:
    """Whether round ``code`` is stored (one indexed read)."""
    with uow:
        return uow.rounds.exists(code)


def listing(uow: UnitOfWork) -> list[RoundListing]:
    """Every stored round, oldest first."""
    with uow:
        return uow.rounds.listing()


def namesakes(people: Sequence[Delegate]) -> list[list[tuple[int, Delegate]]]:
    """Delegates written with the same name, each group with their numbers on the list (from 1): what
    the import warns about, and what check-in tells apart by number, unit and detail."""
    return [[(i + 1, people[i]) for i in group] for group in same_names([d.name for d in people])]


def delegates(uow: UnitOfWork, code: str) -> tuple[Delegate, ...]:
    """The round's list of delegates, in the office's order."""
    with uow:
        return uow.rounds.delegates(code)


def _attendance_may_change(uow: UnitOfWork, code: str) -> str | None:
    """The electronic election's state, under its row lock (a close waits for this check-in, or this
    check-in for the close); refused once voting has closed: the counts were fixed then."""
    if uow.voting.election(code) is None:
        return None
    state = uow.voting.lock_election(code).state
    if state in ("closed", "tallied"):
        raise InvalidInput("attendance-closed", field="round", value=code)
    return state


def note(uow: UnitOfWork, code: str, action: str, actor: str, detail: dict[str, object]) -> None:
    """An entry in the audit log for an action kept outside the database (a dossier's file)."""
    with uow:
        uow.rounds.audit(code, action, actor, detail)
        uow.commit()


def attend(uow: UnitOfWork, code: str, delegate: str, channel: str, *, actor: str = "") -> None:
    """A delegate present, voting by ``channel`` (paper or electronic): never both (docs/paper.md)."""
    with uow:
        _attendance_may_change(uow, code)
        uow.paper.attend(code, delegate, channel, by=actor)
        uow.rounds.audit(code, "attendance", actor, {"channel": channel})
        uow.commit()


@dataclass(frozen=True, slots=True)
class CheckInList:
    """What the organisers' check-in screen shows: every delegate, the counts and the quorum line."""

    delegates: tuple[Attendee, ...]
    convened: int
    by_channel: dict[str, int]
    needed: int  # present needed for quorum (2/3 of those convened, R-QUORUM)
    quorum_rule: bool  # whether the round's rule set requires it

    @property
    def present(self) -> int:
        return sum(self.by_channel.values())


def _check_in_list(uow: UnitOfWork, code: str) -> CheckInList:
    round_ = uow.rounds.get(code)
    people = tuple(uow.paper.attendance(code))
    convened = round_.conference.convened or len(people)
    by_channel = {channel: sum(1 for p in people if p.channel == channel) for channel in ("electronic", "paper")}
    return CheckInList(people, convened, by_channel, checks.quorum_needed(convened), rule_set(round_.rule_set).quorum)


def check_in_list(uow: UnitOfWork, code: str) -> CheckInList:
    """The check-in list of a round as it stands."""
    with uow:
        return _check_in_list(uow, code)


def check_in(uow: UnitOfWork, code: str, number: int, channel: str, *,
             actor: str = "") -> tuple[Attendee, CheckInList]:
    """Delegate ``number`` on the list is present and votes by ``channel``; the list after it.

    Tapping the same again (a second organiser, a double tap) is refused, naming who checked the
    delegate in (one card or paper ballot per delegate); another channel is refused (a delegate
    votes one way only).
    """
    if channel not in ("electronic", "paper"):
        raise InvalidInput("unknown-value", field="channel", value=channel, choices="electronic, paper")
    with uow:
        _attendance_may_change(uow, code)
        attendee = uow.paper.attend_number(code, number, channel, by=actor)
        uow.rounds.audit(code, "attendance", actor, {"channel": channel})
        after = _check_in_list(uow, code)
        uow.commit()
    return attendee, after


def find_delegates(uow: UnitOfWork, code: str, typed: str) -> list[tuple[int, Attendee]]:
    """The delegates ``typed`` finds (a number on the list, or words of a name, unit, date of birth or code,
    with or without diacritics), best first: (rank, delegate), as the check-in page orders them."""
    with uow:
        people = uow.paper.attendance(code)
    if typed.strip().isdigit():
        return [(0, p) for p in people if p.number + 1 == int(typed.strip())]
    ranked = [(rank, p) for p in people
              if (rank := match_rank(typed, p.name, f"{p.number + 1} {p.unit} {p.detail}")) is not None]
    return sorted(ranked, key=lambda found: (found[0], found[1].number))


def describe(person: Attendee) -> str:
    """A delegate as every screen names them: number on the list, name, and what tells namesakes apart."""
    apart = ", ".join(part for part in (person.unit, person.detail) if part)
    return f"{person.number + 1}. {person.name}" + (f" ({apart})" if apart else "")


def check_in_typed(uow: UnitOfWork, code: str, typed: str, channel: str, *,
                   actor: str = "") -> tuple[Attendee, CheckInList]:
    """Check in the one delegate ``typed`` means (the command line). Several equally good matches (two
    "Nguyễn Văn An") are refused with their numbers, never resolved to the first one."""
    found = find_delegates(uow, code, typed)
    if not found:
        raise NotFound("delegate-not-found", field="delegate", value=typed.strip())
    best = [p for rank, p in found if rank == found[0][0]]
    if len(best) > 1:
        lines = "".join(f"\n  • {describe(p)}" + (" ✓" if p.channel else "") for p in best)
        raise InvalidInput("delegate-ambiguous", field="delegate", value=typed.strip(), count=len(best),
                           choices=lines)
    return check_in(uow, code, best[0].number, channel, actor=actor)


def undo_check_in(uow: UnitOfWork, code: str, number: int, *, actor: str = "") -> tuple[Attendee, CheckInList]:
    """Take back delegate ``number``'s check-in (a wrong tap); the list after it.

    Not an electronic check-in once voting is open: its card may have voted, and undoing it would
    leave more ballots than cards handed out (or let the delegate take a paper ballot too). A paper
    check-in undone while voting is open keeps its channel: the delegate may come back on paper only.
    """
    with uow:
        state = _attendance_may_change(uow, code)
        attendee = uow.paper.leave(code, number, keep_channel=state == "open")
        if state == "open" and attendee.channel == "electronic":  # nothing is committed: the row stays
            raise InvalidInput("card-handed-out", field="number", value=attendee.name)
        if attendee.channel is not None:
            uow.rounds.audit(code, "attendance-undone", actor, {"channel": attendee.channel})
        after = _check_in_list(uow, code)
        uow.commit()
    return attendee, after


def submit_entry(uow: UnitOfWork, code: str, member: str, totals: Sequence[Totals],
                 device: str = "") -> tuple[str, list[str]]:
    """One member's typing of the paper totals (web double entry), in one transaction.

    Returns ("waiting", []) until a second member has typed, ("differ", subject names) where the two
    typings differ (the other member's numbers are never shown), or ("saved", []) once they agree.
    ``device`` names the session it came from: the second member must type on another device.
    """
    with uow:
        round_ = uow.rounds.get(code)
        if member not in {m.name for m in round_.committee}:
            raise InvalidInput("not-a-member", field="member", value=member)
        others = {name: e for name, e in uow.rounds.entries(code).items() if name != member}
        if device and any(e.device == device for e in others.values()):
            raise InvalidInput("same-device-twice", field="member", value=member)
        uow.rounds.save_entry(code, member, totals, device)
        if not others:
            uow.commit()
            return "waiting", []
        other, their = next(iter(others.items()))
        first, second = Entry(other, their.totals), Entry(member, tuple(totals))
        differ = mismatches(round_.subjects, first, second)
        if differ:
            uow.commit()
            return "differ", [m.subject.name for m in differ]
        _save_agreed(uow, code, round_, first, second)
        uow.rounds.clear_entries(code)
        uow.commit()
    return "saved", []
