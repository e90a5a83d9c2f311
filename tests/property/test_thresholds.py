"""Hypothesis: percentages and bands agree with exact fractions for every count and base."""

from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from tinnhiem.domain.percent import band, percent

bases = st.integers(min_value=1, max_value=10_000)


@given(st.data(), bases)
def test_percent_is_exact_half_up(data: st.DataObject, base: int) -> None:
    """R-PCT-2: the printed value is the exact share rounded half up to hundredths."""
    count = data.draw(st.integers(min_value=0, max_value=base))
    exact = Fraction(100 * count, base)
    hundredths = percent(count, base) * 100
    assert abs(Fraction(int(hundredths)) - exact * 100) <= Fraction(1, 2)
    assert Fraction(int(hundredths)) - exact * 100 != Fraction(-1, 2)  # a tie goes up


@given(st.data(), bases)
def test_band_matches_fractions(data: st.DataObject, base: int) -> None:
    """R-PCT-3: band 3 iff L/D ≥ 2/3; band 2 iff 1/2 < L/D < 2/3."""
    low = data.draw(st.integers(min_value=0, max_value=base))
    share = Fraction(low, base)
    expected = 3 if share >= Fraction(2, 3) else 2 if share > Fraction(1, 2) else 1
    assert expected == band(low, base)


@given(st.integers(min_value=1, max_value=5_000))
def test_band_edges_for_every_base(base: int) -> None:
    """At the exact half the band is 1; one more is 2 (or 3); at ⌈2D/3⌉ it is 3, one less is not."""
    if base % 2 == 0:
        assert 1 == band(base // 2, base)
    assert band(base // 2 + 1, base) >= 2
    two_thirds = -(-2 * base // 3)
    assert 3 == band(two_thirds, base)
    if two_thirds - 1 > base // 2:
        assert 2 == band(two_thirds - 1, base)
