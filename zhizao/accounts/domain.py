"""Roles and what each may do — a table, not a tree of ifs.

Five roles, after how a 135N programme is run (BRIEF, "Users"):

- 项目办 (programme office, 市经信局): sees and changes everything of the programme.
- 部门联络员 (department liaison): owns the tasks and indicators its department leads or
  co-leads; sees them for every unit.
- 县(市、区)联络员 (county liaison): enters and sees only its own county (and the zones
  the county hosts).
- 领导 (leader): sees everything, changes nothing.
- 系统管理员 (system administrator): manages accounts; is not a data user.

Each user has a *view* scope and a *capture* scope, as DHIS2 separates them: what one may
see and what one may enter. The role sets the defaults; the office may widen a view scope.

Pure Python: no Django here (enforced by import-linter).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    OFFICE = "office"
    DEPARTMENT = "department"
    COUNTY = "county"
    LEADER = "leader"
    ADMIN = "admin"


ROLE_LABELS: dict[Role, tuple[str, str]] = {
    Role.OFFICE: ("项目办", "Programme office"),
    Role.DEPARTMENT: ("部门联络员", "Department liaison"),
    Role.COUNTY: ("县(市、区)联络员", "County liaison"),
    Role.LEADER: ("市领导", "City leader"),
    Role.ADMIN: ("系统管理员", "System administrator"),
}


@dataclass(frozen=True, slots=True)
class RoleRules:
    sees_data: bool  # may open the cockpit and the data API at all
    all_units: bool  # view scope covers every unit without listing them
    all_targets: bool  # view scope covers every target (else: its departments' targets)
    captures: bool  # may enter data within its capture scope
    captures_everything: bool  # capture scope is the whole programme
    manages_accounts: bool


RULES: dict[Role, RoleRules] = {
    Role.OFFICE: RoleRules(
        sees_data=True,
        all_units=True,
        all_targets=True,
        captures=True,
        captures_everything=True,
        manages_accounts=False,
    ),
    Role.DEPARTMENT: RoleRules(
        sees_data=True,
        all_units=True,
        all_targets=False,
        captures=True,
        captures_everything=False,
        manages_accounts=False,
    ),
    Role.COUNTY: RoleRules(
        sees_data=True,
        all_units=False,
        all_targets=True,
        captures=True,
        captures_everything=False,
        manages_accounts=False,
    ),
    Role.LEADER: RoleRules(
        sees_data=True,
        all_units=True,
        all_targets=True,
        captures=False,
        captures_everything=False,
        manages_accounts=False,
    ),
    Role.ADMIN: RoleRules(
        sees_data=False,
        all_units=False,
        all_targets=False,
        captures=False,
        captures_everything=False,
        manages_accounts=True,
    ),
}


@dataclass(frozen=True, slots=True)
class ScopeProblem:
    field: str
    zh: str
    en: str

    def __str__(self) -> str:
        return f"{self.field}: {self.zh} / {self.en}"


def check_scope(*, role: Role, units: int, departments: int, view_units: int) -> list[ScopeProblem]:
    """What is wrong with a role's scope before it is saved (counts of chosen items)."""
    problems = []
    if role is Role.COUNTY and units != 1:
        problems.append(
            ScopeProblem(
                "capture_units",
                "县(市、区)联络员须指定且只能指定一个县(市、区)",
                "a county liaison needs exactly one county",
            )
        )
    if role is Role.DEPARTMENT and departments < 1:
        problems.append(
            ScopeProblem(
                "capture_departments",
                "部门联络员须至少指定一个部门",
                "a department liaison needs at least one department",
            )
        )
    if role not in (Role.COUNTY, Role.DEPARTMENT) and (units or departments):
        problems.append(
            ScopeProblem(
                "capture_units",
                "该角色的填报范围由角色决定，不能另行指定",
                "this role's capture scope follows from the role and cannot be listed",
            )
        )
    if role is not Role.COUNTY and view_units:
        problems.append(
            ScopeProblem(
                "view_units",
                "只有县(市、区)联络员需要另行指定查看范围",
                "only a county liaison's view scope can be widened by listing units",
            )
        )
    return problems
