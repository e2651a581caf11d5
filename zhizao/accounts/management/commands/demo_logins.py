from typing import Any

from django.core.management.base import BaseCommand

from zhizao.accounts.demo import DEMO_USERS


class Command(BaseCommand):
    help = "列出演示账号 / List the demo logins."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write("  演示账号 / demo logins (synthetic demo data):")
        for u in DEMO_USERS:
            self.stdout.write(f"    {u.username:<12} {u.password:<14} {u.role}")
