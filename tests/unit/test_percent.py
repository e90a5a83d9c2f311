"""R-PCT-2 and R-PCT-3 on worked examples."""

from decimal import Decimal

import pytest

from tinnhiem.domain.model import PercentStyle
from tinnhiem.domain.percent import band, machine, more_than_half, percent, printed


@pytest.mark.parametrize(
    ("count", "base", "expected"),
    [(25, 47, "53.19"), (29, 47, "61.70"), (1, 8, "12.50"), (1, 200, "0.50"), (1, 400, "0.25"), (0, 47, "0.00")],
)
def test_percent_rounds_half_up_to_two_decimals(count: int, base: int, expected: str) -> None:
    """R-PCT-2: half up, never banker's rounding, never binary floats."""
    assert expected == machine(percent(count, base))


def test_half_way_rounds_up_not_to_even() -> None:
    """R-PCT-2: 1/800 = 0.125% rounds to 0.13, where banker's rounding gives 0.12."""
    assert Decimal("0.13") == percent(1, 800)


@pytest.mark.parametrize(
    ("count", "base", "style", "expected"),
    [
        (25, 47, PercentStyle.TWO_DECIMALS, "53,19"),
        (29, 47, PercentStyle.TWO_DECIMALS, "61,70"),
        (323, 485, PercentStyle.DROP_TRAILING_ZEROS, "66,6"),
        (194, 485, PercentStyle.DROP_TRAILING_ZEROS, "40"),
    ],
)
def test_printed_percent_uses_decimal_comma(count: int, base: int, style: PercentStyle, expected: str) -> None:
    """R-PCT-2: "53,19"; the National Assembly's style drops trailing zeros."""
    assert expected == printed(percent(count, base), style)


@pytest.mark.parametrize(
    ("low", "base", "expected"),
    [(23, 47, 1), (24, 47, 2), (31, 47, 2), (32, 47, 3), (2, 4, 1), (3, 4, 3), (4, 6, 3), (3, 6, 1), (4, 7, 2)],
)
def test_band_edges(low: int, base: int, expected: int) -> None:
    """R-PCT-3: exactly half is band 1; exactly two thirds is band 3."""
    assert expected == band(low, base)


def test_no_confidence_needs_more_than_half() -> None:
    """R-NOCONF-2: 2·N > D; exactly half is not enough."""
    assert (False, True) == (more_than_half(5, 10), more_than_half(6, 10))
