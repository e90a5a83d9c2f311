"""Electronic rounds meet the count: a verified record becomes the same ``Totals`` as paper.

The decrypted counts of each subject, with its empty rows as invalid rows (R-VALID-2),
go through ``domain.tally`` like any paper count, so percentages, bands and minutes
come out the same way.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from typing import Any

from tinnhiem.crypto.manifest import Manifest
from tinnhiem.crypto.record import from_json
from tinnhiem.crypto.verify import Verified
from tinnhiem.domain.errors import InvalidInput
from tinnhiem.domain.model import LEVELS, Level, Round, Totals
from tinnhiem.services.ports import UnitOfWork


def manifest_for(round_: Round, code: str, max_ballots: int, election_nonce: str) -> Manifest:
    """The cryptographic manifest of a stored round: its code, subjects in ballot order, levels, and the
    election's nonce (``crypto.manifest.new_election_nonce()`` when the ceremony starts)."""
    return Manifest(
        round_id=code,
        subjects=tuple(f"{s.name} — {s.position}" for s in round_.subjects),
        levels=tuple(level.value for level in LEVELS[round_.kind]),
        max_ballots=max_ballots,
        election_nonce=election_nonce,
    )


def totals_from_verified(manifest: Manifest, verified: Verified) -> tuple[Totals, ...]:
    """Each subject's decrypted counts, level by level, and its empty rows as invalid rows."""
    levels = [Level(name) for name in manifest.levels]
    return tuple(
        Totals(dict(zip(levels, counts, strict=True)), empty)
        for counts, empty in zip(verified.counts, verified.empty, strict=True)
    )


def add_totals(a: Sequence[Totals], b: Sequence[Totals]) -> tuple[Totals, ...]:
    """Paper and electronic totals of the same round, added subject by subject."""
    return tuple(
        Totals({level: x.counts[level] + y.counts[level] for level in x.counts}, x.invalid + y.invalid)
        for x, y in zip(a, b, strict=True)
    )


def choices_for(round_: Round, totals: Sequence[Totals], ballots: int, seed: int) -> list[list[int | None]]:
    """Ballots whose rows add up to ``totals`` (for demos and tests): shuffled per subject."""
    levels = LEVELS[round_.kind]
    generator = random.Random(seed)
    columns = []
    for row in totals:
        column: list[int | None] = [i for i, level in enumerate(levels) for _ in range(row.counts[level])]
        column += [None] * (ballots - len(column))
        generator.shuffle(column)
        columns.append(column)
    return [list(ballot) for ballot in zip(*columns, strict=True)]


def record_electronic(uow: UnitOfWork, code: str, data: Mapping[str, Any], verified: Verified) -> tuple[Totals, ...]:
    """Store a verified record's totals as the round's electronic channel, if it is this round's record."""
    manifest = from_json(data).manifest
    with uow:
        round_ = uow.rounds.get(code)
        if manifest != manifest_for(round_, code, manifest.max_ballots, manifest.election_nonce):
            raise InvalidInput("record-mismatch", field="manifest")
        totals = totals_from_verified(manifest, verified)
        uow.rounds.save_totals(code, totals, channel="electronic")
        uow.rounds.audit(code, "electronic-counted", "", {"ballots": verified.ballots})
        uow.commit()
    return totals
