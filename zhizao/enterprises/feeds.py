"""Enterprise data feeding the plan: honour counts, cluster revenue and 亩均 figures
become values of the plan's indicators, so their targets light up from the registry.

For each year with figures, and for the city and each county:

- honour counts (单项冠军, 小巨人, 高新技术企业, 上市 …): firms holding the honour at the
  end of the year (won that year or earlier, not revoked by then);
- ``cluster_revenue``: revenue of the 规上 members of the 135N clusters (each firm once),
  万亿元; ``cluster_revenue_share``: that as a share of all 规上 revenue, %;
- ``tax_per_mu`` / ``va_per_mu``: Σ tax ÷ Σ land and Σ value added ÷ Σ land of 规上 firms
  (万元/亩) — ratios of sums, not means of ratios.

Values are written for the year's fourth quarter, the return the programme tracks. A value
is marked synthetic when any firm behind it is synthetic, otherwise derived; public figures
already recorded for the same indicator, unit and period are never overwritten.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.db import transaction
from django.db.models import Count, Q, Sum

from zhizao.core.domain import Period
from zhizao.core.models import Unit, UnitType
from zhizao.enterprises.models import AnnualMetric, Cluster, Enterprise, Honour, Scale
from zhizao.indicators.models import Indicator, IndicatorValue, ValueSource
from zhizao.indicators.selectors import current_version
from zhizao.indicators.services import progress_schedule

HONOUR_INDICATORS: dict[str, str] = {
    "single_champion": "single_champions",
    "little_giant": "little_giants",
    "provincial_srdi": "prov_srdi_smes",
    "high_tech": "hitech_enterprises",
    "tech_sme": "tech_smes",
    "listed": "listed_mfg_firms",
    "china_top500_mfg": "china_top500_mfg",
    "revenue_100bn": "firms_revenue_over_100bn",
    "fortune_global500": "fortune_global500",
    "future_factory": "future_factories",
    "smart_factory": "smart_factories",
    "green_factory": "national_green_factories",
    "cloud_firm": "cloud_enterprises",
}
FED_INDICATORS = (
    *HONOUR_INDICATORS.values(),
    "cluster_revenue",
    "cluster_revenue_share",
    "tax_per_mu",
    "va_per_mu",
)
CLUSTER_TIERS_135N = (
    Cluster.Tier.GLOBAL,
    Cluster.Tier.NATIONAL,
    Cluster.Tier.REGIONAL,
    Cluster.Tier.RISING,
)


def feed_values(*, years: list[int]) -> dict[tuple[str, str, int], tuple[Decimal, bool]]:
    """(indicator code, unit code, year) → (value, synthetic) from the registry."""
    counties = {u.pk: u.code for u in Unit.objects.filter(type=UnitType.COUNTY)}
    city = Unit.objects.filter(type=UnitType.CITY).order_by("order").first()
    out: dict[tuple[str, str, int], tuple[Decimal, bool]] = {}
    any_synthetic = Enterprise.objects.filter(synthetic=True).exists()

    def put(code: str, per_county: dict[str, Decimal], year: int, total: Decimal) -> None:
        for county in counties.values():
            out[(code, county, year)] = (per_county.get(county, Decimal(0)), any_synthetic)
        if city is not None:
            out[(code, city.code, year)] = (total, any_synthetic)

    for year in years:
        held = (
            Honour.objects.filter(year__lte=year)
            .filter(Q(revoked_year__isnull=True) | Q(revoked_year__gt=year))
            .values("kind", "enterprise__unit_id")
            .annotate(n=Count("enterprise", distinct=True))
        )
        counts: dict[str, dict[str, Decimal]] = defaultdict(dict)
        for row in held:
            county = counties.get(row["enterprise__unit_id"])
            if county is not None:
                counts[row["kind"]][county] = Decimal(row["n"])
        for kind, code in HONOUR_INDICATORS.items():
            per = counts.get(kind, {})
            put(code, per, year, sum(per.values(), Decimal(0)))

        metrics = AnnualMetric.objects.filter(year=year, enterprise__scale=Scale.ABOVE)
        sums = {
            counties.get(r["enterprise__unit_id"]): r
            for r in metrics.values("enterprise__unit_id").annotate(
                tax=Sum("tax"), va=Sum("value_added"), land=Sum("land_mu"), revenue=Sum("revenue")
            )
        }
        in_clusters = {
            counties.get(r["enterprise__unit_id"]): r["revenue"] or Decimal(0)
            for r in metrics.filter(
                enterprise__in=Enterprise.objects.filter(
                    clusters__tier__in=CLUSTER_TIERS_135N
                ).distinct()
            )
            .values("enterprise__unit_id")
            .annotate(revenue=Sum("revenue"))
        }
        if not sums:
            continue
        tax = {c: r["tax"] or Decimal(0) for c, r in sums.items() if c}
        va = {c: r["va"] or Decimal(0) for c, r in sums.items() if c}
        land = {c: r["land"] or Decimal(0) for c, r in sums.items() if c}
        revenue = {c: r["revenue"] or Decimal(0) for c, r in sums.items() if c}
        per_mu_tax = {c: _ratio(tax[c], land[c]) for c in tax}
        per_mu_va = {c: _ratio(va[c], land[c]) for c in va}
        all_land = sum(land.values(), Decimal(0))
        put("tax_per_mu", per_mu_tax, year, _ratio(sum(tax.values(), Decimal(0)), all_land))
        put("va_per_mu", per_mu_va, year, _ratio(sum(va.values(), Decimal(0)), all_land))
        trillion = Decimal(100_000_000)  # 万元 → 万亿元
        cluster = {c: v for c, v in in_clusters.items() if c}
        put(
            "cluster_revenue",
            {c: v / trillion for c, v in cluster.items()},
            year,
            sum(cluster.values(), Decimal(0)) / trillion,
        )
        put(
            "cluster_revenue_share",
            {c: _ratio(cluster.get(c, Decimal(0)) * 100, revenue[c]) for c in revenue},
            year,
            _ratio(sum(cluster.values(), Decimal(0)) * 100, sum(revenue.values(), Decimal(0))),
        )
    return out


def _ratio(a: Decimal, b: Decimal) -> Decimal:
    return (a / b).quantize(Decimal("0.0001")) if b else Decimal(0)


@transaction.atomic
def feeds_apply(*, years: list[int]) -> int:
    """Write the registry's figures as indicator values; returns how many were written.

    The fed indicators' synthetic values from the general demo generator are replaced
    (enterprise-derived figures take their place); public figures stay as they are.
    """
    values = feed_values(years=years)
    indicators = {i.code: i for i in Indicator.objects.filter(code__in=FED_INDICATORS)}
    units = {u.code: u for u in Unit.objects.all()}
    IndicatorValue.objects.filter(
        indicator__code__in=FED_INDICATORS, source=ValueSource.SYNTHETIC
    ).delete()
    public = set(
        IndicatorValue.objects.filter(indicator__code__in=FED_INDICATORS)
        .exclude(source=ValueSource.SYNTHETIC)
        .values_list("indicator__code", "unit__code", "period")
    )
    rows = []
    for (code, unit, year), (value, synthetic) in values.items():
        period = Period.quarter_of(year, 4)
        if code not in indicators or unit not in units or (code, unit, period.id) in public:
            continue
        rows.append(
            IndicatorValue(
                indicator=indicators[code],
                unit=units[unit],
                period=period.id,
                period_type=period.type.value,
                year=period.year,
                period_end=period.end,
                value=value,
                source=ValueSource.SYNTHETIC if synthetic else ValueSource.DERIVED,
                source_detail="由企业库汇总（含合成演示企业） / summed from the enterprise registry"
                " (synthetic demo firms)"
                if synthetic
                else "由企业库汇总 / summed from the enterprise registry",
            )
        )
    IndicatorValue.objects.bulk_create(rows, batch_size=2000)
    version = current_version()
    if version is not None and rows:
        progress_schedule(version=version, reason="enterprise registry feeds")
    return len(rows)
