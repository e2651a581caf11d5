from __future__ import annotations

import hashlib
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language

from zhizao.cockpit.selectors.common import (
    LIGHT_ORDER,
    Context,
    last_run,
    light_labels,
)
from zhizao.indicators.models import ProgressRun


def is_en() -> bool:
    return (get_language() or "").startswith("en")


# Rendered page bodies are cached for this long at most; any change of stored progress,
# of the user's scope or of the parameters makes a new key, so this only bounds how long
# an edited unit or department name can take to show.
PAGE_CACHE_SECONDS = 300


def page_cache_key(request: HttpRequest, ctx: Context, run: ProgressRun | None) -> str:
    """What a page body depends on: the page and its parameters, the language, the
    user's scope (not the user: colleagues with the same scope share it) and the
    generation of stored progress (the latest recomputation of the version)."""
    access = ctx.access
    parts = [
        request.path,
        str(access.role),  # office and leaders may one day see different controls
        urlencode(sorted(request.GET.items())),
        get_language() or "",
        ",".join(map(str, sorted(access.unit_ids))) if not access.all_units else "*",
        ",".join(map(str, sorted(access.department_ids))) if not access.all_targets else "*",
        f"{ctx.version.pk}:{ctx.version.content_hash}",
        "" if run is None else f"{run.pk}:{run.status}:{run.finished_at}",
        str(ctx.pending),
    ]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def base_context(ctx: Context, request: HttpRequest) -> dict[str, Any]:
    labels = light_labels()
    run = last_run(ctx.version)
    return {
        "cache_key": page_cache_key(request, ctx, run),
        "cache_seconds": PAGE_CACHE_SECONDS,
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
        "run": run,
        "pending": ctx.pending,
    }


def no_plan(request: HttpRequest) -> HttpResponse:
    return render(request, "cockpit/no_plan.html")


def render_page(
    request: HttpRequest, template: str, context: dict[str, Any], partial: str = "results"
) -> HttpResponse:
    """The whole page, or only its ``partial`` for an htmx request."""
    htmx = request.headers.get("HX-Request") and not (
        request.headers.get("HX-Boosted") or request.headers.get("HX-History-Restore-Request")
    )
    if htmx:
        template += "#" + partial
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response
