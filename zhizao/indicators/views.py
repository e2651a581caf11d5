from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from zhizao.core.domain import Period, PeriodError, quarters_between
from zhizao.core.models import Unit
from zhizao.indicators.selectors import (
    TargetStatus,
    current_version,
    light_counts,
    plan_progress,
)
from zhizao.plans.models import ClauseRole

LIGHT_ORDER = ("achieved", "green", "yellow", "red", "grey")


def _light_labels() -> dict[str, str]:
    return {
        "achieved": _("已完成"),
        "green": _("正常"),
        "yellow": _("滞后"),
        "red": _("严重滞后"),
        "grey": _("无数据"),
    }


def _group_key(status: TargetStatus) -> tuple[int, str, str]:
    """Targets grouped under their pillar, measure or section as the plan orders them."""
    clause = status.target.clause
    node = clause
    while node.parent is not None and node.role not in (ClauseRole.PILLAR, ClauseRole.MEASURE):
        if node.role == ClauseRole.PART:
            break
        node = node.parent
    if node.role == ClauseRole.TASK and node.parent is not None:
        node = node.parent
    return node.order, node.ref, node.title if not _is_en() else node.title_en


def _is_en() -> bool:
    return (get_language() or "").startswith("en")


@login_required
def targets_overview(request: HttpRequest) -> HttpResponse:
    version = current_version(request.GET.get("plan") or None)
    if version is None:
        return render(request, "indicators/no_plan.html", status=200)
    latest = Period.last_complete_quarter(dt.date.today())
    periods = list(reversed(quarters_between(Period.quarter_of(version.start_year, 1), latest)))
    error = ""
    try:
        period = Period.parse(request.GET["period"]) if request.GET.get("period") else latest
    except PeriodError:
        period, error = latest, _("期间格式无效，已显示最近一个季度")
    region = version.plan.region
    units = list(Unit.objects.filter(pk=region.pk) | Unit.objects.filter(parent=region))
    unit = next((u for u in units if u.code == request.GET.get("unit")), region)
    statuses = plan_progress(version=version, period=period, unit=unit)

    groups: dict[tuple[int, str, str], list[TargetStatus]] = {}
    for s in statuses:
        groups.setdefault(_group_key(s), []).append(s)
    counts = light_counts(statuses)
    labels = _light_labels()
    chart: dict[str, Any] = {
        "title": _("亮灯分布"),
        "data": [
            {"name": labels[k], "value": counts[k], "light": k} for k in LIGHT_ORDER if counts[k]
        ],
    }
    context = {
        "version": version,
        "period": period,
        "periods": periods,
        "unit": unit,
        "units": units,
        "groups": [(ref, title, rows) for (_o, ref, title), rows in sorted(groups.items())],
        "counts": [(k, labels[k], counts[k]) for k in LIGHT_ORDER],
        "labels": labels,
        "total": len(statuses),
        "synthetic": any(s.synthetic for s in statuses),
        "chart": chart,
        "error": error,
        "en": _is_en(),
    }
    template = "indicators/overview.html"
    if request.headers.get("HX-Request"):
        template += "#results"
    return render(request, template, context)
