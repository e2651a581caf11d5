"""Loading a plan file into versioned rows.

五年任务、年度计划、季度跟踪 (三、(七)): the plan is the reference everything is tracked
against, so it is never edited in place. ``plan_load`` reads a plan file, validates all
of it (``planfile.read_plan_file``) and then, in one transaction:

- upserts the units, departments and indicator catalogue the file names;
- records the public baselines as values with their source;
- if the file's content differs from the plan's current version, creates version N+1
  with its clause tree, targets and milestones, and makes it current. The old version
  and everything tracked against it stay as they were: targets are restated, history
  is never rewritten. Loading an unchanged file writes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Max

from zhizao.accounts.models import Department
from zhizao.accounts.services import DepartmentRow, department_upsert_all
from zhizao.core.domain import Period
from zhizao.core.models import Unit
from zhizao.core.services import UnitRow, audit_log, unit_upsert_all
from zhizao.indicators.models import ValueSource
from zhizao.indicators.services import (
    IndicatorRow,
    indicator_upsert_all,
    progress_schedule,
    value_set,
)
from zhizao.plans.models import Clause, ClauseRole, Milestone, Plan, PlanVersion, Target
from zhizao.plans.planfile import MilestoneDef, PlanBundle, read_plan_file


@dataclass
class LoadResult:
    version: PlanVersion
    created: bool
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    restated: list[str] = field(default_factory=list)

    def describe(self) -> str:
        v = self.version
        if not self.created:
            return (
                f"计划 {v.plan.code} 未变化，仍为第 {v.number} 版 / "
                f"plan {v.plan.code} unchanged, still version {v.number}"
            )
        return (
            f"计划 {v.plan.code} 已载入第 {v.number} 版：{v.targets.count()} 个目标"
            f"（新增 {len(self.added)}，删除 {len(self.removed)}，重述 {len(self.restated)}） / "
            f"plan {v.plan.code} loaded as version {v.number}: {v.targets.count()} targets "
            f"({len(self.added)} added, {len(self.removed)} removed, "
            f"{len(self.restated)} restated)"
        )


def plan_load(*, path: Path, actor: User | None = None, root: Path | None = None) -> LoadResult:
    """Validate ``path`` and load it; raises ``DefinitionFileError`` having written nothing."""
    bundle = read_plan_file(path, root=root)
    with transaction.atomic():
        return _write(bundle, actor)


def _write(bundle: PlanBundle, actor: User | None) -> LoadResult:
    p = bundle.plan
    unit_upsert_all(
        rows=[
            UnitRow(
                code=u.code,
                name=u.name,
                name_en=u.name_en,
                short_name=u.short_name,
                type=u.type,
                parent=u.parent,
                host=u.host,
                is_gb_code=u.gb_code,
            )
            for u in bundle.units.units
        ]
    )
    department_upsert_all(
        rows=[
            DepartmentRow(
                code=d.code,
                name=d.name,
                name_en=d.name_en,
                short_name=d.short_name,
                is_assumption=bundle.departments.assumption,
            )
            for d in bundle.departments.departments
        ]
    )
    indicators = indicator_upsert_all(
        rows=[
            IndicatorRow(
                code=i.code,
                name=i.name,
                name_en=i.name_en,
                unit=i.unit,
                unit_en=i.unit_en,
                direction=i.direction,
                measure=i.measure,
                aggregation=i.aggregation,
                numerator=i.numerator,
                denominator=i.denominator,
                formula=i.formula or "",
                decimals=i.decimals,
                description=i.description,
            )
            for i in p.indicators
        ]
    )
    units = {u.code: u for u in Unit.objects.all()}
    for ind_def in p.indicators:
        for base in ind_def.baselines:
            value_set(
                indicator=indicators[ind_def.code],
                unit=units[base.unit],
                period=Period.parse(base.period),
                value=Decimal(str(base.value)),
                source=ValueSource.PUBLIC,
                source_detail=base.source,
            )

    plan, _ = Plan.objects.update_or_create(
        code=p.code,
        defaults={"title": p.title, "title_en": p.title_en, "region": units[p.region]},
    )
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    current = PlanVersion.objects.filter(plan=plan, is_current=True).first()
    if current is not None and current.content_hash == bundle.content_hash:
        return LoadResult(version=current, created=False)

    number = (PlanVersion.objects.filter(plan=plan).aggregate(n=Max("number"))["n"] or 0) + 1
    if current is not None:
        current.is_current = False
        current.save(update_fields=["is_current"])
    version = PlanVersion.objects.create(
        plan=plan,
        number=number,
        is_current=True,
        content_hash=bundle.content_hash,
        source_path=bundle.path,
        title=p.title,
        title_en=p.title_en,
        issuer=p.issuer,
        issued_on=p.issued_on,
        document=p.document,
        start_year=p.start_year,
        end_year=p.end_year,
        baseline_year=p.baseline_year,
        lights=p.lights,
        definition=bundle.raw,
        loaded_by=actor,
    )
    depts = {d.code: d for d in Department.objects.all()}
    clauses = _write_clauses(bundle, version, depts)
    milestone_order = 0

    def add_milestones(items: list[MilestoneDef], clause: Clause) -> None:
        nonlocal milestone_order
        for m in items:
            milestone_order += 1
            Milestone.objects.create(
                version=version,
                clause=clause,
                code=m.code,
                title=m.title,
                title_en=m.title_en,
                due_year=m.due,
                owner=depts[m.owner] if m.owner else None,
                evidence=m.evidence,
                order=milestone_order,
            )

    for pillar in p.pillars:
        for task in pillar.tasks:
            add_milestones(task.milestones, clauses[task.ref])
    for measure in p.measures:
        add_milestones(measure.milestones, clauses[measure.ref])

    Target.objects.bulk_create(
        [
            Target(
                version=version,
                code=t.definition.code,
                indicator=indicators[t.definition.indicator],
                clause=clauses[t.clause_ref],
                sentence=t.definition.sentence or "",
                comparator=t.comparator,
                value=t.value,
                value_text=t.value_text,
                tolerance=(
                    Decimal(str(t.definition.tolerance)) if t.definition.tolerance else None
                ),
                year=t.definition.year,
                year_from=t.definition.each_year[0] if t.definition.each_year else None,
                year_to=t.definition.each_year[1] if t.definition.each_year else None,
                kind=t.kind.value,
                scope=t.scope,
                note=t.definition.note,
                order=t.index,
            )
            for t in bundle.targets
        ]
    )
    result = LoadResult(version=version, created=True)
    progress_schedule(version=version, reason=f"plan {plan.code} v{version.number} loaded")
    if current is not None:
        old = {t.code: t for t in current.targets.select_related("indicator", "clause")}
        new = {t.code: t for t in version.targets.select_related("indicator", "clause")}
        result.added = sorted(set(new) - set(old))
        result.removed = sorted(set(old) - set(new))
        result.restated = sorted(
            code
            for code in set(old) & set(new)
            if _target_terms(old[code]) != _target_terms(new[code])
        )
    else:
        result.added = sorted(t.definition.code for t in bundle.targets)
    audit_log(
        actor=actor,
        action="plan.load",
        obj=version,
        summary=result.describe(),
        data={
            "file": bundle.path,
            "hash": bundle.content_hash,
            "added": result.added,
            "removed": result.removed,
            "restated": result.restated,
        },
    )
    return result


def _target_terms(t: Target) -> tuple[object, ...]:
    return (
        t.indicator.code,
        t.comparator,
        t.value,
        t.tolerance,
        t.year,
        t.year_from,
        t.year_to,
        t.kind,
        t.scope,
        t.clause.ref,
    )


def _write_clauses(
    bundle: PlanBundle, version: PlanVersion, depts: dict[str, Department]
) -> dict[str, Clause]:
    p = bundle.plan
    out: dict[str, Clause] = {}
    order = 0

    def make(
        ref: str,
        role: ClauseRole,
        parent: Clause | None,
        title: str,
        title_en: str,
        **extra: object,
    ) -> Clause:
        nonlocal order
        order += 1
        co_leads = extra.pop("co_leads", [])
        clause = Clause.objects.create(
            version=version,
            ref=ref,
            role=role,
            parent=parent,
            title=title,
            title_en=title_en,
            order=order,
            **extra,
        )
        if co_leads:
            clause.co_leads.set([depts[c] for c in co_leads])  # type: ignore[attr-defined]
        out[ref] = clause
        return clause

    for section in p.sections:
        top = make(section.ref, ClauseRole.SECTION, None, section.title, section.title_en)
        for part in section.parts:
            make(part.ref, ClauseRole.PART, top, part.title, part.title_en)

    def section_for(ref: str) -> Clause | None:
        head = ref.split("、", 1)[0] + "、"
        return out.get(head)

    for pillar in p.pillars:
        pc = make(
            pillar.ref,
            ClauseRole.PILLAR,
            section_for(pillar.ref),
            pillar.title,
            pillar.title_en,
            number=pillar.number,
            short=pillar.short,
            short_en=pillar.short_en,
        )
        for task in pillar.tasks:
            make(
                task.ref,
                ClauseRole.TASK,
                pc,
                task.title,
                task.title_en,
                number=task.number,
                summary=task.summary,
                summary_en=task.summary_en,
                lead=depts[task.lead],
                co_leads=task.co_leads,
            )
    for measure in p.measures:
        make(
            measure.ref,
            ClauseRole.MEASURE,
            section_for(measure.ref),
            measure.title,
            measure.title_en,
            number=measure.number,
            summary=measure.summary,
            summary_en=measure.summary_en,
            lead=depts[measure.lead] if measure.lead else None,
            co_leads=measure.co_leads,
        )
    return out
