"""Records of random rounds decrypt to their plain counts; malformed records fail cleanly (§12)."""

from __future__ import annotations

import contextlib
import copy
import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tinnhiem.crypto.errors import VerificationError
from tinnhiem.crypto.manifest import LEVEL_LISTS, Manifest
from tinnhiem.crypto.record import to_json
from tinnhiem.crypto.verify import verify
from tinnhiem.testing.simulate import seeded_nonce, simulate

JSON = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-(2**80), max_value=2**80) | st.text(max_size=70),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=12,
)


@st.composite
def rounds(draw: st.DrawFn) -> tuple[Manifest, list[list[int | None]], int, int]:
    levels = draw(st.sampled_from(LEVEL_LISTS))
    max_ballots = draw(st.integers(1, 5))
    subjects = tuple(f"Người {i}" for i in range(draw(st.integers(1, 3))))
    n = draw(st.integers(2, 4))
    k = draw(st.integers(2, n))
    choice = st.none() | st.integers(0, len(levels) - 1)
    ballots = draw(st.lists(st.lists(choice, min_size=len(subjects), max_size=len(subjects)),
                            min_size=0, max_size=max_ballots))
    return Manifest("prop", subjects, levels, max_ballots, seeded_nonce(draw(st.integers(0, 9)))), ballots, n, k


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rounds(), st.integers(0, 2**32))
def test_decrypted_counts_are_the_plain_counts(round_: tuple[Manifest, list[list[int | None]], int, int],
                                               seed: int) -> None:
    """Any round with N ≤ max_ballots, either level list, any k of n: the record verifies to the plain counts."""
    manifest, ballots, n, k = round_
    verified = verify(to_json(simulate(manifest, ballots, members=n, threshold=k, spoil=0, seed=seed)))
    plain = tuple(tuple(sum(1 for b in ballots if b[j] == level) for level in range(len(manifest.levels)))
                  for j in range(len(manifest.subjects)))
    assert plain == verified.counts


@settings(max_examples=6, deadline=None)
@given(st.integers(1, 3), st.integers(0, 2**32))
def test_one_ballot_over_max_ballots_is_refused(max_ballots: int, seed: int) -> None:
    """N = max_ballots + 1 is refused by the verifier, whatever the counts decode to."""
    manifest = Manifest("prop", ("A",), LEVEL_LISTS[0], max_ballots, seeded_nonce(seed))
    record = to_json(simulate(manifest, [[0]] * (max_ballots + 1), spoil=0, seed=seed))
    try:
        verify(record)
    except VerificationError as error:
        assert "ballot-limit" == error.code
    else:
        raise AssertionError("accepted")


@settings(max_examples=300, deadline=None)
@given(JSON)
def test_any_json_fails_cleanly(data: Any) -> None:
    """Whatever JSON value is given, the verifier answers with a named check, never a traceback."""
    with contextlib.suppress(VerificationError):
        verify(data)


SMALL = to_json(simulate(Manifest("fuzz", ("A", "B"), LEVEL_LISTS[0], 3, seeded_nonce(1)), [[0, None], [2, 1]],
                         seed=1, paper=1))


def paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(value, dict):
        for key, item in value.items():
            found += paths(item, (*prefix, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            found += paths(item, (*prefix, i))
    return found


PATHS = paths(SMALL)[1:]


@settings(max_examples=400, deadline=None)
@given(st.sampled_from(PATHS), JSON)
def test_any_mutation_of_a_valid_record_fails_cleanly(where: tuple[Any, ...], value: Any) -> None:
    """Replacing any part of a valid record by any JSON value fails with a named check, or changes nothing."""
    record = copy.deepcopy(SMALL)
    parent = record
    for key in where[:-1]:
        parent = parent[key]
    parent[where[-1]] = value
    try:
        verify(json.loads(json.dumps(record)))
    except VerificationError:
        return
    informational = where[:2] == ("committee", "commitments") and where[-1] == "name"  # §11: not proven
    # A record without its challenged ballots is the record of a round where nobody challenged: only the
    # voters who hold the spoiled codes can tell (they look them up, §6.5), not the verifier.
    no_challenges = where == ("spoiled",) and value == []
    assert informational or no_challenges or SMALL == record  # otherwise only a no-op replacement verifies
