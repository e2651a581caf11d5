"""Writes to the indicator catalogue and to indicator values.

Values are figures per unit × period (年 / 季 / 月) with provenance: where each figure
came from (公开数据 with its source, 单位填报, 批量导入, 计算得出, or 合成演示数据 —
synthetic demo data is always marked so, 三、(七) 数字化).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.models import User

from zhizao.core.domain import Period
from zhizao.core.models import Unit
from zhizao.indicators.models import Indicator, IndicatorValue, ValueSource


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
    """Record a figure (replacing the unit's figure for that period); returns (row, created)."""
    obj, created = IndicatorValue.objects.update_or_create(
        indicator=indicator,
        unit=unit,
        period=period.id,
        defaults={
            "period_type": period.type.value,
            "year": period.year,
            "period_end": period.end,
            "value": value,
            "source": source,
            "source_detail": source_detail,
            "entered_by": actor,
        },
    )
    return obj, created
