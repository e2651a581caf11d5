"""Reads of the enterprise registry, scoped to the user's units.

A county liaison sees the firms of its county (and of the zones it hosts); the office,
leaders and department liaisons see every firm; the administrator none. A firm outside
the scope is a 404 exactly like a code that does not exist.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, Q, QuerySet, Sum
from django.http import Http404

from zhizao.accounts.selectors import Access
from zhizao.enterprises.models import (
    AnnualMetric,
    Cluster,
    Enterprise,
    EvaluationResult,
    Honour,
    HonourKind,
    Scale,
)

PAGE_SIZE = 50


def enterprises_visible(access: Access) -> QuerySet[Enterprise]:
    if not access.sees_data:
        return Enterprise.objects.none()
    qs = Enterprise.objects.select_related("unit", "industry")
    return qs if access.all_units else qs.filter(unit_id__in=access.unit_ids)


@dataclass(frozen=True, slots=True)
class SearchFilters:
    q: str = ""
    unit: str = ""
    scale: str = ""
    honour: str = ""
    cluster: str = ""

    @classmethod
    def parse(cls, params: Any) -> SearchFilters:
        scale = params.get("scale", "")
        honour = params.get("honour", "")
        return cls(
            q=str(params.get("q", "")).strip()[:100],
            unit=str(params.get("unit", ""))[:32],
            scale=scale if scale in Scale.values else "",
            honour=honour if honour in HonourKind.values else "",
            cluster=str(params.get("cluster", ""))[:64],
        )


def enterprise_search(
    access: Access, filters: SearchFilters, *, page: int | str = 1
) -> tuple[Page[Enterprise], int]:
    """A page of matching firms (by name or code), and how many the user may see at all."""
    paginator = Paginator(enterprise_search_query(access, filters), PAGE_SIZE)
    return paginator.get_page(page), enterprises_visible(access).count()


def enterprise_search_query(access: Access, filters: SearchFilters) -> QuerySet[Enterprise]:
    qs = enterprises_visible(access)
    if filters.q:
        qs = qs.filter(Q(name__icontains=filters.q) | Q(uscc__istartswith=filters.q.upper()))
    if filters.unit:
        qs = qs.filter(unit__code=filters.unit)
    if filters.scale:
        qs = qs.filter(scale=filters.scale)
    if filters.honour:
        qs = qs.filter(
            pk__in=Honour.objects.filter(kind=filters.honour, revoked_year__isnull=True).values(
                "enterprise_id"
            )
        )
    if filters.cluster:
        qs = qs.filter(clusters__code=filters.cluster)
    return qs.order_by("unit__order", "name", "uscc")


def enterprise_get_for_user(access: Access, uscc: str) -> Enterprise:
    firm = enterprises_visible(access).filter(uscc=uscc.upper()).first()
    if firm is None:
        raise Http404("no such enterprise")
    return firm


@dataclass(slots=True)
class Profile:
    firm: Enterprise
    metrics: list[AnnualMetric]
    honours: list[Honour]
    clusters: list[Cluster]
    evaluations: list[EvaluationResult]
    per_mu: list[dict[str, Any]] = field(default_factory=list)
    chart_metrics: dict[str, Any] = field(default_factory=dict)


def enterprise_profile(access: Access, uscc: str, *, en: bool) -> Profile:
    firm = enterprise_get_for_user(access, uscc)
    metrics = list(AnnualMetric.objects.filter(enterprise=firm).order_by("year"))
    per_mu = [
        {
            "year": m.year,
            "tax_per_mu": _div(m.tax, m.land_mu),
            "va_per_mu": _div(m.value_added, m.land_mu),
            "va_per_employee": _div(m.value_added, m.employees),
            "rd_share": _pct(m.rd, m.main_revenue),
        }
        for m in metrics
    ]
    return Profile(
        firm=firm,
        metrics=metrics,
        honours=list(Honour.objects.filter(enterprise=firm).order_by("-year", "kind")),
        clusters=list(firm.clusters.order_by("order")),
        evaluations=list(
            EvaluationResult.objects.filter(enterprise=firm, run__is_current=True)
            .select_related("run__scheme")
            .order_by("-run__year")
        ),
        per_mu=per_mu,
        chart_metrics=_metrics_chart(metrics, en=en),
    )


def _pct(a: Decimal | None, b: Decimal | None) -> float | None:
    share = _div(a, b)
    return None if share is None else share * 100


def _div(a: Decimal | None, b: Decimal | None) -> float | None:
    return None if a is None or not b else float(a) / float(b)


def _metrics_chart(metrics: list[AnnualMetric], *, en: bool) -> dict[str, Any]:
    years = [str(m.year) for m in metrics]

    def series(name: str, values: list[float | None], axis: int) -> dict[str, Any]:
        return {
            "name": name,
            "type": "bar" if axis == 0 else "line",
            "yAxisIndex": axis,
            "data": values,
        }

    return {
        "animation": False,
        "grid": {"left": 8, "right": 8, "top": 40, "bottom": 8, "containLabel": True},
        "legend": {"top": 0},
        "tooltip": {"trigger": "axis"},
        "xAxis": {"type": "category", "data": years},
        "yAxis": [
            {"type": "value", "name": "万元" if not en else "10k yuan"},
            {"type": "value", "name": "万元/亩" if not en else "10k yuan/mu"},
        ],
        "series": [
            series("营业收入" if not en else "Revenue", [_f(m.revenue) for m in metrics], 0),
            series("实缴税金" if not en else "Tax paid", [_f(m.tax) for m in metrics], 0),
            series(
                "亩均税收" if not en else "Tax per mu",
                [_div(m.tax, m.land_mu) for m in metrics],
                1,
            ),
        ],
    }


def _f(x: Decimal | None) -> float | None:
    return None if x is None else float(x)


# ------------------------------------------------------------------------ clusters


@dataclass(slots=True)
class ClusterRow:
    cluster: Cluster
    members: int = 0
    revenue: dict[int, float] = field(default_factory=dict)  # year → 亿元


def cluster_overview(access: Access) -> list[ClusterRow]:
    """Every cluster with its member firms and their revenue by year, within the scope."""
    firms = enterprises_visible(access)
    rows = {
        c.pk: ClusterRow(c)
        for c in Cluster.objects.prefetch_related("areas__unit").order_by("order")
    }
    through = Enterprise.clusters.through.objects.filter(enterprise__in=firms)
    for cluster_id, n in through.values_list("cluster_id").annotate(n=Count("enterprise_id")):
        rows[cluster_id].members = n
    sums = (
        AnnualMetric.objects.filter(enterprise__in=firms, enterprise__clusters__isnull=False)
        .values("enterprise__clusters", "year")
        .annotate(revenue=Sum("revenue"))
    )
    for r in sums:
        rows[r["enterprise__clusters"]].revenue[r["year"]] = float(r["revenue"] or 0) / 10_000
    return list(rows.values())


def cluster_get(code: str) -> Cluster:
    cluster = Cluster.objects.prefetch_related("areas__unit", "chains").filter(code=code).first()
    if cluster is None:
        raise Http404("no such cluster")
    return cluster


def cluster_members(access: Access, cluster: Cluster, *, page: int | str = 1) -> Page[Any]:
    latest = (
        AnnualMetric.objects.filter(enterprise__clusters=cluster)
        .order_by("-year")
        .values_list("year", flat=True)
        .first()
    )
    qs = (
        enterprises_visible(access)
        .filter(clusters=cluster)
        .annotate(revenue=Sum("metrics__revenue", filter=Q(metrics__year=latest)))
        .order_by("-revenue", "uscc")
    )
    return Paginator(qs, PAGE_SIZE).get_page(page)


def honour_counts(access: Access) -> dict[str, int]:
    firms = enterprises_visible(access)
    return dict(
        Honour.objects.filter(enterprise__in=firms, revoked_year__isnull=True)
        .values_list("kind")
        .annotate(n=Count("enterprise_id", distinct=True))
    )


def units_with_firms(access: Access) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for code, n in enterprises_visible(access).values_list("unit__code").annotate(n=Count("id")):
        counts[code] = n
    return counts
