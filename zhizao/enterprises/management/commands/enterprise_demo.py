from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from zhizao.core.yamlfile import DefinitionFileError
from zhizao.enterprises.feeds import feeds_apply
from zhizao.enterprises.population import YEARS, generate
from zhizao.enterprises.registry import cluster_upsert_all, population_replace, read_clusters


class Command(BaseCommand):
    help = (
        "载入集群并生成合成演示企业（约3万家），汇总为计划指标 / Load clusters, generate the "
        "synthetic enterprise population (about 30,000 firms) and feed the plan's indicators."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=2023)
        parser.add_argument("--firms", type=int, default=30_000)
        parser.add_argument(
            "--clusters",
            default=str(Path(settings.BASE_DIR) / "data" / "clusters" / "jiaxing.yaml"),
        )
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        try:
            clusters = read_clusters(Path(options["clusters"]))
        except DefinitionFileError as exc:
            raise CommandError(str(exc)) from None
        cluster_upsert_all(clusters=clusters)
        population = generate(
            seed=options["seed"],
            firms=options["firms"],
            clusters={
                c.code: (list(c.divisions), [u for u, role in c.areas if role == "rising"])
                for c in clusters
            },
        )
        counts = population_replace(population=population, seed=options["seed"])
        fed = feeds_apply(years=list(YEARS))
        if not options["no_progress"]:
            call_command("progress_refresh", stdout=self.stdout)
        self.stdout.write(
            f"合成演示企业 {counts['enterprises']} 家、年度指标 {counts['metrics']} 条、"
            f"荣誉 {counts['honours']} 项；汇总为指标值 {fed} 个；"
            f"用时 {time.monotonic() - started:.1f} 秒"
            f" / synthetic demo enterprises: {counts['enterprises']}, fed {fed} indicator values"
        )
