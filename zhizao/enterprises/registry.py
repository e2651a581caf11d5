"""Writes to the registry's reference data (clusters) and the synthetic demo population."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.db import transaction

from zhizao.core.models import Unit
from zhizao.core.services import audit_log
from zhizao.core.yamlfile import DefinitionFileError, Problem, read_yaml
from zhizao.enterprises.models import (
    AnnualMetric,
    Cluster,
    ClusterArea,
    Enterprise,
    Honour,
    Industry,
    Scale,
)
from zhizao.enterprises.population import INDUSTRY_NAMES, Population


@dataclass(frozen=True, slots=True)
class ClusterDef:
    code: str
    name: str
    name_en: str
    tier: str
    assumption: bool
    divisions: tuple[str, ...]
    areas: tuple[tuple[str, str], ...]  # (unit code, role)
    source: str


def read_clusters(path: Path, *, display_name: str | None = None) -> list[ClusterDef]:
    """The clusters file, checked: every problem located, nothing returned half-read."""
    doc = read_yaml(path, display_name=display_name)
    data = doc.data
    problems: list[Problem] = []
    out: list[ClusterDef] = []
    tiers = sorted(Cluster.Tier.values)
    roles = sorted(ClusterArea.Role.values)
    if not isinstance(data, dict) or data.get("schema") != "zhizao.clusters/1":
        raise DefinitionFileError(
            [doc.problem(("schema",), "应为 zhizao.clusters/1", "must be zhizao.clusters/1")]
        )
    seen: set[str] = set()
    raw_list = data.get("clusters") or []
    for i, raw in enumerate(raw_list if isinstance(raw_list, list) else []):
        at: tuple[str | int, ...] = ("clusters", i)
        if not isinstance(raw, dict):
            problems.append(doc.problem(at, "应为映射", "must be a mapping"))
            continue
        code = str(raw.get("code", ""))
        if not code or code in seen:
            problems.append(
                doc.problem((*at, "code"), "代码缺失或重复", "missing or repeated code")
            )
        seen.add(code)
        if raw.get("tier") not in tiers:
            problems.append(
                doc.problem(
                    (*at, "tier"),
                    f"层级应为 {'、'.join(tiers)} 之一",
                    f"tier must be one of {', '.join(tiers)}",
                )
            )
        areas = []
        for j, area in enumerate(raw.get("areas") or []):
            if not isinstance(area, dict) or area.get("role") not in roles:
                problems.append(
                    doc.problem(
                        (*at, "areas", j),
                        f"区域定位应为 {'、'.join(roles)} 之一",
                        f"role must be one of {', '.join(roles)}",
                    )
                )
                continue
            areas.append((str(area.get("unit")), str(area["role"])))
        out.append(
            ClusterDef(
                code=code,
                name=str(raw.get("name", "")),
                name_en=str(raw.get("name_en", "")),
                tier=str(raw.get("tier", "")),
                assumption=bool(raw.get("assumption", False)),
                divisions=tuple(str(d) for d in raw.get("divisions") or ()),
                areas=tuple(areas),
                source=str(raw.get("source", "")),
            )
        )
    wanted = {u for c in out for u, _ in c.areas}
    known = set(Unit.objects.filter(code__in=wanted).values_list("code", flat=True))
    for i, c in enumerate(out):
        for j, (unit, _role) in enumerate(c.areas):
            if unit not in known:
                problems.append(
                    doc.problem(
                        ("clusters", i, "areas", j), f"未知单位 {unit}", f"unknown unit {unit}"
                    )
                )
    if problems:
        raise DefinitionFileError(problems)
    return out


@transaction.atomic
def cluster_upsert_all(*, clusters: Sequence[ClusterDef]) -> int:
    units = {u.code: u for u in Unit.objects.all()}
    changed = 0
    for order, c in enumerate(clusters):
        obj, created = Cluster.objects.update_or_create(
            code=c.code,
            defaults={
                "name": c.name,
                "name_en": c.name_en,
                "tier": c.tier,
                "is_assumption": c.assumption,
                "source": c.source,
                "order": order,
            },
        )
        changed += created
        ClusterArea.objects.filter(cluster=obj).exclude(
            unit__code__in=[u for u, _ in c.areas]
        ).delete()
        for unit, role in c.areas:
            ClusterArea.objects.update_or_create(
                cluster=obj, unit=units[unit], defaults={"role": role}
            )
    return changed


def _dec(x: float | None, places: int) -> Decimal | None:
    return None if x is None else Decimal(f"{x:.{places}f}")


@transaction.atomic
def population_replace(*, population: Population, seed: int) -> dict[str, int]:
    """Replace every synthetic enterprise (and its figures and honours) with ``population``;
    enterprises not marked synthetic are never touched."""
    deleted, _ = Enterprise.objects.filter(synthetic=True).delete()
    units = {u.code: u for u in Unit.objects.all()}
    industries = {i.code: i for i in Industry.objects.all()}
    for code, name in INDUSTRY_NAMES.items():
        if code not in industries:
            industries[code] = Industry.objects.create(code=code, name=name, level=2)
    firms = Enterprise.objects.bulk_create(
        [
            Enterprise(
                uscc=f.uscc,
                name=f.name,
                unit=units[f.county],
                industry=industries[f.industry],
                scale=Scale.ABOVE if f.above_scale else Scale.BELOW,
                synthetic=True,
            )
            for f in population.firms
        ],
        batch_size=5000,
    )
    ids = {e.uscc: e.pk for e in Enterprise.objects.filter(synthetic=True).only("pk", "uscc")}
    del firms
    detail = f"合成演示数据 seed={seed} / synthetic demo data"
    AnnualMetric.objects.bulk_create(
        [
            AnnualMetric(
                enterprise_id=ids[m.uscc],
                year=m.year,
                revenue=_dec(m.revenue, 2),
                main_revenue=_dec(m.main_revenue, 2),
                tax=_dec(m.tax, 2),
                value_added=_dec(m.value_added, 2),
                land_mu=_dec(m.land_mu, 3),
                employees=_dec(m.employees, 1),
                rd=_dec(m.rd, 2),
                energy_tce=_dec(m.energy_tce, 3),
                emissions=_dec(m.emissions, 3),
                electricity=_dec(m.electricity, 3),
                output=_dec(m.output, 2),
                source="synthetic",
                source_detail=detail,
            )
            for m in population.metrics
        ],
        batch_size=5000,
    )
    Honour.objects.bulk_create(
        [
            Honour(
                enterprise_id=ids[h.uscc],
                kind=h.kind,
                year=h.year,
                level=h.level,
                exchange=h.exchange,
                ticker=h.ticker,
                source=detail,
            )
            for h in population.honours
        ],
        batch_size=5000,
    )
    clusters = {c.code: c.pk for c in Cluster.objects.all()}
    through = Enterprise.clusters.through
    through.objects.bulk_create(
        [
            through(enterprise_id=ids[f.uscc], cluster_id=clusters[code])
            for f in population.firms
            for code in f.clusters
            if code in clusters
        ],
        batch_size=5000,
    )
    counts = {
        "enterprises": len(population.firms),
        "metrics": len(population.metrics),
        "honours": len(population.honours),
        "replaced": deleted,
    }
    audit_log(
        actor=None,
        action="enterprises.demo",
        obj=Enterprise(),
        summary=f"合成演示企业 {len(population.firms)} 家 (seed={seed})",
        data=counts,
    )
    return counts
