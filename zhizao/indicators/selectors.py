"""Reads of progress: every target of a plan version judged for a unit and a period.

One query for the targets, one for the values they need; the light of each target comes
from the pure engine (``zhizao.indicators.progress``). A city's figure for an additive
indicator (aggregation ``sum``) that no one reported is the sum of its counties' figures
for the same period, marked as derived. Targets scoped to each county (各县(市、区)…) are
judged per county and rolled up for the city.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from zhizao.accounts.selectors import Access, target_ids_visible, units_visible
from zhizao.core.domain import Period, quarters_between
from zhizao.core.models import Unit, UnitType
from zhizao.indicators.formula import evaluate_formula, formula_variables
from zhizao.indicators.models import Indicator, IndicatorValue, ProgressRecord, ValueSource
from zhizao.indicators.progress import (
    Light,
    LightConfig,
    Measure,
    Progress,
    RollupCheck,
    TargetSpec,
    check_rollup,
    evaluate,
    rollup_cover,
)
from zhizao.plans.domain import Comparator, Kind, Scope
from zhizao.plans.models import PlanVersion, Target, TargetAllocation

Series = dict[Period, float]


@dataclass(frozen=True, slots=True)
class TargetStatus:
    target: Target
    unit: Unit
    progress: Progress
    synthetic: bool  # any figure behind this light is synthetic demo data
    derived: bool  # the city's figure was summed from its counties
    parts: dict[str, Progress] = field(default_factory=dict)  # per county, for each-county scope
    allocated: float | None = None  # this unit's share of a city target (倒排分解)
    rollup: RollupCheck | None = None  # the counties' shares checked against the city target


def light_config(version: PlanVersion) -> LightConfig:
    merged: dict[str, object] = {**settings.ZHIZAO_LIGHTS, **(version.lights or {})}
    return LightConfig.from_mapping(merged)


def current_version(plan_code: str | None = None) -> PlanVersion | None:
    qs = PlanVersion.objects.filter(is_current=True).select_related("plan", "plan__region")
    if plan_code:
        qs = qs.filter(plan__code=plan_code)
    return qs.order_by("plan__code").first()


def target_spec(
    target: Target, version: PlanVersion, series: Series, value: float | None = None
) -> TargetSpec:
    kind = Kind(target.kind)
    measure = Measure(target.indicator.measure)
    baseline, baseline_year = _baseline(series, version.baseline_year)
    if kind in (Kind.CUM, Kind.NEW) and measure is Measure.STOCK:
        # "累计培育25家" on a count held (单项冠军, 小巨人…) means the total held reaches
        # 25: a level on the path from the baseline holding, not a sum of yearly flows.
        kind = Kind.LEVEL
    return TargetSpec(
        kind=kind,
        comparator=Comparator(target.comparator),
        value=value
        if value is not None
        else (float(target.value) if target.value is not None else None),
        tolerance=float(target.tolerance) if target.tolerance is not None else None,
        year=target.year,
        year_from=target.year_from,
        year_to=target.year_to,
        plan_start=version.start_year,
        plan_end=version.end_year,
        baseline=baseline,
        baseline_year=baseline_year,
        measure=measure,
    )


def _baseline(series: Series, baseline_year: int) -> tuple[float | None, int | None]:
    """The latest full-year figure at or before the plan's baseline year."""
    best: tuple[Period, float] | None = None
    for period, value in series.items():
        if (
            period.is_year_end
            and period.year <= baseline_year
            and (best is None or period > best[0])
        ):
            best = (period, value)
    if best is None:
        return None, None
    return best[1], best[0].year


def version_targets(version: PlanVersion) -> QuerySet[Target]:
    return (
        Target.objects.filter(version=version)
        .select_related("indicator", "clause", "clause__parent", "clause__lead")
        .order_by("order")
    )


def _load_series(
    indicators: Iterable[Indicator], units: Iterable[Unit], period: Period
) -> tuple[dict[tuple[int, int], Series], set[tuple[int, int]]]:
    """Every value up to ``period`` for these indicators × units, by (indicator, unit)."""
    out: dict[tuple[int, int], Series] = defaultdict(dict)
    synthetic: set[tuple[int, int]] = set()
    rows = IndicatorValue.objects.filter(
        indicator__in=list(indicators), unit__in=list(units), period_end__lte=period.end
    ).values_list("indicator_id", "unit_id", "period", "value", "source")
    for ind_id, unit_id, pid, value, source in rows:
        out[(ind_id, unit_id)][Period.parse(pid)] = float(value)
        if source == ValueSource.SYNTHETIC:
            synthetic.add((ind_id, unit_id))
    return out, synthetic


