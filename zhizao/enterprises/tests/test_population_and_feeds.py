from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from zhizao.core.models import Unit
from zhizao.core.yamlfile import DefinitionFileError
from zhizao.enterprises.feeds import feed_values, feeds_apply
from zhizao.enterprises.models import (
    AnnualMetric,
    Cluster,
    ClusterArea,
    Enterprise,
    Honour,
    Industry,
    Scale,
)
from zhizao.enterprises.population import (
    COUNTY_SHARES,
    HONOUR_TOTALS,
    generate,
    synthetic_uscc,
    uscc_check_char,
)
from zhizao.enterprises.registry import cluster_upsert_all, read_clusters
from zhizao.indicators.models import IndicatorValue, ValueSource

ROOT = Path(__file__).resolve().parents[3]


# ----------------------------------------------------------------- pure generator


def test_the_check_character_of_a_published_example_code() -> None:
    # GB 32100-2015's own example: 91350100M000100Y4 + check character 3.
    assert uscc_check_char("91350100M000100Y4") == "3"


def test_synthetic_codes_are_well_formed_and_marked() -> None:
    code = synthetic_uscc("330402", 17)
    assert code == "91330402YYY000017" + uscc_check_char("91330402YYY000017")
    assert len(code) == 18


def test_the_population_is_deterministic_per_seed() -> None:
    a = generate(seed=5, firms=300, clusters={})
    b = generate(seed=5, firms=300, clusters={})
    c = generate(seed=6, firms=300, clusters={})
    assert a == b
    assert a != c


def test_every_firm_has_four_years_of_figures_and_a_unique_code() -> None:
    pop = generate(seed=1, firms=2000, clusters={})
    assert len({f.uscc for f in pop.firms}) == 2000
    assert len(pop.metrics) == 2000 * 4
    assert {f.county for f in pop.firms} == set(COUNTY_SHARES)
    assert all(m.land_mu > 0 and m.tax > 0 and m.value_added > 0 for m in pop.metrics)


def test_honours_held_only_grow_and_reach_the_yearly_totals() -> None:
    pop = generate(seed=1, firms=30_000, clusters={})
    for kind, (totals, _by, _level) in HONOUR_TOTALS.items():
        held = [
            sum(1 for h in pop.honours if h.kind == kind and h.year <= y) for y in range(2022, 2026)
        ]
        assert held == list(totals), kind


def test_cluster_members_are_above_scale_firms_of_its_divisions_and_areas() -> None:
    pop = generate(seed=3, firms=3000, clusters={"pv": (["38"], []), "cnc": (["34"], ["330482"])})
    for f in pop.firms:
        if "pv" in f.clusters:
            assert f.above_scale
            assert f.industry == "38"
        if "cnc" in f.clusters:
            assert f.above_scale
            assert f.industry == "34"
            assert f.county == "330482"
    assert any("pv" in f.clusters for f in pop.firms)


# ----------------------------------------------------------------------- clusters


pytestmark = pytest.mark.django_db


def test_the_shipped_clusters_file_loads_and_reloading_changes_nothing(loaded_plan) -> None:
    clusters = read_clusters(ROOT / "data" / "clusters" / "jiaxing.yaml")
    assert cluster_upsert_all(clusters=clusters) == 13
    assert cluster_upsert_all(clusters=clusters) == 0
    assert Cluster.objects.filter(tier=Cluster.Tier.GLOBAL).count() == 1
    assert Cluster.objects.filter(tier=Cluster.Tier.NATIONAL).count() == 3
    assert Cluster.objects.filter(tier=Cluster.Tier.REGIONAL).count() == 5
    haining = ClusterArea.objects.get(cluster__code="smart-pv", unit__code="330481")
    assert haining.role == ClusterArea.Role.CORE


def test_a_broken_clusters_file_is_refused_with_every_problem_located(
    loaded_plan, tmp_path
) -> None:
    bad = tmp_path / "clusters.yaml"
    bad.write_text(
        "schema: zhizao.clusters/1\n"
        "clusters:\n"
        "  - {code: a, name: A, name_en: A, tier: galactic}\n"
        "  - code: a\n"
        "    name: B\n"
        "    tier: rising\n"
        "    areas: [{unit: '999999', role: core}]\n",
        encoding="utf-8",
    )
    with pytest.raises(DefinitionFileError) as err:
        read_clusters(bad)
    text = str(err.value)
    assert f"{bad}:3 clusters[0].tier: 层级应为 global、national、regional、rising 之一" in text
    assert f"{bad}:4 clusters[1].code: 代码缺失或重复 / missing or repeated code" in text
    assert "clusters[1].areas[0]: 未知单位 999999 / unknown unit 999999" in text
    assert Cluster.objects.count() == 0


