"""What a commitment of the plan is, in the plan's own terms.

A 135N commitment (一、(二); 二、1.–23.; 三、(一)–(七)) names an indicator, a deadline year
(到2025年 / 到2027年) or every year of the plan (每年), a comparator (以上/不低于/达到 → ≥,
超/突破 → >, 不高于/控制在 → ≤, 左右 → ≈ with a tolerance, 稳步提升 → rising) and a value.
Its *kind* says how progress is counted:

- ``level``  the indicator's value at the deadline (保持在42%以上 by 2025);
- ``flow``   an amount every year (每年新招引…70个以上), judged within each year;
- ``cum``    accumulated over the plan from its first year (累计培育25家);
- ``new``    added during the plan (新增首席质量官260人) — counted like ``cum``;
- ``cover``  every county reaches at least the value (各县(市、区)分别培育1个以上);
- ``first``  at least one, a breakthrough (零的突破);
- ``trend``  keeps rising (稳步提升);
- ``rule``   a standing rule checked every period (容积率一般不低于1.5).

Pure Python: no Django here (enforced by import-linter).
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from enum import StrEnum
from fractions import Fraction


class Kind(StrEnum):
    LEVEL = "level"
    FLOW = "flow"
    CUM = "cum"
    NEW = "new"
    COVER = "cover"
    FIRST = "first"
    TREND = "trend"
    RULE = "rule"


class Comparator(StrEnum):
    GE = "≥"
    GT = ">"
    LE = "≤"
    LT = "<"
    EQ = "="
    APPROX = "≈"
    RISING = "↑"

    @property
    def favours_higher(self) -> bool:
        """True when a bigger actual is better (≥, >, ↑); ≈ and = have no side."""
        return self in (Comparator.GE, Comparator.GT, Comparator.RISING)

    @property
    def favours_lower(self) -> bool:
        return self in (Comparator.LE, Comparator.LT)


# Spellings accepted in a plan file; the canonical symbol is stored.
COMPARATOR_SPELLINGS: dict[str, Comparator] = {
    "≥": Comparator.GE,
    ">=": Comparator.GE,
    ">": Comparator.GT,
    "≤": Comparator.LE,
    "<=": Comparator.LE,
    "<": Comparator.LT,
    "=": Comparator.EQ,
    "==": Comparator.EQ,
    "≈": Comparator.APPROX,
    "~": Comparator.APPROX,
    "↑": Comparator.RISING,
    "rising": Comparator.RISING,
}


class ComparatorError(ValueError):
    pass


def parse_comparator(text: str) -> Comparator:
    try:
        return COMPARATOR_SPELLINGS[text.strip()]
    except KeyError:
        allowed = " ".join(sorted({c.value for c in Comparator}))
        raise ComparatorError(
            f"比较符 {text!r} 无效，应为 {allowed} 之一 / "
            f"invalid comparator {text!r}: use one of {allowed}"
        ) from None


def meets(actual: float, comparator: Comparator, value: float, tolerance: float = 0.0) -> bool:
    """Whether ``actual`` satisfies ``comparator value`` (≈ within a relative tolerance)."""
    if comparator is Comparator.GE:
        return actual >= value
    if comparator is Comparator.GT:
        return actual > value
    if comparator is Comparator.LE:
        return actual <= value
    if comparator is Comparator.LT:
        return actual < value
    if comparator is Comparator.EQ:
        return actual == value
    if comparator is Comparator.APPROX:
        return abs(actual - value) <= tolerance * abs(value)
    raise ComparatorError(f"{comparator} has no fixed value to meet / 趋势类目标没有固定值")


class Scope(StrEnum):
    """Whom a commitment binds: the city as a whole or every county separately."""

    CITY = "city"
    EACH_COUNTY = "each_county"


def parse_number(text: str | int | float | Decimal) -> Decimal:
    """A plan value: ``42``, ``3.4``, ``1.2`` or an exact fraction such as ``2/3``."""
    if isinstance(text, Decimal):
        return text
    if isinstance(text, int | float):
        return Decimal(str(text))
    raw = text.strip()
    try:
        if "/" in raw:
            frac = Fraction(raw)
            return (Decimal(frac.numerator) / Decimal(frac.denominator)).quantize(
                Decimal("0.000001")
            )
        return Decimal(raw)
    except (ValueError, ZeroDivisionError, InvalidOperation):
        raise ValueError(f"数值 {text!r} 无效 / invalid number {text!r}") from None
