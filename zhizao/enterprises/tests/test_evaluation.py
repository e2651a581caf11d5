"""The 亩均 evaluation engine on hand-computed examples (rules: docs/evaluation.md).

The test scheme is small so that every figure can be checked by hand:

    规上 (above): 亩均税收 tax/land_mu          weight 50, benchmark 10,  cap 2
                  亩均增加值 value_added/land_mu weight 30, benchmark 50,  cap 2
                  单位排放增加值 value_added/emissions
                                                weight 20, benchmark 100, cap 2,
                                                missing → average points
    规下 (below): 亩均税收 50 + 单位电耗税收 tax/electricity 50, both the county average
    cuts A 20 % / B 60 % / C 95 % (cumulative), scores to 2 decimals.
"""

from __future__ import annotations

import math
from typing import Any

import polars as pl
import pytest

from zhizao.enterprises.evaluation import (
    Adjustment,
    Benchmark,
    Cuts,
    EvaluationInputError,
    Indicator,
    Item,
    Reason,
    ScaleRule,
    Scheme,
    class_sizes,
    county_averages,
    evaluate,
)

INDICATORS = (
    Indicator("tax_per_mu", "亩均税收", "Tax per mu", "tax / land_mu"),
    Indicator("va_per_mu", "亩均增加值", "Value added per mu", "value_added / land_mu"),
    Indicator("va_per_emission", "单位排放增加值", "VA per emission", "value_added / emissions"),
    Indicator("tax_per_kwh", "单位电耗税收", "Tax per kWh", "tax / electricity"),
)
ABOVE = ScaleRule(
    items=(
        Item("tax_per_mu", 50, Benchmark("fixed", 10.0), cap=2),
        Item("va_per_mu", 30, Benchmark("fixed", 50.0), cap=2),
        Item("va_per_emission", 20, Benchmark("fixed", 100.0), cap=2, missing="average_points"),
    )
)
BELOW = ScaleRule(
    items=(
        Item("tax_per_mu", 50, Benchmark("county_average")),
        Item("tax_per_kwh", 50, Benchmark("county_average")),
    )
)
SCHEME = Scheme(
    code="test",
    year=2022,
    title="测试办法",
    indicators=INDICATORS,
    scales={"above": ABOVE, "below": BELOW},
    vetoes=(Reason("pollution", "环境违法", "Environmental offence"),),
    exemptions=(
        Reason("utility", "公用事业", "Utility", grade="T"),
        Reason("relocating", "整体搬迁", "Relocating", grade="U"),
    ),
)


def firm(uscc: str, county: str = "330402", scale: str = "above", **figures: Any) -> dict[str, Any]:
    return {
        "enterprise_id": int("".join(c for c in uscc if c.isdigit()) or 0) or hash(uscc) % 10**9,
        "uscc": uscc,
        "county": county,
        "industry": "13",
        "scale": scale,
        **figures,
    }


def frame(*firms: dict[str, Any]) -> pl.DataFrame:
    columns = ("tax", "land_mu", "value_added", "emissions", "electricity")
    rows = [dict.fromkeys(("veto", "exempt")) | dict.fromkeys(columns) | f for f in firms]
    return pl.DataFrame(
        rows,
        schema={
            "enterprise_id": pl.Int64,
            "uscc": pl.String,
            "county": pl.String,
            "industry": pl.String,
            "scale": pl.String,
            **dict.fromkeys(columns, pl.Float64),
            "veto": pl.String,
            "exempt": pl.String,
        },
    )


def by_uscc(result: pl.DataFrame) -> dict[str, dict[str, Any]]:
    return {row["uscc"]: row for row in result.iter_rows(named=True)}