def _derive(
    ind: Indicator,
    unit: Unit,
    by_code: dict[str, Indicator],
    series: dict[tuple[int, int], Series],
    synthetic: set[tuple[int, int]],
) -> None:
    """Fill the periods a derived indicator lacks from its formula's operands."""
    names = formula_variables(ind.formula)
    if not names <= set(by_code):
        return
    parts = {name: series.get((by_code[name].pk, unit.pk), {}) for name in names}
    common = set.intersection(*(set(s) for s in parts.values())) if parts else set()
    own = series.setdefault((ind.pk, unit.pk), {})
    for p in common - set(own):
        value = evaluate_formula(ind.formula, {n: s[p] for n, s in parts.items()})
        if value is not None:
            own[p] = value
    if any((by_code[n].pk, unit.pk) in synthetic for n in names):
        synthetic.add((ind.pk, unit.pk))


def _sum_counties(parts: Sequence[Series]) -> Series:
    """Periods for which every county has a figure, summed."""
    if not parts:
        return {}
    common = set(parts[0])
    for s in parts[1:]:
        common &= set(s)
    return {p: sum(s[p] for s in parts) for p in common}


class ProgressBook:
    """Everything needed to judge a plan version's targets, read once.

    ``judge(unit, period)`` gives the same answer as loading values up to ``period``
    alone: the engine only looks at figures at or before the period it judges, so one
    book loaded up to the last quarter serves every earlier quarter (the background
    recomputation judges ~165 unit-quarters from a single read).
    """

    def __init__(self, *, version: PlanVersion, upto: Period, units: Iterable[Unit]) -> None:
        self.version = version
        self.region = region = version.plan.region
        self.counties = list(
            Unit.objects.filter(type=UnitType.COUNTY, parent=region).order_by("order")
        )
        self.targets = list(version_targets(version))
        self.units = {region.pk: region, **{c.pk: c for c in self.counties}}
        self.units.update({u.pk: u for u in units})
        needed = {t.indicator for t in self.targets}
        operands = {
            code for ind in needed if ind.formula for code in formula_variables(ind.formula)
        }
        by_code = {i.code: i for i in Indicator.objects.filter(code__in=operands)}
        self.series, self.synthetic = _load_series(
            needed | set(by_code.values()), self.units.values(), upto
        )
        for ind in needed:
            if ind.formula:
                for u in self.units.values():
                    _derive(ind, u, by_code, self.series, self.synthetic)
        self.config = light_config(version)
        self.shares: dict[int, dict[int, float]] = defaultdict(dict)
        for target_id, unit_id, value in TargetAllocation.objects.filter(
            target__version=version
        ).values_list("target_id", "unit_id", "value"):
            self.shares[target_id][unit_id] = float(value)
        self.codes = {u.pk: u.code for u in self.units.values()}
        self.county_names = {c.code: (c.name, c.name_en) for c in self.counties}

    def judge(self, unit: Unit, period: Period) -> list[TargetStatus]:
        """Every target judged at ``period`` for ``unit`` (one of the book's units)."""
        version, region, series, synthetic = self.version, self.region, self.series, self.synthetic
        out: list[TargetStatus] = []
        for target in self.targets:
            ind = target.indicator
            if target.scope == Scope.EACH_COUNTY and unit.pk == region.pk:
                parts: dict[str, Progress] = {}
                synth = False
                for county in self.counties:
                    s = series.get((ind.pk, county.pk), {})
                    parts[county.code] = evaluate(
                        target_spec(target, version, s), s, period, self.config
                    )
                    synth = synth or (ind.pk, county.pk) in synthetic
                out.append(
                    TargetStatus(
                        target=target,
                        unit=unit,
                        progress=rollup_cover(parts, self.county_names),
                        synthetic=synth,
                        derived=False,
                        parts=parts,
                    )
                )
                continue
            own = series.get((ind.pk, unit.pk), {})
            share = self.shares.get(target.pk, {}).get(unit.pk)
            if unit.pk != region.pk and share is not None:
                progress = evaluate(
                    target_spec(target, version, own, share), own, period, self.config
                )
                out.append(
                    TargetStatus(
                        target=target,
                        unit=unit,
                        progress=progress,
                        synthetic=(ind.pk, unit.pk) in synthetic,
                        derived=False,
                        allocated=share,
                    )
                )
                continue
            if (
                unit.pk != region.pk
                and target.scope == Scope.CITY
                and ind.aggregation == Indicator.Aggregation.SUM
            ):
                # An additive city total binds the city, not each county: a county is
                # judged on it only once the total has been split among counties.
                out.append(
                    TargetStatus(
                        target=target,
                        unit=unit,
                        progress=not_allocated(own, period),
                        synthetic=(ind.pk, unit.pk) in synthetic,
                        derived=False,
                    )
                )
                continue
            derived = False
            synth = (ind.pk, unit.pk) in synthetic
            if unit.pk == region.pk and ind.aggregation == Indicator.Aggregation.SUM:
                county_series = [series.get((ind.pk, c.pk), {}) for c in self.counties]
                summed = _sum_counties(county_series)
                extra = {p: v for p, v in summed.items() if p not in own and p <= period}
                if extra:
                    own = {**own, **extra}
                    derived = True
                    synth = synth or any((ind.pk, c.pk) in synthetic for c in self.counties)
            progress = evaluate(target_spec(target, version, own), own, period, self.config)
            rollup = None
            split = self.shares.get(target.pk)
            if unit.pk == region.pk and split and target.value is not None:
                rollup = check_rollup(
                    float(target.value),
                    {self.codes.get(uid, str(uid)): v for uid, v in split.items()},
                    Comparator(target.comparator),
                )
            out.append(
                TargetStatus(
                    target=target,
                    unit=unit,
                    progress=progress,
                    synthetic=synth,
                    derived=derived,
                    rollup=rollup,
                )
            )
        return out


