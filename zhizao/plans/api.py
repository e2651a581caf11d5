"""Plans, their tasks and their targets with stored progress."""

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import P, QueryEx, Router
from ninja.pagination import paginate

from zhizao.accounts.api import data_access
from zhizao.core.schemas import ErrorOut, Paged
from zhizao.core.selectors import PagedRows
from zhizao.indicators.progress import Light
from zhizao.plans.domain import Kind
from zhizao.plans.models import Clause, PlanVersion, Target
from zhizao.plans.schemas import PlanDetailOut, PlanOut, TargetDetailOut, TargetOut, TaskOut
from zhizao.plans.selectors import (
    PlanRow,
    TargetHistory,
    TargetRow,
    plan_detail,
    plan_get,
    plan_list,
    progress_period,
    progress_unit,
    target_history,
    target_list,
    task_list,
)

router = Router(tags=["plans"])

DENIED = {401: ErrorOut, 403: ErrorOut}
NOT_FOUND = {**DENIED, 404: ErrorOut}
PERIOD_HELP = "季度，如 2025Q4；默认为最近已存进度的季度 / quarter; default: latest stored"
PILLAR_HELP = "板块条款编号，如 二、(三) / clause ref of a pillar"
DEPARTMENT_HELP = "牵头或配合部门代码 / code of a lead or co-lead department"
UNIT_HELP = "单位代码；默认为计划区域或本人首个县(市、区) / unit code; default: the region"


@router.get("/plans", response={200: list[PlanOut], **DENIED}, summary="计划 / Plans")
@paginate(Paged)
def plan_index(request: HttpRequest) -> PagedRows[PlanVersion, PlanRow]:
    data_access(request)
    return plan_list()


@router.get(
    "/plans/{code}", response={200: PlanDetailOut, **NOT_FOUND}, summary="计划详情 / A plan"
)
def plan_show(request: HttpRequest, code: str) -> PlanRow:
    data_access(request)
    return plan_detail(code)


@router.get(
    "/plans/{code}/tasks",
    response={200: list[TaskOut], **NOT_FOUND},
    summary="重点任务 / Tasks",
)
@paginate(Paged)
def task_index(
    request: HttpRequest,
    code: str,
    pillar: QueryEx[str, P(description=PILLAR_HELP)] = "",
    department: QueryEx[str, P(description=DEPARTMENT_HELP)] = "",
) -> QuerySet[Clause]:
    access = data_access(request)
    return task_list(access=access, version=plan_get(code), pillar=pillar, department=department)


@router.get(
    "/plans/{code}/targets",
    response={200: list[TargetOut], 400: ErrorOut, **NOT_FOUND},
    summary="目标及进度 / Targets with stored progress",
)
@paginate(Paged)
def target_index(
    request: HttpRequest,
    code: str,
    period: QueryEx[str, P(description=PERIOD_HELP)] = "",
    unit: QueryEx[str, P(description=UNIT_HELP)] = "",
    light: Light | None = None,
    kind: Kind | None = None,
    pillar: QueryEx[str, P(description=PILLAR_HELP)] = "",
    department: QueryEx[str, P(description=DEPARTMENT_HELP)] = "",
    q: QueryEx[str, P(description="搜索指标名称、条款原文、编号 / search names, text, codes")] = "",
) -> PagedRows[Target, TargetRow]:
    access = data_access(request)
    version = plan_get(code)
    return target_list(
        access=access,
        version=version,
        unit=progress_unit(access=access, version=version, unit=unit),
        period=progress_period(version=version, period=period),
        light=light or "",
        kind=kind or "",
        pillar=pillar,
        department=department,
        q=q.strip(),
    )


@router.get(
    "/plans/{code}/targets/{target_code}",
    response={200: TargetDetailOut, **NOT_FOUND},
    summary="目标及进度历史 / A target with its progress history",
)
def target_show(
    request: HttpRequest,
    code: str,
    target_code: str,
    unit: QueryEx[str, P(description=UNIT_HELP)] = "",
) -> TargetHistory:
    access = data_access(request)
    version = plan_get(code)
    return target_history(
        access=access,
        version=version,
        code=target_code,
        unit=progress_unit(access=access, version=version, unit=unit),
    )
