"""The arithmetic of a ballot-comparison risk-limiting audit of the paper count (docs/paper.md, "Audit").

The method is the ballot-level comparison audit of Lindeman & Stark, "A Gentle Introduction to
Risk-Limiting Audits" (IEEE Security & Privacy, 2012), with the Kaplan–Markov risk of Stark's
"Super-simple simultaneous single-ballot risk-limiting audits" (EVT/WOTE 2010), written as the
comparison assertions of Stark's SHANGRLA ("Sets of half-average nulls generate risk-limiting
audits", 2020). Each outcome to confirm is a line a leader's count of low (or no-confidence)
rows is above or below; the machine's reading of each drawn sheet is compared with what two
members read on the paper, and every row that crosses a line is a discrepancy of that line.

Pure: the risk is an exact ``Fraction``, compared exactly with the risk limit; only the sample
size (a number of sheets to draw, never a result) uses ``Decimal`` logarithms, as the published
formula does.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING, Context, Decimal
from fractions import Fraction

#: Error inflation γ of the published examples (Lindeman & Stark 2012): a single two-vote
#: overstatement does not by itself force a full hand count.
GAMMA = Fraction(103905, 100000)

#: Discrepancy classes, in votes of a line's margin (a row moved across a line is two votes:
#: one taken from one side and given to the other).
O1, O2, U1, U2 = "o1", "o2", "u1", "u2"
CLASS_VOTES: Mapping[str, int] = {O1: 1, O2: 2, U1: -1, U2: -2}

SEED_DIGITS = 20  # the least number of digits of a seed (twenty throws of a ten-sided die)


@dataclass(frozen=True, slots=True)
class Line:
    """A threshold of the rule set: ``denominator·L > numerator·D`` (strict) or ``≥``."""

    name: str  # half | two-thirds | no-confidence
    numerator: int
    denominator: int
    strict: bool

    def lowest(self, base: int) -> int:
        """The least count of rows that reaches the line with base ``base``."""
        if self.strict:
            return self.numerator * base // self.denominator + 1
        return -(-self.numerator * base // self.denominator)


HALF = Line("half", 1, 2, True)  # more than half low: band 2 (R-PCT-3)
TWO_THIRDS = Line("two-thirds", 2, 3, False)  # two thirds or more low: band 3
NO_CONFIDENCE = Line("no-confidence", 1, 2, True)  # more than half no-confidence (R-NOCONF-2)


@dataclass(frozen=True, slots=True)
class Assertion:
    """One outcome of one subject: its count ``reported`` (all channels) is at or above the line
    (``above``) or below it. ``paper`` rows could change it (the sheets that hold the subject)."""

    subject: int
    line: Line
    lowest: int  # the least count reaching the line
    reported: int  # the count as reported (paper as the machine and committee read it, plus electronic)
    paper: int  # paper sheets in the audited stack (N)
    certain: bool  # the paper cannot move the count across the line: nothing to confirm

    @property
    def above(self) -> bool:
        return self.reported >= self.lowest

    @property
    def margin(self) -> int:
        """The margin in votes, V = |2·reported − (2·lowest − 1)|: always odd, never zero."""
        return abs(2 * self.reported - (2 * self.lowest - 1))

    def diluted(self) -> Fraction:
        """μ = V / N."""
        return Fraction(self.margin, self.paper)

    def votes(self, machine: bool, people: bool) -> int:
        """Overstatement of this outcome by one row, in votes: +2 when the machine's reading
        favours the reported outcome and the paper's does not, −2 the other way, else 0."""
        if machine == people:
            return 0
        favours = machine if self.above else people
        return 2 if favours else -2


def assertions(lines: Sequence[Line], base: int, reported: Sequence[int], electronic: Sequence[int],
               paper: int, rows: Sequence[int] | None = None) -> tuple[Assertion, ...]:
    """The outcomes to confirm: each subject (index in ``reported``) against each line.

    ``reported``: each subject's count of the line's level (paper and electronic); ``electronic``:
    its electronic part (not audited here: verified by its own proofs); ``paper``: sheets in the stack;
    ``rows``: per subject, the sheets holding its row (all ``paper`` when None).
    """
    out = []
    for subject, (count, fixed) in enumerate(zip(reported, electronic, strict=True)):
        reach = paper if rows is None else rows[subject]
        for line in lines:
            lowest = line.lowest(base)
            certain = fixed >= lowest or fixed + reach < lowest
            out.append(Assertion(subject, line, lowest, count, paper, certain))
    return tuple(out)


