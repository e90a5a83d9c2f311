"""The audit's arithmetic against published examples (numbers to check by hand) and by simulation."""

from __future__ import annotations

import hashlib
import random
from decimal import Decimal
from fractions import Fraction

import pytest

from tinnhiem.domain import audit
from tinnhiem.domain.audit import GAMMA, HALF, NO_CONFIDENCE, O1, O2, TWO_THIRDS, U1


def test_gamma_is_the_published_one() -> None:
    assert GAMMA == Fraction("1.03905")


# Lindeman & Stark, "A Gentle Introduction to Risk-Limiting Audits" (2012), ballot-level comparison:
# risk limit 10 %, diluted margin 5 % (a margin of 5 votes in 100 ballots), γ = 1.03905.
#   n = ⌈−2γ·ln(0.1)/0.05⌉ = ⌈2.0781 × 2.302585 / 0.05⌉ = ⌈95.70⌉ = 96 with no discrepancy;
#   with one one-vote understatement: ⌈41.562 × (2.302585 − ln 1.48121 = 0.392860)⌉ = ⌈79.37⌉ = 80.
def test_sample_sizes_of_the_gentle_introduction() -> None:
    tenth = Fraction(1, 10)
    assert audit.sample_size(tenth, 5, 100) == 96
    assert audit.sample_size(tenth, 5, 100, {U1: 1}) == 80
    # one one-vote overstatement: ⌈41.562 × (2.302585 + 0.656241)⌉ = ⌈122.98⌉ = 123
    assert audit.sample_size(tenth, 5, 100, {O1: 1}) == 123
    # and the risk then is below the limit, as the paper says
    assert audit.risk(5, 100, 96, {}) <= tenth
    assert audit.risk(5, 100, 80, {U1: 1}) <= tenth


def test_risk_by_hand() -> None:
    # (1 − 0.05/(2γ))ⁿ: 0.9759396ⁿ; n = 95 gives e^(95·ln 0.9759396) = e^(−2.31369) = 0.0989 ≤ 0.1;
    # n = 94 gives e^(−2.28933) = 0.1013 > 0.1 (the published n, 96, rounds the logarithm up)
    assert audit.risk(5, 100, 95, {}) <= Fraction(1, 10) < audit.risk(5, 100, 94, {})
    assert audit.risk(5, 100, 1, {}) == 1 - Fraction(5, 100) / (2 * GAMMA)
    # a two-vote overstatement multiplies the risk by 1/(1 − 1/γ) = 26.6…
    assert audit.risk(5, 100, 200, {O2: 1}) / audit.risk(5, 100, 200, {}) == 1 / (1 - 1 / GAMMA)
    assert audit.risk(5, 100, 0, {}) == 1
    assert audit.risk(5, 100, 10, {O2: 3}) == 1  # never above one


def test_risk_of_the_stat157_example() -> None:
    # Stark's course example (S157, Fall 2017): 200 ballots, one one-vote overstatement, margin
    # 354,040 − 337,589 votes of 724,863: P = 0.21438135077031845 (computed there in floating point)
    value = audit.risk(354040 - 337589, 354040 + 337589 + 33234, 200, {O1: 1})
    assert round(Decimal(value.numerator) / Decimal(value.denominator), 12) == Decimal("0.214381350770")


def test_lines_on_integers() -> None:
    assert HALF.lowest(300) == 151 and HALF.lowest(301) == 151 and HALF.lowest(47) == 24
    assert TWO_THIRDS.lowest(300) == 200 and TWO_THIRDS.lowest(47) == 32 and TWO_THIRDS.lowest(301) == 201
    assert NO_CONFIDENCE.lowest(10) == 6


def test_assertions_and_margins() -> None:
    (half, third) = audit.assertions((HALF, TWO_THIRDS), 300, [156], [0], 300)
    assert half.above and not third.above
    assert half.margin == 2 * 156 - 301 == 11 and third.margin == 399 - 312 == 87
    assert half.votes(True, False) == 2 and half.votes(False, True) == -2 and half.votes(True, True) == 0
    assert third.votes(True, False) == -2 and third.votes(False, True) == 2
    # electronic ballots alone reach the line, or the paper cannot: nothing to confirm
    (sure,) = audit.assertions((HALF,), 300, [200], [160], 140)
    assert sure.certain
    (never,) = audit.assertions((HALF,), 300, [100], [0], 140)
    assert never.certain
    assert audit.standing(sure, Fraction(1, 20), []).confirmed


