"""Account pages: my account (scope, password, API tokens) and account management.

Every write goes through ``zhizao.accounts.services``; a refused change comes back as an
``AccountError`` and is shown next to its field. A new API token is shown once, in the
response to the POST that created it, and is stored nowhere but as its digest.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.forms import PasswordChangeForm
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from zhizao.accounts import services
from zhizao.accounts.decorators import admin_view, data_view
from zhizao.accounts.domain import Role
from zhizao.accounts.forms import (
    AccountCreateForm,
    AccountEditForm,
    PasswordSetForm,
    TokenForm,
    add_service_errors,
    role_label,
)
from zhizao.accounts.models import Department, Profile
from zhizao.accounts.selectors import Access, access_for, profiles_for_admin, tokens_of
from zhizao.core.models import Unit


def _actor(request: HttpRequest) -> User:
    # LoginRequiredMiddleware lets no anonymous request this far; this narrows the type.
    if not isinstance(request.user, User):
        raise PermissionDenied
    return request.user


def _english() -> bool:
    return (get_language() or "").startswith("en")


# ------------------------------------------------------------------------ my account


def _profile_page(
    request: HttpRequest,
    *,
    password_form: PasswordChangeForm | None = None,
    token_form: TokenForm | None = None,
) -> HttpResponse:
    user = _actor(request)
    access = access_for(user)
    profile = Profile.objects.filter(user=user).first()
    tokens = list(tokens_of(user.pk))
    return render(
        request,
        "accounts/profile.html",
        {
            "en": _english(),
            "display_name": (profile.display_name if profile else "") or user.first_name,
            **_scope_of(access),
            "password_form": password_form or _password_form(user),
            "tokens": tokens,
            "show_tokens": access.sees_data or bool(tokens),
            "token_form": (token_form or TokenForm()) if access.sees_data else None,
        },
    )


def _password_form(user: User, data: Any = None) -> PasswordChangeForm:
    form = PasswordChangeForm(user, data, label_suffix="")
    # The page is about more than the password: do not grab the focus.
    form.fields["old_password"].widget.attrs.pop("autofocus", None)
    return form


def _scope_of(access: Access) -> dict[str, Any]:
    """The units and departments named in the user's scope (the rules say the rest)."""
    units = Unit.objects.order_by("order", "code")
    return {
        "view_units": [] if access.all_units else list(units.filter(pk__in=access.unit_ids)),
        "capture_units": list(units.filter(pk__in=access.capture_unit_ids)),
        "departments": list(
            Department.objects.filter(pk__in=access.department_ids).order_by("order", "code")
        ),
    }


@require_GET
def profile(request: HttpRequest) -> HttpResponse:
    return _profile_page(request)


@require_POST
def password_change(request: HttpRequest) -> HttpResponse:
    user = _actor(request)
    form = _password_form(user, request.POST)
    if not form.is_valid():
        return _profile_page(request, password_form=form)
    services.password_change_own(user=user, password=form.cleaned_data["new_password1"])
    update_session_auth_hash(request, user)
    messages.success(request, _("密码已修改。"))
    return redirect("accounts:profile")


@require_POST
@data_view
def token_create(request: HttpRequest, access: Access) -> HttpResponse:
    form = TokenForm(request.POST)
    if form.is_valid():
        try:
            token, raw = services.token_create(
                actor=_actor(request), name=form.cleaned_data["name"]
            )
        except services.AccountError as exc:
            add_service_errors(form, exc)
        else:
            response = render(request, "accounts/token_created.html", {"token": token, "raw": raw})
            # The secret must not come back from a cache or the browser's history.
            add_never_cache_headers(response)
            return response
    return _profile_page(request, token_form=form)


@require_POST
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    # Any account may revoke its own tokens, even one that no longer sees data.
    token = services.token_revoke(actor=_actor(request), token_id=token_id)
    messages.success(request, _("已撤销令牌“%(name)s”。") % {"name": token.name})
    return redirect("accounts:profile")


# ---------------------------------------------------------------- account management


@require_GET
@admin_view
def users(request: HttpRequest, access: Access) -> HttpResponse:
    roles = [(r.value, role_label(r)) for r in Role]
    role = request.GET.get("role", "")
    profiles = profiles_for_admin(access)
    if role in Role:
        profiles = profiles.filter(role=role)
    else:
        role = ""
    order = {r.value: i for i, r in enumerate(Role)}  # the roles' own order, office first
    return render(
        request,
        "accounts/users.html",
        {
            "en": _english(),
            "profiles": sorted(profiles, key=lambda p: (order.get(p.role, 99), p.user.username)),
            "roles": roles,
            "role_labels": dict(roles),
            "role": role,
        },
    )


@require_http_methods(["GET", "POST"])
@admin_view
def user_create(request: HttpRequest, access: Access) -> HttpResponse:
    if request.method != "POST":
        form = AccountCreateForm()
    else:
        form = AccountCreateForm(request.POST)
        if form.is_valid():
            try:
                user = services.account_create(
                    actor=_actor(request),
                    data=form.account_input(username=form.cleaned_data["username"]),
                    password=form.cleaned_data["password"],
                )
            except services.AccountError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("已创建账号 %(name)s。") % {"name": user.username})
                return redirect("accounts:users")
    return render(request, "accounts/user_form.html", {"form": form, "account": None})


def _account_get(user_id: int) -> User:
    return get_object_or_404(User.objects.select_related("profile"), pk=user_id)


def _account_initial(user: User) -> dict[str, Any]:
    profile = Profile.objects.filter(user=user).first()
    if profile is None:
        return {"display_name": user.first_name, "active": user.is_active}
    return {
        "display_name": profile.display_name,
        "role": profile.role,
        "capture_units": list(profile.capture_units.all()),
        "capture_departments": list(profile.capture_departments.all()),
        "view_units": list(profile.view_units.all()),
        "active": user.is_active,
    }


@require_http_methods(["GET", "POST"])
@admin_view
def user_edit(request: HttpRequest, access: Access, user_id: int) -> HttpResponse:
    account = _account_get(user_id)
    if request.method != "POST":
        form = AccountEditForm(initial=_account_initial(account))
    else:
        form = AccountEditForm(request.POST)
        if form.is_valid():
            try:
                services.account_update(
                    actor=_actor(request),
                    user=account,
                    data=form.account_input(username=account.username),
                    active=form.cleaned_data["active"],
                )
            except services.AccountError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("已保存账号 %(name)s。") % {"name": account.username})
                return redirect("accounts:users")
    return render(
        request,
        "accounts/user_form.html",
        {"form": form, "account": account, "password_form": PasswordSetForm()},
    )


@require_POST
@admin_view
def user_password(request: HttpRequest, access: Access, user_id: int) -> HttpResponse:
    account = _account_get(user_id)
    form = PasswordSetForm(request.POST)
    if form.is_valid():
        try:
            services.account_set_password(
                actor=_actor(request), user=account, password=form.cleaned_data["password"]
            )
        except services.AccountError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, _("已重置账号 %(name)s 的密码。") % {"name": account.username}
            )
            return redirect("accounts:users")
    return render(
        request,
        "accounts/user_form.html",
        {
            "form": AccountEditForm(initial=_account_initial(account)),
            "account": account,
            "password_form": form,
        },
    )