# Three 规上 firms of one county, by hand:
#   A: tax 150, land 10 → 亩均税收 15 ÷ 10 = 1.5 × 50 = 75
#      VA 600 → 亩均增加值 60 ÷ 50 = 1.2 × 30 = 36; VA ÷ emissions 4 = 150 ÷ 100 = 1.5 × 20 = 30
#      score 75 + 36 + 30 = 141
#   B: tax 80, land 10 → 8 ÷ 10 = 0.8 × 50 = 40; VA 400 → 40 ÷ 50 = 0.8 × 30 = 24;
#      VA ÷ 8 = 50 ÷ 100 = 0.5 × 20 = 10; score 74
#   C: tax 20, land 5 → 4 ÷ 10 = 0.4 × 50 = 20; VA 100 → 20 ÷ 50 = 0.4 × 30 = 12;
#      VA ÷ 2 = 50 → 0.5 × 20 = 10; score 42
#   n = 3: A is the first ceil(3 × 20 %) = 1, B up to ceil(3 × 60 %) = 2, C up to
#   ceil(3 × 95 %) = 3, no D.
THREE = (
    firm("A", tax=150, land_mu=10, value_added=600, emissions=4),
    firm("B", tax=80, land_mu=10, value_added=400, emissions=8),
    firm("C", tax=20, land_mu=5, value_added=100, emissions=2),
)


def test_a_three_firm_county_scores_ranks_and_classes_as_computed_by_hand():
    out = by_uscc(evaluate(frame(*THREE), SCHEME))
    assert [out[u]["score"] for u in "ABC"] == [141.0, 74.0, 42.0]
    assert [out[u]["grade"] for u in "ABC"] == ["A", "B", "C"]
    assert [out[u]["rank_county"] for u in "ABC"] == [1, 2, 3]
    assert [out[u]["rank_industry"] for u in "ABC"] == [1, 2, 3]
    assert [out[u]["county_size"] for u in "ABC"] == [3, 3, 3]
    assert [round(out[u]["percentile"], 4) for u in "ABC"] == [33.3333, 66.6667, 100.0]
    a = out["A"]
    assert a["tax_per_mu__value"] == 15.0
    assert a["tax_per_mu__benchmark"] == 10.0
    assert a["tax_per_mu__ratio"] == 1.5
    assert a["tax_per_mu__points"] == 75.0
    assert a["va_per_emission__points"] == 30.0
    # 规下 items are not scored for a 规上 firm.
    assert a["tax_per_kwh__points"] is None
    assert a["tax_per_kwh__missing"] is False


def test_the_explanation_names_the_class_the_two_largest_items_and_the_weakest():
    out = by_uscc(evaluate(frame(*THREE), SCHEME))
    assert out["A"]["explanation_zh"] == (
        "A 类（县内规上企业前 20%）。得分主要来自亩均税收、亩均增加值。"
    )
    assert out["A"]["explanation_en"] == (
        "Class A (top 20% of the county's above-scale firms). "
        "Most points came from Tax per mu and Value added per mu."
    )
    # C: ratios 0.4, 0.4, 0.5 — the first of the two lowest is named.
    assert out["C"]["explanation_zh"] == (
        "C 类（县内规上企业 60%–95%）。得分主要来自亩均税收、亩均增加值。离基准最远：亩均税收。"
    )


def test_equal_scores_are_ordered_by_tax_per_mu_then_by_uscc():
    # Everything capped at 2×: all three score 50×2 + 30×2 + 20×2 = 200.
    # X has 亩均税收 30, Y and Z 25: X first; Y and Z tie on that too, so the USCC
    # decides: "1…" before "9…".
    out = by_uscc(
        evaluate(
            frame(
                firm("9Y", tax=250, land_mu=10, value_added=1000, emissions=1),
                firm("X", tax=300, land_mu=10, value_added=1000, emissions=1),
                firm("1Z", tax=250, land_mu=10, value_added=1000, emissions=1),
            ),
            SCHEME,
        )
    )
    assert {u: out[u]["score"] for u in out} == {"9Y": 200.0, "X": 200.0, "1Z": 200.0}
    assert [out[u]["rank_county"] for u in ("X", "1Z", "9Y")] == [1, 2, 3]


def test_scores_equal_once_rounded_are_a_tie_whatever_the_third_decimal():
    # P: 50 × 10/10 + 30 × 50/50 + 20 × (10002/100)/100 = 50 + 30 + 20.004 = 100.004
    # Q: 50 × 10.002/10 + 30 × 49.985/50 + 20 × 1 = 50.01 + 29.991 + 20 = 100.001
    # Both are 100.00; Q's 亩均税收 10.002 beats P's 10.
    out = by_uscc(
        evaluate(
            frame(
                firm("P", tax=100, land_mu=10, value_added=500, emissions=500 / 100.02),
                firm("Q", tax=100.02, land_mu=10, value_added=499.85, emissions=4.9985),
            ),
            SCHEME,
        )
    )
    assert out["P"]["score"] == out["Q"]["score"] == 100.0
    assert out["Q"]["rank_county"] == 1
    assert out["P"]["rank_county"] == 2


