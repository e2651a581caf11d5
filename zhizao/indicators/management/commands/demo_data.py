from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from zhizao.accounts.services import demo_users_ensure
from zhizao.core.domain import Period, PeriodError
from zhizao.core.models import Unit, UnitType
from zhizao.core.services import audit_log
from zhizao.indicators.demo import IndicatorShape, allocations, generate
from zhizao.indicators.models import IndicatorValue, ValueSource
from zhizao.indicators.selectors import current_version, version_targets
from zhizao.plans.models import TargetAllocation


class Command(BaseCommand):
    help = (
        "生成确定性的合成演示数据（每次替换全部合成数据）/ "
        "Generate deterministic synthetic demo data (replaces all synthetic values)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=2023)
        parser.add_argument("--plan", help="plan code (default: the first plan)")
        parser.add_argument(
            "--until", help="last quarter, e.g. 2026Q3 (default: the last complete quarter)"
        )
        parser.add_argument(
            "--no-progress",
            action="store_true",
            help="leave stored progress to the background worker",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        version = current_version(options["plan"])
        if version is None:
            raise CommandError("未载入计划，请先运行 plan_load / no plan loaded: run plan_load")
        try:
            last = (
                Period.parse(options["until"])
                if options["until"]
                else Period.last_complete_quarter(dt.date.today())
            )
        except PeriodError as exc:
            raise CommandError(str(exc)) from None
        region = version.plan.region
        counties = list(Unit.objects.filter(parent=region, type=UnitType.COUNTY))
        zones = list(Unit.objects.filter(parent=region, type=UnitType.ZONE).select_related("host"))
        units = {u.code: u for u in [region, *counties, *zones]}

        first_target: dict[str, Any] = {}
        splittable = []
        all_targets = list(version_targets(version))
        for t in all_targets:
            first_target.setdefault(t.indicator.code, t)
            if (
                t.scope == "city"
                and t.kind in ("flow", "cum", "new")
                and t.indicator.aggregation == "sum"
                and t.value is not None
            ):
                splittable.append((t.code, float(t.value), t.indicator.decimals))
        by_code = {t.code: t for t in all_targets}
        public = {
            (v.indicator.code): v
            for v in IndicatorValue.objects.filter(unit=region, source=ValueSource.PUBLIC)
            .select_related("indicator")
            .order_by("period_end")
        }
        shapes = []
        indicators = {}
        for code, t in first_target.items():
            ind = t.indicator
            indicators[code] = ind
            base = public.get(code)
            shapes.append(
                IndicatorShape(
                    code=code,
                    measure=ind.measure,
                    aggregation=ind.aggregation,
                    decimals=ind.decimals,
                    kind=t.kind,
                    comparator=t.comparator,
                    value=float(t.value) if t.value is not None else None,
                    year=t.year or t.year_to,
                    each_year=t.year_from is not None,
                    scope=t.scope,
                    baseline=float(base.value) if base else None,
                    baseline_year=base.year if base else None,
                )
            )
        values = generate(
            shapes,
            seed=options["seed"],
            city=region.code,
            counties=[c.code for c in counties],
            zones={z.code: z.host.code for z in zones if z.host is not None},
            start_year=version.start_year,
            baseline_year=version.baseline_year,
            last=last,
        )
        detail = f"合成演示数据 seed={options['seed']} / synthetic demo data"
        with transaction.atomic():
            deleted, _ = IndicatorValue.objects.filter(source=ValueSource.SYNTHETIC).delete()
            public_keys = set(
                IndicatorValue.objects.exclude(source=ValueSource.SYNTHETIC).values_list(
                    "indicator__code", "unit__code", "period"
                )
            )
            rows = [
                IndicatorValue(
                    indicator=indicators[v.indicator],
                    unit=units[v.unit],
                    period=v.period.id,
                    period_type=v.period.type.value,
                    year=v.period.year,
                    period_end=v.period.end,
                    value=Decimal(str(v.value)),
                    source=ValueSource.SYNTHETIC,
                    source_detail=detail,
                )
                for v in values
                if (v.indicator, v.unit, v.period.id) not in public_keys
            ]
            IndicatorValue.objects.bulk_create(rows, batch_size=2000)
            TargetAllocation.objects.filter(
                source=TargetAllocation.Source.SYNTHETIC, target__version=version
            ).delete()
            TargetAllocation.objects.bulk_create(
                [
                    TargetAllocation(
                        target=by_code[code],
                        unit=units[county],
                        value=Decimal(str(value)),
                        source=TargetAllocation.Source.SYNTHETIC,
                    )
                    for code, county, value in allocations(
                        splittable, counties=[c.code for c in counties]
                    )
                ]
            )
            users = demo_users_ensure()
            audit_log(
                actor=None,
                action="demo.generate",
                obj=version,
                summary=f"合成演示数据 {len(rows)} 条 (seed={options['seed']}, 至 {last})",
                data={"seed": options["seed"], "until": last.id, "replaced": deleted},
            )
        if not options["no_progress"]:
            call_command("progress_refresh", plan=version.plan.code, stdout=self.stdout)
        self.stdout.write(
            f"合成演示数据：{len(rows)} 个数值，{len(indicators)} 个指标，{len(units)} 个单位，"
            f"2023Q1–{last}；演示账号 {', '.join(users)} / synthetic demo data: {len(rows)} values"
        )
