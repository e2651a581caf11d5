"""Writes to the indicator catalogue and to indicator values.

Values are figures per unit × period (年 / 季 / 月) with provenance: where each figure
came from (公开数据 with its source, 单位填报, 批量导入, 计算得出, or 合成演示数据 —
synthetic demo data is always marked so, 三、(七) 数字化).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from zhizao.core.domain import Period
from zhizao.core.models import Unit
from zhizao.indicators.models import (
    Indicator,
    IndicatorValue,
    ProgressRecord,
    ProgressRun,
    ValueSource,
)
from zhizao.indicators.selectors import (
    ProgressBook,
    TargetStatus,
    progress_periods,
    progress_units,
)
from zhizao.plans.models import PlanVersion


@dataclass(frozen=True, slots=True)
class IndicatorRow:
    code: str
    name: str
    name_en: str
    unit: str
    unit_en: str
    direction: str
    measure: str
    aggregation: str
    numerator: str | None
    denominator: str | None
    formula: str
    decimals: int
    description: str


_FIELDS = (
    "name",
    "name_en",
    "unit",
    "unit_en",
    "direction",
    "measure",
    "aggregation",
    "formula",
    "decimals",
    "description",
)


def indicator_upsert_all(*, rows: Iterable[IndicatorRow]) -> dict[str, Indicator]:
    """Create or update catalogue entries by code; returns every entry by code."""
    rows = list(rows)
    existing = {i.code: i for i in Indicator.objects.filter(code__in=[r.code for r in rows])}
    for row in rows:
        ind = existing.get(row.code)
        values = {f: getattr(row, f) for f in _FIELDS}
        if ind is None:
            existing[row.code] = Indicator.objects.create(code=row.code, **values)
        elif any(getattr(ind, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(ind, k, v)
            ind.save()
    for row in rows:
        ind = existing[row.code]
        num = existing[row.numerator].pk if row.numerator else None
        den = existing[row.denominator].pk if row.denominator else None
        if ind.numerator_id != num or ind.denominator_id != den:
            ind.numerator_id = num
            ind.denominator_id = den
            ind.save(update_fields=["numerator", "denominator"])
    return existing


@transaction.atomic
def value_set(
    *,
    indicator: Indicator,
    unit: Unit,
    period: Period,
    value: Decimal,
    source: ValueSource,
    source_detail: str = "",
    actor: User | None = None,
) -> tuple[IndicatorValue, bool]:
    """Record a figure (replacing the unit's figure for that period); returns (row, created).

    Stored progress of the unit (and of its city) from that period on is recomputed in
    the background once the transaction commits.
    """
    fields = {
        "period_type": period.type.value,
        "year": period.year,
        "period_end": period.end,
        "value": value,
        "source": source,
        "source_detail": source_detail,
    }
    obj = IndicatorValue.objects.filter(indicator=indicator, unit=unit, period=period.id).first()
    if obj is not None and all(getattr(obj, k) == v for k, v in fields.items()):
        return obj, False  # the same figure again: nothing changes, nothing to recompute
    obj, created = IndicatorValue.objects.update_or_create(
        indicator=indicator,
        unit=unit,
        period=period.id,
        defaults={**fields, "entered_by": actor},
    )
    for version in PlanVersion.objects.filter(is_current=True).select_related("plan__region"):
        progress_schedule(
            version=version,
            units=[unit],
            from_period=period,
            reason=f"value {indicator.code} {unit.code} {period.id}",
        )
    return obj, created


# ------------------------------------------------------------------- stored progress


def _affected(version: PlanVersion, units: list[Unit]) -> list[Unit]:
    """A unit's figures also move its city (sums over counties, each-county targets)."""
    region = version.plan.region
    codes = {u.pk for u in units}
    out = [u for u in progress_units(version) if u.pk in codes]
    if units and region.pk not in codes:
        out.insert(0, region)
    return out


def progress_refresh(
    *,
    version: PlanVersion,
    units: list[Unit] | None = None,
    periods: list[Period] | None = None,
    run: ProgressRun | None = None,
) -> int:
    """Recompute stored progress of ``version`` (default: every unit, every kept quarter).

    Each (unit, quarter) is replaced in one transaction, so a reader sees either the old
    or the new judgement of a quarter, never half of it. Returns the rows written.
    """
    units = progress_units(version) if units is None else _affected(version, units)
    periods = progress_periods(version) if periods is None else periods
    now = timezone.now()
    written = 0
    if not periods:
        return 0
    book = ProgressBook(version=version, upto=max(periods), units=units)
    for unit in units:
        for period in periods:
            statuses = book.judge(unit, period)
            rows = [_record(version, s, period, now) for s in statuses]
            with transaction.atomic():
                ProgressRecord.objects.filter(version=version, unit=unit, period=period.id).delete()
                ProgressRecord.objects.bulk_create(rows)
            written += len(rows)
    if run is not None:
        run.rows = written
    return written


def _record(
    version: PlanVersion, s: TargetStatus, period: Period, now: dt.datetime
) -> ProgressRecord:
    p = s.progress
    return ProgressRecord(
        version=version,
        target=s.target,
        unit=s.unit,
        period=period.id,
        period_end=period.end,
        light=p.light.value,
        reason_zh=p.reason_zh[:500],
        reason_en=p.reason_en[:500],
        actual=p.actual,
        expected=p.expected,
        target_value=p.target,
        gap=p.gap,
        achievement_pct=p.achievement_pct,
        progress_pct=p.progress_pct,
        time_pct=p.time_pct,
        as_of=p.as_of.id if p.as_of else "",
        synthetic=s.synthetic,
        derived=s.derived,
        allocated=s.allocated,
        parts={
            code: {
                "light": part.light.value,
                "actual": part.actual,
                "achievement_pct": part.achievement_pct,
                "reason_zh": part.reason_zh,
                "reason_en": part.reason_en,
            }
            for code, part in s.parts.items()
        },
        rollup=None
        if s.rollup is None
        else {
            "ok": s.rollup.ok,
            "city": s.rollup.city,
            "parts_total": s.rollup.parts_total,
            "gap": s.rollup.gap,
            "reason_zh": s.rollup.reason_zh,
            "reason_en": s.rollup.reason_en,
        },
        computed_at=now,
    )


def progress_schedule(
    *,
    version: PlanVersion,
    reason: str,
    units: list[Unit] | None = None,
    from_period: Period | None = None,
) -> ProgressRun:
    """Queue a recomputation after the current transaction commits.

    Changes coalesce: while a run for the version is still queued, later changes widen it
    (more units, an earlier first quarter) instead of creating another. Every change still
    sends the run's task after its own commit: a task for a run already carried out does
    nothing, and a run whose first task was lost (a crash between commit and send) is
    picked up by the next change.
    """
    codes = sorted({u.code for u in units}) if units is not None else []
    with transaction.atomic():
        run = (
            ProgressRun.objects.select_for_update()
            .filter(version=version, status=ProgressRun.Status.QUEUED)
            .order_by("queued_at")
            .first()
        )
        if run is not None:
            run.units = [] if not codes or not run.units else sorted({*run.units, *codes})
            if not from_period or not run.from_period:
                run.from_period = ""
            else:
                run.from_period = min(Period.parse(run.from_period), from_period).id
            run.reason = (
                (run.reason + "; " + reason)[:200] if reason not in run.reason else run.reason
            )
            run.save(update_fields=["units", "from_period", "reason"])
        else:
            run = ProgressRun.objects.create(
                version=version,
                reason=reason[:200],
                units=codes,
                from_period=from_period.id if from_period else "",
            )

    def enqueue() -> None:
        from zhizao.indicators.tasks import progress_refresh_task

        progress_refresh_task.enqueue(run_id=run.pk)

    transaction.on_commit(enqueue)
    return run


def progress_run_execute(*, run_id: int) -> ProgressRun | None:
    """Carry out a queued run (called by the background task)."""
    with transaction.atomic():
        run = (
            ProgressRun.objects.select_for_update()
            .select_related("version__plan__region")
            .filter(pk=run_id, status=ProgressRun.Status.QUEUED)
            .first()
        )
        if run is None:
            return None  # already carried out by a run it was merged into, or gone
        run.status = ProgressRun.Status.RUNNING
        run.started_at = timezone.now()
        run.save(update_fields=["status", "started_at"])
    try:
        units = list(Unit.objects.filter(code__in=run.units)) if run.units else None
        periods = progress_periods(run.version)
        # A quarter no unit has yet (a quarter just completed) is stored for every unit,
        # whatever the change was: pages must never open on a quarter half stored.
        stored = set(
            ProgressRecord.objects.filter(version=run.version, unit=run.version.plan.region)
            .order_by()
            .values_list("period", flat=True)
            .distinct()
        )
        missing = [p for p in periods if p.id not in stored]
        if missing:
            progress_refresh(version=run.version, periods=missing, run=run)
            written = run.rows
        else:
            written = 0
        if run.from_period:
            first = Period.parse(run.from_period)
            # A figure moves the judgement of its own quarter and every later one.
            periods = [p for p in periods if p.end >= first.start]
        periods = [p for p in periods if p not in missing]
        progress_refresh(version=run.version, units=units, periods=periods, run=run)
        run.rows += written
        run.status = ProgressRun.Status.DONE
    except BaseException as exc:  # also an interrupted worker: never left RUNNING
        run.status = ProgressRun.Status.FAILED
        run.error = f"{type(exc).__name__}: {exc}"[:2000]
        raise
    finally:
        run.finished_at = timezone.now()
        run.save(update_fields=["status", "rows", "error", "finished_at"])
    return run
