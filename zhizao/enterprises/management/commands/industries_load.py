from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from zhizao.enterprises.imports import INDUSTRY_FILE, industry_load_all


class Command(BaseCommand):
    help = (
        "载入国民经济行业分类 GB/T 4754-2017（幂等）/ "
        "Load the GB/T 4754-2017 industry classification (idempotent)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "file", nargs="?", type=Path, default=INDUSTRY_FILE, help="code,name,level,parent CSV"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        result = industry_load_all(path=options["file"])
        self.stdout.write(result.describe())
