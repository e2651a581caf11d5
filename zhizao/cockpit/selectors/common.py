"""What every cockpit page starts from: the plan version, the quarter and the unit."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from zhizao.accounts.selectors import (
    Access,
    default_unit,
    target_ids_visible,
    unit_get_for_user,
    units_visible,
)
from zhizao.core.domain import Period, PeriodError
from zhizao.core.models import Unit
from zhizao.indicators.models import ProgressRecord, ProgressRun
from zhizao.indicators.selectors import current_version, progress_periods
from zhizao.plans.models import Clause, ClauseRole, PlanVersion

LIGHT_ORDER = ("achieved", "green", "yellow", "red", "grey")
LIGHT_COLORS = {
    "achieved": "#1d6fb8",
    "green": "#2e9d57",
    "yellow": "#e0a400",
    "red": "#d3382f",
    "grey": "#9aa0a6",
}
# Better first, grey (cannot judge) last.
LIGHT_RANK = {"achieved": 0, "green": 1, "yellow": 2, "red": 3, "grey": 4}


def light_labels() -> dict[str, str]:
    return {
        "achieved": _("已完成"),
        "green": _("正常"),
        "yellow": _("滞后"),
        "red": _("严重滞后"),
        "grey": _("无数据"),
    }


@dataclass(frozen=True, slots=True)
class Context:
    """The page's plan version, quarter and unit, all within the user's scope."""

    access: Access
    version: PlanVersion
    region: Unit
    period: Period
    periods: list[Period]  # newest first
    unit: Unit
    units: list[Unit]  # every unit the user may pick
    target_ids: frozenset[int] | None  # visible targets; None = all
    error: str  # a message about a parameter that was ignored

    @property
    def previous(self) -> Period | None:
        older = [p for p in self.periods if p < self.period]
        return older[0] if older else None


def stored_periods(version: PlanVersion) -> list[Period]:
    """Quarters with stored progress, newest first; else the quarters that should have it."""
    stored = {
        Period.parse(p)
        for p in ProgressRecord.objects.filter(version=version)
        .values_list("period", flat=True)
        .distinct()
    }
    return sorted(stored or progress_periods(version), reverse=True)


def page_context(access: Access, params: Mapping[str, str]) -> Context | None:
    """Resolve ``plan``, ``period`` and ``unit`` from query parameters.

    A unit outside the user's scope is a 404, exactly like a unit that does not exist;
    a malformed period falls back to the latest with a message. None: no plan loaded.
    """
    version = current_version(params.get("plan") or None)
    if version is None:
        return None
    region = version.plan.region
    periods = stored_periods(version)
    error = ""
    period = periods[0] if periods else Period.quarter_of(version.start_year, 1)
    if params.get("period"):
        try:
            asked = Period.parse(params["period"])
        except PeriodError:
            error = _("期间格式无效，已显示最近一个季度")
        else:
            if asked in periods:
                period = asked
            else:
                error = _("所选期间无进度数据，已显示最近一个季度")
    if params.get("unit"):
        unit = unit_get_for_user(access, params["unit"])
    else:
        found = default_unit(access, region)
        if found is None:
            raise Http404("no unit in scope")
        unit = found
    return Context(
        access=access,
        version=version,
        region=region,
        period=period,
        periods=periods,
        unit=unit,
        units=list(units_visible(access)),
        target_ids=target_ids_visible(access, version),
        error=error,
    )


def records(
    ctx: Context, *, unit: Unit | None = None, period: Period | None = None
) -> QuerySet[ProgressRecord]:
    """Stored progress of the visible targets for a unit and a quarter, in plan order."""
    qs = (
        ProgressRecord.objects.filter(
            version=ctx.version,
            unit=unit or ctx.unit,
            period=(period or ctx.period).id,
        )
        .select_related(
            "target__indicator",
            "target__clause__parent__parent",
            "target__clause__lead",
        )
        .order_by("target__order")
    )
    if ctx.target_ids is not None:
        qs = qs.filter(target_id__in=ctx.target_ids)
    return qs


def visible_parts(ctx: Context, parts: Mapping[str, object]) -> dict[str, object]:
    """A city record's per-county breakdown, without the counties the user may not see."""
    if ctx.access.all_units:
        return dict(parts)
    codes = {u.code for u in ctx.units}
    return {code: v for code, v in parts.items() if code in codes}


@dataclass(frozen=True, slots=True)
class Group:
    order: int
    ref: str
    title: str
    title_en: str
    short: str
    short_en: str


def group_of(clause: Clause) -> Clause:
    """Where a target is counted: its pillar (二、(三)), else the part of the plan's
    goals it belongs to (一、(二)), else its section (三、 保障措施)."""
    chain = [clause]
    while chain[-1].parent is not None:
        chain.append(chain[-1].parent)
    for node in chain:
        if node.role == ClauseRole.PILLAR:
            return node
    if clause.role == ClauseRole.PART:
        return clause
    return chain[-1]


def group_info(clause: Clause) -> Group:
    g = group_of(clause)
    return Group(g.order, g.ref, g.title, g.title_en, g.short or g.title, g.short_en or g.title_en)


def last_run(version: PlanVersion) -> ProgressRun | None:
    return ProgressRun.objects.filter(version=version).order_by("-queued_at", "-id").first()


def pending_runs(version: PlanVersion) -> int:
    return ProgressRun.objects.filter(
        version=version, status__in=[ProgressRun.Status.QUEUED, ProgressRun.Status.RUNNING]
    ).count()


def label(obj: object, en: bool) -> str:
    if en:
        return str(getattr(obj, "name_en", "") or getattr(obj, "title_en", "") or obj)
    return str(getattr(obj, "name", "") or getattr(obj, "title", "") or obj)


def unit_codes(units: Iterable[Unit]) -> set[str]:
    return {u.code for u in units}