def test_the_draw_is_sha256_of_seed_and_index() -> None:
    seed = "12345678901234567890"
    expected = int(hashlib.sha256(b"12345678901234567890,1").hexdigest(), 16) % 300 + 1
    assert audit.draw(seed, 1, 300) == expected
    assert audit.draws(seed, 3, 300) == tuple(audit.draw(seed, i, 300) for i in (1, 2, 3))
    assert len(set(audit.draws(seed, 2000, 300))) == 300  # every sheet can be drawn
    assert audit.check_seed("1234 5678 9012 3456 7890") == seed
    for bad in ("123", "12345678901234567890x", "１２３４５６７８９０１２３４５６７８９０"):
        with pytest.raises(ValueError):
            audit.check_seed(bad)


def test_risk_limit_as_typed() -> None:
    assert audit.risk_limit("5") == audit.risk_limit("5 %") == audit.risk_limit("0,05") == Fraction(1, 20)
    for bad in ("0", "60", "abc", "-1", "nan"):
        with pytest.raises(ValueError):
            audit.risk_limit(bad)
    assert audit.percent_text(Fraction(1, 3)) == "33,33"


def _audit(seed: str, alpha: Fraction, machine: list[bool], paper: list[bool], base: int) -> audit.Verdict:
    """The whole audit of one subject against its two band lines: rounds until nothing is open."""
    claims = audit.assertions((HALF, TWO_THIRDS), base, [sum(machine)], [0], len(machine))
    drawn, result = 0, audit.verdict(claims, alpha, {}, 0)
    while result.open:
        drawn = result.wanted
        places = audit.draws(seed, drawn, len(machine))
        found = {i: [c.votes(machine[p - 1], paper[p - 1]) for p in places] for i, c in enumerate(claims)}
        result = audit.verdict(claims, alpha, found, drawn)
    return result


def _stack(rng: random.Random, n: int, low: int, wrong: int, up: bool) -> tuple[list[bool], list[bool]]:
    paper = [i < low for i in range(n)]
    rng.shuffle(paper)
    machine = list(paper)
    candidates = [i for i, x in enumerate(paper) if x != up]
    for i in rng.sample(candidates, wrong):
        machine[i] = up
    return machine, paper


@pytest.mark.parametrize(("low", "wrong", "up"), [(140, 16, True), (120, 40, True), (150, 1, True), (150, 3, True),
                                                  (151, 2, False), (195, 6, True), (205, 8, False)])
def test_a_reader_that_changes_a_band_is_caught(low: int, wrong: int, up: bool) -> None:
    """300 sheets, base 300: the machine's errors move a band; at a 5 % limit the audit sends the
    leader to a hand count in at least 95 % of 200 runs (the draws of 200 seeds)."""
    alpha, rng, caught = Fraction(1, 20), random.Random(low * 1000 + wrong), 0
    for run in range(200):
        machine, paper = _stack(rng, 300, low, wrong, up)
        assert (sum(machine) >= 151, sum(machine) >= 200) != (sum(paper) >= 151, sum(paper) >= 200)
        result = _audit(f"{run:020d}", alpha, machine, paper, 300)
        caught += result.hand_count == (0,)
    assert caught >= 190, caught


def test_a_right_reader_is_confirmed_with_few_sheets() -> None:
    alpha, rng = Fraction(1, 20), random.Random(7)
    for run in range(50):
        machine, paper = _stack(rng, 300, 180, 0, True)
        result = _audit(f"{run:020d}", alpha, machine, paper, 300)
        assert result.confirmed and result.wanted == audit.first_sample(
            alpha, audit.assertions((HALF, TWO_THIRDS), 300, [180], [0], 300))
        # the closer line is two thirds (200): V = 399 − 360 = 39, ⌈2.0781 × 2.99573 × 300 / 39⌉ = 48 draws
        assert result.wanted == 48
