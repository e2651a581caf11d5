"""The overview: headline goals, lights per pillar, and what changed since last quarter."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from zhizao.cockpit.selectors.common import (
    LIGHT_COLORS,
    LIGHT_ORDER,
    LIGHT_RANK,
    Context,
    Group,
    group_info,
    light_labels,
    records,
)
from zhizao.indicators.models import Indicator, ProgressRecord
from zhizao.plans.models import ClauseRole


@dataclass(slots=True)
class Headline:
    """One headline indicator with its dated goals (e.g. 2025 and 2027)."""

    indicator: Indicator
    goals: list[ProgressRecord] = field(default_factory=list)


@dataclass(slots=True)
class GroupCount:
    group: Group
    counts: dict[str, int]
    total: int


@dataclass(frozen=True, slots=True)
class Change:
    record: ProgressRecord
    before: str  # the light last quarter
    worse: bool | None  # None: to or from grey, neither better nor worse


@dataclass(slots=True)
class Overview:
    rows: list[ProgressRecord]
    headlines: list[Headline]
    groups: list[GroupCount]
    counts: dict[str, int]
    changes: list[Change]
    synthetic: bool
    chart_groups: dict[str, Any]
    chart_headlines: dict[str, Any]


def overview(ctx: Context, *, en: bool) -> Overview:
    rows = records(ctx)
    before: dict[int, str] = {}
    if ctx.previous is not None:
        before = {r.target_id: r.light for r in records(ctx, period=ctx.previous)}

    headlines: dict[int, Headline] = {}
    for r in rows:
        if r.target.clause.role == ClauseRole.PART:
            h = headlines.setdefault(r.target.indicator_id, Headline(r.target.indicator))
            h.goals.append(r)

    groups: dict[str, GroupCount] = {}
    counts = dict.fromkeys(LIGHT_ORDER, 0)
    for r in rows:
        g = group_info(r.target.clause)
        gc = groups.setdefault(g.ref, GroupCount(g, dict.fromkeys(LIGHT_ORDER, 0), 0))
        gc.counts[r.light] += 1
        gc.total += 1
        counts[r.light] += 1
    ordered = list(groups.values())  # in the plan's order: rows come in target order

    changes = [
        Change(r, before[r.target_id], _worse(before[r.target_id], r.light))
        for r in rows
        if r.target_id in before and before[r.target_id] != r.light
    ]
    changes.sort(key=lambda c: ({True: 0, False: 2, None: 1}[c.worse], c.record.target.order))

    return Overview(
        rows=rows,
        headlines=list(headlines.values()),
        groups=ordered,
        counts=counts,
        changes=changes,
        synthetic=any(r.synthetic for r in rows),
        chart_groups=_groups_chart(ordered, en=en),
        chart_headlines=_headlines_chart(list(headlines.values()), en=en),
    )


def _worse(before: str, now: str) -> bool | None:
    """True worse, False better, None when either light is grey (no data is neither)."""
    if "grey" in (before, now):
        return None
    return LIGHT_RANK[now] > LIGHT_RANK[before]


def _groups_chart(groups: list[GroupCount], *, en: bool) -> dict[str, Any]:
    """Stacked bars: lights per pillar, the plan's order from top to bottom."""
    labels = light_labels()
    names = [(g.group.short_en if en else g.group.short) for g in groups]
    return {
        "animation": False,
        "grid": {"left": 8, "right": 16, "top": 30, "bottom": 8, "containLabel": True},
        "legend": {"top": 0, "itemWidth": 12, "itemHeight": 10},
        "tooltip": {"trigger": "axis", "axisPointer": {"type": "shadow"}},
        "xAxis": {"type": "value", "minInterval": 1},
        "yAxis": {"type": "category", "inverse": True, "data": names},
        "series": [
            {
                "name": labels[light],
                "type": "bar",
                "stack": "lights",
                "barMaxWidth": 22,
                "itemStyle": {"color": LIGHT_COLORS[light]},
                "data": [g.counts[light] for g in groups],
            }
            for light in LIGHT_ORDER
        ],
    }


def _headlines_chart(headlines: list[Headline], *, en: bool) -> dict[str, Any]:
    """Progress towards each dated headline goal against the time elapsed (序时进度)."""
    names: list[str] = []
    progress: list[dict[str, Any]] = []
    time: list[float | None] = []
    for h in headlines:
        for r in h.goals:
            if r.target.year is None:
                continue
            name = (h.indicator.name_en if en else h.indicator.name) + f" · {r.target.year}"
            names.append(name)
            value = r.progress_pct if r.progress_pct is not None else r.achievement_pct
            progress.append(
                {
                    "value": None if value is None else round(min(max(value, 0.0), 150.0), 1),
                    "itemStyle": {"color": LIGHT_COLORS[r.light]},
                }
            )
            time.append(None if r.time_pct is None else round(r.time_pct, 1))
    return {
        "animation": False,
        "grid": {"left": 8, "right": 24, "top": 30, "bottom": 8, "containLabel": True},
        "legend": {"top": 0, "itemWidth": 12, "itemHeight": 10},
        "tooltip": {"trigger": "axis", "axisPointer": {"type": "shadow"}},
        "xAxis": {"type": "value", "max": 150, "axisLabel": {"formatter": "{value}%"}},
        "yAxis": {
            "type": "category",
            "inverse": True,
            "data": names,
            "axisLabel": {"width": 260, "overflow": "truncate"},
        },
        "series": [
            {"name": _("完成进度"), "type": "bar", "barMaxWidth": 14, "data": progress},
            {
                "name": _("序时进度"),
                "type": "scatter",
                "symbol": "rect",
                "symbolSize": [3, 16],
                "itemStyle": {"color": "#1b2430"},
                "data": time,
            },
        ],
    }
