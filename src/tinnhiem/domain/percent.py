"""Percentages and thresholds on exact integers (R-PCT-1, R-PCT-2, R-PCT-3).

No float touches a result: a share is rounded half up with integer arithmetic,
and the bands compare integers, never the rounded percentage.
"""

from __future__ import annotations

from decimal import Decimal

from tinnhiem.domain.model import PercentStyle


def percent(count: int, base: int) -> Decimal:
    """``count / base`` as a percentage rounded half up to 2 decimals (R-PCT-2).

    25/47 -> 53.19, 29/47 -> 61.70. Integer arithmetic: floor((2·10⁴·c + D) / 2D).
    """
    if base <= 0:
        raise ValueError("base must be positive")
    if count < 0:
        raise ValueError("count must not be negative")
    hundredths = (2 * 10_000 * count + base) // (2 * base)
    return Decimal(hundredths).scaleb(-2)


def machine(value: Decimal) -> str:
    """Machine-readable form: exactly two decimals with a dot ("53.19")."""
    return f"{value:.2f}"


def printed(value: Decimal, style: PercentStyle = PercentStyle.TWO_DECIMALS) -> str:
    """Printed form with a decimal comma: "53,19"; "66,6" and "40" when dropping zeros."""
    text = f"{value:.2f}"
    if style is PercentStyle.DROP_TRAILING_ZEROS:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",")


def band(low: int, base: int) -> int:
    """The band of a confidence result (R-PCT-3), decided on integers.

    1: at most half low; 2: more than half and less than two thirds; 3: two thirds or more.
    """
    if 3 * low >= 2 * base:
        return 3
    if 2 * low > base:
        return 2
    return 1


def more_than_half(count: int, base: int) -> bool:
    """R-NOCONF-2: more than half of the base, ``2·N > D``."""
    return 2 * count > base


def at_least_share(count: int, base: int, numerator: int, denominator: int) -> bool:
    """``count / base >= numerator / denominator``, on integers."""
    return denominator * count >= numerator * base
