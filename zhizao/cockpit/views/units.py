from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.functional import SimpleLazyObject
from django.views.decorators.http import require_safe

from zhizao.accounts.decorators import data_view
from zhizao.accounts.selectors import Access
from zhizao.cockpit.selectors.common import page_context
from zhizao.cockpit.selectors.units import map_for, scorecard
from zhizao.cockpit.selectors.units import unit_comparison as comparison_data
from zhizao.cockpit.views.common import base_context, is_en, no_plan, render_page


@require_safe
@data_view
def unit_comparison(request: HttpRequest, access: Access) -> HttpResponse:
    ctx = page_context(access, request.GET)
    if ctx is None:
        return no_plan(request)
    en = is_en()
    data = SimpleLazyObject(
        lambda: comparison_data(
            ctx,
            target_code=request.GET.get("target", ""),
            metric=request.GET.get("metric", ""),
            en=en,
        )
    )
    script, _name = map_for(ctx.region)
    return render_page(
        request,
        "cockpit/units.html",
        {**base_context(ctx, request), "data": data, "map_script": script},
    )


@require_safe
@data_view
def unit_scorecard(request: HttpRequest, access: Access, code: str) -> HttpResponse:
    params = request.GET.copy()
    params["unit"] = code  # the path names the unit; a unit outside the scope is a 404
    ctx = page_context(access, params)
    if ctx is None:
        return no_plan(request)
    return render(
        request,
        "cockpit/unit.html",
        {**base_context(ctx, request), "data": SimpleLazyObject(lambda: scorecard(ctx))},
    )
