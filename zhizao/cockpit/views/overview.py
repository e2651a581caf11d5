from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.functional import SimpleLazyObject
from django.views.decorators.http import require_safe

from zhizao.accounts.decorators import data_view
from zhizao.accounts.selectors import Access, access_for
from zhizao.cockpit.selectors.common import page_context
from zhizao.cockpit.selectors.overview import overview as overview_data
from zhizao.cockpit.views.common import base_context, is_en, no_plan, render_page


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    """The cockpit for data users; an administrator's home is account management."""
    access = access_for(request.user)
    if access.manages_accounts and not access.sees_data:
        return redirect("accounts:users")
    return overview(request)


@require_safe
@data_view
def overview(request: HttpRequest, access: Access) -> HttpResponse:
    ctx = page_context(access, request.GET)
    if ctx is None:
        return no_plan(request)
    en = is_en()
    data = SimpleLazyObject(lambda: overview_data(ctx, en=en))  # only on a cache miss
    return render_page(
        request, "cockpit/overview.html", {**base_context(ctx, request), "data": data}
    )
