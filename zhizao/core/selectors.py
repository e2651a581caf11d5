"""Reads of units, scoped to the user, and the paging helper the API's lists share."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, overload

from django.db.models import Model, QuerySet

from zhizao.accounts.selectors import Access, units_visible
from zhizao.core.models import Unit


class QueryParamError(ValueError):
    """A query parameter that is well formed but cannot be answered ("中文 / English")."""


def unit_list(*, access: Access, type: str | None = None) -> QuerySet[Unit]:
    """The units the user may see, city first; ``type``: city, county or zone."""
    qs = units_visible(access)
    return qs.filter(type=type) if type else qs


class PagedRows[M: Model, R]:
    """A query whose rows are turned into output rows one page at a time.

    The API's paginator counts with ``.all().count()`` and slices for the page; slicing
    here reads only that page and hands it to ``build``, which may read what the page
    needs (a few queries per page, never one per row).
    """

    def __init__(self, query: QuerySet[M], build: Callable[[list[M]], list[R]]) -> None:
        self.query = query
        self.build = build

    def all(self) -> QuerySet[M]:
        return self.query.all()

    def count(self) -> int:
        return self.query.count()

    @overload
    def __getitem__(self, index: int) -> R: ...
    @overload
    def __getitem__(self, index: slice) -> list[R]: ...
    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, slice):
            return self.build(list(self.query[index]))
        return self.build([self.query[index]])[0]