def test_ranks_do_not_depend_on_the_order_of_the_rows():
    rows = [*THREE, firm("D", tax=150, land_mu=10, value_added=600, emissions=4)]
    first = evaluate(frame(*rows), SCHEME).select("uscc", "rank_county").sort("uscc")
    second = evaluate(frame(*reversed(rows)), SCHEME).select("uscc", "rank_county").sort("uscc")
    assert first.equals(second)
    # A and D are identical: the USCC puts A first.
    assert first.rows() == [("A", 1), ("B", 3), ("C", 4), ("D", 2)]


def test_a_missing_emission_figure_scores_the_average_points_of_the_county_s_firms():
    # A earns 30 and B 10 points for emissions; C has no figure: (30 + 10) / 2 = 20.
    # C: 20 + 12 + 20 = 52 instead of 42.
    c = firm("C", tax=20, land_mu=5, value_added=100)
    out = by_uscc(evaluate(frame(THREE[0], THREE[1], c), SCHEME))
    assert out["C"]["va_per_emission__missing"] is True
    assert out["C"]["va_per_emission__value"] is None
    assert out["C"]["va_per_emission__ratio"] is None
    assert out["C"]["va_per_emission__points"] == 20.0
    assert out["C"]["score"] == 52.0
    assert out["C"]["explanation_zh"].endswith(
        "单位排放增加值缺数据，按县内规上企业该项平均得分计。"
    )


def test_the_average_is_taken_within_the_county_only():
    # The other county's firm would pull the average to (30 + 10 + 40) / 3 if it counted.
    other = firm("E", county="330411", tax=150, land_mu=10, value_added=600, emissions=3)
    c = firm("C", tax=20, land_mu=5, value_added=100)
    out = by_uscc(evaluate(frame(THREE[0], THREE[1], c, other), SCHEME))
    assert out["C"]["va_per_emission__points"] == 20.0


def test_a_missing_figure_under_the_zero_rule_scores_nothing():
    # No land: 亩均税收 and 亩均增加值 are missing and score 0 (their rule is "zero").
    out = by_uscc(evaluate(frame(firm("N", tax=10, value_added=500, emissions=5)), SCHEME))
    assert out["N"]["tax_per_mu__missing"] is True
    assert out["N"]["tax_per_mu__points"] == 0.0
    assert out["N"]["score"] == 20.0  # 500 / 5 = 100 → ratio 1 × 20
    assert "亩均税收、亩均增加值缺数据，该项记 0 分。" in out["N"]["explanation_zh"]


def test_zero_emissions_count_as_missing_not_as_infinitely_clean():
    out = by_uscc(
        evaluate(
            frame(*THREE[:2], firm("Z", tax=20, land_mu=5, value_added=100, emissions=0)), SCHEME
        )
    )
    assert out["Z"]["va_per_emission__missing"] is True
    assert out["Z"]["va_per_emission__points"] == 20.0


def test_nan_figures_count_as_missing():
    rows = frame(firm("A", tax=150, land_mu=10, value_added=600, emissions=4))
    rows = rows.with_columns(pl.lit(math.nan).alias("emissions"))
    out = by_uscc(evaluate(rows, SCHEME))
    assert out["A"]["va_per_emission__missing"] is True


def test_a_ratio_counts_up_to_the_cap():
    # 亩均税收 100 is 10× the benchmark but counts 2×: 100 points, not 500.
    out = by_uscc(
        evaluate(frame(firm("R", tax=1000, land_mu=10, value_added=0, emissions=1)), SCHEME)
    )
    assert out["R"]["tax_per_mu__value"] == 100.0
    assert out["R"]["tax_per_mu__ratio"] == 2.0
    assert out["R"]["tax_per_mu__points"] == 100.0
    assert out["R"]["score"] == 100.0


def test_without_a_cap_the_ratio_counts_in_full():
    uncapped = Scheme(
        code="t",
        year=2022,
        title="t",
        indicators=INDICATORS[:1],
        scales={
            "above": ScaleRule(items=(Item("tax_per_mu", 100, Benchmark("fixed", 10), cap=None),))
        },
    )
    out = by_uscc(evaluate(frame(firm("R", tax=1000, land_mu=10)), uncapped))
    assert out["R"]["score"] == 1000.0