# -------------------------------------------------------------------------- feeds


@pytest.fixture
def registry(loaded_plan):
    """Three firms in two counties, figures for 2024, honours, one 135N cluster."""
    units = {u.code: u for u in Unit.objects.filter(code__in=["330402", "330481"])}
    industry = Industry.objects.create(code="38", name="电气机械和器材制造业", level=2)
    cluster = Cluster.objects.create(code="pv", name="光伏", name_en="PV", tier="global")

    def firm(n: int, county: str, scale: str, tax: str, va: str, land: str, revenue: str):
        e = Enterprise.objects.create(
            uscc=synthetic_uscc(county, n),
            name=f"firm {n}",
            unit=units[county],
            industry=industry,
            scale=scale,
        )
        AnnualMetric.objects.create(
            enterprise=e,
            year=2024,
            tax=Decimal(tax),
            value_added=Decimal(va),
            land_mu=Decimal(land),
            revenue=Decimal(revenue),
            source="reported",
        )
        return e

    a = firm(1, "330402", Scale.ABOVE, "300", "1500", "10", "60000000")
    b = firm(2, "330402", Scale.ABOVE, "100", "500", "30", "20000000")
    c = firm(3, "330481", Scale.ABOVE, "90", "450", "3", "20000000")
    firm(4, "330481", Scale.BELOW, "1", "2", "100", "100")  # 规下: not in 规上 figures
    a.clusters.add(cluster)
    c.clusters.add(cluster)
    Honour.objects.create(enterprise=a, kind="little_giant", year=2023)
    Honour.objects.create(enterprise=b, kind="little_giant", year=2024)
    Honour.objects.create(enterprise=c, kind="little_giant", year=2025)  # not yet in 2024
    Honour.objects.create(enterprise=c, kind="high_tech", year=2020, revoked_year=2024)
    return loaded_plan


def test_feeds_count_honours_held_at_the_end_of_the_year(registry) -> None:
    values = feed_values(years=[2024])
    assert values[("little_giants", "330402", 2024)] == (Decimal(2), False)
    assert values[("little_giants", "330481", 2024)] == (Decimal(0), False)
    assert values[("little_giants", "330400", 2024)] == (Decimal(2), False)
    # Revoked in 2024: no longer held at the end of 2024.
    assert values[("hitech_enterprises", "330481", 2024)] == (Decimal(0), False)


def test_per_mu_figures_are_ratios_of_sums_of_above_scale_firms(registry) -> None:
    values = feed_values(years=[2024])
    # 南湖: (300 + 100) / (10 + 30) = 10; 海宁: 90 / 3 = 30; city: 490 / 43 = 11.3953…
    assert values[("tax_per_mu", "330402", 2024)][0] == Decimal("10.0000")
    assert values[("tax_per_mu", "330481", 2024)][0] == Decimal("30.0000")
    assert values[("tax_per_mu", "330400", 2024)][0] == Decimal("11.3953")
    assert values[("va_per_mu", "330400", 2024)][0] == Decimal("56.9767")  # 2450 / 43


def test_cluster_revenue_sums_members_in_trillions_and_its_share(registry) -> None:
    values = feed_values(years=[2024])
    # Members a (6,000万 万元) and c (2,000万 万元): 8e7 万元 = 0.8 万亿元 of 1e8 in all.
    assert values[("cluster_revenue", "330400", 2024)][0] == Decimal("0.8")
    assert values[("cluster_revenue_share", "330400", 2024)][0] == Decimal("80.0000")
    assert values[("cluster_revenue_share", "330402", 2024)][0] == Decimal("75.0000")


def test_applying_feeds_writes_year_end_values_and_keeps_public_figures(registry) -> None:
    public_before = IndicatorValue.objects.filter(source=ValueSource.PUBLIC).count()
    written = feeds_apply(years=[2024])
    value = IndicatorValue.objects.get(
        indicator__code="tax_per_mu", unit__code="330402", period="2024Q4"
    )
    assert value.value == Decimal("10")
    assert value.source == ValueSource.DERIVED
    assert IndicatorValue.objects.filter(source=ValueSource.PUBLIC).count() == public_before
    assert written == IndicatorValue.objects.exclude(source=ValueSource.PUBLIC).count()
