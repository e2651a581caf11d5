"""Writes to departments: upserted by code from the departments definition file."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from zhizao.accounts.models import Department


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


def demo_users_ensure() -> list[str]:
    """Create the demo accounts if missing (passwords reset to the documented ones)."""
    from django.contrib.auth import get_user_model

    from zhizao.accounts.demo import DEMO_USERS

    user_model = get_user_model()
    names = []
    for demo in DEMO_USERS:
        user, _ = user_model.objects.get_or_create(username=demo.username)
        user.first_name = demo.name
        user.is_staff = demo.superuser
        user.is_superuser = demo.superuser
        user.set_password(demo.password)
        user.save()
        names.append(demo.username)
    return names
