"""The progress engine (序时进度 and 三色), on hand-computed examples from docs/progress.md."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zhizao.core.domain import Period
from zhizao.indicators.progress import (
    LIGHT_RANK,
    Light,
    LightConfig,
    Measure,
    Progress,
    TargetSpec,
    aggregate,
    check_rollup,
    evaluate,
    rollup_cover,
)
from zhizao.plans.domain import Comparator, Kind

GE, GT, LE, LT, EQ, APPROX, RISING = (
    Comparator.GE,
    Comparator.GT,
    Comparator.LE,
    Comparator.LT,
    Comparator.EQ,
    Comparator.APPROX,
    Comparator.RISING,
)
FLOW, STOCK = Measure.FLOW, Measure.STOCK
GREEN, YELLOW, RED, GREY, ACHIEVED = (
    Light.GREEN,
    Light.YELLOW,
    Light.RED,
    Light.GREY,
    Light.ACHIEVED,
)


def series(**values: float) -> dict[Period, float]:
    """``series(y2024=6, q2025Q3=3)`` → {2024: 6, 2025Q3: 3}; a leading letter keeps ids
    valid as keyword names."""
    return {Period.parse(key[1:].replace("_", "-")): value for key, value in values.items()}


def run(spec: TargetSpec, data: dict[Period, float], period: str, **config: float) -> Progress:
    return evaluate(spec, data, Period.parse(period), LightConfig.from_mapping(config))


# ----------------------------------------------------------------------------- specs

# 二4 每年新招引落地10亿元以上重大制造业项目70个以上
PROJECTS = TargetSpec(Kind.FLOW, GE, 70, measure=FLOW)
# 二5 制造业投资每年超1000亿元
INVEST = TargetSpec(Kind.FLOW, GT, 1000, measure=FLOW)
# a yearly cap (e.g. 能耗) — hypothetical, for the ≤ and < branches
CAP = TargetSpec(Kind.FLOW, LE, 100, measure=FLOW)
CAP_LT = TargetSpec(Kind.FLOW, LT, 100, measure=FLOW)
# 二5 每年实施10亿元以上重大项目100个左右
BIG = TargetSpec(Kind.FLOW, APPROX, 100, measure=FLOW)
# = on a flow (hypothetical): exactly 10 a year
TEN = TargetSpec(Kind.FLOW, EQ, 10, measure=FLOW)
# 三(一) 2024—2027 每年 ≥0.5%
LAND_FUND = TargetSpec(Kind.FLOW, GE, 0.5, year_from=2024, year_to=2027, measure=FLOW)

# 一(二) 制造业单项冠军累计25家 (reported as new champions per year)
CHAMPIONS = TargetSpec(Kind.CUM, GE, 25, year=2027, measure=FLOW)
# 三(三) 并购重组金额五年超200亿元
MERGERS = TargetSpec(Kind.CUM, GT, 200, year=2027, measure=FLOW)
# 二9 专精特新"小巨人" counted as a stock above the 2022 count of 104
GIANTS = TargetSpec(Kind.CUM, GE, 200, year=2027, baseline=104, baseline_year=2022)
# 二13 新增企业首席质量官260人
QUALITY = TargetSpec(Kind.NEW, GE, 260, year=2027, measure=FLOW)
# a cumulative cap (hypothetical)
LAND_CAP = TargetSpec(Kind.CUM, LE, 5000, year=2027, measure=FLOW)
# ≈ on a cumulative total (hypothetical)
ABOUT_CUM = TargetSpec(Kind.CUM, APPROX, 100, tolerance=0.1, year=2027, measure=FLOW)

# 一(二) 规上工业亩均增加值240万元/亩 by 2025 (baseline rounded to 200 for the example)
ACRE = TargetSpec(Kind.LEVEL, GE, 240, year=2025, baseline=200, baseline_year=2022)
# 一(二) 制造业增加值占GDP比重保持在42%以上: the 2021 baseline 45.1 already meets it
SHARE = TargetSpec(Kind.LEVEL, GE, 42, year=2025, baseline=45.1, baseline_year=2021)
# 一(二) 规上制造业全员劳动生产率35万元/人, no baseline given
PRODUCTIVITY = TargetSpec(Kind.LEVEL, GE, 35, year=2025)
# a level to bring down (hypothetical 单位能耗)
ENERGY = TargetSpec(Kind.LEVEL, LE, 0.4, year=2025, baseline=0.5, baseline_year=2022)
ENERGY_LT = TargetSpec(Kind.LEVEL, LT, 0.4, year=2025, baseline=0.5, baseline_year=2022)
# 一(二) "135N"集群规上企业营业收入超1.2万亿元 (万亿元, a yearly amount)
REVENUE = TargetSpec(Kind.LEVEL, GT, 1.2, year=2027, baseline=0.6, baseline_year=2022, measure=FLOW)
# 二12 "丝路领航"重点培育企业50家
SILK = TargetSpec(Kind.LEVEL, EQ, 50, year=2027)
# ≈ level with a deadline (hypothetical)
ABOUT_LEVEL = TargetSpec(Kind.LEVEL, APPROX, 50, year=2025)

# 二5 技术改造投资占工业投资比重50%以上 (each year)
TECH = TargetSpec(Kind.LEVEL, GE, 50)
# 二5 制造业投资占固定资产投资比重30%左右 (each year)
INVEST_SHARE = TargetSpec(Kind.LEVEL, APPROX, 30)
# an each-year ceiling ratio (hypothetical)
CEILING = TargetSpec(Kind.LEVEL, LE, 60)

# 一(二) 每个县(市、区)至少1个超500亿元特色产业集群; 世界500强 零的突破
COVER = TargetSpec(Kind.COVER, GE, 1, year=2027)
FIRST = TargetSpec(Kind.FIRST, GE, 1, year=2027)

# 一(二) 制造业增加值占全省比重稳步提升 (2022 baseline 10.0, illustrative)
TREND = TargetSpec(Kind.TREND, RISING, None, year=2027, baseline=10.0, baseline_year=2022)

# 二1 工业容积率一般不低于1.5, 建筑密度不高于60%; 二6 专班 100%
PLOT_RATIO = TargetSpec(Kind.RULE, GE, 1.5)
DENSITY = TargetSpec(Kind.RULE, LE, 60)
TASK_FORCE = TargetSpec(Kind.RULE, EQ, 100)


# ----------------------------------------------------------------------------- examples

EXAMPLES = [
    # id, spec, data, period, light, actual, expected, time_pct
    # flow ≥: 序时 at 2025Q3 is 9/12, expected 70 × 0.75 = 52.5
    ("flow-ge-green", PROJECTS, series(q2025Q3=50), "2025Q3", GREEN, 50, 52.5, 75),
    ("flow-ge-yellow", PROJECTS, series(q2025Q3=45), "2025Q3", YELLOW, 45, 52.5, 75),
    ("flow-ge-red", PROJECTS, series(q2025Q3=30), "2025Q3", RED, 30, 52.5, 75),
    ("flow-ge-achieved", PROJECTS, series(q2025Q3=75), "2025Q3", ACHIEVED, 75, 52.5, 75),
    ("flow-ge-year-short", PROJECTS, series(y2025=65), "2025Q4", RED, 65, 70, 100),
    ("flow-ge-latest-in-year", PROJECTS, series(q2025Q1=20), "2025Q2", GREEN, 20, 17.5, 25),
    ("flow-gt-green", INVEST, series(q2025Q2=480), "2025Q2", GREEN, 480, 500, 50),
    ("flow-gt-equal-at-year-end", INVEST, series(q2025Q4=1000), "2025Q4", RED, 1000, 1000, 100),
    ("flow-gt-achieved", INVEST, series(y2025=1001), "2025", ACHIEVED, 1001, 1000, 100),
    # flow ≤: 0 already meets the cap, so there is no path
    ("flow-le-inside", CAP, series(q2025Q2=60), "2025Q2", GREEN, 60, None, 50),
    ("flow-le-over-10pct", CAP, series(q2025Q2=110), "2025Q2", YELLOW, 110, None, 50),
    ("flow-le-over-30pct", CAP, series(q2025Q3=130), "2025Q3", RED, 130, None, 75),
    ("flow-le-year-met", CAP, series(y2025=95), "2025Q4", ACHIEVED, 95, None, 100),
    ("flow-le-year-over-at-q4", CAP, series(y2025=101), "2025Q4", RED, 101, None, 100),
    ("flow-lt-year-equal", CAP_LT, series(y2025=100), "2025Q4", RED, 100, None, 100),
    # flow ≈ 100 (±5%): expected 75 at Q3, green within 5, yellow within 10
    ("flow-approx-green", BIG, series(q2025Q3=72), "2025Q3", GREEN, 72, 75, 75),
    ("flow-approx-yellow", BIG, series(q2025Q3=66), "2025Q3", YELLOW, 66, 75, 75),
    ("flow-approx-red", BIG, series(q2025Q3=60), "2025Q3", RED, 60, 75, 75),
    ("flow-approx-achieved", BIG, series(y2025=103), "2025Q4", ACHIEVED, 103, 100, 100),
    ("flow-approx-year-yellow", BIG, series(y2025=92), "2025Q4", YELLOW, 92, 100, 100),
    # flow = 10: exact is on track, otherwise the relative rule on the deviation
    ("flow-eq-exact", TEN, series(q2025Q2=5), "2025Q2", GREEN, 5, 5, 50),
    ("flow-eq-2pct", TEN, series(q2025Q2=4.8), "2025Q2", GREEN, 4.8, 5, 50),
    ("flow-eq-10pct", TEN, series(q2025Q2=4), "2025Q2", YELLOW, 4, 5, 50),
    ("flow-eq-30pct", TEN, series(q2025Q2=2), "2025Q2", RED, 2, 5, 50),
    ("flow-eq-achieved", TEN, series(y2025=10), "2025Q4", ACHIEVED, 10, 10, 100),
    # each-year range and this-year-only data
    ("flow-out-of-range", LAND_FUND, series(y2023=0.6), "2023Q4", GREY, None, None, None),
    ("flow-in-range", LAND_FUND, series(y2024=0.6), "2024Q4", ACHIEVED, 0.6, 0.5, 100),
    ("flow-last-year-only", PROJECTS, series(y2024=80), "2025Q1", GREY, None, None, None),
    # cum ≥ 25 by 2027: t = months since 1 Jan 2023 ÷ 60
    (
        "cum-ge-green",
        CHAMPIONS,
        series(y2023=5, y2024=6, q2025Q3=3),
        "2025Q3",
        GREEN,
        14,
        13.75,
        55,
    ),
    (
        "cum-ge-yellow",
        CHAMPIONS,
        series(y2023=2, y2024=3, q2025Q3=2),
        "2025Q3",
        YELLOW,
        7,
        13.75,
        55,
    ),
    (
        "cum-ge-red",
        CHAMPIONS,
        series(y2023=1, y2024=1, q2025Q3=1),
        "2025Q3",
        RED,
        3,
        13.75,
        55,
    ),
    (
        "cum-ge-missing-year",
        CHAMPIONS,
        series(y2023=5, q2025Q3=3),
        "2025Q3",
        GREY,
        None,
        None,
        None,
    ),
    (
        "cum-q4-preferred-over-year",
        CHAMPIONS,
        series(y2023=5, q2024Q4=6, y2024=99, q2025Q3=3),
        "2025Q3",
        GREEN,
        14,
        13.75,
        55,
    ),
    (
        "cum-ge-achieved-early",
        CHAMPIONS,
        series(y2023=10, y2024=10, q2025Q1=5),
        "2025Q1",
        ACHIEVED,
        25,
        11.25,
        45,
    ),
    (
        "cum-gt-deadline-equal",
        MERGERS,
        series(y2023=50, y2024=50, y2025=50, y2026=50, y2027=0),
        "2027Q4",
        RED,
        200,
        200,
        100,
    ),
    (
        "cum-gt-after-deadline",
        MERGERS,
        series(y2023=50, y2024=50, y2025=50, y2026=50, y2027=1),
        "2028Q2",
        ACHIEVED,
        201,
        200,
        100,
    ),
    (
        "cum-after-deadline-short",
        CHAMPIONS,
        series(y2023=5, y2024=5, y2025=5, y2026=5, y2027=4),
        "2028Q1",
        RED,
        24,
        25,
        100,
    ),
    ("cum-stock-baseline", GIANTS, series(q2025Q4=180), "2025Q4", YELLOW, 76, 120, 60),
    (
        "new-on-time",
        QUALITY,
        series(y2023=60, q2024Q4=50, y2024=50, q2025Q2=20),
        "2025Q2",
        GREEN,
        130,
        130,
        50,
    ),
    (
        "cum-le-inside",
        LAND_CAP,
        series(y2023=1000, y2024=1000, q2025Q2=600),
        "2025Q2",
        GREEN,
        2600,
        None,
        50,
    ),
    (
        "cum-approx-green",
        ABOUT_CUM,
        series(y2023=18, y2024=22, q2025Q2=8),
        "2025Q2",
        GREEN,
        48,
        50,
        50,
    ),
    # level ≥ 240 by 2025 from 200 at end 2022: t = months since end 2022 ÷ 36
    ("level-path-green", ACRE, series(y2024=224), "2025Q1", GREEN, 224, 680 / 3, 200 / 3),
    ("level-path-yellow", ACRE, series(y2024=215), "2025Q1", YELLOW, 215, 680 / 3, 200 / 3),
    ("level-path-red", ACRE, series(y2024=205), "2025Q1", RED, 205, 680 / 3, 200 / 3),
    ("level-path-achieved", ACRE, series(q2025Q2=241), "2025Q2", ACHIEVED, 241, 700 / 3, 250 / 3),
    ("level-at-deadline", ACRE, series(q2025Q4=239), "2025Q4", RED, 239, 240, 100),
    # baseline 45.1 already meets ≥42: no path, relative shortfall
    ("level-no-path-green", SHARE, series(y2024=41), "2025Q1", GREEN, 41, None, 75),
    ("level-no-path-yellow", SHARE, series(y2024=38), "2025Q1", YELLOW, 38, None, 75),
    ("level-no-path-red", SHARE, series(y2024=33), "2025Q1", RED, 33, None, 75),
    ("level-no-path-achieved", SHARE, series(y2024=43), "2025Q1", ACHIEVED, 43, None, 75),
    ("level-after-deadline-met", SHARE, series(y2025=43), "2026Q2", ACHIEVED, 43, None, 100),
    ("level-after-deadline-short", SHARE, series(y2025=41), "2026Q2", RED, 41, None, 100),
    (
        "level-after-deadline-fallback",
        SHARE,
        series(q2025Q3=41.5),
        "2026Q2",
        RED,
        41.5,
        None,
        100,
    ),
    ("level-after-deadline-late", SHARE, series(q2026Q1=43), "2026Q2", GREY, None, None, None),
    ("level-stale", SHARE, series(q2024Q2=41), "2025Q3", GREY, None, None, None),
    ("level-4-quarters-ok", SHARE, series(q2024Q3=41), "2025Q3", GREEN, 41, None, 68.75),
    ("level-no-baseline", PRODUCTIVITY, series(y2024=32), "2025Q2", YELLOW, 32, None, 2400 / 36),
    ("level-le-path", ENERGY, series(y2024=0.44), "2025Q1", GREEN, 0.44, 1.3 / 3, 200 / 3),
    ("level-lt-achieved", ENERGY_LT, series(y2025=0.39), "2025Q4", ACHIEVED, 0.39, 0.4, 100),
    ("level-lt-equal-deadline", ENERGY_LT, series(y2025=0.4), "2025Q4", RED, 0.4, 0.4, 100),
    # a yearly amount as a level: only full years count (2025Q3 YTD is ignored)
    (
        "level-flow-full-year",
        REVENUE,
        series(y2024=0.9, q2025Q3=0.7),
        "2025Q3",
        GREEN,
        0.9,
        0.84,
        40,
    ),
    ("level-flow-no-full-year", REVENUE, series(y2023=0.7), "2025Q3", GREY, None, None, None),
    # = 50 by 2027: relative gap until the deadline, then exact
    ("level-eq-green", SILK, series(q2025Q4=48), "2025Q4", GREEN, 48, 50, 60),
    ("level-eq-yellow", SILK, series(q2025Q4=45), "2025Q4", YELLOW, 45, 50, 60),
    ("level-eq-red", SILK, series(q2025Q4=35), "2025Q4", RED, 35, 50, 60),
    ("level-eq-achieved", SILK, series(y2027=50), "2027Q4", ACHIEVED, 50, 50, 100),
    ("level-eq-deadline-off", SILK, series(y2027=52), "2027Q4", RED, 52, 50, 100),
    ("level-approx-green", ABOUT_LEVEL, series(q2024Q2=52), "2024Q2", GREEN, 52, 50, 50),
    ("level-approx-yellow", ABOUT_LEVEL, series(q2024Q2=54), "2024Q2", YELLOW, 54, 50, 50),
    ("level-approx-red", ABOUT_LEVEL, series(q2024Q2=56), "2024Q2", RED, 56, 50, 50),
    ("level-approx-achieved", ABOUT_LEVEL, series(y2025=51), "2026Q1", ACHIEVED, 51, 50, 100),
    ("level-approx-deadline-off", ABOUT_LEVEL, series(y2025=53), "2025Q4", RED, 53, 50, 100),
    # each-year level ≥ 50: no path; met mid-year is on track, met at year end is done
    ("each-year-green", TECH, series(q2025Q2=48), "2025Q2", GREEN, 48, None, None),
    ("each-year-yellow", TECH, series(q2025Q2=44), "2025Q2", YELLOW, 44, None, None),
    ("each-year-red", TECH, series(q2025Q2=38), "2025Q2", RED, 38, None, None),
    ("each-year-mid-year-met", TECH, series(q2025Q2=52), "2025Q2", GREEN, 52, None, None),
    ("each-year-full-year-met", TECH, series(y2025=52), "2025Q4", ACHIEVED, 52, None, None),
    ("each-year-full-year-short", TECH, series(y2025=48), "2025Q4", GREEN, 48, None, None),
    ("each-year-last-december", TECH, series(y2024=52), "2025Q1", GREEN, 52, None, None),
    ("each-year-after-plan", TECH, series(y2028=52), "2028Q4", GREY, None, None, None),
    ("each-year-le-met", CEILING, series(q2025Q3=58), "2025Q3", GREEN, 58, None, None),
    ("each-year-le-over", CEILING, series(q2025Q3=66), "2025Q3", YELLOW, 66, None, None),
    ("each-year-approx-green", INVEST_SHARE, series(q2025Q2=31), "2025Q2", GREEN, 31, 30, None),
    ("each-year-approx-yellow", INVEST_SHARE, series(q2025Q2=33), "2025Q2", YELLOW, 33, 30, None),
    ("each-year-approx-red", INVEST_SHARE, series(q2025Q2=34), "2025Q2", RED, 34, 30, None),
    ("each-year-approx-done", INVEST_SHARE, series(y2025=29), "2025Q4", ACHIEVED, 29, 30, None),
    # cover / first: t as for cum; yellow from 50% of the time, red from 80%
    ("cover-green", COVER, series(q2024Q4=0), "2024Q4", GREEN, 0, None, 40),
    ("cover-yellow-at-half", COVER, series(q2025Q2=0), "2025Q2", YELLOW, 0, None, 50),
    ("cover-yellow", COVER, series(q2026Q1=0), "2026Q1", YELLOW, 0, None, 65),
    ("cover-red-at-80", COVER, series(q2026Q4=0), "2026Q4", RED, 0, None, 80),
    ("cover-achieved", COVER, series(q2024Q1=1), "2024Q1", ACHIEVED, 1, None, 25),
    ("cover-after-deadline", COVER, series(y2027=0), "2028Q1", RED, 0, None, 100),
    ("first-green", FIRST, series(q2023Q4=0), "2023Q4", GREEN, 0, None, 20),
    ("first-achieved", FIRST, series(y2026=2), "2026Q4", ACHIEVED, 2, None, 80),
    # trend: against the same point last year, or the baseline in the year after it
    ("trend-up", TREND, series(y2024=10.5, y2025=10.6), "2025Q4", GREEN, 10.6, 10.5, 60),
    ("trend-flat", TREND, series(y2024=10.5, y2025=10.52), "2025Q4", YELLOW, 10.52, 10.5, 60),
    ("trend-down", TREND, series(y2024=10.5, y2025=10.3), "2025Q4", RED, 10.3, 10.5, 60),
    ("trend-vs-baseline", TREND, series(y2023=10.2), "2023Q4", GREEN, 10.2, 10, 20),
    ("trend-no-comparison", TREND, series(y2025=10.6), "2025Q4", GREY, None, None, None),
    ("trend-deadline-above", TREND, series(y2027=10.4), "2027Q4", ACHIEVED, 10.4, 10, 100),
    ("trend-deadline-below", TREND, series(y2027=9.9), "2028Q2", RED, 9.9, 10, 100),
    # standing rules: green or red, never achieved
    ("rule-ge-ok", PLOT_RATIO, series(q2025Q3=1.8), "2025Q3", GREEN, 1.8, None, None),
    ("rule-ge-breach", PLOT_RATIO, series(q2025Q3=1.2), "2025Q3", RED, 1.2, None, None),
    ("rule-le-ok", DENSITY, series(q2025Q3=58), "2025Q3", GREEN, 58, None, None),
    ("rule-le-breach", DENSITY, series(q2025Q3=63), "2025Q3", RED, 63, None, None),
    ("rule-eq-ok", TASK_FORCE, series(q2025Q3=100), "2025Q3", GREEN, 100, None, None),
    ("rule-eq-breach", TASK_FORCE, series(q2025Q3=95), "2025Q3", RED, 95, None, None),
    # nothing usable
    ("no-data", PROJECTS, {}, "2025Q3", GREY, None, None, None),
    ("before-plan", ACRE, series(y2022=200), "2022Q4", GREY, None, None, None),
]


@pytest.mark.parametrize(
    ("spec", "data", "period", "light", "actual", "expected", "time_pct"),
    [pytest.param(*case[1:], id=case[0]) for case in EXAMPLES],
)
def test_light_of_each_kind_and_comparator(
    spec: TargetSpec,
    data: dict[Period, float],
    period: str,
    light: Light,
    actual: float | None,
    expected: float | None,
    time_pct: float | None,
) -> None:
    result = evaluate(spec, data, Period.parse(period))

    assert result.light is light, result.reason_en
    assert result.actual == pytest.approx(actual)
    assert result.expected == pytest.approx(expected)
    assert result.time_pct == pytest.approx(time_pct)
    assert result.reason_zh
    assert result.reason_en


def test_flow_reason_states_the_numbers_in_both_languages() -> None:
    result = evaluate(PROJECTS, series(q2025Q3=45), Period.parse("2025Q3"))

    assert result.reason_zh == "实际 45，序时应达 52.5，落后序时 10.71 个百分点"
    assert result.reason_en == "actual 45 vs 52.5 expected by now, 10.71 points behind time"
    assert result.target == 70
    assert result.gap == -7.5
    assert result.achievement_pct == pytest.approx(45 / 70 * 100)
    assert result.progress_pct == pytest.approx(45 / 70 * 100)
    assert result.as_of == Period.parse("2025Q3")


def test_level_path_measures_progress_from_the_baseline() -> None:
    result = evaluate(ACRE, series(y2024=224), Period.parse("2025Q1"))

    assert result.progress_pct == pytest.approx(60)  # (224 − 200) ÷ (240 − 200)
    assert result.reason_zh == "实际 224，序时应达 226.67，落后序时 6.67 个百分点"
    assert result.as_of == Period.parse("2024")


def test_missing_prior_year_is_named() -> None:
    result = evaluate(CHAMPIONS, series(y2023=5, q2025Q3=3), Period.parse("2025Q3"))

    assert result.reason_zh == "缺少 2024 年全年数据，无法计算累计值"
    assert result.reason_en == "no full-year value for 2024: cannot add up the total"


def test_stale_stock_says_how_old_the_latest_value_is() -> None:
    result = evaluate(SHARE, series(q2024Q2=41), Period.parse("2025Q3"))

    assert result.reason_zh == "无数据：数值已超过 4 个季度（最新为 2024Q2）"
    assert result.reason_en == "no data: values are older than 4 quarters (latest is 2024Q2)"


def test_out_of_range_each_year_target_is_not_applicable() -> None:
    result = evaluate(LAND_FUND, series(y2023=0.6), Period.parse("2023Q4"))

    assert result.reason_zh == "本期不适用：该目标适用于 2024—2027 年"
    assert result.reason_en == "not applicable in this year: the target applies to 2024–2027"


def test_after_deadline_red_says_the_deadline_passed() -> None:
    result = evaluate(SHARE, series(y2025=41), Period.parse("2026Q2"))

    assert result.reason_zh == "到期未完成：实际 41，目标 ≥42"
    assert result.as_of == Period.parse("2025")


def test_trend_reason_gives_the_change() -> None:
    result = evaluate(TREND, series(y2024=10.5, y2025=10.3), Period.parse("2025Q4"))

    assert result.reason_zh == "较上年同期下降 1.9%（10.5 → 10.3）"
    assert result.reason_en == "down 1.9% on the same point last year (10.5 → 10.3)"


def test_binary_reason_gives_the_time_gone() -> None:
    result = evaluate(COVER, series(q2026Q1=0), Period.parse("2026Q1"))

    assert result.reason_zh == "尚未实现，时间已过半（实际 0，目标 ≥1，时间已过 65%）"


def test_rule_is_never_achieved() -> None:
    result = evaluate(PLOT_RATIO, series(y2027=3.0), Period.parse("2027Q4"))

    assert result.light is GREEN
    assert result.reason_zh == "符合规定：实际 3，要求 ≥1.5"


def test_configured_thresholds_change_the_light() -> None:
    assert run(PROJECTS, series(q2025Q3=45), "2025Q3").light is YELLOW
    assert run(PROJECTS, series(q2025Q3=45), "2025Q3", yellow_pts=15).light is GREEN
    assert run(COVER, series(q2025Q2=0), "2025Q2", binary_yellow_from=0.6).light is GREEN
    assert run(SHARE, series(q2024Q2=41), "2025Q3", stale_quarters=5).light is GREEN


def test_config_from_mapping_overrides_by_name() -> None:
    config = LightConfig.from_mapping({"yellow_pts": 15, "red_pts": "40", "stale_quarters": 2})

    assert config.yellow_pts == 15.0
    assert config.red_pts == 40.0
    assert config.stale_quarters == 2
    assert config.relative_red == 0.20


def test_config_from_mapping_rejects_an_unknown_key() -> None:
    with pytest.raises(ValueError, match="yelow_pts") as error:
        LightConfig.from_mapping({"yelow_pts": 15})

    assert "未知的三色配置项" in str(error.value)
    assert "unknown light setting" in str(error.value)


@pytest.mark.parametrize(
    "data",
    [{"yellow_pts": 40}, {"stale_quarters": 1.5}, {"red_pts": True}, {"red_pts": "many"}],
)
def test_config_from_mapping_rejects_bad_values(data: dict[str, object]) -> None:
    with pytest.raises(ValueError, match="/"):
        LightConfig.from_mapping(data)


# ----------------------------------------------------------------------------- roll-ups


def _county(light: Light) -> Progress:
    return Progress(light, "", "", None, None, None, None, None, None, 50.0, Period.parse("2025Q2"))


def test_rollup_cover_counts_achieved_counties_and_shows_the_worst() -> None:
    lights = [ACHIEVED] * 5 + [GREEN, YELLOW]
    names = ["南湖区", "秀洲区", "嘉善县", "海盐县", "海宁市", "平湖市", "桐乡市"]

    result = rollup_cover(dict(zip(names, map(_county, lights), strict=True)))

    assert result.light is YELLOW
    assert result.actual == 5
    assert result.target == 7
    assert result.reason_zh == "5/7 个县(市、区)已实现，未实现：平湖市、桐乡市"
    assert result.reason_en == "5 of 7 counties achieved; not yet: 平湖市, 桐乡市"
    assert result.as_of == Period.parse("2025Q2")


def test_rollup_cover_is_achieved_when_every_county_is() -> None:
    result = rollup_cover({name: _county(ACHIEVED) for name in "ABC"})

    assert result.light is ACHIEVED
    assert result.reason_zh == "3/3 个县(市、区)已实现"


def test_rollup_cover_ignores_grey_counties_for_the_worst_light() -> None:
    result = rollup_cover({"A": _county(GREY), "B": _county(GREEN), "C": _county(ACHIEVED)})

    assert result.light is GREEN


def test_rollup_cover_cannot_claim_achieved_for_counties_without_data() -> None:
    result = rollup_cover({"A": _county(ACHIEVED), "B": _county(GREY)})

    assert result.light is GREY
    assert result.reason_zh == "1/2 个县(市、区)已实现，无数据：B"
    assert rollup_cover({}).light is GREY


@pytest.mark.parametrize(
    ("city", "parts", "comparator", "ok", "gap", "reason_zh"),
    [
        (1000, {"a": 600, "b": 410}, GE, True, 10, "各县(市、区)合计 1010，不低于市级目标 1000"),
        (
            1000,
            {"a": 600, "b": 390},
            GE,
            False,
            -10,
            "各县(市、区)合计 990，低于市级目标 1000，缺口 10",
        ),
        (1000, {"a": 600, "b": 400}, GT, True, 0, "各县(市、区)合计 1000，不低于市级目标 1000"),
        (100, {"a": 50, "b": 45}, LE, True, -5, "各县(市、区)合计 95，不超过市级上限 100"),
        (100, {"a": 50, "b": 55}, LE, False, 5, "各县(市、区)合计 105，超过市级上限 100，超出 5"),
        (
            100,
            {"a": 50, "b": 54},
            APPROX,
            True,
            4,
            "各县(市、区)合计 104，与市级目标 100 相差 4（容差 5%）",
        ),
        (
            100,
            {"a": 50, "b": 56},
            APPROX,
            False,
            6,
            "各县(市、区)合计 106，与市级目标 100 相差 6（容差 5%）",
        ),
        (0.3, {"a": 0.1, "b": 0.2}, EQ, True, 0, "各县(市、区)合计 0.3，与市级目标 0.3 相差 0"),
    ],
)
def test_check_rollup(
    city: float,
    parts: dict[str, float],
    comparator: Comparator,
    ok: bool,
    gap: float,
    reason_zh: str,
) -> None:
    result = check_rollup(city, parts, comparator)

    assert result.ok is ok
    assert result.gap == pytest.approx(gap)
    assert result.parts_total == pytest.approx(city + gap)
    assert result.reason_zh == reason_zh


def test_check_rollup_reason_in_english() -> None:
    result = check_rollup(1000, {"a": 600, "b": 390}, GE)

    assert result.reason_en == "the parts add up to 990, 10 short of the city's 1000"


def test_check_rollup_rejects_a_trend() -> None:
    with pytest.raises(ValueError, match="/"):
        check_rollup(1, {"a": 1}, RISING)


@pytest.mark.parametrize(
    ("values", "method", "weights", "result"),
    [
        ({"a": 1.5, "b": 2.5}, "sum", None, 4.0),
        ({"a": 1.5, "b": None}, "sum", None, None),
        ({}, "sum", None, None),
        ({"a": 1.0, "b": 3.0}, "mean", None, 2.0),
        ({"a": 1.0, "b": 3.0}, "mean", {"a": 3.0, "b": 1.0}, 1.5),
        ({"a": 1.0, "b": None}, "mean", None, None),
        ({"a": 1.0}, "mean", {"a": 0.0}, None),
        ({"a": 1.0}, "none", None, None),
    ],
)
def test_aggregate(
    values: dict[str, float | None],
    method: str,
    weights: dict[str, float] | None,
    result: float | None,
) -> None:
    assert aggregate(values, method, weights) == result


@pytest.mark.parametrize(("method", "weights"), [("median", None), ("mean", {"a": 1.0})])
def test_aggregate_rejects_an_unknown_method_or_missing_weight(
    method: str, weights: dict[str, float] | None
) -> None:
    with pytest.raises(ValueError, match="/"):
        aggregate({"a": 1.0, "b": 2.0}, method, weights)


# ----------------------------------------------------------------------------- properties

QUARTERS = [Period.quarter_of(y, q) for y in range(2023, 2028) for q in range(1, 5)]
RANGE = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)
POSITIVE = st.floats(min_value=0.5, max_value=1e6, allow_nan=False, allow_infinity=False)


@st.composite
def monotone_cases(draw: st.DrawFn) -> tuple[TargetSpec, Period, dict[Period, float], Period]:
    """A spec of any kind but trend/rule with ≥ > ≤ <, a period, the other data, and the
    period whose value the test varies."""
    kind = draw(st.sampled_from([k for k in Kind if k not in (Kind.TREND, Kind.RULE)]))
    comparator = draw(st.sampled_from([GE, GT, LE, LT]))
    measure = draw(st.sampled_from(list(Measure)))
    each_year = kind is Kind.FLOW or (kind is Kind.LEVEL and draw(st.booleans()))
    baseline = draw(st.none() | RANGE) if kind is not Kind.FLOW else None
    spec = TargetSpec(
        kind,
        comparator,
        draw(RANGE),
        year=None if each_year else draw(st.integers(2023, 2027)),
        baseline=baseline,
        baseline_year=2022 if baseline is not None else None,
        measure=measure,
    )
    period = draw(st.sampled_from(QUARTERS))
    # Full years before the period (for running totals) and the period itself.
    data = {Period.year_of(y): draw(RANGE) for y in range(2023, period.year)}
    return spec, period, data, period


@given(monotone_cases(), RANGE, RANGE)
def test_more_progress_never_worsens_the_light(
    case: tuple[TargetSpec, Period, dict[Period, float], Period], a: float, b: float
) -> None:
    spec, period, data, varied = case
    low, high = sorted((a, b))
    # "Better" is higher for ≥ and >, lower for ≤ and <.
    worse, better = (low, high) if spec.comparator in (GE, GT) else (high, low)

    light_worse = evaluate(spec, {**data, varied: worse}, period).light
    light_better = evaluate(spec, {**data, varied: better}, period).light

    assert LIGHT_RANK[light_better] >= LIGHT_RANK[light_worse]


@st.composite
def path_cases(draw: st.DrawFn) -> tuple[TargetSpec, float, Period, Period]:
    """A path target (flow, cum/new, level with a baseline), an actual short of it and
    two periods up to its deadline, the second not earlier than the first."""
    kind = draw(st.sampled_from([Kind.FLOW, Kind.CUM, Kind.NEW, Kind.LEVEL]))
    comparator = draw(st.sampled_from([GE, GT]))
    value = draw(POSITIVE)
    actual = draw(st.floats(min_value=-1e6, max_value=value, exclude_max=True))
    year = draw(st.integers(2023, 2027))
    if kind is Kind.FLOW:
        spec = TargetSpec(kind, comparator, value, measure=FLOW)
        first, second = sorted(draw(st.lists(st.integers(1, 4), min_size=2, max_size=2)))
        return spec, actual, Period.quarter_of(year, first), Period.quarter_of(year, second)
    baseline = draw(st.floats(min_value=-1e6, max_value=value, exclude_max=True))
    spec = TargetSpec(
        kind,
        comparator,
        value,
        year=year,
        baseline=baseline if kind is Kind.LEVEL else None,
        baseline_year=2022 if kind is Kind.LEVEL else None,
    )
    in_time = [q for q in QUARTERS if q.year <= year]
    earlier, later = sorted(draw(st.lists(st.sampled_from(in_time), min_size=2, max_size=2)))
    return spec, actual, earlier, later


@given(path_cases())
def test_time_passing_without_progress_never_improves_the_light(
    case: tuple[TargetSpec, float, Period, Period],
) -> None:
    spec, actual, earlier, later = case

    light_earlier = evaluate(spec, {earlier: actual}, earlier).light
    light_later = evaluate(spec, {later: actual}, later).light

    assert light_earlier is not GREY
    assert LIGHT_RANK[light_later] <= LIGHT_RANK[light_earlier]


def _full_series(values: list[float]) -> dict[Period, float]:
    periods = [Period.quarter_of(y, q) for y in range(2022, 2028) for q in range(1, 5)]
    return dict(zip(periods, values, strict=False))


@st.composite
def any_spec(draw: st.DrawFn) -> TargetSpec:
    kind = draw(st.sampled_from(list(Kind)))
    comparator = (
        RISING if kind is Kind.TREND else draw(st.sampled_from([GE, GT, LE, LT, EQ, APPROX]))
    )
    baseline = draw(st.none() | RANGE)
    return TargetSpec(
        kind,
        comparator,
        None if kind is Kind.TREND else draw(RANGE),
        tolerance=draw(st.none() | st.floats(0, 0.5)),
        year=None if kind in (Kind.FLOW, Kind.RULE) else draw(st.none() | st.integers(2023, 2027)),
        baseline=baseline,
        baseline_year=draw(st.none() | st.integers(2020, 2023)) if baseline is not None else None,
        measure=draw(st.sampled_from(list(Measure))),
    )


@given(any_spec(), st.lists(RANGE, min_size=24, max_size=24), st.sampled_from(QUARTERS))
def test_light_is_never_grey_when_a_usable_value_exists(
    spec: TargetSpec, values: list[float], period: Period
) -> None:
    result = evaluate(spec, _full_series(values), period)

    assert result.light is not GREY, result.reason_en
    assert result.actual is not None
    assert result.as_of is not None


FINITE = st.floats(allow_nan=False, allow_infinity=False)
PERIODS = st.builds(
    lambda y, kind, i: Period.parse(
        f"{y}" if kind == "Y" else f"{y}Q{1 + i % 4}" if kind == "Q" else f"{y}-{1 + i:02d}"
    ),
    st.integers(2021, 2029),
    st.sampled_from("YQM"),
    st.integers(0, 11),
)


@settings(max_examples=300)
@given(
    kind=st.sampled_from(list(Kind)),
    comparator=st.sampled_from(list(Comparator)),
    value=st.none() | FINITE,
    tolerance=st.none() | FINITE,
    year=st.none() | st.integers(2023, 2027),
    year_from=st.none() | st.integers(2023, 2027),
    year_to=st.none() | st.integers(2023, 2027),
    baseline=st.none() | FINITE,
    baseline_year=st.none() | st.integers(2020, 2027),
    measure=st.sampled_from(list(Measure)),
    data=st.dictionaries(PERIODS, FINITE, max_size=12),
    period=PERIODS,
)
def test_evaluate_never_raises(
    kind: Kind,
    comparator: Comparator,
    value: float | None,
    tolerance: float | None,
    year: int | None,
    year_from: int | None,
    year_to: int | None,
    baseline: float | None,
    baseline_year: int | None,
    measure: Measure,
    data: dict[Period, float],
    period: Period,
) -> None:
    spec = TargetSpec(
        kind,
        comparator,
        value,
        tolerance,
        year,
        year_from,
        year_to,
        baseline=baseline,
        baseline_year=baseline_year,
        measure=measure,
    )

    result = evaluate(spec, data, period)

    assert isinstance(result, Progress)
    assert result.light in LIGHT_RANK
    assert result.reason_zh
    assert result.reason_en
    assert math.isfinite(result.time_pct) if result.time_pct is not None else True
