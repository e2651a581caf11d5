"""Synthetic demo figures: plausible, deterministic, and always labelled synthetic.

Nothing here is real data. Each indicator gets quarterly figures from the plan's first
quarter to ``last``: amounts that happen in a period (flows) as year-to-date totals split
across counties by a fixed economic weight, levels and ratios on a path from the public
baseline (DOMAIN.md) or a synthetic one towards the target. Each target is given a
"pace" so that some are ahead, some on time, some behind and a few without recent data:
the demo shows every light. Pure Python; the ``demo_data`` command writes the rows.
"""

from __future__ import annotations

import random
import zlib
from collections.abc import Sequence
from dataclasses import dataclass

from zhizao.core.domain import Period, quarters_between

# Share of the city's amounts by county (synthetic weights, roughly economic size).
COUNTY_WEIGHTS: dict[str, float] = {
    "330402": 0.12,
    "330411": 0.11,
    "330421": 0.14,
    "330424": 0.09,
    "330481": 0.19,
    "330482": 0.16,
    "330483": 0.19,
}
# Year-to-date share of a year's amount reached by the end of each quarter.
SEASON = (0.0, 0.21, 0.46, 0.72, 1.0)
# Paces cycle over targets so that every light occurs; > 1 is ahead of time.
PACES = (1.12, 1.0, 0.97, 0.78, 0.55, 1.05, 0.9, 0.3, 1.2, 0.85)
NO_RECENT_DATA_EVERY = 13  # every 13th indicator stops reporting after 2024


@dataclass(frozen=True, slots=True)
class IndicatorShape:
    code: str
    measure: str  # stock | flow
    aggregation: str  # sum | ratio | none
    decimals: int
    kind: str  # kind of the indicator's first target
    comparator: str
    value: float | None
    year: int | None
    each_year: bool
    scope: str
    baseline: float | None  # public city baseline, if any
    baseline_year: int | None


@dataclass(frozen=True, slots=True)
class DemoValue:
    indicator: str
    unit: str
    period: Period
    value: float


def _rng(seed: int, *parts: object) -> random.Random:
    key = "|".join(str(p) for p in parts).encode("utf-8")
    return random.Random(seed * 1_000_003 + zlib.crc32(key))


def generate(
    shapes: Sequence[IndicatorShape],
    *,
    seed: int,
    city: str,
    counties: Sequence[str],
    zones: dict[str, str],
    start_year: int,
    baseline_year: int,
    last: Period,
) -> list[DemoValue]:
    """Every synthetic figure for every indicator and unit, 2023Q1 … ``last``."""
    quarters = quarters_between(Period.quarter_of(start_year, 1), last)
    out: list[DemoValue] = []
    for index, shape in enumerate(shapes):
        pace = PACES[index % len(PACES)]
        stop = (
            Period.quarter_of(start_year + 1, 4)
            if index % NO_RECENT_DATA_EVERY == NO_RECENT_DATA_EVERY - 1
            else last
        )
        qs = [q for q in quarters if q <= stop]
        rng = _rng(seed, shape.code)
        if shape.scope == "each_county" or shape.kind in ("cover", "first"):
            out += _binary(shape, rng, qs, city, counties, pace)
        elif shape.measure == "flow":
            out += _flow(shape, rng, qs, city, counties, zones, pace, start_year)
        else:
            out += _stock(shape, rng, qs, city, counties, zones, pace, baseline_year)
    return out


def _round(value: float, decimals: int) -> float:
    return round(value, max(decimals, 0) + 1)


def _annual_amount(shape: IndicatorShape, start_year: int) -> float:
    value = shape.value if shape.value is not None else 100.0
    if shape.kind in ("cum", "new") and shape.year is not None:
        return value / (shape.year - start_year + 1)
    return value


def _flow(
    shape: IndicatorShape,
    rng: random.Random,
    quarters: Sequence[Period],
    city: str,
    counties: Sequence[str],
    zones: dict[str, str],
    pace: float,
    start_year: int,
) -> list[DemoValue]:
    out: list[DemoValue] = []
    annual = _annual_amount(shape, start_year) * pace
    if shape.comparator == "≈":
        annual = _annual_amount(shape, start_year) * (1 + (pace - 1) * 0.15)
    integer = shape.decimals == 0
    county_year: dict[tuple[str, int], float] = {}
    for q in quarters:
        city_total = 0.0
        this_quarter: dict[str, float] = {}
        for code in counties:
            key = (code, q.year)
            if key not in county_year:
                growth = 1 + 0.03 * (q.year - start_year)
                county_year[key] = (
                    annual * COUNTY_WEIGHTS.get(code, 1 / 7) * growth * rng.uniform(0.85, 1.15)
                )
            ytd = county_year[key] * SEASON[q.index]
            ytd = float(round(ytd)) if integer else _round(ytd, shape.decimals)
            city_total += ytd
            this_quarter[code] = ytd
            out.append(DemoValue(shape.code, code, q, ytd))
        if shape.aggregation == "sum":
            out.append(DemoValue(shape.code, city, q, _round(city_total, shape.decimals)))
        else:
            out.append(
                DemoValue(shape.code, city, q, _round(annual * SEASON[q.index], shape.decimals))
            )
        for zone, host in zones.items():
            out.append(
                DemoValue(shape.code, zone, q, _round(this_quarter[host] * 0.4, shape.decimals))
            )
    return out