def risk(margin: int, paper: int, drawn: int, found: Mapping[str, int], gamma: Fraction = GAMMA) -> Fraction:
    """The Kaplan–Markov risk of a comparison audit after ``drawn`` draws with replacement
    (Stark 2010, eq. for P_KM; Lindeman & Stark 2012, "ballot-level comparison audits"):

        P = (1 − μ/(2γ))ⁿ / Π (1 − e/(2γ))^(count of class e),   μ = V/N, e ∈ {1, 2, −1, −2}

    exact, at most 1.
    """
    if margin <= 0 or paper <= 0 or gamma <= 1:
        raise ValueError("margin and paper must be positive, gamma above 1")
    mu = Fraction(margin, paper)
    value = (1 - mu / (2 * gamma)) ** drawn
    for name, count in found.items():
        value /= (1 - Fraction(CLASS_VOTES[name]) / (2 * gamma)) ** count
    return min(value, Fraction(1))


_CONTEXT = Context(prec=40)


def _ln(value: Fraction) -> Decimal:
    return _CONTEXT.ln(_CONTEXT.divide(Decimal(value.numerator), Decimal(value.denominator)))


def sample_size(alpha: Fraction, margin: int, paper: int, expected: Mapping[str, int] | None = None,
                gamma: Fraction = GAMMA) -> int:
    """Draws needed for the audit to stop if it finds exactly ``expected`` discrepancies
    (Lindeman & Stark 2012):

        n = ⌈ −2γ·[ln α + o1·ln(1 − 1/(2γ)) + o2·ln(1 − 1/γ) + u1·ln(1 + 1/(2γ)) + u2·ln(1 + 1/γ)] / μ ⌉

    and at least the number of discrepancies. When the bracket is not negative (the discrepancies
    outweigh the risk limit) no finite sample confirms: a count above the stack is returned.
    """
    found = dict(expected or {})
    total = _ln(alpha)
    for name, count in found.items():
        total += count * _ln(1 - Fraction(CLASS_VOTES[name]) / (2 * gamma))
    if total >= 0:
        return paper * max(1, sum(found.values())) + 1
    two_gamma = _CONTEXT.divide(Decimal(2 * gamma.numerator), Decimal(gamma.denominator))
    size = _CONTEXT.divide(-two_gamma * total * paper, Decimal(margin))
    return max(int(size.to_integral_value(rounding=ROUND_CEILING)), sum(found.values()))


def classify(votes: int) -> str | None:
    """The class of an overstatement in votes (None: no discrepancy)."""
    return {2: O2, 1: O1, -1: U1, -2: U2}.get(votes)


def check_seed(seed: str) -> str:
    """The seed as typed (digits only, spaces dropped), or ValueError."""
    digits = "".join(seed.split())
    if not digits.isdigit() or len(digits) < SEED_DIGITS or not digits.isascii():
        raise ValueError(f"the seed needs at least {SEED_DIGITS} digits")
    return digits


def draw(seed: str, index: int, population: int) -> int:
    """The place (1…population) of draw ``index`` (1, 2, …): SHA-256 of ``"SEED,INDEX"`` as an
    unsigned big-endian integer, modulo the population, plus one. An observer repeats it with
    ``python3 -c "import hashlib; print(int(hashlib.sha256(b'SEED,1').hexdigest(), 16) % N + 1)"``.
    (The bias of the modulo is below N / 2²⁵⁶.)"""
    if population <= 0 or index <= 0:
        raise ValueError("population and index must be positive")
    digest = hashlib.sha256(f"{seed},{index}".encode("ascii")).digest()
    return int.from_bytes(digest, "big") % population + 1


def draws(seed: str, count: int, population: int) -> tuple[int, ...]:
    """The first ``count`` draws, with replacement (a place drawn twice counts twice)."""
    return tuple(draw(seed, i, population) for i in range(1, count + 1))


