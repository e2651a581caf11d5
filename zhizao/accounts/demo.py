"""Demo accounts created by ``demo_data`` and listed by ``make run`` (demo only)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class DemoUser:
    username: str
    password: str
    name: str
    role: str
    superuser: bool = False


DEMO_USERS: tuple[DemoUser, ...] = (
    DemoUser("office", "zhizao-demo", "市经信局 项目办 (演示)", "programme office", superuser=True),
)
