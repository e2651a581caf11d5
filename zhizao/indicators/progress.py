"""进度引擎：序时进度与三色 — how far a 135N commitment has come, and its light.

"五年任务、年度计划、季度跟踪" (三、(七)): every quantitative commitment of the plan
(一、(二); 二、1.–23.) is judged each quarter against 序时进度, the share of its time span
that has elapsed, and rated 红黄绿 ("三色"). The full rule book, with a worked example for
every kind and comparator, is ``docs/progress.md``; in short:

- Data: the latest value at or before the period. Year-to-date amounts (``Measure.FLOW``,
  2025Q3 = 1–9月累计) only count within the period's calendar year; point-in-time levels
  (``Measure.STOCK``) are dropped once older than ``stale_quarters``. Nothing usable → 灰.
- 序时进度 t: a yearly flow (每年…) at 2025Q3 is t = 9/12; a cumulative or new count
  (累计/新增) runs from 1 January of the plan's first year to 31 December of its deadline;
  a level with a baseline (到2025年达到…) runs from the end of the baseline year.
- Path targets (≥ > ≤ <): met → 已完成; otherwise progress p = (actual − start) ÷
  (target − start) and the light follows p − t in points: no more than ``yellow_pts``
  behind 序时 → 绿, no more than ``red_pts`` → 黄, further → 红. Deadline reached and not
  met → 红 (到期未完成). Without a path (no baseline, each-year ratio, baseline already
  meeting the target) the relative shortfall decides: ≤5% 绿, ≤20% 黄, else 红.
- ≈ (左右) is judged inside a tolerance band, = (达到) exactly or by relative gap; cover and
  first (各县全覆盖, 零的突破) turn 黄 and 红 as time runs out; trend (稳步提升) compares
  with the same point last year; a standing rule (容积率不低于1.5) is 绿 or 红.

Every threshold lives in ``LightConfig`` (the programme office sets them; the defaults
follow published 三色 practice: 10 and 30 points behind 序时 → yellow and red).

Pure Python: no Django here (enforced by import-linter).
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Mapping
from dataclasses import dataclass, fields
from decimal import Decimal
from enum import StrEnum
from typing import Any

from zhizao.core.domain import Period, PeriodType
from zhizao.plans.domain import Comparator, Kind, meets


class Light(StrEnum):
    GREEN = "green"
    YELLOW = "yellow"
    RED = "red"
    GREY = "grey"
    ACHIEVED = "achieved"


# Grey means "cannot judge", not "worse than red": it sorts below everything so that a
# rank comparison never mistakes missing data for progress.
LIGHT_RANK: dict[Light, int] = {
    Light.GREY: -1,
    Light.RED: 0,
    Light.YELLOW: 1,
    Light.GREEN: 2,
    Light.ACHIEVED: 3,
}


class Measure(StrEnum):
    """How the bureau reports the indicator.

    ``FLOW`` values are year-to-date within each calendar year (2025Q3 = Jan–Sep total,
    2025Q4 or 2025 = the full year); ``STOCK`` values are point-in-time levels or ratios.
    """

    STOCK = "stock"
    FLOW = "flow"


@dataclass(frozen=True, slots=True)
class LightConfig:
    """三色 thresholds; every one is configuration with a published-practice default."""

    yellow_pts: float = 10.0
    red_pts: float = 30.0
    approx_tolerance: float = 0.05
    relative_yellow: float = 0.05
    relative_red: float = 0.20
    binary_yellow_from: float = 0.5
    binary_red_from: float = 0.8
    trend_flat_tolerance: float = 0.005
    stale_quarters: int = 4

    def __post_init__(self) -> None:
        pairs = (
            ("yellow_pts", self.yellow_pts, "red_pts", self.red_pts),
            ("relative_yellow", self.relative_yellow, "relative_red", self.relative_red),
            (
                "binary_yellow_from",
                self.binary_yellow_from,
                "binary_red_from",
                self.binary_red_from,
            ),
        )
        for low_name, low, high_name, high in pairs:
            if not 0 <= low <= high:
                raise ValueError(
                    f"三色阈值应满足 0 ≤ {low_name} ≤ {high_name}（现为 {low}、{high}） / "
                    f"light thresholds need 0 ≤ {low_name} ≤ {high_name} (got {low}, {high})"
                )
        for name in ("approx_tolerance", "trend_flat_tolerance", "stale_quarters"):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} 不能为负 / {name} must not be negative")

    @classmethod
    def from_mapping(cls, data: Mapping[str, object]) -> LightConfig:
        """Defaults overridden by field name, e.g. from a settings or YAML mapping."""
        known = [f.name for f in fields(cls)]
        overrides: dict[str, Any] = {}
        for key, raw in data.items():
            if key not in known:
                raise ValueError(
                    f"未知的三色配置项 {key!r}（可用：{'、'.join(known)}） / "
                    f"unknown light setting {key!r} (known: {', '.join(known)})"
                )
            overrides[key] = _config_number(key, raw, integer=key == "stale_quarters")
        return cls(**overrides)


def _config_number(key: str, raw: object, *, integer: bool) -> float | int:
    # bool is an int subclass; "true" as a threshold is always a mistake in the file.
    if isinstance(raw, bool) or not isinstance(raw, int | float | str | Decimal):
        raise ValueError(f"配置项 {key} 应为数值 / setting {key} must be a number: {raw!r}")
    try:
        number = float(raw)
    except ValueError:
        raise ValueError(
            f"配置项 {key} 应为数值 / setting {key} must be a number: {raw!r}"
        ) from None
    if not math.isfinite(number) or (integer and number != int(number)):
        raise ValueError(f"配置项 {key} 的值无效 / invalid value for setting {key}: {raw!r}")
    return int(number) if integer else number


DEFAULT_CONFIG = LightConfig()


@dataclass(frozen=True, slots=True)
class TargetSpec:
    """One commitment as the engine needs it (see ``zhizao.plans.domain`` for kinds)."""

    kind: Kind
    comparator: Comparator
    value: float | None  # None only for trend
    tolerance: float | None = None  # relative, for ≈
    year: int | None = None  # deadline year; None for each-year targets and rules
    year_from: int | None = None  # each-year targets: first and last year they apply
    year_to: int | None = None
    plan_start: int = 2023
    plan_end: int = 2027
    baseline: float | None = None  # value at the end of baseline_year (levels, trend)
    baseline_year: int | None = None
    measure: Measure = Measure.STOCK


@dataclass(frozen=True, slots=True)
class Progress:
    light: Light
    reason_zh: str
    reason_en: str
    actual: float | None
    expected: float | None  # where the path says the actual should be now (序时进度)
    target: float | None  # the value this period is judged against (annual for flows)
    gap: float | None  # actual − expected, or actual − target without a path
    achievement_pct: float | None  # 完成率 = actual ÷ target × 100
    progress_pct: float | None  # share of the way from start to target × 100
    time_pct: float | None  # 序时进度 × 100
    as_of: Period | None  # the period whose data was used


# ---------------------------------------------------------------------------- data


# Bureaus publish the full year both as "2024" and as "2024Q4"; the quarterly return is
# the one the programme tracks, so it wins, then a monthly one, then the annual release.
_PREFERENCE = {PeriodType.QUARTER: 0, PeriodType.MONTH: 1, PeriodType.YEAR: 2}

_Point = tuple[Period, float]


class _Series:
    """One value per end month, so a year and its Q4 are never counted twice."""

    __slots__ = ("_keys", "_points")

    def __init__(self, series: Mapping[Period, float]) -> None:
        points: dict[int, _Point] = {}
        for period, raw in series.items():
            value = float(raw)
            if not math.isfinite(value):
                continue  # a NaN from a spreadsheet is a missing figure, not a zero
            held = points.get(period.month_ordinal)
            if held is None or _PREFERENCE[period.type] < _PREFERENCE[held[0].type]:
                points[period.month_ordinal] = (period, value)
        self._points = points
        self._keys = sorted(points)

    def at(self, ordinal: int) -> _Point | None:
        return self._points.get(ordinal)

    def year_end(self, year: int) -> _Point | None:
        return self._points.get(year * 12 + 12)

    def latest(self, upto: int, since: int, *, year_ends_only: bool = False) -> _Point | None:
        for key in reversed(self._keys[: bisect_right(self._keys, upto)]):
            if key < since:
                return None
            if not year_ends_only or key % 12 == 0:
                return self._points[key]
        return None

    def any_before(self, upto: int) -> _Point | None:
        index = bisect_right(self._keys, upto)
        return self._points[self._keys[index - 1]] if index else None


def _pick(view: _Series, ref: Period, mode: str, config: LightConfig) -> _Point | Progress:
    """The value to judge at ``ref``: ``ytd`` (this year's running total), ``stock``
    (a level, not stale) or ``full_year`` (a completed year, this or last)."""
    upto = ref.month_ordinal
    if mode == "ytd":
        found = view.latest(upto, ref.year * 12 + 1)
        limit_zh, limit_en = f"{ref.year} 年尚无年内累计数", f"no year-to-date value for {ref.year}"
    elif mode == "full_year":
        found = view.latest(upto, (ref.year - 1) * 12 + 12, year_ends_only=True)
        limit_zh = f"尚无 {ref.year - 1} 年或之后的全年数"
        limit_en = f"no full-year value for {ref.year - 1} or later"
    else:
        found = view.latest(upto, upto - 3 * config.stale_quarters)
        limit_zh = f"数值已超过 {config.stale_quarters} 个季度"
        limit_en = f"values are older than {config.stale_quarters} quarters"
    if found is not None:
        return found
    older = view.any_before(upto)
    if older is None:
        year_end = ref.months == 12
        end_zh = f"{ref} 年末" if year_end else f"{ref} "
        end_en = f"the end of {ref}" if year_end else str(ref)
        return _grey(f"无数据：截至 {end_zh}没有数值", f"no data: no value up to {end_en}")
    return _grey(
        f"无数据：{limit_zh}（最新为 {older[0]}）",
        f"no data: {limit_en} (latest is {older[0]})",
    )


# ---------------------------------------------------------------------------- evaluate


@dataclass(frozen=True, slots=True)
class _Reading:
    actual: float
    as_of: Period
    t: float | None  # 序时进度; None where the target has no time span
    start: float | None  # where the path starts; None when there is no path
    final: bool  # the span being judged has closed (year end, deadline)
    each_year: bool  # the span is one calendar year (每年…)
    cumulative: bool  # amounts that only add up over the span (flow, cum, new)


def evaluate(
    spec: TargetSpec,
    series: Mapping[Period, float],
    period: Period,
    config: LightConfig = DEFAULT_CONFIG,
) -> Progress:
    """The light of ``spec`` at ``period`` from all values known for one unit."""
    view = _Series(series)
    if period.year < spec.plan_start:
        return _grey(
            f"本期不适用：规划自 {spec.plan_start} 年开始",
            f"not applicable in this year: the plan starts in {spec.plan_start}",
        )
    if spec.kind is Kind.RULE:
        return _evaluate_rule(spec, view, period, config)
    if spec.kind is Kind.TREND or spec.comparator is Comparator.RISING:
        return _evaluate_trend(spec, view, period, config)
    if spec.value is None:
        return _grey("目标值缺失，无法评价", "the target has no value to judge against")
    if spec.kind is Kind.FLOW or (spec.kind is Kind.LEVEL and spec.year is None):
        reading = _read_each_year(spec, view, period, config)
    else:
        reading = _read_deadline(spec, view, period, config)
    if isinstance(reading, Progress):
        return reading
    if spec.kind in (Kind.COVER, Kind.FIRST):
        return _judge_binary(spec, spec.value, reading, config)
    if spec.comparator in (Comparator.APPROX, Comparator.EQ):
        return _judge_band(spec, spec.value, reading, config)
    return _judge_bound(spec, spec.value, reading, config)


def _read_each_year(
    spec: TargetSpec, view: _Series, period: Period, config: LightConfig
) -> _Reading | Progress:
    first = spec.year_from if spec.year_from is not None else spec.plan_start
    last = spec.year_to if spec.year_to is not None else (spec.year or spec.plan_end)
    if not first <= period.year <= last:
        return _grey(
            f"本期不适用：该目标适用于 {first}—{last} 年",
            f"not applicable in this year: the target applies to {first}–{last}",
        )
    # A yearly amount reported year-to-date is a flow whatever the target calls it.
    if spec.kind is Kind.FLOW or spec.measure is Measure.FLOW:
        picked = _pick(view, period, "ytd", config)
        if isinstance(picked, Progress):
            return picked
        as_of, actual = picked
        return _Reading(
            actual,
            as_of,
            t=as_of.year_elapsed(),
            start=0.0,
            final=as_of.is_year_end,
            each_year=True,
            cumulative=True,
        )
    picked = _pick(view, period, "stock", config)
    if isinstance(picked, Progress):
        return picked
    as_of, actual = picked
    # Last December's ratio is the latest word on this year, not this year's result.
    final = as_of.is_year_end and as_of.year == period.year
    return _Reading(
        actual, as_of, t=None, start=None, final=final, each_year=True, cumulative=False
    )


def _read_deadline(
    spec: TargetSpec, view: _Series, period: Period, config: LightConfig
) -> _Reading | Progress:
    deadline = spec.year if spec.year is not None else spec.plan_end
    # After the deadline the question is what was reached by it, so data is chosen as at
    # the deadline's year end; a late figure for a later year does not count.
    after = period.year > deadline
    ref = Period.year_of(deadline) if after else period
    if spec.kind is Kind.LEVEL:
        # A year-to-date amount is not comparable with a level to reach in a full year.
        mode = "full_year" if spec.measure is Measure.FLOW else "stock"
        picked = _pick(view, ref, mode, config)
        if isinstance(picked, Progress):
            return picked
        as_of, actual = picked
        start: float | None = None
        if spec.baseline is not None:
            start = spec.baseline
            base_year = (
                spec.baseline_year if spec.baseline_year is not None else spec.plan_start - 1
            )
            t = _span_share(as_of, base_year, deadline)
        else:
            t = _plan_share(spec, as_of, deadline)
        cumulative = False
    else:
        picked = _pick(view, ref, "ytd" if spec.measure is Measure.FLOW else "stock", config)
        if isinstance(picked, Progress):
            return picked
        as_of, actual = picked
        if spec.measure is Measure.FLOW:
            missing = [y for y in range(spec.plan_start, as_of.year) if view.year_end(y) is None]
            if missing:
                years = "、".join(str(y) for y in missing)
                return _grey(
                    f"缺少 {years} 年全年数据，无法计算累计值",
                    f"no full-year value for {', '.join(map(str, missing))}: "
                    "cannot add up the total",
                )
            actual += math.fsum(
                point[1]
                for y in range(spec.plan_start, as_of.year)
                if (point := view.year_end(y)) is not None
            )
        elif spec.baseline is not None:
            actual -= spec.baseline
        start = 0.0
        t = _plan_share(spec, as_of, deadline)
        cumulative = True
    final = after or as_of.month_ordinal >= deadline * 12 + 12
    return _Reading(
        actual,
        as_of,
        t=1.0 if final else t,
        start=start,
        final=final,
        each_year=False,
        cumulative=cumulative,
    )


def _plan_share(spec: TargetSpec, as_of: Period, deadline: int) -> float:
    total = (deadline - spec.plan_start + 1) * 12
    return _clamp(as_of.months_elapsed_since(spec.plan_start) / total) if total > 0 else 1.0


def _span_share(as_of: Period, from_year: int, to_year: int) -> float:
    total = (to_year - from_year) * 12
    return _clamp((as_of.month_ordinal - (from_year * 12 + 12)) / total) if total > 0 else 1.0


def _clamp(share: float) -> float:
    return min(1.0, max(0.0, share))


# ---------------------------------------------------------------------------- judging


def _judge_bound(spec: TargetSpec, value: float, r: _Reading, config: LightConfig) -> Progress:
    cmp = spec.comparator
    actual = r.actual
    has_path = (
        r.start is not None
        and r.t is not None
        and value != r.start
        and not meets(r.start, cmp, value)
    )
    expected = progress = None
    if has_path and r.start is not None and r.t is not None:
        expected = r.start + (value - r.start) * r.t
        progress = (actual - r.start) / (value - r.start)
    out = _fields(r, value, expected, progress)
    target = f"{cmp.value}{_num(value)}"
    if meets(actual, cmp, value):
        # An each-year ratio can still slip before December, and a capped running total
        # can still overshoot: being inside the bound then is on track, not done.
        if not r.final and (
            (r.each_year and not r.cumulative) or (cmp.favours_lower and r.cumulative)
        ):
            return Progress(
                Light.GREEN,
                f"暂达标：实际 {_num(actual)}，目标 {target}，期末前须保持",
                f"on track: actual {_num(actual)} meets {target} so far; must hold to the end",
                **out,
            )
        return Progress(
            Light.ACHIEVED,
            f"已完成目标：实际 {_num(actual)}，目标 {target}",
            f"target achieved: actual {_num(actual)} vs target {target}",
            **out,
        )
    if r.final and not (r.each_year and not r.cumulative):
        return _closed_short(r, target, out)
    if progress is not None and expected is not None and r.t is not None:
        behind = (r.t - progress) * 100
        light = _band(behind, config.yellow_pts, config.red_pts)
        pts = _num(abs(behind))
        if pts == "0":
            zh_pos, en_pos = "与序时持平", "on time"
        elif behind > 0:
            zh_pos, en_pos = f"落后序时 {pts} 个百分点", f"{pts} points behind time"
        else:
            zh_pos, en_pos = f"领先序时 {pts} 个百分点", f"{pts} points ahead of time"
        return Progress(
            light,
            f"实际 {_num(actual)}，序时应达 {_num(expected)}，{zh_pos}",
            f"actual {_num(actual)} vs {_num(expected)} expected by now, {en_pos}",
            **out,
        )
    short = value - actual if cmp.favours_higher else actual - value
    return _relative(short, value, actual, target, config, out, over=cmp.favours_lower)


def _judge_band(spec: TargetSpec, value: float, r: _Reading, config: LightConfig) -> Progress:
    if spec.comparator is Comparator.EQ:
        tol = 0.0
    else:
        tol = abs(spec.tolerance if spec.tolerance is not None else config.approx_tolerance)
    # A running total should be at its pro-rata share of "about N" by now; a level
    # should simply be about N.
    expected = value * r.t if r.cumulative and r.t is not None else value
    progress = _safe_div(r.actual, value) if r.cumulative else None
    out = _fields(r, value, expected, progress)
    deviation = abs(r.actual - expected)
    band = tol * abs(value)
    target = f"{_num(value)}（±{_pct(tol)}）" if tol else _num(value)
    target_en = f"{_num(value)} (±{_pct(tol)})" if tol else _num(value)
    sign = "≈" if spec.comparator is Comparator.APPROX else "="
    e = _num(expected)
    if r.cumulative:
        expect_zh, expect_en = f"序时应达 {e}", f"{e} expected by now"
    elif sign == "≈":
        expect_zh, expect_en = f"应为 {e} 左右", f"about {e} expected"
    else:
        expect_zh, expect_en = f"应为 {e}", f"{e} expected"
    if _at_most(deviation, band):
        if r.final:
            return Progress(
                Light.ACHIEVED,
                f"已完成目标：实际 {_num(r.actual)}，目标 {sign}{target}",
                f"target achieved: actual {_num(r.actual)} vs target {sign}{target_en}",
                **out,
            )
        within_zh, within_en = ("在容差内", "within tolerance") if tol else ("相符", "on target")
        return Progress(
            Light.GREEN,
            f"实际 {_num(r.actual)}，{expect_zh}，{within_zh}",
            f"actual {_num(r.actual)} vs {expect_en}, {within_en}",
            **out,
        )
    if r.final and not r.each_year:
        return _closed_short(r, f"{sign}{_num(value)}", out)
    if spec.comparator is Comparator.EQ:
        ratio = _safe_div(deviation, abs(value))
        light = _band(ratio, config.relative_yellow, config.relative_red)
    else:
        light = Light.YELLOW if _at_most(deviation, 2 * band) else Light.RED
    return Progress(
        light,
        f"实际 {_num(r.actual)}，{expect_zh}，偏离 {_num(deviation)}",
        f"actual {_num(r.actual)} vs {expect_en}, {_num(deviation)} off",
        **out,
    )


def _judge_binary(spec: TargetSpec, value: float, r: _Reading, config: LightConfig) -> Progress:
    cmp = spec.comparator
    tol = abs(spec.tolerance if spec.tolerance is not None else config.approx_tolerance)
    out = _fields(r, value, None, None)
    target = f"{cmp.value}{_num(value)}"
    if meets(r.actual, cmp, value, tol if cmp is Comparator.APPROX else 0.0):
        return Progress(
            Light.ACHIEVED,
            f"已实现：实际 {_num(r.actual)}，目标 {target}",
            f"achieved: actual {_num(r.actual)} vs target {target}",
            **out,
        )
    if r.final:
        return _closed_short(r, target, out)
    t = r.t or 0.0
    if t < config.binary_yellow_from:
        light, zh, en = Light.GREEN, "尚未实现，未到期", "not yet achieved, time remains"
    elif t < config.binary_red_from:
        light, zh, en = Light.YELLOW, "尚未实现，时间已过半", "not yet achieved, time running out"
    else:
        light, zh, en = Light.RED, "尚未实现，临近到期", "not yet achieved, deadline close"
    return Progress(
        light,
        f"{zh}（实际 {_num(r.actual)}，目标 {target}，时间已过 {_pct(t)}）",
        f"{en} (actual {_num(r.actual)} vs {target}, {_pct(t)} of the time gone)",
        **out,
    )


def _evaluate_trend(
    spec: TargetSpec, view: _Series, period: Period, config: LightConfig
) -> Progress:
    deadline = spec.year if spec.year is not None else spec.plan_end
    after = period.year > deadline
    ref = Period.year_of(deadline) if after else period
    picked = _pick(view, ref, "ytd" if spec.measure is Measure.FLOW else "stock", config)
    if isinstance(picked, Progress):
        return picked
    as_of, actual = picked
    base_year = spec.baseline_year if spec.baseline_year is not None else spec.plan_start - 1
    baseline = spec.baseline
    if baseline is None and (point := view.year_end(base_year)) is not None:
        baseline = point[1]
    t = _plan_share(spec, as_of, deadline)
    if (after or as_of.month_ordinal >= deadline * 12 + 12) and baseline is not None:
        out = _trend_fields(actual, baseline, 1.0, as_of)
        if actual > baseline:
            return Progress(
                Light.ACHIEVED,
                f"已完成目标：实际 {_num(actual)}，高于基期（{base_year}）{_num(baseline)}",
                f"target achieved: actual {_num(actual)} above the {base_year} baseline "
                f"{_num(baseline)}",
                **out,
            )
        return Progress(
            Light.RED,
            f"到期未完成：实际 {_num(actual)}，未高于基期（{base_year}）{_num(baseline)}",
            f"deadline passed, not met: actual {_num(actual)} not above the {base_year} "
            f"baseline {_num(baseline)}",
            **out,
        )
    last = as_of.same_point_last_year()
    point = view.at(last.month_ordinal)
    previous = point[1] if point is not None else None
    # A year-to-date figure is only comparable with the full-year baseline in December.
    if (
        previous is None
        and spec.baseline is not None
        and as_of.year == base_year + 1
        and (spec.measure is Measure.STOCK or as_of.is_year_end)
    ):
        previous = spec.baseline
    if previous is None:
        return _grey(
            f"无法比较：缺少上年同期 {last} 的数值",
            f"cannot compare: no value for {last}, the same point last year",
        )
    out = _trend_fields(actual, previous, t, as_of)
    if previous == 0:
        change = math.copysign(math.inf, actual) if actual else 0.0
    else:
        change = (actual - previous) / abs(previous)
    detail = f"{_num(previous)} → {_num(actual)}"
    if change > config.trend_flat_tolerance:
        light, zh, en = Light.GREEN, f"较上年同期上升 {_pct(change)}", f"up {_pct(change)}"
    elif change >= -config.trend_flat_tolerance:
        light, zh, en = Light.YELLOW, "与上年同期基本持平", "flat"
    else:
        light, zh, en = Light.RED, f"较上年同期下降 {_pct(-change)}", f"down {_pct(-change)}"
    return Progress(
        light, f"{zh}（{detail}）", f"{en} on the same point last year ({detail})", **out
    )


def _evaluate_rule(
    spec: TargetSpec, view: _Series, period: Period, config: LightConfig
) -> Progress:
    if spec.value is None or spec.comparator is Comparator.RISING:
        return _grey("规定缺少可比较的数值", "the rule has no fixed value to check against")
    picked = _pick(view, period, "ytd" if spec.measure is Measure.FLOW else "stock", config)
    if isinstance(picked, Progress):
        return picked
    as_of, actual = picked
    value = spec.value
    tol = abs(spec.tolerance if spec.tolerance is not None else config.approx_tolerance)
    out: dict[str, Any] = {
        "actual": actual,
        "expected": None,
        "target": value,
        "gap": actual - value,
        "achievement_pct": _pct_of(actual, value),
        "progress_pct": None,
        "time_pct": None,
        "as_of": as_of,
    }
    required = f"{spec.comparator.value}{_num(value)}"
    # A standing rule is never "done": it must hold in every period.
    if meets(actual, spec.comparator, value, tol):
        return Progress(
            Light.GREEN,
            f"符合规定：实际 {_num(actual)}，要求 {required}",
            f"complies: actual {_num(actual)}, required {required}",
            **out,
        )
    return Progress(
        Light.RED,
        f"不符合规定：实际 {_num(actual)}，要求 {required}",
        f"breaks the rule: actual {_num(actual)}, required {required}",
        **out,
    )


def _closed_short(r: _Reading, target: str, out: dict[str, Any]) -> Progress:
    if r.each_year:
        zh, en = "全年未完成", "the year closed short of the target"
    else:
        zh, en = "到期未完成", "deadline passed, target not met"
    return Progress(
        Light.RED,
        f"{zh}：实际 {_num(r.actual)}，目标 {target}",
        f"{en}: actual {_num(r.actual)} vs target {target}",
        **out,
    )


def _relative(
    short: float,
    value: float,
    actual: float,
    target: str,
    config: LightConfig,
    out: dict[str, Any],
    *,
    over: bool,
) -> Progress:
    ratio = 0.0 if short <= 0 else _safe_div(short, abs(value))
    light = _band(ratio, config.relative_yellow, config.relative_red)
    zh, en = ("超出", "over") if over else ("差", "short")
    return Progress(
        light,
        f"实际 {_num(actual)}，目标 {target}，{zh} {_pct(ratio)}",
        f"actual {_num(actual)} vs target {target}, {_pct(ratio)} {en}",
        **out,
    )


def _band(shortfall: float, yellow: float, red: float) -> Light:
    if _at_most(shortfall, yellow):
        return Light.GREEN
    if _at_most(shortfall, red):
        return Light.YELLOW
    return Light.RED


def _at_most(a: float, b: float) -> bool:
    # 0.45 − 0.75 is −0.30000000000000004: a boundary case must not flip on float noise.
    return a <= b or math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)


def _fields(
    r: _Reading, value: float, expected: float | None, progress: float | None
) -> dict[str, Any]:
    return {
        "actual": r.actual,
        "expected": expected,
        "target": value,
        "gap": r.actual - (expected if expected is not None else value),
        "achievement_pct": _pct_of(r.actual, value),
        "progress_pct": progress * 100 if progress is not None else None,
        "time_pct": r.t * 100 if r.t is not None else None,
        "as_of": r.as_of,
    }


def _trend_fields(actual: float, reference: float, t: float, as_of: Period) -> dict[str, Any]:
    return {
        "actual": actual,
        "expected": reference,
        "target": None,
        "gap": actual - reference,
        "achievement_pct": None,
        "progress_pct": None,
        "time_pct": t * 100,
        "as_of": as_of,
    }


def _grey(zh: str, en: str) -> Progress:
    return Progress(Light.GREY, zh, en, None, None, None, None, None, None, None, None)


def _safe_div(a: float, b: float) -> float:
    if b == 0:
        return 0.0 if a == 0 else math.copysign(math.inf, a)
    return a / b


def _pct_of(actual: float, target: float | None) -> float | None:
    return actual / target * 100 if target else None


def _num(x: float) -> str:
    """At most two decimals, no trailing zeros: 36.0 → 36, 8.333 → 8.33."""
    if not math.isfinite(x):
        return "∞" if x > 0 else "-∞" if x < 0 else "—"
    text = f"{x:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _pct(share: float) -> str:
    return f"{_num(share * 100)}%"


# ---------------------------------------------------------------------------- roll-ups


def rollup_cover(
    results: Mapping[str, Progress], names: Mapping[str, tuple[str, str]] | None = None
) -> Progress:
    """City view of an each-county target (各县(市、区)分别…): achieved only when every
    county is; otherwise as bad as the worst county that has data. ``names`` gives each
    key's Chinese and English name for the reasons (default: the key itself)."""
    total = len(results)
    label = names or {}
    met = [name for name, r in results.items() if r.light is Light.ACHIEVED]
    pending = [name for name, r in results.items() if r.light is not Light.ACHIEVED]
    pending_zh = [label.get(k, (k, k))[0] for k in pending]
    pending_en = [label.get(k, (k, k))[1] for k in pending]
    judged = [r.light for r in results.values() if r.light not in (Light.ACHIEVED, Light.GREY)]
    as_of = max((r.as_of for r in results.values() if r.as_of is not None), default=None)
    time_pct = max((r.time_pct for r in results.values() if r.time_pct is not None), default=None)
    head_zh = f"{len(met)}/{total} 个县(市、区)已实现"
    head_en = f"{len(met)} of {total} counties achieved"
    if total and not pending:
        light, zh, en = Light.ACHIEVED, head_zh, head_en
    elif judged:
        light = min(judged, key=LIGHT_RANK.__getitem__)
        zh = f"{head_zh}，未实现：{'、'.join(pending_zh)}"
        en = f"{head_en}; not yet: {', '.join(pending_en)}"
    else:
        # Some counties have no data: "all achieved" cannot be claimed for them.
        light = Light.GREY
        zh = f"{head_zh}，无数据：{'、'.join(pending_zh)}" if pending else "无县(市、区)数据"
        en = f"{head_en}; no data: {', '.join(pending_en)}" if pending else "no county results"
    return Progress(
        light,
        zh,
        en,
        actual=float(len(met)),
        expected=None,
        target=float(total),
        gap=float(len(met) - total),
        achievement_pct=len(met) / total * 100 if total else None,
        progress_pct=None,
        time_pct=time_pct,
        as_of=as_of,
    )


def aggregate(
    values: Mapping[str, float | None],
    method: str,
    weights: Mapping[str, float] | None = None,
) -> float | None:
    """A city figure from its parts: ``sum``, ``mean`` (weighted when weights are given)
    or ``none`` (the indicator does not add up, e.g. a rank).

    A missing part makes the whole unknown (None) rather than quietly smaller; the
    caller reports which part is missing.
    """
    if method == "none":
        return None
    if method not in ("sum", "mean"):
        raise ValueError(
            f"汇总方式 {method!r} 无效，应为 sum、mean 或 none / "
            f"invalid aggregation {method!r}: use sum, mean or none"
        )
    present = [(key, v) for key, v in values.items() if v is not None]
    if not values or len(present) < len(values):
        return None
    if method == "sum":
        return math.fsum(v for _, v in present)
    if weights is None:
        return math.fsum(v for _, v in present) / len(present)
    unweighted = [key for key, _ in present if key not in weights]
    if unweighted:
        raise ValueError(
            f"缺少权重：{'、'.join(unweighted)} / no weight for {', '.join(unweighted)}"
        )
    total_weight = math.fsum(weights[key] for key, _ in present)
    if total_weight == 0:
        return None
    return math.fsum(weights[key] * v for key, v in present) / total_weight


@dataclass(frozen=True, slots=True)
class RollupCheck:
    ok: bool
    city: float
    parts_total: float
    gap: float  # parts_total − city
    reason_zh: str
    reason_en: str


def check_rollup(
    city_value: float,
    parts: Mapping[str, float],
    comparator: Comparator,
    *,
    tolerance: float = 0.05,
) -> RollupCheck:
    """倒排 check: county targets (or actuals) must cover the city's commitment — add up
    to at least it for ≥/>, at most for ≤/<, within ``tolerance`` (relative) for ≈."""
    total = math.fsum(parts.values())
    gap = total - city_value
    parts_zh = f"各县(市、区)合计 {_num(total)}"
    parts_en = f"the parts add up to {_num(total)}"
    close = math.isclose(total, city_value, rel_tol=1e-9, abs_tol=1e-9)
    if comparator in (Comparator.GE, Comparator.GT):
        ok = total >= city_value or close
        zh = f"不低于市级目标 {_num(city_value)}" if ok else f"低于市级目标 {_num(city_value)}"
        en = f"at least the city's {_num(city_value)}" if ok else f"{_num(-gap)} short"
        if not ok:
            zh += f"，缺口 {_num(-gap)}"
            en += f" of the city's {_num(city_value)}"
    elif comparator in (Comparator.LE, Comparator.LT):
        ok = total <= city_value or close
        zh = f"不超过市级上限 {_num(city_value)}" if ok else f"超过市级上限 {_num(city_value)}"
        en = f"within the city's {_num(city_value)}" if ok else f"{_num(gap)} over"
        if not ok:
            zh += f"，超出 {_num(gap)}"
            en += f" the city's {_num(city_value)}"
    elif comparator in (Comparator.APPROX, Comparator.EQ):
        allowed = abs(tolerance) * abs(city_value) if comparator is Comparator.APPROX else 0.0
        ok = _at_most(abs(gap), allowed)
        zh = f"与市级目标 {_num(city_value)} 相差 {_num(abs(gap))}"
        en = f"{_num(abs(gap))} off the city's {_num(city_value)}"
        if comparator is Comparator.APPROX:
            zh += f"（容差 {_pct(abs(tolerance))}）"
            en += f" (tolerance {_pct(abs(tolerance))})"
    else:
        raise ValueError(
            f"比较符 {comparator.value} 无法汇总核对 / a {comparator.value} target has no "
            "total to check"
        )
    return RollupCheck(ok, city_value, total, gap, f"{parts_zh}，{zh}", f"{parts_en}, {en}")