def _stock(
    shape: IndicatorShape,
    rng: random.Random,
    quarters: Sequence[Period],
    city: str,
    counties: Sequence[str],
    zones: dict[str, str],
    pace: float,
    baseline_year: int,
) -> list[DemoValue]:
    out: list[DemoValue] = []
    target = shape.value if shape.value is not None else 10.0
    lower_better = shape.comparator in ("≤", "<")
    if shape.baseline is not None:
        base, base_year = shape.baseline, shape.baseline_year or baseline_year
    else:
        base, base_year = target * (1.12 if lower_better else 0.8), baseline_year
        if shape.kind == "rule":
            base = target
        out.append(DemoValue(shape.code, city, Period.year_of(base_year), _round(base, 2)))
    deadline = shape.year or (quarters[-1].year if quarters else base_year + 5)
    span = max(1, (deadline - base_year) * 12)
    offsets = {code: rng.uniform(-0.12, 0.12) for code in (*counties, *zones)}
    for q in quarters:
        t = min(1.0, max(0.0, (q.month_ordinal - (base_year * 12 + 12)) / span))
        if shape.kind == "rule":
            # A standing rule: most periods comply, a paced few do not.
            city_value = target * (1.04 if not lower_better else 0.96) * (1 if pace >= 0.9 else 0.9)
        elif shape.kind == "trend":
            city_value = base * (1 + 0.01 * pace * (q.month_ordinal - base_year * 12 - 12) / 12)
            if pace < 0.6:
                city_value = base * (1 - 0.004 * (q.month_ordinal - base_year * 12 - 12) / 12)
        elif shape.each_year:
            city_value = target * (pace if not lower_better else 2 - pace) * rng.uniform(0.98, 1.02)
        else:
            city_value = (
                base
                + (target - base) * t * pace * 1.03
                + (target - base) * rng.uniform(-0.02, 0.02)
            )
        if shape.decimals == 0 and shape.aggregation == "sum":
            city_value = float(round(city_value))
        if shape.aggregation == "sum":
            parts = {c: city_value * COUNTY_WEIGHTS.get(c, 1 / 7) for c in counties}
            total = 0.0
            for c, v in parts.items():
                v = float(round(v)) if shape.decimals == 0 else _round(v, shape.decimals)
                total += v
                out.append(DemoValue(shape.code, c, q, v))
            out.append(DemoValue(shape.code, city, q, _round(total, shape.decimals)))
            for zone, host in zones.items():
                out.append(
                    DemoValue(shape.code, zone, q, _round(parts[host] * 0.4, shape.decimals))
                )
        else:
            out.append(DemoValue(shape.code, city, q, _round(city_value, shape.decimals)))
            for c in (*counties, *zones):
                out.append(
                    DemoValue(
                        shape.code, c, q, _round(city_value * (1 + offsets[c]), shape.decimals)
                    )
                )
    return out


def _binary(
    shape: IndicatorShape,
    rng: random.Random,
    quarters: Sequence[Period],
    city: str,
    counties: Sequence[str],
    pace: float,
) -> list[DemoValue]:
    """Counts that matter as "at least one": which counties have reached it, and when."""
    out: list[DemoValue] = []
    reached: dict[str, Period | None] = {}
    pool = list(quarters)
    for i, code in enumerate(counties):
        # Most counties reach it at some quarter; with a slow pace some never do.
        if pool and (i / max(1, len(counties))) < min(1.0, pace * 0.8):
            reached[code] = pool[rng.randrange(len(pool))]
        else:
            reached[code] = None
    city_reached = pool[len(pool) // 2] if pool and pace >= 0.9 else None
    for q in quarters:
        total = 0
        for code in counties:
            when = reached[code]
            v = 1 if when is not None and q >= when else 0
            total += v
            out.append(DemoValue(shape.code, code, q, float(v)))
        if shape.scope == "each_county":
            out.append(DemoValue(shape.code, city, q, float(total)))
        else:
            out.append(
                DemoValue(shape.code, city, q, 1.0 if city_reached and q >= city_reached else 0.0)
            )
    return out


def allocations(
    targets: Sequence[tuple[str, float, int]], *, counties: Sequence[str]
) -> list[tuple[str, str, float]]:
    """A synthetic 倒排 split of additive city targets among counties by economic weight.

    ``targets`` are (code, value, decimals). Every fifth split falls 8% short of the city
    target, so that the roll-up check has something to find.
    """
    out: list[tuple[str, str, float]] = []
    for index, (code, value, decimals) in enumerate(targets):
        factor = 0.92 if index % 5 == 4 else 1.02
        for county in counties:
            share = value * COUNTY_WEIGHTS.get(county, 1 / max(1, len(counties))) * factor
            out.append((code, county, round(share, max(decimals, 0) + 1)))
    return out
