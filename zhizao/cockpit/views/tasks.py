from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils.functional import SimpleLazyObject
from django.views.decorators.http import require_safe

from zhizao.accounts.decorators import data_view
from zhizao.accounts.selectors import Access
from zhizao.cockpit.selectors.common import page_context
from zhizao.cockpit.selectors.tasks import task_board
from zhizao.cockpit.views.common import base_context, no_plan, render_page


@require_safe
@data_view
def task_list(request: HttpRequest, access: Access) -> HttpResponse:
    ctx = page_context(access, request.GET)
    if ctx is None:
        return no_plan(request)
    return render_page(
        request,
        "cockpit/tasks.html",
        {**base_context(ctx, request), "data": SimpleLazyObject(lambda: task_board(ctx))},
    )
