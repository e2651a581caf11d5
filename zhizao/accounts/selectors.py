"""Who may see and enter what: every scoped read starts from ``access_for(user)``.

The view scope decides what pages, exports, charts and the API show; the capture scope
decides what a user may enter. A county liaison sees its county and the zones that county
hosts (plus any unit the office adds to its view scope); a department liaison sees, for
every unit, the targets of the clauses its departments lead or co-lead, and the plan's
headline targets on the same indicators. Objects outside the scope do not exist for the
user: fetching one by id is a 404, exactly as for an id that was never issued.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet
from django.http import Http404

from zhizao.accounts.domain import RULES, Role, RoleRules
from zhizao.accounts.models import ApiToken, Department, Profile
from zhizao.core.models import Unit, UnitType
from zhizao.plans.models import Clause, ClauseRole, PlanVersion, Target

_NO_RULES = RoleRules(
    sees_data=False,
    all_units=False,
    all_targets=False,
    captures=False,
    captures_everything=False,
    manages_accounts=False,
)


@dataclass(frozen=True, slots=True)
class Access:
    user_id: int | None
    role: Role | None
    rules: RoleRules
    unit_ids: frozenset[int]  # view scope when not rules.all_units
    department_ids: frozenset[int]  # a department liaison's departments
    capture_unit_ids: frozenset[int]

    @property
    def sees_data(self) -> bool:
        return self.rules.sees_data

    @property
    def manages_accounts(self) -> bool:
        return self.rules.manages_accounts

    @property
    def all_units(self) -> bool:
        return self.rules.all_units

    @property
    def all_targets(self) -> bool:
        return self.rules.all_targets

    def sees_unit(self, unit_id: int) -> bool:
        return self.rules.sees_data and (self.rules.all_units or unit_id in self.unit_ids)


NO_ACCESS = Access(
    user_id=None,
    role=None,
    rules=_NO_RULES,
    unit_ids=frozenset(),
    department_ids=frozenset(),
    capture_unit_ids=frozenset(),
)


def access_for(user: AbstractBaseUser | AnonymousUser) -> Access:
    """The user's role and scopes, computed once per request (cached on the user object)."""
    if not user.is_authenticated or not user.is_active:
        return NO_ACCESS
    cached: Access | None = getattr(user, "_zhizao_access", None)
    if cached is not None:
        return cached
    found = Profile.objects.filter(user_id=user.pk).values_list("pk", "role").first()
    if found is None:
        access = NO_ACCESS
    else:
        profile_id, role_value = found
        role = Role(role_value)
        # Ids only: four small index reads, no model instances.
        captured = set(
            Profile.capture_units.through.objects.filter(profile_id=profile_id).values_list(
                "unit_id", flat=True
            )
        )
        viewed = captured | set(
            Profile.view_units.through.objects.filter(profile_id=profile_id).values_list(
                "unit_id", flat=True
            )
        )
        if viewed:
            # A county's view covers the development zones it hosts.
            viewed |= set(
                Unit.objects.filter(host_id__in=viewed, type=UnitType.ZONE).values_list(
                    "pk", flat=True
                )
            )
        departments = Profile.capture_departments.through.objects.filter(
            profile_id=profile_id
        ).values_list("department_id", flat=True)
        access = Access(
            user_id=user.pk,
            role=role,
            rules=RULES[role],
            unit_ids=frozenset(viewed),
            department_ids=frozenset(departments),
            capture_unit_ids=frozenset(captured),
        )
    user._zhizao_access = access  # type: ignore[union-attr,attr-defined,unused-ignore]
    return access


def units_visible(access: Access) -> QuerySet[Unit]:
    """The units the user may see, city first, in the plan's order."""
    if not access.sees_data:
        return Unit.objects.none()
    qs = Unit.objects.select_related("parent", "host").order_by("order", "code")
    return qs if access.all_units else qs.filter(pk__in=access.unit_ids)


def unit_get_for_user(access: Access, code: str) -> Unit:
    unit = Unit.objects.filter(code=code).select_related("parent", "host").first()
    if unit is None or not access.sees_unit(unit.pk):
        raise Http404("no such unit")
    return unit


def default_unit(access: Access, region: Unit) -> Unit | None:
    """The unit a page opens on: the city when visible, else the user's first county."""
    if access.sees_unit(region.pk):
        return region
    units = list(units_visible(access).filter(type=UnitType.COUNTY)[:1]) or list(
        units_visible(access)[:1]
    )
    return units[0] if units else None


def departments_visible(access: Access) -> QuerySet[Department]:
    if not access.sees_data:
        return Department.objects.none()
    return Department.objects.order_by("order", "code")


def clause_departments(version: PlanVersion) -> dict[int, set[int]]:
    """Each clause's lead and co-lead departments, inherited by the clauses beneath it."""
    clauses = list(
        Clause.objects.filter(version=version).prefetch_related("co_leads").order_by("order")
    )
    own: dict[int, set[int]] = {}
    parent: dict[int, int | None] = {}
    for c in clauses:
        own[c.pk] = {d.pk for d in c.co_leads.all()} | ({c.lead_id} if c.lead_id else set())
        parent[c.pk] = c.parent_id
    out: dict[int, set[int]] = {}
    for c in clauses:
        deps: set[int] = set()
        node: int | None = c.pk
        while node is not None:
            deps |= own.get(node, set())
            node = parent.get(node)
        out[c.pk] = deps
    return out


def target_ids_visible(access: Access, version: PlanVersion) -> frozenset[int] | None:
    """Ids of the targets the user may see; None means all of them."""
    if not access.sees_data:
        return frozenset()
    if access.all_targets:
        return None
    by_clause = clause_departments(version)
    rows = list(
        Target.objects.filter(version=version).values_list(
            "pk", "clause_id", "indicator_id", "clause__role"
        )
    )
    owned = {
        pk
        for pk, clause_id, _i, _r in rows
        if by_clause.get(clause_id, set()) & access.department_ids
    }
    indicators = {ind for pk, _c, ind, _r in rows if pk in owned}
    # The plan's headline goals (一、(二), a part) on the same indicators come along.
    return frozenset(
        pk
        for pk, _c, ind, role in rows
        if pk in owned or (role == ClauseRole.PART and ind in indicators)
    )


def clause_ids_visible(access: Access, version: PlanVersion) -> frozenset[int] | None:
    """Tasks and measures a department liaison's departments lead or co-lead; None = all."""
    if not access.sees_data:
        return frozenset()
    if access.all_targets:
        return None
    return frozenset(
        pk for pk, deps in clause_departments(version).items() if deps & access.department_ids
    )


def token_lookup(digest: str) -> ApiToken | None:
    return (
        ApiToken.objects.filter(digest=digest, revoked_at__isnull=True, user__is_active=True)
        .select_related("user")
        .first()
    )


def tokens_of(user_id: int) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user_id=user_id).order_by("-created_at")


def profiles_for_admin(access: Access) -> QuerySet[Profile]:
    if not access.manages_accounts:
        return Profile.objects.none()
    return (
        Profile.objects.select_related("user")
        .prefetch_related("capture_units", "capture_departments", "view_units")
        .order_by("role", "user__username")
    )
