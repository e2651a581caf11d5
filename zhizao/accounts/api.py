"""Who is calling the API, and the departments router.

A browser calls with its session (CSRF enforced for unsafe methods); a machine sends
``Authorization: Bearer <token>`` with a personal token (only its SHA-256 is stored, see
``services.token_create``). Either way the caller's view scope (``access_for``) decides
what it sees; the system administrator sees no data (403).
"""

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Router
from ninja.errors import HttpError
from ninja.pagination import paginate
from ninja.security import HttpBearer

from zhizao.accounts.models import Department
from zhizao.accounts.schemas import DepartmentOut
from zhizao.accounts.selectors import Access, access_for, departments_visible, token_lookup
from zhizao.accounts.services import token_digest, token_touch
from zhizao.core.schemas import ErrorOut, Paged

NO_DATA = "该账号无数据访问权限 / this account has no data access"


class TokenAuth(HttpBearer):
    """``Authorization: Bearer <token>``: a personal API token that has not been revoked."""

    def authenticate(self, request: HttpRequest, token: str) -> AbstractBaseUser | None:
        found = token_lookup(token_digest(token))
        if found is None:
            return None
        token_touch(token=found)
        # The rest of the request (scopes, audit) reads request.user as for a session.
        request.user = found.user
        return found.user


def data_access(request: HttpRequest) -> Access:
    """The caller's scopes; 403 for an account that sees no data (system administrator)."""
    access = access_for(request.user)
    if not access.sees_data:
        raise HttpError(403, NO_DATA)
    return access


router = Router(tags=["departments"])


@router.get(
    "/departments",
    response={200: list[DepartmentOut], 401: ErrorOut, 403: ErrorOut},
    summary="部门 / Departments",
)
@paginate(Paged)
def department_index(request: HttpRequest) -> QuerySet[Department]:
    return departments_visible(data_access(request))
