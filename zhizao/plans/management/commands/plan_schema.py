import json
from typing import Any

from django.core.management.base import BaseCommand

from zhizao.plans.planfile import plan_json_schema


class Command(BaseCommand):
    help = "输出计划文件的 JSON Schema / Print the plan file's JSON Schema."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(json.dumps(plan_json_schema(), ensure_ascii=False, indent=2))
