"""What every cockpit page starts from: the plan version, the quarter and the unit."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.db.models import Q
from django.http import Http404
from django.utils import timezone
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
from zhizao.indicators.selectors import (
    current_version,
    progress_periods,
    progress_records_scope,
)
from zhizao.plans.models import Clause, ClauseRole, PlanVersion, Target

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
    pending: int  # recomputations queued or running

    @property
    def previous(self) -> Period | None:
        older = [p for p in self.periods if p < self.period]
        return older[0] if older else None


def stored_periods(version: PlanVersion) -> list[Period]:
    """Quarters with stored progress, newest first; else the quarters that should have it.

    Every refresh writes all targets of a unit-quarter together, so the quarters stored for
    the version's first target and its region are the quarters stored at all (a few rows
    through the (target, period) index instead of a scan of every record).
    """
    first = Target.objects.filter(version=version).order_by("order").values("pk")[:1]
    stored = {
        Period.parse(p)
        for p in ProgressRecord.objects.filter(target_id__in=first, unit_id=version.plan.region_id)
        .order_by()
        .values_list("period", flat=True)
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
        pending=pending_runs(version),
    )


@dataclass(frozen=True, slots=True)
class Catalogue:
    """A plan version's targets with their indicator and clause chain, read once.

    A loaded version never changes (a changed plan file makes a new version), so the
    catalogue is kept per process and keyed by the version's id and content hash.
    """

    targets: dict[int, Target]


_CATALOGUES: dict[tuple[int, str], Catalogue] = {}
_CATALOGUE_LOCK = threading.Lock()


def catalogue(version: PlanVersion) -> Catalogue:
    key = (version.pk, version.content_hash)
    found = _CATALOGUES.get(key)
    if found is not None:
        return found
    targets = {
        t.pk: t
        for t in Target.objects.filter(version=version)
        .select_related("indicator", "clause__parent__parent", "clause__lead")
        .order_by("order")
    }
    with _CATALOGUE_LOCK:
        if len(_CATALOGUES) > 16:
            _CATALOGUES.clear()
        return _CATALOGUES.setdefault(key, Catalogue(targets))


def records(
    ctx: Context, *, unit: Unit | None = None, period: Period | None = None
) -> list[ProgressRecord]:
    """Stored progress of the visible targets for a unit and a quarter, in plan order."""
    qs = ProgressRecord.objects.filter(
        version=ctx.version,
        unit=unit or ctx.unit,
        period=(period or ctx.period).id,
    ).order_by()
    if ctx.target_ids is not None:
        qs = qs.filter(target_id__in=ctx.target_ids)
    targets = catalogue(ctx.version).targets
    rows = list(qs)
    for r in rows:
        r.target = targets[r.target_id]
    rows.sort(key=lambda r: r.target.order)
    progress_records_scope(ctx.access, rows)  # no other county in parts or reasons
    return rows


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
    """Recomputations queued, or running for less than half an hour (a full one takes
    seconds; a worker killed outright leaves its run RUNNING, which must not show as
    pending for ever)."""
    recent = timezone.now() - dt.timedelta(minutes=30)
    return ProgressRun.objects.filter(
        Q(status=ProgressRun.Status.QUEUED)
        | Q(status=ProgressRun.Status.RUNNING, started_at__gte=recent),
        version=version,
    ).count()


def unit_codes(units: Iterable[Unit]) -> set[str]:
    return {u.code for u in units}
