"""Demo accounts created by ``demo_data`` and listed by ``make run`` (demo only)."""

from __future__ import annotations

from dataclasses import dataclass

from zhizao.accounts.domain import Role

DEMO_PASSWORD = "zhizao-demo"


@dataclass(frozen=True, slots=True)
class DemoUser:
    username: str
    name: str
    role: Role
    units: tuple[str, ...] = ()  # unit codes of a county liaison's capture scope
    departments: tuple[str, ...] = ()  # department codes of a department liaison
    password: str = DEMO_PASSWORD


DEMO_USERS: tuple[DemoUser, ...] = (
    DemoUser("office", "市经信局 项目办 (演示)", Role.OFFICE),
    DemoUser("leader", "市领导 (演示，只读)", Role.LEADER),
    DemoUser("kjj", "市科技局 联络员 (演示)", Role.DEPARTMENT, departments=("kjj",)),
    DemoUser("nanhu", "南湖区 联络员 (演示)", Role.COUNTY, units=("330402",)),
    DemoUser("haining", "海宁市 联络员 (演示)", Role.COUNTY, units=("330481",)),
    DemoUser("sysadmin", "系统管理员 (演示)", Role.ADMIN),
)