def test_a_veto_makes_the_best_firm_d_and_ranks_it_after_the_others():
    vetoed = {**THREE[0], "veto": "pollution"}
    out = by_uscc(evaluate(frame(vetoed, *THREE[1:]), SCHEME))
    assert out["A"]["score"] == 141.0
    assert out["A"]["grade"] == "D"
    assert out["A"]["status"] == "vetoed"
    assert out["A"]["reason"] == "pollution"
    assert out["A"]["rank_county"] == 3
    # B and C move up: ranks 1 and 2 of 3 are A and B.
    assert [out[u]["grade"] for u in "BC"] == ["A", "B"]
    assert out["A"]["explanation_zh"].startswith("一票否决（环境违法），定为 D 类。")


def test_exempt_firms_get_t_or_u_and_are_not_ranked():
    utility = firm("T1", tax=500, land_mu=10, value_added=600, emissions=4, exempt="utility")
    moving = firm("U1", tax=150, land_mu=10, value_added=600, emissions=4, exempt="relocating")
    out = by_uscc(evaluate(frame(*THREE, utility, moving), SCHEME))
    assert out["T1"]["grade"] == "T"
    assert out["T1"]["score"] is None
    assert out["U1"]["grade"] == "U"
    assert out["U1"]["score"] == 141.0  # scored, not classed
    for u in ("T1", "U1"):
        assert out[u]["status"] == "exempt"
        assert out[u]["rank_county"] is None
        assert out[u]["rank_industry"] is None
        assert out[u]["percentile"] is None
    # The county still has three ranked firms.
    assert [out[u]["rank_county"] for u in "ABC"] == [1, 2, 3]
    assert out["A"]["county_size"] == 3
    assert out["T1"]["explanation_zh"] == "公用事业：不参评（T），不排名。"
    assert out["U1"]["explanation_en"].startswith("Relocating: class undetermined (U), not ranked.")


def test_exempt_firms_do_not_enter_the_average_for_missing_data():
    exempt = firm("T1", tax=500, land_mu=10, value_added=6000, emissions=1, exempt="utility")
    c = firm("C", tax=20, land_mu=5, value_added=100)
    out = by_uscc(evaluate(frame(THREE[0], THREE[1], c, exempt), SCHEME))
    assert out["C"]["va_per_emission__points"] == 20.0


def test_a_veto_outweighs_an_exemption():
    both = {**THREE[0], "veto": "pollution", "exempt": "utility"}
    out = by_uscc(evaluate(frame(both, *THREE[1:]), SCHEME))
    assert out["A"]["grade"] == "D"
    assert out["A"]["rank_county"] == 3


def test_a_county_with_one_firm_puts_it_in_class_a():
    out = by_uscc(evaluate(frame(THREE[2]), SCHEME))
    assert out["C"]["grade"] == "A"
    assert out["C"]["rank_county"] == 1
    assert out["C"]["percentile"] == 100.0


def test_a_county_with_seven_firms_has_two_a_three_b_two_c_and_no_d():
    # ceil(7 × 20 %) = ceil(1.4) = 2; ceil(7 × 60 %) = ceil(4.2) = 5; ceil(7 × 95 %) =
    # ceil(6.65) = 7: A A B B B C C.
    firms = [firm(f"S{i}", tax=10 * (8 - i), land_mu=10) for i in range(1, 8)]
    out = evaluate(frame(*firms), SCHEME).sort("rank_county")
    assert out.get_column("grade").cast(pl.String).to_list() == list("AABBBCC")


def test_counties_and_scales_are_ranked_apart():
    out = by_uscc(
        evaluate(
            frame(
                *THREE,
                firm("K", county="330411", tax=1, land_mu=10, value_added=10, emissions=1),
                firm("L", scale="below", tax=1, land_mu=1, electricity=1),
            ),
            SCHEME,
        )
    )
    assert (out["K"]["rank_county"], out["K"]["grade"]) == (1, "A")
    assert (out["L"]["rank_county"], out["L"]["grade"]) == (1, "A")
    # Within the industry (both scales kept apart) K ranks after A, B and C.
    assert out["K"]["rank_industry"] == 4
    assert out["L"]["rank_industry"] == 1


