from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from zhizao.core.yamlfile import DefinitionFileError
from zhizao.plans.services import plan_load


class Command(BaseCommand):
    help = (
        "载入计划文件（幂等；内容变化则生成新版本）/ "
        "Load a plan file (idempotent; a change makes a new version)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="data/plans/<code>.yaml")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = plan_load(path=options["file"], root=Path(settings.BASE_DIR))
        except DefinitionFileError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(result.describe())