def plan_progress(
    *, version: PlanVersion, period: Period, unit: Unit | None = None
) -> list[TargetStatus]:
    """Every target of ``version`` judged at ``period`` for ``unit`` (default: the region)."""
    unit = unit or version.plan.region
    return ProgressBook(version=version, upto=period, units=[unit]).judge(unit, period)


def not_allocated(series: Series, period: Period) -> Progress:
    latest = max((p for p in series if p <= period), default=None)
    return Progress(
        light=Light.GREY,
        reason_zh="全市总量目标，尚未分解到本单位",
        reason_en="a city-wide total, not yet allocated to this unit",
        actual=series[latest] if latest is not None else None,
        expected=None,
        target=None,
        gap=None,
        achievement_pct=None,
        progress_pct=None,
        time_pct=None,
        as_of=latest,
    )


def progress_periods(version: PlanVersion, today: dt.date | None = None) -> list[Period]:
    """The quarters whose progress is kept: from the plan's first quarter to the last
    complete quarter (or the plan's last quarter, whichever is earlier)."""
    first = Period.quarter_of(version.start_year, 1)
    last = min(
        Period.last_complete_quarter(today or timezone.localdate()),
        Period.quarter_of(version.end_year, 4),
    )
    return quarters_between(first, last) if first <= last else []


def progress_units(version: PlanVersion) -> list[Unit]:
    """The units progress is kept for: the plan's region and every unit under it."""
    region = version.plan.region
    return [region, *Unit.objects.filter(parent=region).order_by("order", "code")]


# ------------------------------------------------------ scoped reads for the API (stored)
# Progress here is only ever read from ProgressRecord rows; nothing is judged on request.


def progress_periods_stored(version: PlanVersion) -> list[Period]:
    """The quarters with stored progress for the version, newest first."""
    ids = (
        ProgressRecord.objects.filter(version=version)
        .order_by()
        .values_list("period", flat=True)
        .distinct()
    )
    return sorted((Period.parse(p) for p in ids), reverse=True)


def progress_records(
    *, version: PlanVersion, unit: Unit, period: Period
) -> QuerySet[ProgressRecord]:
    """Stored progress of every target of the version for one unit and quarter (unscoped:
    the caller has checked the unit and narrows the targets)."""
    return ProgressRecord.objects.filter(
        version=version, unit=unit, period=period.id
    ).select_related("unit")