@pytest.mark.parametrize(
    ("n", "sizes"),
    [
        (0, (0, 0, 0, 0)),
        (1, (1, 0, 0, 0)),
        (2, (1, 1, 0, 0)),
        (3, (1, 1, 1, 0)),
        (5, (1, 2, 2, 0)),
        (7, (2, 3, 2, 0)),
        (19, (4, 8, 7, 0)),
        (20, (4, 8, 7, 1)),
        (100, (20, 40, 35, 5)),
        # 天台 2022 evaluated 1,248 firms.
        (1248, (250, 499, 437, 62)),
    ],
)
def test_class_sizes_round_every_boundary_up(n, sizes):
    assert class_sizes(n, Cuts("percentile", 20, 60, 95)) == sizes


def test_classes_by_score_thresholds():
    by_score = Scheme(
        code="t",
        year=2022,
        title="t",
        indicators=INDICATORS,
        scales={"above": ScaleRule(items=ABOVE.items, cuts=Cuts("score", 100, 70, 45))},
    )
    out = by_uscc(evaluate(frame(*THREE), by_score))
    # 141 ≥ 100 → A; 74 ≥ 70 → B; 42 < 45 → D.
    assert [out[u]["grade"] for u in "ABC"] == ["A", "B", "D"]
    assert out["C"]["explanation_zh"].startswith("D 类（得分低于 45）。")


# 规下, county averages over the county's 规下 firms:
#   F1: tax 30, land 3, electricity 20;  F2: tax 10, land 2, electricity 10
#   亩均税收 average = (30 + 10) / (3 + 2) = 8; 单位电耗税收 average = 40 / 30 = 1.333…
#   F1: 10 / 8 = 1.25 × 50 = 62.5;  1.5 / 1.333… = 1.125 × 50 = 56.25  → 118.75
#   F2: 5 / 8 = 0.625 × 50 = 31.25; 1.0 / 1.333… = 0.75 × 50 = 37.5    → 68.75
BELOW_FIRMS = (
    firm("F1", scale="below", tax=30, land_mu=3, electricity=20),
    firm("F2", scale="below", tax=10, land_mu=2, electricity=10),
)


def test_below_scale_firms_are_scored_on_their_two_items_against_the_county_average():
    out = by_uscc(evaluate(frame(*BELOW_FIRMS), SCHEME))
    assert out["F1"]["tax_per_mu__benchmark"] == 8.0
    assert out["F1"]["tax_per_mu__points"] == 62.5
    assert out["F1"]["score"] == 118.75
    assert out["F2"]["score"] == 68.75
    assert out["F1"]["va_per_mu__points"] is None  # a 规上 item


def test_last_year_s_averages_passed_in_are_the_benchmarks():
    last_year = pl.DataFrame(
        {
            "county": ["330402", "330402"],
            "scale": ["below", "below"],
            "indicator": ["tax_per_mu", "tax_per_kwh"],
            "value": [10.0, 1.0],
        }
    )
    # F1: 10 / 10 × 50 = 50; 1.5 / 1 = 1.5 × 50 = 75 → 125.
    out = by_uscc(evaluate(frame(*BELOW_FIRMS), SCHEME, averages=last_year))
    assert out["F1"]["score"] == 125.0


def test_county_averages_are_the_figures_of_the_county_totals():
    averages = county_averages(frame(*BELOW_FIRMS, *THREE), SCHEME)
    assert averages.rows() == [
        ("330402", "below", "tax_per_kwh", 40 / 30),
        ("330402", "below", "tax_per_mu", 8.0),
    ]


def test_a_multiple_of_the_average_is_the_benchmark():
    double = Scheme(
        code="t",
        year=2022,
        title="t",
        indicators=INDICATORS,
        scales={
            "below": ScaleRule(
                items=(
                    Item("tax_per_mu", 50, Benchmark("county_average", factor=2)),
                    Item("tax_per_kwh", 50, Benchmark("county_average", factor=2)),
                )
            )
        },
    )
    out = by_uscc(evaluate(frame(*BELOW_FIRMS), double))
    # Benchmarks 16 and 2.666…: F1 10/16 × 50 = 31.25 and 1.5/2.666… × 50 = 28.125.
    assert out["F1"]["score"] == 59.38  # 59.375 rounded half up


