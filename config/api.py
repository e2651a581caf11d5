"""The read-only JSON API at /api/v1/ (docs/api.md; schema in docs/openapi.json).

One router per app; a caller signs in with its browser session or a personal API token
and sees what its view scope covers. Error messages are "中文 / English".
"""

import json
from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import URLPattern, URLResolver
from ninja import NinjaAPI
from ninja.errors import AuthenticationError
from ninja.renderers import JSONRenderer
from ninja.security import django_auth

from zhizao.accounts.api import TokenAuth
from zhizao.accounts.api import router as accounts_router
from zhizao.core.api import router as core_router
from zhizao.core.domain import PeriodError
from zhizao.core.selectors import QueryParamError
from zhizao.enterprises.api import router as enterprises_router
from zhizao.indicators.api import router as indicators_router
from zhizao.plans.api import router as plans_router

UNAUTHORIZED = "请登录或提供有效的 API 令牌 / sign in or send a valid API token"
NOT_FOUND = "未找到 / not found"
FORBIDDEN = "无权访问 / forbidden"


class ChineseJSONRenderer(JSONRenderer):
    """UTF-8 JSON with Chinese as text rather than \\u escapes, so curl output is legible."""

    json_dumps_params = {"ensure_ascii": False}


class ZhizaoAPI(NinjaAPI):
    @property
    def urls(self) -> tuple[list[URLResolver | URLPattern], str, str]:
        """The API's views, exempt from the session-only ``LoginRequiredMiddleware``: a
        token alone must do, and each view authenticates the caller itself (401)."""
        patterns, app_name, namespace = super().urls
        for pattern in patterns:
            if isinstance(pattern, URLPattern):
                login_not_required(pattern.callback)
        return patterns, app_name, namespace


api = ZhizaoAPI(
    title="zhizao 智造 API",
    version="1",
    description=(
        "只读数据接口：单位、部门、计划、任务、目标及已存进度、指标及指标值。"
        " Read-only data: units, departments, plans, tasks, targets with stored progress,"
        " indicators and values. See docs/api.md."
    ),
    auth=[django_auth, TokenAuth()],
    renderer=ChineseJSONRenderer(),
    # Swagger UI would come from a CDN, which the intranet cannot reach; the schema stays.
    docs_url=None,
)
api.add_router("", core_router)
api.add_router("", accounts_router)
api.add_router("", plans_router)
api.add_router("", indicators_router)
api.add_router("", enterprises_router)


def _error(request: HttpRequest, status: int, detail: str) -> HttpResponse:
    return api.create_response(request, {"detail": detail}, status=status)


@api.exception_handler(AuthenticationError)
def unauthorized(request: HttpRequest, exc: Exception) -> HttpResponse:
    response = _error(request, 401, UNAUTHORIZED)
    response["WWW-Authenticate"] = "Bearer"
    return response


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
    # The same answer for an unknown code and for one outside the caller's scope.
    return _error(request, 404, NOT_FOUND)


@api.exception_handler(PermissionDenied)
def forbidden(request: HttpRequest, exc: Exception) -> HttpResponse:
    return _error(request, 403, FORBIDDEN)


@api.exception_handler(PeriodError)
def bad_period(request: HttpRequest, exc: Exception) -> HttpResponse:
    return _error(request, 400, str(exc))


@api.exception_handler(QueryParamError)
def bad_param(request: HttpRequest, exc: Exception) -> HttpResponse:
    return _error(request, 400, str(exc))


def openapi_text() -> str:
    """The live OpenAPI schema as committed in docs/openapi.json (``make openapi``)."""
    schema: dict[str, Any] = api.get_openapi_schema()
    return json.dumps(schema, indent=2, ensure_ascii=False, sort_keys=True) + "\n"
