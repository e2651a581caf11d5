"""Units: the city, its counties and the zones they host, as far as the caller may see."""

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Router
from ninja.pagination import paginate

from zhizao.accounts.api import data_access
from zhizao.accounts.selectors import unit_get_for_user
from zhizao.core.models import Unit
from zhizao.core.schemas import ErrorOut, Paged, UnitOut, UnitTypeName
from zhizao.core.selectors import unit_list

router = Router(tags=["units"])


@router.get(
    "/units",
    response={200: list[UnitOut], 401: ErrorOut, 403: ErrorOut},
    summary="单位 / Units",
)
@paginate(Paged)
def unit_index(request: HttpRequest, type: UnitTypeName | None = None) -> QuerySet[Unit]:
    return unit_list(access=data_access(request), type=type)


@router.get(
    "/units/{code}",
    response={200: UnitOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="单位详情 / A unit",
)
def unit_show(request: HttpRequest, code: str) -> Unit:
    return unit_get_for_user(data_access(request), code)