def test_fixed_benchmarks_can_differ_by_county():
    per_county = Scheme(
        code="t",
        year=2022,
        title="t",
        indicators=INDICATORS[:1],
        scales={
            "above": ScaleRule(
                items=(Item("tax_per_mu", 100, Benchmark("fixed", 10, by_county={"330411": 20})),)
            )
        },
    )
    out = by_uscc(
        evaluate(
            frame(firm("A", tax=150, land_mu=10), firm("K", county="330411", tax=150, land_mu=10)),
            per_county,
        )
    )
    assert (out["A"]["score"], out["K"]["score"]) == (150.0, 75.0)


def test_bonus_and_penalty_items_add_and_subtract_points():
    with_adjustments = Scheme(
        code="t",
        year=2022,
        title="t",
        indicators=INDICATORS,
        scales={"above": ABOVE},
        adjustments=(
            Adjustment("honours", "荣誉加分", "Honours", "bonus", "honour_count", 2, max_points=5),
            Adjustment("cases", "处罚扣分", "Penalties", "penalty", "penalty_cases", 5),
        ),
    )
    rows = frame(*THREE).with_columns(
        pl.Series("honour_count", [3.0, 1.0, None]), pl.Series("penalty_cases", [1.0, 0.0, 2.0])
    )
    out = by_uscc(evaluate(rows, with_adjustments))
    # A: 141 + min(3 × 2, 5) − 5 = 141; B: 74 + 2 = 76; C: 42 − 10 = 32.
    assert [out[u]["honours__points"] for u in "ABC"] == [5.0, 2.0, 0.0]
    assert [out[u]["cases__points"] for u in "ABC"] == [-5.0, 0.0, -10.0]
    assert [out[u]["score"] for u in "ABC"] == [141.0, 76.0, 32.0]


def test_firms_of_a_scale_the_scheme_does_not_cover_are_not_evaluated():
    above_only = Scheme(
        code="t", year=2022, title="t", indicators=INDICATORS, scales={"above": ABOVE}
    )
    out = by_uscc(evaluate(frame(*THREE, *BELOW_FIRMS), above_only))
    assert out["F1"]["grade"] == "T"
    assert out["F1"]["status"] == "out_of_scope"
    assert out["F1"]["rank_county"] is None
    assert out["F1"]["explanation_zh"] == "本办法不评价规下企业，不参评（T）。"


def test_the_result_lists_above_scale_firms_first_each_scale_in_the_frame_s_order():
    rows = frame(BELOW_FIRMS[1], THREE[2], BELOW_FIRMS[0], THREE[0], THREE[1])
    assert evaluate(rows, SCHEME).get_column("uscc").to_list() == ["C", "A", "B", "F2", "F1"]


def test_kept_columns_are_copied_to_the_result():
    rows = frame(*THREE).with_columns(pl.Series("unit_id", [7, 8, 9]))
    out = evaluate(rows, SCHEME, keep=["unit_id"])
    assert out.select("uscc", "unit_id").rows() == [("A", 7), ("B", 8), ("C", 9)]


def test_enum_and_string_columns_give_the_same_result():
    rows = frame(*THREE, *BELOW_FIRMS)
    as_enum = rows.with_columns(
        pl.col("county").cast(pl.Enum(["330402"])),
        pl.col("scale").cast(pl.Enum(["above", "below"])),
        pl.col("veto").cast(pl.Enum(["pollution"])),
    )
    columns = ["uscc", "score", "grade", "rank_county", "rank_industry"]
    plain = evaluate(rows, SCHEME).select(columns)
    fast = evaluate(as_enum, SCHEME).select(columns)
    assert plain.equals(fast)


def test_an_unknown_veto_reason_is_refused():
    with pytest.raises(EvaluationInputError, match="unknown codes in veto: bribery"):
        evaluate(frame({**THREE[0], "veto": "bribery"}), SCHEME)


def test_a_missing_column_is_refused():
    with pytest.raises(EvaluationInputError, match="missing columns: emissions"):
        evaluate(frame(*THREE).drop("emissions"), SCHEME)


def test_an_empty_frame_gives_an_empty_result():
    out = evaluate(frame(), SCHEME)
    assert out.height == 0
    assert "grade" in out.columns
