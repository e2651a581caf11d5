from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language
from django.views.decorators.http import require_safe

from zhizao.accounts.decorators import data_view
from zhizao.accounts.selectors import Access, units_visible
from zhizao.enterprises.models import HonourKind, Scale
from zhizao.enterprises.selectors import (
    SearchFilters,
    cluster_get,
    cluster_members,
    cluster_overview,
    enterprise_profile,
    enterprise_search,
)


def _en() -> bool:
    return (get_language() or "").startswith("en")


@require_safe
@data_view
def enterprise_list(request: HttpRequest, access: Access) -> HttpResponse:
    filters = SearchFilters.parse(request.GET)
    page, visible = enterprise_search(access, filters, page=request.GET.get("page", 1))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "page": page,
        "visible": visible,
        "filters": filters,
        "query": query.urlencode(),
        "units": [u for u in units_visible(access) if u.type != "city"],
        "scales": Scale.choices,
        "honours": HonourKind.choices,
        "en": _en(),
    }
    template = "enterprises/list.html"
    if request.headers.get("HX-Request") and not request.headers.get("HX-History-Restore-Request"):
        template += "#results"
    return render(request, template, context)


@require_safe
@data_view
def enterprise_detail(request: HttpRequest, access: Access, uscc: str) -> HttpResponse:
    profile = enterprise_profile(access, uscc, en=_en())
    return render(request, "enterprises/detail.html", {"p": profile, "en": _en()})


@require_safe
@data_view
def cluster_list(request: HttpRequest, access: Access) -> HttpResponse:
    rows = cluster_overview(access)
    years = sorted({y for r in rows for y in r.revenue})
    table = [(r, [r.revenue.get(y) for y in years]) for r in rows]
    return render(
        request,
        "enterprises/clusters.html",
        {"rows": table, "years": years, "en": _en()},
    )


@require_safe
@data_view
def cluster_detail(request: HttpRequest, access: Access, code: str) -> HttpResponse:
    cluster = cluster_get(code)
    page = cluster_members(access, cluster, page=request.GET.get("page", 1))
    return render(
        request, "enterprises/cluster.html", {"cluster": cluster, "page": page, "en": _en()}
    )
