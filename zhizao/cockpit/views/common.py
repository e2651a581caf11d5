from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language

from zhizao.cockpit.selectors.common import (
    LIGHT_ORDER,
    Context,
    last_run,
    light_labels,
    pending_runs,
)


def is_en() -> bool:
    return (get_language() or "").startswith("en")


def base_context(ctx: Context) -> dict[str, Any]:
    labels = light_labels()
    return {
        "ctx": ctx,
        "version": ctx.version,
        "period": ctx.period,
        "periods": ctx.periods,
        "unit": ctx.unit,
        "units": ctx.units,
        "labels": labels,
        "light_choices": [(k, labels[k]) for k in LIGHT_ORDER],
        "error": ctx.error,
        "en": is_en(),
        "run": last_run(ctx.version),
        "pending": pending_runs(ctx.version),
    }


def no_plan(request: HttpRequest) -> HttpResponse:
    return render(request, "cockpit/no_plan.html")


def render_page(
    request: HttpRequest, template: str, context: dict[str, Any], partial: str = "results"
) -> HttpResponse:
    """The whole page, or only its ``partial`` for an htmx request."""
    if request.headers.get("HX-Request") and not request.headers.get("HX-Boosted"):
        template += "#" + partial
    return render(request, template, context)
