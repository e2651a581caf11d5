"""API schemas of units, and what every list and error of the API shares."""

from typing import Any, Literal

from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination

from zhizao.core.models import Unit

UnitTypeName = Literal["city", "county", "zone"]

DEFAULT_LIMIT = 100
MAX_LIMIT = 1000


class PageParams(LimitOffsetPagination.Input):
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="每页条数 / page size")
    offset: int = Field(0, ge=0, description="跳过条数 / rows to skip")


class Paged(LimitOffsetPagination):
    """``limit`` (default 100, at most 1000) and ``offset``; answers ``{items, count}``."""

    Input = PageParams

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_limit=MAX_LIMIT, **kwargs)


class ErrorOut(Schema):
    detail: str


class UnitOut(Schema):
    code: str
    name: str
    name_en: str
    short_name: str
    type: UnitTypeName
    parent: str | None = Field(description="上级单位代码 / code of the parent unit")
    host: str | None = Field(description="功能区所在县(市、区) / a zone's host county")
    is_gb_code: bool

    @staticmethod
    def resolve_parent(obj: Unit) -> str | None:
        return obj.parent.code if obj.parent else None

    @staticmethod
    def resolve_host(obj: Unit) -> str | None:
        return obj.host.code if obj.host else None
