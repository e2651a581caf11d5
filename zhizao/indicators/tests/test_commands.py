from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from zhizao.indicators.models import IndicatorValue, ValueSource

pytestmark = pytest.mark.django_db


def status_json(*args: str) -> list[dict[str, object]]:
    out = io.StringIO()
    call_command("plan_status", "--json", *args, stdout=out)
    rows: list[dict[str, object]] = json.loads(out.getvalue())
    return rows


def test_plan_status_lists_every_target_with_the_promised_fields(loaded_plan) -> None:
    rows = status_json("--period", "2025Q4")
    assert len(rows) == loaded_plan.targets.count()
    required = {
        "ref",
        "indicator",
        "unit",
        "comparator",
        "value",
        "year",
        "kind",
        "scope",
        "actual",
        "expected",
        "light",
        "reason",
    }
    assert all(required <= set(r) for r in rows)
    # No data loaded yet: everything is grey and says why.
    assert {r["light"] for r in rows} == {"grey"}


def test_demo_data_lights_every_colour(loaded_plan) -> None:
    call_command("demo_data", "--seed", "2023", "--until", "2026Q3", verbosity=0)
    lights = {r["light"] for r in status_json("--period", "2026Q3")}
    assert lights == {"achieved", "green", "yellow", "red", "grey"}


def test_demo_data_is_deterministic_and_idempotent(loaded_plan) -> None:
    call_command("demo_data", "--seed", "5", "--until", "2025Q2", verbosity=0)
    first = sorted(
        IndicatorValue.objects.values_list("indicator__code", "unit__code", "period", "value")
    )
    call_command("demo_data", "--seed", "5", "--until", "2025Q2", verbosity=0)
    second = sorted(
        IndicatorValue.objects.values_list("indicator__code", "unit__code", "period", "value")
    )
    assert first == second
    assert IndicatorValue.objects.filter(source=ValueSource.PUBLIC).count() > 0
    assert not IndicatorValue.objects.filter(source=ValueSource.SYNTHETIC, year__lt=2022).exists()


def test_plan_status_for_a_county_judges_each_county_targets_for_that_county(loaded_plan) -> None:
    call_command("demo_data", "--seed", "2023", "--until", "2026Q3", verbosity=0)
    rows = status_json("--period", "2026Q3", "--unit", "330481")
    assert {r["unit_code"] for r in rows} == {"330481"}
    each = [r for r in rows if r["scope"] == "each_county"]
    assert each
    assert all(r["light"] in {"achieved", "green", "yellow", "red"} for r in each)


def test_plan_status_refuses_an_unknown_unit_and_a_bad_period(loaded_plan) -> None:
    with pytest.raises(CommandError, match="unknown unit code '999999'"):
        call_command("plan_status", "--unit", "999999")
    with pytest.raises(CommandError, match="invalid period '2025Q5'"):
        call_command("plan_status", "--period", "2025Q5")
