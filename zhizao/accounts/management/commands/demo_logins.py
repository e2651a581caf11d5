from typing import Any

from django.core.management.base import BaseCommand

from zhizao.accounts.demo import DEMO_USERS
from zhizao.accounts.domain import ROLE_LABELS


class Command(BaseCommand):
    help = "列出演示账号 / List the demo logins."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write("  演示账号 / demo logins (synthetic demo data):")
        for u in DEMO_USERS:
            zh, en = ROLE_LABELS[u.role]
            self.stdout.write(f"    {u.username:<10} {u.password:<13} {zh} / {en} · {u.name}")
