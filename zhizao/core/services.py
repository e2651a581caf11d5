"""Writes to units and the audit trail.

Units are the regions of the programme (市 / 县(市、区) / 功能区, BRIEF "Regions"); they
come from a definition file and are upserted by code so that loading the same file twice
changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AnonymousUser, User

from zhizao.core.models import AuditEntry, Unit


@dataclass(frozen=True, slots=True)
class UnitRow:
    code: str
    name: str
    name_en: str
    short_name: str
    type: str
    parent: str | None
    host: str | None
    is_gb_code: bool


def unit_upsert_all(*, rows: Iterable[UnitRow]) -> int:
    """Create or update units by code; returns how many rows changed."""
    rows = list(rows)
    existing = {u.code: u for u in Unit.objects.filter(code__in=[r.code for r in rows])}
    changed = 0
    for order, row in enumerate(rows):
        fields = {
            "name": row.name,
            "name_en": row.name_en,
            "short_name": row.short_name,
            "type": row.type,
            "is_gb_code": row.is_gb_code,
            "order": order,
        }
        unit = existing.get(row.code)
        if unit is None:
            existing[row.code] = Unit.objects.create(code=row.code, **fields)
            changed += 1
        elif any(getattr(unit, k) != v for k, v in fields.items()):
            for k, v in fields.items():
                setattr(unit, k, v)
            unit.save()
            changed += 1
    for row in rows:
        unit = existing[row.code]
        parent = existing[row.parent] if row.parent else None
        host = existing[row.host] if row.host else None
        if unit.parent_id != (parent.pk if parent else None) or unit.host_id != (
            host.pk if host else None
        ):
            unit.parent = parent
            unit.host = host
            unit.save(update_fields=["parent", "host"])
            changed += 1
    return changed


def audit_log(
    *,
    actor: User | AnonymousUser | None,
    action: str,
    obj: Any,
    summary: str,
    data: Mapping[str, Any] | None = None,
) -> AuditEntry:
    user = actor if isinstance(actor, User) else None
    return AuditEntry.objects.create(
        actor=user,
        actor_label=user.get_username() if user is not None else "system",
        action=action,
        object_type=type(obj).__name__,
        object_id=str(getattr(obj, "pk", "") or ""),
        summary=summary[:500],
        data=dict(data or {}),
    )
