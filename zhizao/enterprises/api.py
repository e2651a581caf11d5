"""Enterprises, clusters and evaluation results, as far as the caller may see."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router
from ninja.pagination import paginate

from zhizao.accounts.api import data_access
from zhizao.core.schemas import ErrorOut, Paged
from zhizao.enterprises.models import Enterprise
from zhizao.enterprises.schemas import ClusterOut, EnterpriseDetailOut, EnterpriseOut
from zhizao.enterprises.selectors import (
    SearchFilters,
    cluster_overview,
    enterprise_profile,
    enterprise_search_query,
)

router = Router(tags=["enterprises"])


def _out(e: Enterprise) -> dict[str, Any]:
    return {
        "uscc": e.uscc,
        "name": e.name,
        "unit": e.unit.code,
        "industry": e.industry.code,
        "scale": e.scale,
        "synthetic": e.synthetic,
    }


@router.get(
    "/enterprises",
    response={200: list[EnterpriseOut], 401: ErrorOut, 403: ErrorOut},
    summary="企业 / Enterprises",
)
@paginate(Paged)
def enterprise_index(
    request: HttpRequest,
    q: str = "",
    unit: str = "",
    scale: str = "",
    honour: str = "",
    cluster: str = "",
) -> list[dict[str, Any]] | Any:
    filters = SearchFilters.parse(
        {"q": q, "unit": unit, "scale": scale, "honour": honour, "cluster": cluster}
    )
    return _Mapped(enterprise_search_query(data_access(request), filters))


class _Mapped:
    """A queryset that the paginator slices and counts, giving out plain dicts."""

    def __init__(self, qs: Any) -> None:
        self.qs = qs

    def count(self) -> int:
        return int(self.qs.count())

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index: slice) -> list[dict[str, Any]]:
        return [_out(e) for e in self.qs[index]]


@router.get(
    "/enterprises/{uscc}",
    response={200: EnterpriseDetailOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="企业详情 / An enterprise",
)
def enterprise_show(request: HttpRequest, uscc: str) -> dict[str, Any]:
    p = enterprise_profile(data_access(request), uscc, en=False)

    def dec(x: object) -> str | None:
        return None if x is None else str(x)

    return {
        **_out(p.firm),
        "clusters": [c.code for c in p.clusters],
        "metrics": [
            {
                "year": m.year,
                **{
                    f: dec(getattr(m, f))
                    for f in (
                        "revenue",
                        "main_revenue",
                        "tax",
                        "value_added",
                        "land_mu",
                        "employees",
                        "rd",
                        "energy_tce",
                        "emissions",
                        "electricity",
                        "output",
                    )
                },
                "source": m.source,
            }
            for m in p.metrics
        ],
        "honours": [
            {
                "kind": h.kind,
                "year": h.year,
                "level": h.level,
                "exchange": h.exchange,
                "ticker": h.ticker,
                "revoked_year": h.revoked_year,
            }
            for h in p.honours
        ],
        "evaluations": [
            {
                "year": r.run.year,
                "scheme": r.run.scheme.code,
                "score": r.score,
                "grade": r.grade,
                "rank_county": r.rank_county,
                "rank_industry": r.rank_industry,
                "contributions": r.contributions,
                "explanation_zh": r.explanation_zh,
                "explanation_en": r.explanation_en,
            }
            for r in p.evaluations
        ],
    }


@router.get(
    "/clusters",
    response={200: list[ClusterOut], 401: ErrorOut, 403: ErrorOut},
    summary="产业集群 / Clusters",
)
def cluster_index(request: HttpRequest) -> list[dict[str, Any]]:
    return [
        {
            "code": r.cluster.code,
            "name": r.cluster.name,
            "name_en": r.cluster.name_en,
            "tier": r.cluster.tier,
            "is_assumption": r.cluster.is_assumption,
            "areas": {a.unit.code: a.role for a in r.cluster.areas.all()},
            "members": r.members,
            "revenue_100m_yuan": r.revenue,
        }
        for r in cluster_overview(data_access(request))
    ]