def progress_records_scope(access: Access, records: Iterable[ProgressRecord]) -> None:
    """Keep out of each record what concerns counties the user may not see: their entries
    in ``parts`` (a city record's per-county breakdown) and their codes in the reason,
    which names the counties that have not yet achieved an each-county target.

    Changes the records in memory only: they are read for display and never saved.
    """
    if access.all_units:
        return
    visible = set(units_visible(access).values_list("code", flat=True))
    names: dict[str, tuple[str, str]] = {}
    for record in records:
        hidden = set(record.parts) - visible
        if not hidden:
            continue
        if not names:
            names = {u.code: (u.name, u.name_en) for u in Unit.objects.all()}
        record.parts = {code: part for code, part in record.parts.items() if code in visible}
        record.reason_zh = _without_units(
            record.reason_zh,
            {names.get(c, (c, c))[0] for c in hidden} | hidden,
            "：",
            "、",
            lambda n: f"另{n}个县(市、区)",
        )
        record.reason_en = _without_units(
            record.reason_en,
            {names.get(c, (c, c))[1] for c in hidden} | hidden,
            ": ",
            ", ",
            lambda n: f"{n} other {'county' if n == 1 else 'counties'}",
        )


def _without_units(
    text: str, hidden: set[str], colon: str, sep: str, others: Callable[[int], str]
) -> str:
    """ "…，未实现：南湖区、海宁市、平湖市" → "…，未实现：南湖区、另2个县(市、区)"."""
    head, found, tail = text.rpartition(colon)
    if found:
        names = tail.split(sep)
        kept = [name for name in names if name not in hidden]
        if len(kept) < len(names):
            text = head + found + sep.join([*kept, others(len(names) - len(kept))])
    for name in sorted(hidden, key=len, reverse=True):  # wherever else a reason names one
        text = text.replace(name, "…")
    return text


def progress_history(*, access: Access, target: Target, unit: Unit) -> list[ProgressRecord]:
    """Every stored quarter of a target for a unit the caller has already been allowed."""
    rows = list(
        ProgressRecord.objects.filter(target=target, unit=unit)
        .select_related("unit")
        .order_by("period_end")
    )
    progress_records_scope(access, rows)
    return rows


def indicator_ids_visible(access: Access) -> frozenset[int] | None:
    """Indicators of the targets the user may see in the current plans; None = all."""
    if not access.sees_data:
        return frozenset()
    if access.all_targets:
        return None
    ids: set[int] = set()
    for version in PlanVersion.objects.filter(is_current=True):
        targets = Target.objects.filter(version=version)
        visible = target_ids_visible(access, version)
        if visible is not None:
            targets = targets.filter(pk__in=visible)
        ids.update(targets.values_list("indicator_id", flat=True))
    return frozenset(ids)


def indicator_list(
    *, access: Access, q: str = "", codes: Sequence[str] = ()
) -> QuerySet[Indicator]:
    """The catalogue as far as the user may see it, by code; ``q`` searches code and names."""
    qs = Indicator.objects.select_related("numerator", "denominator").order_by("code")
    ids = indicator_ids_visible(access)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    if q:
        qs = qs.filter(Q(code__icontains=q) | Q(name__icontains=q) | Q(name_en__icontains=q))
    if codes:
        qs = qs.filter(code__in=codes)
    return qs


def indicator_get_for_user(access: Access, code: str) -> Indicator:
    """An indicator the user may see; 404 otherwise, exactly as for an unknown code."""
    found = indicator_list(access=access).filter(code=code).first()
    if found is None:
        raise Http404("no such indicator")
    return found


def value_list(
    *,
    access: Access,
    indicator: Indicator | None = None,
    unit: Unit | None = None,
    period: Period | None = None,
    year: int | None = None,
    source: str | None = None,
) -> QuerySet[IndicatorValue]:
    """Figures of the units and indicators the user may see, with their provenance.

    ``indicator`` and ``unit`` are expected to come from the ``*_get_for_user`` selectors.
    """
    if not access.sees_data:
        return IndicatorValue.objects.none()
    qs = IndicatorValue.objects.select_related("indicator", "unit").order_by(
        "indicator__code", "unit__order", "unit__code", "period_end", "period_type", "pk"
    )
    if not access.all_units:
        qs = qs.filter(unit__in=units_visible(access))
    ids = indicator_ids_visible(access)
    if ids is not None:
        qs = qs.filter(indicator_id__in=ids)
    if indicator is not None:
        qs = qs.filter(indicator=indicator)
    if unit is not None:
        qs = qs.filter(unit=unit)
    if period is not None:
        qs = qs.filter(period=period.id)
    if year is not None:
        qs = qs.filter(year=year)
    if source:
        qs = qs.filter(source=source)
    return qs
