from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from zhizao.core.domain import Period, PeriodError
from zhizao.indicators.models import ProgressRun
from zhizao.indicators.selectors import current_version, progress_periods
from zhizao.indicators.services import progress_refresh


class Command(BaseCommand):
    help = (
        "立即重算已存储的目标进度（平时由后台任务完成）/ "
        "Recompute stored progress now (normally done by the background worker)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--plan", help="plan code (default: the first plan)")
        parser.add_argument("--from", dest="from_period", help="first quarter, e.g. 2025Q1")

    def handle(self, *args: Any, **options: Any) -> None:
        version = current_version(options["plan"])
        if version is None:
            raise CommandError("未载入计划，请先运行 plan_load / no plan loaded: run plan_load")
        periods = progress_periods(version)
        if options["from_period"]:
            try:
                first = Period.parse(options["from_period"])
            except PeriodError as exc:
                raise CommandError(str(exc)) from None
            periods = [p for p in periods if p.end >= first.start]  # as the worker does
        run = ProgressRun.objects.create(
            version=version,
            reason="manage.py progress_refresh",
            from_period=periods[0].id if periods else "",
            status=ProgressRun.Status.RUNNING,
            started_at=timezone.now(),
        )
        started = time.monotonic()
        rows = progress_refresh(version=version, periods=periods, run=run)
        run.status = ProgressRun.Status.DONE
        run.finished_at = timezone.now()
        run.save(update_fields=["status", "rows", "finished_at"])
        if not options["from_period"]:
            # Every unit and quarter was recomputed: runs queued before this one are covered.
            ProgressRun.objects.filter(
                version=version, status=ProgressRun.Status.QUEUED, queued_at__lte=run.queued_at
            ).update(status=ProgressRun.Status.DONE, finished_at=run.finished_at)
        span = f"{periods[0]}–{periods[-1]}" if periods else "—"
        self.stdout.write(
            f"进度已重算：{rows} 条，{span}，用时 {time.monotonic() - started:.1f} 秒 / "
            f"stored progress recomputed: {rows} rows"
        )
