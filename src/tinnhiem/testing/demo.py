"""The demo: two fictional rounds of one province, stored, counted and written out."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from tinnhiem.domain.tally import RoundResult
from tinnhiem.services import rounds
from tinnhiem.services.ports import UnitOfWork

DEMO_CODE = "son-thuy-2026"
EARLIER_CODE = "son-thuy-2023"


def demo_file(name: str = "demo.yaml") -> Path:
    """The path of a demo round file shipped with the package."""
    return Path(str(resources.files(__package__).joinpath(name)))


def demo_record(result: RoundResult, seed: int = 2026) -> dict[str, object]:
    """A public record of the demo round voted electronically: its counts are the demo's counts."""
    from tinnhiem.crypto.record import to_json
    from tinnhiem.services.electronic import choices_for, manifest_for
    from tinnhiem.testing.simulate import seeded_nonce, simulate

    round_ = result.round
    ballots = round_.conference.ballots_returned or 0
    manifest = manifest_for(round_, DEMO_CODE, round_.conference.convened or ballots, seeded_nonce(seed))
    choices = choices_for(round_, [s.totals for s in result.subjects], ballots, seed)
    names = tuple(m.name for m in round_.committee)
    return to_json(simulate(manifest, choices, members=len(names), threshold=3, decrypting=[1, 2, 4],
                            seed=seed, names=names))


def load_demo(uow: UnitOfWork) -> RoundResult:
    """Store both demo rounds (once) and return the counted 2026 round."""
    known = {listing.code for listing in rounds.listing(uow)}
    if EARLIER_CODE not in known:
        rounds.import_round_file(uow, demo_file("demo-2023.yaml"), code=EARLIER_CODE, actor="demo")
    if DEMO_CODE not in known:
        rounds.import_round_file(uow, demo_file(), code=DEMO_CODE, actor="demo")
    return rounds.count(uow, DEMO_CODE)

