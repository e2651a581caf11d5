"""Writes to departments, accounts and API tokens.

Accounts are managed by the system administrator (role ``admin``), who is not a data
user; every change leaves an audit entry. API tokens are created and revoked by their
owner; only a SHA-256 digest is stored, the token itself is shown once.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from zhizao.accounts.domain import Role, check_scope
from zhizao.accounts.models import ApiToken, Department, Profile
from zhizao.accounts.selectors import access_for
from zhizao.core.models import Unit, UnitType
from zhizao.core.services import audit_log

TOKEN_PREFIX = "zz_"


@dataclass(frozen=True, slots=True)
class DepartmentRow:
    code: str
    name: str
    name_en: str
    short_name: str
    is_assumption: bool


def department_upsert_all(*, rows: Iterable[DepartmentRow]) -> int:
    changed = 0
    existing = {d.code: d for d in Department.objects.all()}
    for order, row in enumerate(rows):
        fields = {
            "name": row.name,
            "name_en": row.name_en,
            "short_name": row.short_name,
            "is_assumption": row.is_assumption,
            "order": order,
        }
        dept = existing.get(row.code)
        if dept is None:
            Department.objects.create(code=row.code, **fields)
            changed += 1
        elif any(getattr(dept, k) != v for k, v in fields.items()):
            for k, v in fields.items():
                setattr(dept, k, v)
            dept.save()
            changed += 1
    return changed


# ------------------------------------------------------------------------- accounts


class AccountError(ValidationError):
    """A refused account change; ``message_dict`` names each field."""


@dataclass(frozen=True, slots=True)
class AccountInput:
    username: str
    display_name: str
    role: Role
    capture_units: Sequence[Unit] = ()
    capture_departments: Sequence[Department] = ()
    view_units: Sequence[Unit] = ()


def _require_admin(actor: User) -> None:
    if not access_for(actor).manages_accounts:
        raise PermissionDenied("只有系统管理员可以管理账号 / only administrators manage accounts")


def _check(data: AccountInput) -> None:
    errors: dict[str, list[str]] = {}
    for p in check_scope(
        role=data.role,
        units=len(data.capture_units),
        departments=len(data.capture_departments),
        view_units=len(data.view_units),
    ):
        errors.setdefault(p.field, []).append(f"{p.zh} / {p.en}")
    if data.role is Role.COUNTY and any(u.type != UnitType.COUNTY for u in data.capture_units):
        errors.setdefault("capture_units", []).append(
            "填报单位须为县(市、区) / the capture unit must be a county or district"
        )
    if errors:
        raise AccountError(errors)


def _apply_scope(profile: Profile, data: AccountInput) -> None:
    profile.capture_units.set(data.capture_units)
    profile.capture_departments.set(data.capture_departments)
    profile.view_units.set(data.view_units)


@transaction.atomic
def account_create(*, actor: User, data: AccountInput, password: str) -> User:
    _require_admin(actor)
    _check(data)
    username = data.username.strip()
    if not username:
        raise AccountError({"username": ["请填写用户名 / a username is required"]})
    if User.objects.filter(username__iexact=username).exists():
        raise AccountError({"username": ["用户名已存在 / this username is taken"]})
    try:
        validate_password(password)
    except ValidationError as exc:
        raise AccountError({"password": list(exc.messages)}) from None
    user = User.objects.create_user(username=username, password=password)
    user.first_name = data.display_name[:150]
    user.save(update_fields=["first_name"])
    profile = Profile.objects.create(user=user, role=data.role, display_name=data.display_name)
    _apply_scope(profile, data)
    audit_log(
        actor=actor,
        action="account.create",
        obj=user,
        summary=f"新建账号 {username}（{data.role}）",
        data=_scope_summary(data),
    )
    return user


@transaction.atomic
def account_update(*, actor: User, user: User, data: AccountInput, active: bool) -> User:
    _require_admin(actor)
    _check(data)
    if user.pk == actor.pk and (not active or data.role is not Role.ADMIN):
        raise AccountError(
            {"role": ["不能停用自己或撤销自己的管理员角色 / you cannot lock yourself out"]}
        )
    user = User.objects.select_for_update().get(pk=user.pk)
    user.first_name = data.display_name[:150]
    user.is_active = active
    user.save(update_fields=["first_name", "is_active"])
    profile, _ = Profile.objects.get_or_create(user=user, defaults={"role": data.role})
    profile.role = data.role
    profile.display_name = data.display_name
    profile.save()
    _apply_scope(profile, data)
    audit_log(
        actor=actor,
        action="account.update",
        obj=user,
        summary=f"修改账号 {user.username}（{data.role}{'' if active else '，已停用'}）",
        data={**_scope_summary(data), "active": active},
    )
    return user


@transaction.atomic
def account_set_password(*, actor: User, user: User, password: str) -> None:
    _require_admin(actor)
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise AccountError({"password": list(exc.messages)}) from None
    user.set_password(password)
    user.save(update_fields=["password"])
    audit_log(actor=actor, action="account.password", obj=user, summary=f"重置密码 {user.username}")


@transaction.atomic
def password_change_own(*, user: User, password: str) -> None:
    """A user's own new password (the old one was checked by the form)."""
    user.set_password(password)
    user.save(update_fields=["password"])
    audit_log(
        actor=user, action="account.password_own", obj=user, summary=f"修改本人密码 {user.username}"
    )


