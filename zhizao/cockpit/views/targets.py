from __future__ import annotations

from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from zhizao.accounts.decorators import data_view
from zhizao.accounts.selectors import Access
from zhizao.cockpit.selectors.common import light_labels, page_context
from zhizao.cockpit.selectors.targets import (
    Filters,
    TargetList,
    kind_labels,
    target_get_for_user,
    target_page,
)
from zhizao.cockpit.selectors.targets import (
    target_list as list_data,
)
from zhizao.cockpit.views.common import base_context, is_en, no_plan, render_page
from zhizao.core.domain import Period
from zhizao.core.models import Unit
from zhizao.core.services import audit_log
from zhizao.core.xlsx import Column, Sheet, workbook_bytes
from zhizao.plans.models import PlanVersion


@require_safe
@data_view
def target_list(request: HttpRequest, access: Access) -> HttpResponse:
    ctx = page_context(access, request.GET)
    if ctx is None:
        return no_plan(request)
    filters = Filters.parse(request.GET)
    data = SimpleLazyObject(lambda: list_data(ctx, filters))  # only on a cache miss
    base = {"period": ctx.period.id, "unit": ctx.unit.code}
    sort_links = {}
    for key in ("order", "indicator", "light", "achievement", "progress", "actual", "gap"):
        descending = filters.sort == key and not filters.descending
        sort_links[key] = "?" + urlencode(
            {**base, **filters.query(sort=("-" if descending else "") + key)}
        )
    context = {
        **base_context(ctx, request),
        "data": data,
        "filters": filters,
        "kinds": sorted(kind_labels().items()),
        "kind_names": kind_labels(),
        "sort_links": sort_links,
        "export_query": urlencode({**base, **filters.query()}),
    }
    return render_page(request, "cockpit/targets.html", context)


@require_safe
@data_view
def target_export(request: HttpRequest, access: Access) -> HttpResponse:
    """Exactly the rows the list shows for the same parameters, as .xlsx."""
    ctx = page_context(access, request.GET)
    if ctx is None:
        return no_plan(request)
    filters = Filters.parse(request.GET)
    data = list_data(ctx, filters)
    en = is_en()
    content = workbook_bytes([_sheet(data, ctx.version, ctx.unit, ctx.period, filters, en)])
    audit_log(
        actor=request.user,
        action="targets.export",
        obj=ctx.version,
        summary=f"导出目标清单 {ctx.unit.code} {ctx.period} {len(data.rows)} 行",
        data={"unit": ctx.unit.code, "period": ctx.period.id, **filters.query()},
    )
    name = f"zhizao-targets-{ctx.unit.code}-{ctx.period.id}.xlsx"
    response = HttpResponse(
        content,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _sheet(
    data: TargetList,
    version: PlanVersion,
    unit: Unit,
    period: Period,
    filters: Filters,
    en: bool,
) -> Sheet:
    labels = light_labels()
    kinds = kind_labels()
    columns = [
        Column(_("条款")),
        Column(_("目标编号")),
        Column(_("板块")),
        Column(_("指标")),
        Column(_("计量单位")),
        Column(_("类型")),
        Column(_("比较符")),
        Column(_("目标值"), "number", 2),
        Column(_("目标年")),
        Column(_("本单位分解值"), "number", 2),
        Column(_("实际"), "number", 2),
        Column(_("数据期")),
        Column(_("序时应达"), "number", 2),
        Column(_("完成率(%)"), "percent", 1),
        Column(_("完成进度(%)"), "percent", 1),
        Column(_("序时进度(%)"), "percent", 1),
        Column(_("亮灯")),
        Column(_("说明"), max_width=70),
        Column(_("牵头/配合部门")),
        Column(_("数据来源")),
        Column(_("条款原文"), max_width=80),
    ]
    rows = []
    for row in data.rows:
        r, t = row.record, row.record.target
        ind = t.indicator
        years = f"{t.year_from}–{t.year_to}" if t.year_from else str(t.year) if t.year else ""
        rows.append(
            [
                t.clause.ref,
                t.code,
                row.group.short_en if en else row.group.short,
                ind.name_en if en else ind.name,
                ind.unit_en if en else ind.unit,
                kinds.get(t.kind, t.kind),
                t.comparator,
                float(t.value) if t.value is not None else t.value_text,
                years,
                r.allocated,
                r.actual,
                r.as_of,
                r.expected,
                r.achievement_pct,
                r.progress_pct,
                r.time_pct,
                labels[r.light],
                r.reason_en if en else r.reason_zh,
                "、".join(d.name_en if en else d.name for d in row.departments),
                _("合成演示数据") if r.synthetic else (_("汇总") if r.derived else ""),
                t.sentence,
            ]
        )
    shown = ", ".join(f"{k}={v}" for k, v in filters.query().items()) or _("无")
    title = version.title_en if en else version.title
    unit_name = unit.name_en if en else unit.name
    return Sheet(
        name=_("目标进度"),
        columns=columns,
        rows=rows,
        title_lines=[
            f"{title} · {unit_name} · {period.id}",
            _("筛选条件：%(f)s；共 %(n)d 行；导出时间 %(t)s")
            % {"f": shown, "n": len(rows), "t": timezone.localtime().strftime("%Y-%m-%d %H:%M")},
        ],
        warning=_("含合成演示数据，并非真实统计") if data.synthetic else "",
    )


@require_safe
@data_view
def target_detail(request: HttpRequest, access: Access, code: str) -> HttpResponse:
    ctx = page_context(access, request.GET)
    if ctx is None:
        return no_plan(request)
    target = target_get_for_user(ctx, code)  # 404 before anything is rendered
    en = is_en()
    page = SimpleLazyObject(lambda: target_page(ctx, target, en=en))
    return render(
        request,
        "cockpit/target.html",
        {
            **base_context(ctx, request),
            "target": target,
            "page": page,
            "kind_names": kind_labels(),
        },
    )
