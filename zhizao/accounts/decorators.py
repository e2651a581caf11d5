"""View guards: the session is checked by middleware; these check the role.

Scoping of the objects themselves happens in selectors (``access_for`` and friends); a
guard only keeps a user away from pages its role has nothing to do on.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from zhizao.accounts.selectors import access_for

View = Callable[..., HttpResponse]


def data_view(view: View) -> View:
    """For the cockpit: a data user (office, liaisons, leaders); the view gets its access."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        access = access_for(request.user)
        if not access.sees_data:
            raise PermissionDenied("no data access for this account")
        return view(request, access, *args, **kwargs)

    return wrapper


def admin_view(view: View) -> View:
    """For account management: the system administrator only."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        access = access_for(request.user)
        if not access.manages_accounts:
            raise PermissionDenied("account management is for administrators")
        return view(request, access, *args, **kwargs)

    return wrapper