def _scope_summary(data: AccountInput) -> dict[str, object]:
    return {
        "role": data.role.value,
        "capture_units": [u.code for u in data.capture_units],
        "capture_departments": [d.code for d in data.capture_departments],
        "view_units": [u.code for u in data.view_units],
    }


# --------------------------------------------------------------------------- tokens


def token_digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def token_create(*, actor: User, name: str) -> tuple[ApiToken, str]:
    """A new token for the actor; returns it with the raw secret, which is never stored."""
    if not access_for(actor).sees_data:
        raise PermissionDenied("该账号无数据访问权限 / this account has no data access")
    name = name.strip()[:100]
    if not name:
        raise AccountError({"name": ["请填写令牌用途 / say what the token is for"]})
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=actor, name=name, prefix=raw[: len(TOKEN_PREFIX) + 6], digest=token_digest(raw)
    )
    audit_log(actor=actor, action="token.create", obj=token, summary=f"新建 API 令牌 {name}")
    return token, raw


@transaction.atomic
def token_revoke(*, actor: User, token_id: int) -> ApiToken:
    token = ApiToken.objects.select_for_update().filter(pk=token_id, user=actor).first()
    if token is None:
        from django.http import Http404

        raise Http404("no such token")
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_log(
            actor=actor, action="token.revoke", obj=token, summary=f"撤销 API 令牌 {token.name}"
        )
    return token


def token_touch(*, token: ApiToken) -> None:
    """Record use at most once a minute, so a busy client does not write on every call."""
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)


# ----------------------------------------------------------------------------- demo


def demo_users_ensure() -> list[str]:
    """Create the demo accounts if missing (passwords reset to the documented ones)."""
    from zhizao.accounts.demo import DEMO_USERS

    names = []
    units = {u.code: u for u in Unit.objects.all()}
    departments = {d.code: d for d in Department.objects.all()}
    for demo in DEMO_USERS:
        if any(code not in units for code in demo.units) or any(
            code not in departments for code in demo.departments
        ):
            continue  # another city's units: its own demo file lists its own accounts
        user, _ = User.objects.get_or_create(username=demo.username)
        user.first_name = demo.name
        user.is_staff = False
        user.is_superuser = False
        user.is_active = True
        user.set_password(demo.password)
        user.save()
        profile, _ = Profile.objects.update_or_create(
            user=user, defaults={"role": demo.role, "display_name": demo.name}
        )
        profile.capture_units.set([units[c] for c in demo.units])
        profile.capture_departments.set([departments[c] for c in demo.departments])
        profile.view_units.clear()
        names.append(demo.username)
    return names
