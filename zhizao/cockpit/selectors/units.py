"""Counties compared (ranking and map) and one unit's scorecard."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Count
from django.utils.translation import gettext as _

from zhizao.cockpit.selectors.common import (
    LIGHT_COLORS,
    LIGHT_ORDER,
    Context,
    Group,
    group_info,
    records,
)
from zhizao.core.models import Unit, UnitType
from zhizao.indicators.models import Indicator, ProgressRecord
from zhizao.plans.models import Target

METRICS = ("achievement", "actual")


@dataclass(slots=True)
class CountyRow:
    unit: Unit
    record: ProgressRecord | None
    counts: dict[str, int]
    total: int
    rank: int | None = None


@dataclass(frozen=True, slots=True)
class UnitComparison:
    counties: list[CountyRow]
    choices: list[Target]  # targets that can colour the map
    target: Target | None
    metric: str
    synthetic: bool
    chart_map: dict[str, Any]
    chart_rank: dict[str, Any]
    map_script: str
    map_name: str


def map_for(region: Unit) -> tuple[str, str]:
    spec = getattr(settings, "ZHIZAO_MAPS", {}).get(region.code)
    return (spec["script"], spec["name"]) if spec else ("", "")


def unit_comparison(ctx: Context, *, target_code: str, metric: str, en: bool) -> UnitComparison:
    counties = [u for u in ctx.units if u.type == UnitType.COUNTY]
    ids = [u.pk for u in counties]
    base = ProgressRecord.objects.filter(version=ctx.version, period=ctx.period.id, unit_id__in=ids)
    if ctx.target_ids is not None:
        base = base.filter(target_id__in=ctx.target_ids)
    counts: dict[int, dict[str, int]] = {pk: dict.fromkeys(LIGHT_ORDER, 0) for pk in ids}
    for unit_id, light, n in (
        base.order_by().values_list("unit_id", "light").annotate(n=Count("id"))
    ):
        counts[unit_id][light] = n
    # Targets judged per county with a figure: the ones that can colour the map.
    with_data = set(
        base.filter(actual__isnull=False).order_by().values_list("target_id", flat=True).distinct()
    )
    choices = list(
        Target.objects.filter(pk__in=with_data)
        .select_related("indicator", "clause")
        .order_by("order")
    )
    metric = metric if metric in METRICS else METRICS[0]
    target = next((t for t in choices if t.code == target_code), None)
    if target is None and choices:
        target = choices[0]
    chosen: dict[int, ProgressRecord] = {}
    if target is not None:
        chosen = {r.unit_id: r for r in base.filter(target=target).select_related("unit")}
    rows = [
        CountyRow(u, chosen.get(u.pk), counts[u.pk], sum(counts[u.pk].values())) for u in counties
    ]
    _rank(rows, metric, target.indicator if target else None)
    script, name = map_for(ctx.region)
    return UnitComparison(
        counties=sorted(rows, key=lambda r: (r.rank is None, r.rank or 0, r.unit.order)),
        choices=choices,
        target=target,
        metric=metric,
        synthetic=any(r.synthetic for r in chosen.values()),
        chart_map=_map_chart(rows, metric, target, name, ctx, en=en) if name else {},
        chart_rank=_rank_chart(rows, metric, target, en=en),
        map_script=script,
        map_name=name,
    )


def _value(row: CountyRow, metric: str) -> float | None:
    if row.record is None:
        return None
    return row.record.achievement_pct if metric == "achievement" else row.record.actual


def _rank(rows: list[CountyRow], metric: str, indicator: Indicator | None) -> None:
    """Competition ranking (1, 2, 2, 4); lower is better only for an actual value of an
    indicator where lower is better. Counties without a figure are not ranked."""
    lower_better = (
        metric == "actual"
        and indicator is not None
        and indicator.direction == Indicator.Direction.LOWER
    )
    scored = [(v, r) for r in rows if (v := _value(r, metric)) is not None]
    scored.sort(key=lambda pair: pair[0] if lower_better else -pair[0])
    previous: float | None = None
    rank = 0
    for position, (value, row) in enumerate(scored, start=1):
        if previous is None or value != previous:
            rank = position
        row.rank = rank
        previous = value


def _map_chart(
    rows: list[CountyRow],
    metric: str,
    target: Target | None,
    map_name: str,
    ctx: Context,
    *,
    en: bool,
) -> dict[str, Any]:
    values = [v for r in rows if (v := _value(r, metric)) is not None]
    data = [
        {
            "name": r.unit.name,
            "value": None if (v := _value(r, metric)) is None else round(v, 2),
            "link": f"/units/{r.unit.code}/?period={ctx.period.id}",
        }
        for r in rows
    ]
    unit_label = ""
    if target is not None:
        unit_label = (
            "%"
            if metric == "achievement"
            else (target.indicator.unit_en if en else target.indicator.unit)
        )
    return {
        "animation": False,
        "tooltip": {"trigger": "item"},
        "visualMap": {
            "type": "continuous",
            "min": min(values) if values else 0,
            "max": max(values)
            if values and max(values) > min(values)
            else (max(values) + 1 if values else 1),
            "left": 8,
            "bottom": 8,
            "calculable": False,
            "text": [_("高"), _("低")],
            "inRange": {"color": ["#e8f0f8", "#6aa0cf", "#1f4e79"]},
            "outOfRange": {"color": "#e6e6e6"},
        },
        "series": [
            {
                "type": "map",
                "map": map_name,
                "roam": False,
                "name": unit_label,
                "label": {
                    "show": True,
                    "fontSize": 11,
                    "color": "#1b2430",
                    "textBorderColor": "#ffffff",
                    "textBorderWidth": 2,
                },
                "emphasis": {"label": {"show": True}},
                "itemStyle": {"borderColor": "#ffffff", "borderWidth": 1, "areaColor": "#eeeeee"},
                "nameMap": {r.unit.name: r.unit.name_en for r in rows} if en else {},
                "data": [
                    {**d, "name": rows[i].unit.name_en if en else d["name"]}
                    for i, d in enumerate(data)
                ],
            }
        ],
    }


def _rank_chart(
    rows: list[CountyRow], metric: str, target: Target | None, *, en: bool
) -> dict[str, Any]:
    ordered = sorted(rows, key=lambda r: (r.rank is None, r.rank or 0, r.unit.order))
    return {
        "animation": False,
        "grid": {"left": 8, "right": 24, "top": 8, "bottom": 8, "containLabel": True},
        "tooltip": {"trigger": "axis", "axisPointer": {"type": "shadow"}},
        "xAxis": {"type": "value"},
        "yAxis": {
            "type": "category",
            "inverse": True,
            "data": [(r.unit.name_en if en else r.unit.name) for r in ordered],
        },
        "series": [
            {
                "type": "bar",
                "name": _("完成率") if metric == "achievement" else _("实际"),
                "barMaxWidth": 18,
                "data": [
                    {
                        "value": None if (v := _value(r, metric)) is None else round(v, 2),
                        "itemStyle": {
                            "color": LIGHT_COLORS[r.record.light] if r.record else "#9aa0a6"
                        },
                    }
                    for r in ordered
                ],
            }
        ],
    }


# ---------------------------------------------------------------------- scorecard


@dataclass(slots=True)
class ScoreGroup:
    group: Group
    rows: list[ProgressRecord] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Scorecard:
    groups: list[ScoreGroup]
    counts: dict[str, int]
    total: int
    zones: list[Unit]
    synthetic: bool


def scorecard(ctx: Context) -> Scorecard:
    groups: dict[str, ScoreGroup] = {}
    counts = dict.fromkeys(LIGHT_ORDER, 0)
    rows = records(ctx)
    for r in rows:
        g = group_info(r.target.clause)
        groups.setdefault(g.ref, ScoreGroup(g)).rows.append(r)
        counts[r.light] += 1
    zones = [u for u in ctx.units if u.host_id == ctx.unit.pk]
    return Scorecard(
        groups=list(groups.values()),  # first-seen in target order = the plan's order
        counts=counts,
        total=len(rows),
        zones=zones,
        synthetic=any(r.synthetic for r in rows),
    )
