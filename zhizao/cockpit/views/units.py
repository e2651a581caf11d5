from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from zhizao.accounts.decorators import data_view
from zhizao.accounts.selectors import Access
from zhizao.cockpit.selectors.common import page_context
from zhizao.cockpit.selectors.units import scorecard
from zhizao.cockpit.selectors.units import unit_comparison as comparison_data
from zhizao.cockpit.views.common import base_context, is_en, no_plan, render_page


@require_safe
@data_view
def unit_comparison(request: HttpRequest, access: Access) -> HttpResponse:
    ctx = page_context(access, request.GET)
    if ctx is None:
        return no_plan(request)
    data = comparison_data(
        ctx,
        target_code=request.GET.get("target", ""),
        metric=request.GET.get("metric", ""),
        en=is_en(),
    )
    return render_page(request, "cockpit/units.html", {**base_context(ctx), "data": data})


@require_safe
@data_view
def unit_scorecard(request: HttpRequest, access: Access, code: str) -> HttpResponse:
    params = request.GET.copy()
    params["unit"] = code  # the path names the unit; a unit outside the scope is a 404
    ctx = page_context(access, params)
    if ctx is None:
        return no_plan(request)
    return render(request, "cockpit/unit.html", {**base_context(ctx), "data": scorecard(ctx)})
