"""The target list (filter, sort, export) and a single target's page."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from zhizao.accounts.models import Department
from zhizao.accounts.selectors import clause_departments, departments_visible
from zhizao.cockpit.selectors.common import (
    LIGHT_COLORS,
    LIGHT_ORDER,
    LIGHT_RANK,
    Context,
    Group,
    group_info,
    records,
)
from zhizao.core.models import Unit, UnitType
from zhizao.indicators.models import IndicatorValue, ProgressRecord
from zhizao.indicators.selectors import progress_records_scope
from zhizao.plans.domain import Kind
from zhizao.plans.models import Clause, Milestone, Target


def kind_labels() -> dict[str, str]:
    return {
        Kind.LEVEL: _("水平值"),
        Kind.FLOW: _("年度流量"),
        Kind.CUM: _("累计"),
        Kind.NEW: _("新增"),
        Kind.COVER: _("全覆盖"),
        Kind.FIRST: _("零的突破"),
        Kind.TREND: _("趋势"),
        Kind.RULE: _("规则"),
    }


SORTS = ("order", "indicator", "light", "achievement", "progress", "actual", "gap")


@dataclass(frozen=True, slots=True)
class Filters:
    pillar: str = ""
    kind: str = ""
    light: str = ""
    department: str = ""
    q: str = ""
    sort: str = "order"
    descending: bool = False

    @classmethod
    def parse(cls, params: Mapping[str, str]) -> Filters:
        """Unknown values are ignored rather than refused: a stale bookmark still opens."""
        kind = params.get("kind", "")
        light = params.get("light", "")
        raw_sort = params.get("sort", "order")
        descending = raw_sort.startswith("-")
        sort = raw_sort.lstrip("-")
        return cls(
            pillar=params.get("pillar", "")[:40],
            kind=kind if kind in set(Kind) else "",
            light=light if light in LIGHT_ORDER else "",
            department=params.get("department", "")[:32],
            q=params.get("q", "").strip()[:100],
            sort=sort if sort in SORTS else "order",
            descending=descending and sort in SORTS,
        )

    def query(self, **override: str) -> dict[str, str]:
        data = {
            "pillar": self.pillar,
            "kind": self.kind,
            "light": self.light,
            "department": self.department,
            "q": self.q,
            "sort": ("-" if self.descending else "") + self.sort,
        }
        data.update(override)
        return {k: v for k, v in data.items() if v and not (k == "sort" and v == "order")}

    @property
    def active(self) -> bool:
        return bool(self.pillar or self.kind or self.light or self.department or self.q)


@dataclass(frozen=True, slots=True)
class Row:
    record: ProgressRecord
    group: Group
    departments: list[Department]


@dataclass(frozen=True, slots=True)
class TargetList:
    rows: list[Row]
    total: int  # visible targets before filtering
    groups: list[Group]
    departments: list[Department]
    synthetic: bool


def _sort_key(sort: str) -> Any:
    missing = float("inf")

    def number(value: float | None) -> float:
        return missing if value is None else value

    keys: dict[str, Any] = {
        "order": lambda r: r.record.target.order,
        "indicator": lambda r: (r.record.target.indicator.name, r.record.target.order),
        "light": lambda r: (LIGHT_RANK[r.record.light], r.record.target.order),
        "achievement": lambda r: (number(r.record.achievement_pct), r.record.target.order),
        "progress": lambda r: (number(r.record.progress_pct), r.record.target.order),
        "actual": lambda r: (number(r.record.actual), r.record.target.order),
        "gap": lambda r: (number(r.record.gap), r.record.target.order),
    }
    return keys[sort]


def target_list(ctx: Context, filters: Filters) -> TargetList:
    all_rows = records(ctx)
    by_clause = clause_departments(ctx.version)
    departments = list(departments_visible(ctx.access))
    dept_by_id = {d.pk: d for d in departments}
    rows: list[Row] = []
    groups: dict[str, Group] = {}
    q = filters.q.lower()
    for r in all_rows:
        group = group_info(r.target.clause)
        groups.setdefault(group.ref, group)
        deps = [
            dept_by_id[i]
            for i in sorted(by_clause.get(r.target.clause_id, set()))
            if i in dept_by_id
        ]
        if filters.pillar and group.ref != filters.pillar:
            continue
        if filters.kind and r.target.kind != filters.kind:
            continue
        if filters.light and r.light != filters.light:
            continue
        if filters.department and filters.department not in {d.code for d in deps}:
            continue
        if q and not any(
            q in text.lower()
            for text in (
                r.target.code,
                r.target.sentence,
                r.target.indicator.name,
                r.target.indicator.name_en,
                r.target.clause.ref,
            )
        ):
            continue
        rows.append(Row(r, group, deps))
    key = _sort_key(filters.sort)
    rows.sort(key=key, reverse=filters.descending)
    return TargetList(
        rows=rows,
        total=len(all_rows),
        groups=list(groups.values()),  # first-seen in target order = the plan's order
        departments=departments,
        synthetic=any(row.record.synthetic for row in rows),
    )


# --------------------------------------------------------------------- one target


@dataclass(frozen=True, slots=True)
class TargetPage:
    target: Target
    record: ProgressRecord | None  # this unit, this quarter
    history: list[ProgressRecord]  # this unit, every stored quarter
    comparison: list[ProgressRecord]  # each visible county, this quarter
    parts: list[tuple[Unit, dict[str, Any]]]  # each visible county of an each-county target
    values: QuerySet[IndicatorValue]
    clause_chain: list[Clause]
    departments: list[Department]
    milestones: list[Milestone]
    synthetic: bool
    chart_trend: dict[str, Any]
    chart_units: dict[str, Any]


def target_get_for_user(ctx: Context, code: str) -> Target:
    target = (
        Target.objects.filter(version=ctx.version, code=code)
        .select_related("indicator", "clause__parent__parent", "clause__lead")
        .first()
    )
    if target is None or (ctx.target_ids is not None and target.pk not in ctx.target_ids):
        raise Http404("no such target")
    return target


def target_page(ctx: Context, target: Target, *, en: bool) -> TargetPage:
    """Everything the target page shows; ``target`` comes from ``target_get_for_user``."""
    history = list(
        ProgressRecord.objects.filter(target=target, unit=ctx.unit).order_by("period_end")
    )
    progress_records_scope(ctx.access, history)
    record = next((r for r in history if r.period == ctx.period.id), None)
    visible = {u.pk for u in ctx.units}
    comparison = list(
        ProgressRecord.objects.filter(
            target=target,
            period=ctx.period.id,
            unit__type=UnitType.COUNTY,
            unit_id__in=visible,
        )
        .select_related("unit")
        .order_by("unit__order")
    )
    values = (
        IndicatorValue.objects.filter(indicator=target.indicator, unit=ctx.unit)
        .select_related("entered_by")
        .order_by("-period_end", "period_type")
    )
    chain = [target.clause]
    while chain[-1].parent is not None:
        chain.append(chain[-1].parent)
    deps = clause_departments(ctx.version).get(target.clause_id, set())
    return TargetPage(
        target=target,
        record=record,
        history=history,
        comparison=comparison,
        parts=[(u, record.parts[u.code]) for u in ctx.units if u.code in record.parts]
        if record
        else [],
        values=values,
        clause_chain=list(reversed(chain)),
        departments=list(Department.objects.filter(pk__in=deps).order_by("order")),
        milestones=list(
            Milestone.objects.filter(clause__in=chain).select_related("owner").order_by("order")
        ),
        synthetic=any(r.synthetic for r in history),
        chart_trend=_trend_chart(target, history, en=en),
        chart_units=_units_chart(target, comparison, ctx.unit, en=en),
    )


def _trend_chart(target: Target, history: list[ProgressRecord], *, en: bool) -> dict[str, Any]:
    periods = [r.period for r in history]
    unit = target.indicator.unit_en if en else target.indicator.unit
    return {
        "animation": False,
        "grid": {"left": 8, "right": 24, "top": 40, "bottom": 8, "containLabel": True},
        "legend": {"top": 0},
        "tooltip": {"trigger": "axis"},
        "xAxis": {"type": "category", "data": periods},
        "yAxis": {"type": "value", "name": unit, "scale": True},
        "series": [
            {
                "name": _("实际"),
                "type": "line",
                "connectNulls": False,
                "symbolSize": 7,
                "lineStyle": {"width": 3, "color": "#1f4e79"},
                "itemStyle": {"color": "#1f4e79"},
                "data": [
                    None
                    if r.actual is None
                    else {"value": r.actual, "itemStyle": {"color": LIGHT_COLORS[r.light]}}
                    for r in history
                ],
            },
            {
                "name": _("序时应达"),
                "type": "line",
                "lineStyle": {"type": "dashed", "color": "#5f6b7a"},
                "itemStyle": {"color": "#5f6b7a"},
                "symbol": "none",
                "data": [r.expected for r in history],
            },
            {
                "name": _("目标"),
                "type": "line",
                "step": "end",
                "lineStyle": {"type": "dotted", "width": 2, "color": "#d3382f"},
                "itemStyle": {"color": "#d3382f"},
                "symbol": "none",
                "data": [
                    r.target_value if r.target_value is not None else r.allocated for r in history
                ],
            },
        ],
    }


def _units_chart(
    target: Target, comparison: list[ProgressRecord], current: Unit, *, en: bool
) -> dict[str, Any]:
    names = [(r.unit.name_en if en else r.unit.name) for r in comparison]
    return {
        "animation": False,
        "grid": {"left": 8, "right": 24, "top": 16, "bottom": 8, "containLabel": True},
        "tooltip": {"trigger": "axis", "axisPointer": {"type": "shadow"}},
        "xAxis": {"type": "value", "scale": False},
        "yAxis": {"type": "category", "inverse": True, "data": names},
        "series": [
            {
                "name": _("实际"),
                "type": "bar",
                "barMaxWidth": 18,
                "data": [
                    {
                        "value": r.actual,
                        "itemStyle": {
                            "color": LIGHT_COLORS[r.light],
                            "borderColor": "#1b2430"
                            if r.unit_id == current.pk
                            else LIGHT_COLORS[r.light],
                            "borderWidth": 2 if r.unit_id == current.pk else 0,
                        },
                        "link": f"?unit={r.unit.code}&period={r.period}",
                    }
                    for r in comparison
                ],
            }
        ],
    }
