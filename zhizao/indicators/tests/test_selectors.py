from __future__ import annotations

from decimal import Decimal

import pytest

from zhizao.core.domain import Period
from zhizao.core.models import Unit
from zhizao.indicators.models import ValueSource
from zhizao.indicators.selectors import plan_progress
from zhizao.indicators.services import value_set
from zhizao.plans.models import TargetAllocation

pytestmark = pytest.mark.django_db

COUNTIES = ["330402", "330411", "330421", "330424", "330481", "330482", "330483"]


def set_values(indicator, values: dict[str, float], period: str) -> None:
    for code, value in values.items():
        value_set(
            indicator=indicator,
            unit=Unit.objects.get(code=code),
            period=Period.parse(period),
            value=Decimal(str(value)),
            source=ValueSource.REPORTED,
        )


def status_of(version, code: str, period: str, unit: str | None = None):
    unit_obj = Unit.objects.get(code=unit) if unit else None
    return next(
        s
        for s in plan_progress(version=version, period=Period.parse(period), unit=unit_obj)
        if s.target.code == code
    )


def test_city_figure_of_an_additive_indicator_is_summed_from_the_counties(loaded_plan) -> None:
    target = loaded_plan.targets.get(code="mfg-investment-each-year")
    set_values(target.indicator, dict.fromkeys(COUNTIES, 100.0), "2025Q3")
    status = status_of(loaded_plan, target.code, "2025Q3")
    assert status.derived is True
    assert status.progress.actual == 700.0
    assert status.progress.expected == 750.0  # 1000 × 9/12
    assert status.progress.light.value == "green"  # 70% done vs 75% of the year: 5 points


def test_a_countys_share_is_judged_and_the_shares_are_checked_against_the_city(
    loaded_plan,
) -> None:
    target = loaded_plan.targets.get(code="mfg-investment-each-year")
    for code, share in zip(COUNTIES, [100, 100, 150, 100, 200, 150, 100], strict=True):
        TargetAllocation.objects.create(
            target=target,
            unit=Unit.objects.get(code=code),
            value=Decimal(share),
            source=TargetAllocation.Source.ENTERED,
        )
    set_values(target.indicator, {"330481": 90.0}, "2025Q2")

    county = status_of(loaded_plan, target.code, "2025Q2", "330481")
    city = status_of(loaded_plan, target.code, "2025Q2")

    assert county.allocated == 200.0
    assert county.progress.expected == 100.0  # 200 × 6/12
    assert county.progress.light.value == "green"  # 45% vs 50%: 5 points behind
    assert city.rollup is not None
    assert city.rollup.ok is False
    assert city.rollup.parts_total == 900.0
    assert city.rollup.gap == -100.0


def test_a_city_total_without_a_split_is_not_judged_for_a_county(loaded_plan) -> None:
    target = loaded_plan.targets.get(code="mfg-investment-each-year")
    set_values(target.indicator, {"330402": 80.0}, "2025Q1")
    status = status_of(loaded_plan, target.code, "2025Q1", "330402")
    assert status.progress.light.value == "grey"
    assert status.progress.actual == 80.0
    assert status.progress.reason_en == "a city-wide total, not yet allocated to this unit"


def test_a_count_held_is_judged_on_the_path_from_its_public_baseline(loaded_plan) -> None:
    # 小巨人: 104 held at the end of 2022 (public), 200 by 2027; 152 at the end of 2025 is
    # 50% of the way after 60% of the time: 10 points behind → still green.
    target = loaded_plan.targets.get(code="little-giants-2027")
    set_values(target.indicator, {"330400": 152.0}, "2025Q4")
    status = status_of(loaded_plan, target.code, "2025Q4")
    assert status.progress.expected == pytest.approx(161.6)
    assert status.progress.light.value == "green"
    assert status.synthetic is False


def test_a_derived_indicator_is_computed_from_its_formula(loaded_plan) -> None:
    from zhizao.indicators.models import Indicator

    # Make the investment share a formula over the investment itself, for the test.
    Indicator.objects.filter(code="mfg_investment_fai_share").update(formula="mfg_investment / 25")
    target = loaded_plan.targets.get(code="mfg-investment-fai-share-each-year")
    investment = Indicator.objects.get(code="mfg_investment")
    set_values(investment, {"330400": 750.0}, "2025Q4")
    status = status_of(loaded_plan, target.code, "2025Q4")
    assert status.progress.actual == 30.0
    assert status.progress.light.value == "achieved"
