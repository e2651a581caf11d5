"""Periods and time-elapsed progress (序时进度).

The programme is tracked on periods named like statistics bureaus name them: a year
``2025``, a quarter ``2025Q3`` and, for projects, a month ``2025-09``. 序时进度 is the
share of a span that has elapsed at the end of a period, counted in months: at the end
of 2025Q3 a yearly flow should be 9/12 = 75% done (一、(二); 三、(七) 季度跟踪).

Pure Python: no Django here (enforced by import-linter).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from enum import StrEnum
from functools import total_ordering


class PeriodType(StrEnum):
    YEAR = "Y"
    QUARTER = "Q"
    MONTH = "M"


_PERIOD_RE = re.compile(r"^(?P<year>\d{4})(?:(?:Q(?P<q>[1-4]))|(?:-(?P<m>0[1-9]|1[0-2])))?$")


class PeriodError(ValueError):
    """A period id that is not ``YYYY``, ``YYYYQn`` or ``YYYY-MM``."""


@total_ordering
@dataclass(frozen=True, slots=True)
class Period:
    """A calendar span identified as ``2025``, ``2025Q3`` or ``2025-09``.

    Periods order by their end month, then by length (a quarter sorts before the year
    that ends in the same month), which is the order in which data arrives.
    """

    type: PeriodType
    year: int
    index: int = 0  # quarter 1–4 or month 1–12; 0 for a year

    @classmethod
    def parse(cls, text: str) -> Period:
        match = _PERIOD_RE.match(text.strip().upper())
        if not match:
            raise PeriodError(
                f"期间格式无效 / invalid period {text!r}: expected YYYY, YYYYQn or YYYY-MM"
            )
        year = int(match["year"])
        if match["q"]:
            return cls(PeriodType.QUARTER, year, int(match["q"]))
        if match["m"]:
            return cls(PeriodType.MONTH, year, int(match["m"]))
        return cls(PeriodType.YEAR, year)

    @classmethod
    def year_of(cls, year: int) -> Period:
        return cls(PeriodType.YEAR, year)

    @classmethod
    def quarter_of(cls, year: int, quarter: int) -> Period:
        return cls(PeriodType.QUARTER, year, quarter)

    @classmethod
    def quarter_containing(cls, day: dt.date) -> Period:
        return cls(PeriodType.QUARTER, day.year, (day.month - 1) // 3 + 1)

    @classmethod
    def last_complete_quarter(cls, today: dt.date) -> Period:
        """The latest quarter that has ended on ``today`` (data is reported after it)."""
        current = cls.quarter_containing(today)
        return current.previous()

    def __str__(self) -> str:
        if self.type is PeriodType.QUARTER:
            return f"{self.year}Q{self.index}"
        if self.type is PeriodType.MONTH:
            return f"{self.year}-{self.index:02d}"
        return f"{self.year}"

    @property
    def id(self) -> str:
        return str(self)

    @property
    def first_month(self) -> int:
        if self.type is PeriodType.QUARTER:
            return 3 * self.index - 2
        if self.type is PeriodType.MONTH:
            return self.index
        return 1

    @property
    def end_month(self) -> int:
        """Month of the year (1–12) in which the period ends."""
        if self.type is PeriodType.QUARTER:
            return 3 * self.index
        if self.type is PeriodType.MONTH:
            return self.index
        return 12

    @property
    def months(self) -> int:
        return {PeriodType.YEAR: 12, PeriodType.QUARTER: 3, PeriodType.MONTH: 1}[self.type]

    @property
    def start(self) -> dt.date:
        return dt.date(self.year, self.first_month, 1)

    @property
    def end(self) -> dt.date:
        """Last day of the period."""
        if self.end_month == 12:
            return dt.date(self.year, 12, 31)
        return dt.date(self.year, self.end_month + 1, 1) - dt.timedelta(days=1)

    @property
    def month_ordinal(self) -> int:
        """Months since year 0 at the period's end; equal ordinals end together."""
        return self.year * 12 + self.end_month

    @property
    def is_year_end(self) -> bool:
        return self.end_month == 12

    def year_elapsed(self) -> float:
        """序时进度 within the year at the end of this period (2025Q3 → 0.75)."""
        return self.end_month / 12

    def months_elapsed_since(self, start_year: int) -> int:
        """Whole months from 1 January of ``start_year`` to the end of this period."""
        return (self.year - start_year) * 12 + self.end_month

    def previous(self) -> Period:
        if self.type is PeriodType.QUARTER:
            if self.index == 1:
                return Period(PeriodType.QUARTER, self.year - 1, 4)
            return Period(PeriodType.QUARTER, self.year, self.index - 1)
        if self.type is PeriodType.MONTH:
            if self.index == 1:
                return Period(PeriodType.MONTH, self.year - 1, 12)
            return Period(PeriodType.MONTH, self.year, self.index - 1)
        return Period(PeriodType.YEAR, self.year - 1)

    def same_point_last_year(self) -> Period:
        return Period(self.type, self.year - 1, self.index)

    def _key(self) -> tuple[int, int]:
        return (self.month_ordinal, self.months)

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Period):
            return NotImplemented
        return self._key() < other._key()


def quarters_between(first: Period, last: Period) -> list[Period]:
    """Every quarter from the quarter of ``first`` to the quarter of ``last``, inclusive."""
    start = Period.quarter_of(first.year, (first.first_month - 1) // 3 + 1)
    stop = Period.quarter_of(last.year, (last.end_month - 1) // 3 + 1)
    out: list[Period] = []
    cursor = start
    while cursor <= stop:
        out.append(cursor)
        nxt_index = cursor.index + 1
        cursor = (
            Period.quarter_of(cursor.year + 1, 1)
            if nxt_index > 4
            else Period.quarter_of(cursor.year, nxt_index)
        )
    return out
