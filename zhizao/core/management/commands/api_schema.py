from typing import Any

from django.core.management.base import BaseCommand

from config.api import openapi_text


class Command(BaseCommand):
    help = "输出 API 的 OpenAPI 描述 / Print the API's OpenAPI schema (make openapi)."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(openapi_text(), ending="")