@dataclass(frozen=True, slots=True)
class Standing:
    """An assertion after the sheets read so far: its discrepancies, risk and what comes next."""

    assertion: Assertion
    drawn: int
    found: Mapping[str, int]
    risk: Fraction
    confirmed: bool
    wanted: int  # draws needed in all to stop with the discrepancies found so far (> paper: hand count)

    @property
    def hand_count(self) -> bool:
        """Confirming would need more draws than the stack has sheets: count this subject by hand."""
        return not self.confirmed and self.wanted > self.assertion.paper


def standing(assertion: Assertion, alpha: Fraction, overstatements: Sequence[int],
             gamma: Fraction = GAMMA) -> Standing:
    """Where ``assertion`` stands after draws whose overstatements (votes, one per draw) are given."""
    found: dict[str, int] = {}
    for votes in overstatements:
        name = classify(votes)
        if name is not None:
            found[name] = found.get(name, 0) + 1
    drawn = len(overstatements)
    if assertion.certain:
        return Standing(assertion, drawn, found, Fraction(0), True, 0)
    value = risk(assertion.margin, assertion.paper, drawn, found, gamma)
    confirmed = value <= alpha
    wanted = drawn if confirmed else max(drawn + 1, sample_size(alpha, assertion.margin, assertion.paper, found, gamma))
    return Standing(assertion, drawn, found, value, confirmed, wanted)


def first_sample(alpha: Fraction, claims: Sequence[Assertion], gamma: Fraction = GAMMA) -> int:
    """Draws of the first round: enough for the closest outcome if no discrepancy is found
    (0 when every outcome is certain)."""
    open_ = [a for a in claims if not a.certain]
    if not open_:
        return 0
    return max(sample_size(alpha, a.margin, a.paper, None, gamma) for a in open_)


def risk_limit(text: str) -> Fraction:
    """A risk limit as typed ("5", "5 %", "0.05", "5%"): a fraction in (0, 1/2], or ValueError."""
    cleaned = text.strip().replace(",", ".")
    percent = cleaned.endswith("%")
    cleaned = cleaned.rstrip("%").strip()
    try:
        value = Fraction(Decimal(cleaned))
    except ArithmeticError as exc:
        raise ValueError("not a number") from exc
    if percent or value >= 1:
        value /= 100
    if not 0 < value <= Fraction(1, 2):
        raise ValueError("the risk limit must lie between 0 and 50 %")
    return value


def percent_text(value: Fraction) -> str:
    """A risk as a percentage for people, rounded half up to 2 decimals, with a decimal comma."""
    hundredths = (value * 10_000 * 2 + 1) // 2
    return f"{Decimal(int(hundredths)).scaleb(-2):.2f}".replace(".", ",")



@dataclass(frozen=True, slots=True)
class Verdict:
    """The audit as it stands: outcomes confirmed, subjects to count by hand, draws wanted in all."""

    standings: tuple[Standing, ...]
    wanted: int  # draws wanted in all before the next look (equal to those drawn when nothing is open)

    @property
    def hand_count(self) -> tuple[int, ...]:
        """Subjects whose outcome the sample cannot confirm within the stack: a full hand count."""
        return tuple(sorted({s.assertion.subject for s in self.standings if s.hand_count}))

    @property
    def open(self) -> bool:
        """More sheets are to be drawn (some subject's outcome neither confirmed nor sent to a hand count)."""
        counted = set(self.hand_count)
        return any(not s.confirmed and s.assertion.subject not in counted for s in self.standings)

    @property
    def confirmed(self) -> bool:
        """Every outcome confirmed at the risk limit."""
        return all(s.confirmed for s in self.standings)


def verdict(claims: Sequence[Assertion], alpha: Fraction, overstatements: Mapping[int, Sequence[int]],
            drawn: int, gamma: Fraction = GAMMA) -> Verdict:
    """Each claim's standing after ``drawn`` draws (``overstatements[i]``: claim i's votes per draw, in
    draw order) and the draws wanted next: the largest need among the outcomes still open, at least
    the first sample's size."""
    standings = tuple(standing(c, alpha, overstatements.get(i, ()), gamma) for i, c in enumerate(claims))
    counted = {s.assertion.subject for s in standings if s.hand_count}
    open_ = [s.wanted for s in standings
             if not s.confirmed and not s.hand_count and s.assertion.subject not in counted]
    wanted = max([drawn, first_sample(alpha, claims, gamma), *open_]) if open_ else drawn
    return Verdict(standings, wanted)
