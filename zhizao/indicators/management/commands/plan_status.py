from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from zhizao.core.domain import Period, PeriodError
from zhizao.core.models import Unit
from zhizao.core.textwidth import render_table
from zhizao.indicators.selectors import TargetStatus, current_version, plan_progress


def _round(value: float | None, digits: int = 4) -> float | None:
    return None if value is None else round(value, digits)


def status_row(s: TargetStatus, period: Period) -> dict[str, Any]:
    t, p = s.target, s.progress
    return {
        "ref": t.clause.ref,
        "code": t.code,
        "indicator": t.indicator.name,
        "indicator_en": t.indicator.name_en,
        "indicator_code": t.indicator.code,
        "unit": t.indicator.unit,
        "comparator": t.comparator,
        "value": float(t.value) if t.value is not None else None,
        "value_text": t.value_text,
        "year": t.year,
        "each_year": t.year_from is not None,
        "year_from": t.year_from,
        "year_to": t.year_to,
        "kind": t.kind,
        "scope": t.scope,
        "sentence": t.sentence,
        "period": period.id,
        "unit_code": s.unit.code,
        "as_of": p.as_of.id if p.as_of else None,
        "actual": _round(p.actual),
        "expected": _round(p.expected),
        "target": _round(p.target),
        "gap": _round(p.gap),
        "achievement_pct": _round(p.achievement_pct, 1),
        "time_pct": _round(p.time_pct, 1),
        "light": p.light.value,
        "reason": p.reason_zh,
        "reason_en": p.reason_en,
        "synthetic": s.synthetic,
        "derived": s.derived,
        "parts": {code: part.light.value for code, part in s.parts.items()},
        "allocated": s.allocated,
        "rollup": (
            {
                "ok": s.rollup.ok,
                "parts_total": _round(s.rollup.parts_total),
                "gap": _round(s.rollup.gap),
                "reason": s.rollup.reason_zh,
                "reason_en": s.rollup.reason_en,
            }
            if s.rollup
            else None
        ),
    }


def _num(value: float | None) -> str:
    if value is None:
        return "—"
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text


class Command(BaseCommand):
    help = "列出计划每个目标的进度与亮灯 / List every target of a plan with its progress and light."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--plan", help="计划代码 / plan code (default: the first plan)")
        parser.add_argument(
            "--period", help="期间，如 2025Q4 / period, e.g. 2025Q4 (default: last full quarter)"
        )
        parser.add_argument("--unit", help="单位代码 / unit code (default: the plan's region)")
        parser.add_argument("--json", action="store_true", help="JSON 数组输出 / print JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        version = current_version(options["plan"])
        if version is None:
            raise CommandError(
                f"未找到计划 {options['plan'] or ''}，请先运行 plan_load / "
                f"no plan {options['plan'] or ''} loaded: run plan_load first"
            )
        try:
            period = (
                Period.parse(options["period"])
                if options["period"]
                else Period.last_complete_quarter(dt.date.today())
            )
        except PeriodError as exc:
            raise CommandError(str(exc)) from None
        unit = None
        if options["unit"]:
            unit = Unit.objects.filter(code=options["unit"]).first()
            if unit is None:
                raise CommandError(
                    f"未知单位代码 {options['unit']!r} / unknown unit code {options['unit']!r}"
                )
        statuses = plan_progress(version=version, period=period, unit=unit)
        rows = [status_row(s, period) for s in statuses]
        if options["json"]:
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=1))
            return
        headers = [
            "条款",
            "指标",
            "比较",
            "目标",
            "单位",
            "年份",
            "类型",
            "实际",
            "序时",
            "灯",
            "说明",
        ]
        table = [
            [
                r["ref"],
                r["indicator"],
                r["comparator"],
                r["value_text"] or _num(r["value"]),
                r["unit"],
                f"{r['year_from']}–{r['year_to']}每年" if r["each_year"] else str(r["year"] or "—"),
                r["kind"],
                _num(r["actual"]),
                _num(r["expected"]),
                r["light"],
                r["reason"],
            ]
            for r in rows
        ]
        synthetic = any(r["synthetic"] for r in rows)
        self.stdout.write(
            f"{version.plan.code} v{version.number} · {period.id} · "
            f"{(unit or version.plan.region).name}"
            + (" · 含合成演示数据 / includes SYNTHETIC demo data" if synthetic else "")
        )
        self.stdout.write(render_table(headers, table))
