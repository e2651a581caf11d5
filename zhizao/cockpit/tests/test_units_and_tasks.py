from __future__ import annotations

import pytest

from zhizao.cockpit.selectors.units import CountyRow, _rank
from zhizao.core.models import Unit
from zhizao.indicators.models import Indicator, ProgressRecord

pytestmark = pytest.mark.django_db


@pytest.fixture
def leader(demo_world, client_for):
    return client_for("leader")


def test_counties_are_ranked_by_achievement_for_the_chosen_target(leader, demo_world) -> None:
    data = leader.get("/units/?period=2025Q4&target=tax-per-mu-2025").context["data"]
    assert data.target.code == "tax-per-mu-2025"
    records = ProgressRecord.objects.filter(
        target__code="tax-per-mu-2025", period="2025Q4", unit__type="county"
    )
    by_achievement = sorted(records, key=lambda r: -(r.achievement_pct or 0.0))
    assert [row.unit.code for row in data.counties] == [r.unit.code for r in by_achievement]
    assert [row.rank for row in data.counties] == list(range(1, 8))


def test_the_ranking_counts_every_light_of_each_county(leader, demo_world) -> None:
    data = leader.get("/units/?period=2025Q4").context["data"]
    for row in data.counties:
        stored = ProgressRecord.objects.filter(unit=row.unit, period="2025Q4")
        assert row.total == stored.count() == 82
        assert row.counts["red"] == stored.filter(light="red").count()


def _row(code: str, value: float | None) -> CountyRow:
    record = None if value is None else ProgressRecord(achievement_pct=value, actual=value)
    return CountyRow(Unit(code=code), record, {}, 0)


def test_ties_share_a_rank_and_missing_figures_are_not_ranked() -> None:
    rows = [_row("a", 90.0), _row("b", 120.0), _row("c", 90.0), _row("d", None), _row("e", 80.0)]
    _rank(rows, "achievement", None)
    assert [r.rank for r in rows] == [2, 1, 2, None, 4]


def test_lower_is_better_indicators_rank_the_lowest_actual_first() -> None:
    rows = [_row("a", 3.0), _row("b", 1.0), _row("c", 2.0)]
    _rank(rows, "actual", Indicator(direction=Indicator.Direction.LOWER))
    assert [r.rank for r in rows] == [3, 1, 2]


def test_the_map_is_coloured_by_the_chosen_metric(leader) -> None:
    data = leader.get("/units/?period=2025Q4&target=tax-per-mu-2025&metric=actual").context["data"]
    values = {d["name"]: d["value"] for d in data.chart_map["series"][0]["data"]}
    actual = {
        r.unit.name: round(r.actual or 0.0, 2)
        for r in ProgressRecord.objects.filter(
            target__code="tax-per-mu-2025", period="2025Q4", unit__type="county"
        ).select_related("unit")
    }
    assert values == actual
    assert data.chart_map["series"][0]["map"] == "嘉兴"
    assert data.map_script == "vendor/china-cities/浙江/嘉兴市.js"


def test_the_map_geometry_is_served_locally(leader) -> None:
    html = leader.get("/units/").content.decode()
    quoted = "/static/vendor/china-cities/%E6%B5%99%E6%B1%9F/%E5%98%89%E5%85%B4%E5%B8%82.js"
    assert f'<script src="{quoted}"></script>' in html
    response = leader.get("/static/vendor/china-cities/浙江/嘉兴市.js")
    assert response.status_code == 200
    assert b"echarts.registerMap('\xe5\x98\x89\xe5\x85\xb4'" in b"".join(response.streaming_content)


def test_a_scorecard_lists_the_units_targets_by_pillar(leader) -> None:
    data = leader.get("/units/330402/?period=2025Q4").context["data"]
    assert sum(len(g.rows) for g in data.groups) == data.total == 82
    assert [z.code for z in data.zones] == ["JX-ETDZ"]


def test_the_task_board_lists_23_tasks_under_six_pillars(leader) -> None:
    data = leader.get("/tasks/?period=2025Q4").context["data"]
    assert data.task_count == 23
    assert [p.clause.ref for p in data.pillars] == [
        "二、(一)",
        "二、(二)",
        "二、(三)",
        "二、(四)",
        "二、(五)",
        "二、(六)",
    ]
    assert len(data.measures) == 7


def test_a_task_takes_the_light_of_its_worst_judged_target(leader) -> None:
    data = leader.get("/tasks/?period=2025Q4").context["data"]
    rank = {"achieved": 0, "green": 1, "yellow": 2, "red": 3}
    for pillar in data.pillars:
        for task in pillar.tasks:
            judged = [r.light for r in task.records if r.light != "grey"]
            if judged:
                assert task.worst == max(judged, key=rank.__getitem__)


def test_a_department_liaison_sees_only_the_tasks_its_department_works_on(
    demo_world, client_for
) -> None:
    data = client_for("kjj").get("/tasks/?period=2025Q4").context["data"]
    for pillar in data.pillars:
        for task in pillar.tasks:
            codes = {task.clause.lead.code} | {d.code for d in task.clause.co_leads.all()}
            assert "kjj" in codes
    assert 0 < data.task_count < 23
