"""The indicator catalogue and indicator values with their provenance."""

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import P, QueryEx, Router
from ninja.pagination import paginate

from zhizao.accounts.api import data_access
from zhizao.accounts.selectors import unit_get_for_user
from zhizao.core.domain import Period
from zhizao.core.schemas import ErrorOut, Paged
from zhizao.indicators.models import Indicator, IndicatorValue
from zhizao.indicators.schemas import IndicatorOut, SourceName, ValueOut
from zhizao.indicators.selectors import indicator_get_for_user, indicator_list, value_list

router = Router(tags=["indicators"])


@router.get(
    "/indicators",
    response={200: list[IndicatorOut], 401: ErrorOut, 403: ErrorOut},
    summary="指标 / Indicators",
)
@paginate(Paged)
def indicator_index(
    request: HttpRequest,
    q: QueryEx[str, P(description="搜索代码和名称 / search codes and names")] = "",
    code: QueryEx[
        list[str] | None, P(description="指标代码，可重复或逗号分隔 / codes, repeated or a,b")
    ] = None,
) -> QuerySet[Indicator]:
    codes = [c.strip() for item in code or [] for c in item.split(",") if c.strip()]
    return indicator_list(access=data_access(request), q=q.strip(), codes=codes)


@router.get(
    "/indicators/{code}",
    response={200: IndicatorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="指标详情 / An indicator",
)
def indicator_show(request: HttpRequest, code: str) -> Indicator:
    return indicator_get_for_user(data_access(request), code)


@router.get(
    "/values",
    response={200: list[ValueOut], 400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="指标值及来源 / Indicator values with provenance",
)
@paginate(Paged)
def value_index(
    request: HttpRequest,
    indicator: QueryEx[str, P(description="指标代码 / indicator code")] = "",
    unit: QueryEx[str, P(description="单位代码 / unit code")] = "",
    period: QueryEx[str, P(description="2025 / 2025Q3 / 2025-09")] = "",
    year: int | None = None,
    source: SourceName | None = None,
) -> QuerySet[IndicatorValue]:
    access = data_access(request)
    return value_list(
        access=access,
        indicator=indicator_get_for_user(access, indicator) if indicator else None,
        unit=unit_get_for_user(access, unit) if unit else None,
        period=Period.parse(period) if period else None,
        year=year,
        source=source,
    )
