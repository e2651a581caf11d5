"""The plan file: a human-edited, versioned YAML definition of a programme.

``data/plans/<code>.yaml`` holds the plan's clause tree (sections, pillars with their
tasks, measures), its indicator catalogue and every quantified commitment as a target
with the clause it comes from (``二、(三)9.``) and the clause sentence. It names the
files of its units and departments. The format is documented in ``docs/plan-file.md``;
the models below are its schema (exported to ``data/plans/plan.schema.json``).

``read_plan_file`` parses and validates everything — structure, then meaning (unknown
unit or department codes, duplicated targets, bad comparators, refs that name no clause)
— and returns a :class:`PlanBundle`, or raises :class:`DefinitionFileError` listing every
problem with its file, path and line. It writes nothing.

No Django here: the loader service turns a bundle into rows.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from zhizao.core.yamlfile import (
    DefinitionFileError,
    LocatedDocument,
    Problem,
    read_yaml,
    structure,
)
from zhizao.indicators.formula import FormulaError, formula_variables
from zhizao.plans.domain import (
    ComparatorError,
    Kind,
    Scope,
    parse_comparator,
    parse_number,
)

SCHEMA_ID = "zhizao.plan/1"
UNITS_SCHEMA_ID = "zhizao.units/1"
DEPARTMENTS_SCHEMA_ID = "zhizao.departments/1"

Code = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.\-]+$")]
Text = Annotated[str, Field(min_length=1, max_length=2000)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


# ---- units -----------------------------------------------------------------------------


class UnitDef(_Strict):
    code: Code
    name: Text
    name_en: Text
    short_name: str = ""
    type: Literal["city", "county", "zone"]
    parent: Code | None = None
    host: Code | None = Field(None, description="功能区所在县(市、区) / host county of a zone")
    gb_code: bool = Field(True, description="code is a GB/T 2260 code (false for zones)")


class UnitsFile(_Strict):
    schema_: Literal["zhizao.units/1"] = Field(alias="schema")
    note: str = ""
    units: list[UnitDef] = Field(min_length=1)


# ---- departments -------------------------------------------------------------------------


class DepartmentDef(_Strict):
    code: Code
    name: Text
    name_en: Text
    short_name: str = ""


class DepartmentsFile(_Strict):
    schema_: Literal["zhizao.departments/1"] = Field(alias="schema")
    assumption: bool = Field(
        description="true when the list is an assumption rather than taken from the plan"
    )
    note: str = ""
    departments: list[DepartmentDef] = Field(min_length=1)


# ---- plan ----------------------------------------------------------------------------------


class BaselineDef(_Strict):
    unit: Code
    period: Annotated[str, Field(pattern=r"^\d{4}(Q[1-4]|-(0[1-9]|1[0-2]))?$")]
    value: float
    source: Text = Field(description="公开来源（网址或文献）/ public source (URL or document)")


class IndicatorDef(_Strict):
    code: Code
    name: Text
    name_en: Text
    unit: str = Field("", max_length=32)
    unit_en: str = Field("", max_length=32)
    direction: Literal["higher", "lower", "target"] = "higher"
    measure: Literal["stock", "flow"] = Field(
        "stock",
        description="stock: a level or ratio at a point; flow: an amount, reported year-to-date",
    )
    aggregation: Literal["sum", "ratio", "none"] = Field(
        "sum", description="how county values combine into the city's"
    )
    numerator: Code | None = None
    denominator: Code | None = None
    formula: str | None = Field(None, description="derived: an expression over other codes")
    decimals: int = Field(1, ge=0, le=6)
    description: str = ""
    baselines: list[BaselineDef] = []


class MilestoneDef(_Strict):
    code: Code
    title: Text
    title_en: Text
    due: int | None = Field(None, ge=1990, le=2100)
    owner: Code | None = None
    evidence: str = Field("", description="what proves the milestone is done")


class TaskDef(_Strict):
    number: int = Field(ge=1)
    ref: Text
    title: Text
    title_en: Text
    summary: str = ""
    summary_en: str = ""
    lead: Code
    co_leads: list[Code] = []
    milestones: list[MilestoneDef] = []


class PillarDef(_Strict):
    number: int = Field(ge=1)
    ref: Text
    title: Text
    title_en: Text
    short: str = ""
    short_en: str = ""
    tasks: list[TaskDef] = Field(min_length=1)


class MeasureDef(_Strict):
    number: int = Field(ge=1)
    ref: Text
    title: Text
    title_en: Text
    summary: str = ""
    summary_en: str = ""
    lead: Code | None = None
    co_leads: list[Code] = []
    milestones: list[MilestoneDef] = []


class PartDef(_Strict):
    ref: Text
    title: Text
    title_en: Text


class SectionDef(_Strict):
    ref: Text
    title: Text
    title_en: Text
    parts: list[PartDef] = []


class TargetDef(_Strict):
    code: Code
    indicator: Code
    ref: Text | None = Field(None, description="条款编号，如 二、(三)9. / clause reference")
    sentence: Text | None = Field(None, description="条款原文（规范化简体）/ clause sentence")
    comparator: str
    value: int | float | str | None = None
    tolerance: float | None = Field(None, gt=0, lt=1)
    year: int | None = Field(None, ge=1990, le=2100)
    each_year: list[int] | None = Field(None, min_length=2, max_length=2)
    kind: str
    scope: str = "city"
    note: str = ""


class PlanFile(_Strict):
    schema_: Literal["zhizao.plan/1"] = Field(alias="schema")
    code: Code
    title: Text
    title_en: Text
    issuer: Text
    issued_on: dt.date
    document: str = ""
    source: str = ""
    region: Code
    units_file: str
    departments_file: str
    start_year: int = Field(ge=1990, le=2100)
    end_year: int = Field(ge=1990, le=2100)
    baseline_year: int = Field(ge=1990, le=2100)
    lights: dict[str, float] = {}
    sections: list[SectionDef] = Field(min_length=1)
    pillars: list[PillarDef] = Field(min_length=1)
    measures: list[MeasureDef] = []
    indicators: list[IndicatorDef] = Field(min_length=1)
    targets: list[TargetDef] = Field(min_length=1)


# ---- the validated bundle ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ResolvedTarget:
    """A target after its text fields have been turned into domain values."""

    index: int
    definition: TargetDef
    comparator: str
    value: Decimal | None
    value_text: str
    kind: Kind
    scope: str  # Scope value or a unit code
    clause_ref: str


@dataclass(frozen=True, slots=True)
class PlanBundle:
    path: str
    plan: PlanFile
    units: UnitsFile
    departments: DepartmentsFile
    targets: list[ResolvedTarget]
    content_hash: str
    raw: dict[str, Any]


_REF_RE = re.compile(r"^[一二三四五六七八九十]+、(\([一二三四五六七八九十]+\))?(\d+\.)?$")


def read_plan_file(path: Path, *, root: Path | None = None) -> PlanBundle:
    """Read and validate a plan file and the unit and department files it names."""
    display = _display(path, root)
    doc = read_yaml(path, display_name=display)
    plan = structure(PlanFile, doc)

    units_path = (path.parent / plan.units_file).resolve()
    units_doc = read_yaml(units_path, display_name=_display(units_path, root))
    units = structure(UnitsFile, units_doc)
    depts_path = (path.parent / plan.departments_file).resolve()
    depts_doc = read_yaml(depts_path, display_name=_display(depts_path, root))
    departments = structure(DepartmentsFile, depts_doc)

    problems: list[Problem] = []
    problems += _check_units(units, units_doc)
    problems += _check_departments(departments, depts_doc)
    unit_codes = {u.code for u in units.units}
    dept_codes = {d.code for d in departments.departments}

    if plan.region not in unit_codes:
        problems.append(
            doc.problem(
                ("region",),
                f"未知单位代码 {plan.region!r}（不在 {units_doc.file} 中）",
                f"unknown unit code {plan.region!r} (not in {units_doc.file})",
            )
        )
    if not plan.start_year <= plan.end_year:
        problems.append(
            doc.problem(("end_year",), "结束年份早于开始年份", "end_year is before start_year")
        )

    refs, ref_problems = _collect_refs(plan, doc, dept_codes)
    problems += ref_problems
    indicator_codes, ind_problems = _check_indicators(plan, doc, unit_codes)
    problems += ind_problems

    targets: list[ResolvedTarget] = []
    seen_codes: dict[str, int] = {}
    seen_keys: dict[tuple[object, ...], int] = {}
    for i, t in enumerate(plan.targets):
        here = ("targets", i)
        if t.code in seen_codes:
            problems.append(
                doc.problem(
                    (*here, "code"),
                    f"目标编号 {t.code!r} 重复（与 targets[{seen_codes[t.code]}] 相同）",
                    f"duplicated target code {t.code!r} (same as targets[{seen_codes[t.code]}])",
                )
            )
        seen_codes.setdefault(t.code, i)
        if t.indicator not in indicator_codes:
            problems.append(
                doc.problem(
                    (*here, "indicator"),
                    f"未知指标 {t.indicator!r}",
                    f"unknown indicator {t.indicator!r}",
                )
            )
        if not t.ref:
            problems.append(
                doc.problem(
                    (*here, "ref"),
                    "缺少条款编号（如 二、(三)9.）",
                    "missing clause reference (e.g. 二、(三)9.)",
                )
            )
        elif t.ref not in refs:
            problems.append(
                doc.problem(
                    (*here, "ref"),
                    f"条款编号 {t.ref!r} 在本计划中不存在",
                    f"clause reference {t.ref!r} names no clause of this plan",
                )
            )
        if not t.sentence:
            problems.append(
                doc.problem(
                    (*here, "sentence"),
                    "缺少条款原文",
                    "missing clause sentence",
                )
            )
        try:
            comparator = parse_comparator(t.comparator)
        except ComparatorError:
            problems.append(
                doc.problem(
                    (*here, "comparator"),
                    f"比较符 {t.comparator!r} 无效，应为 ≥ > ≤ < = ≈ ↑ 之一",
                    f"invalid comparator {t.comparator!r}: use one of ≥ > ≤ < = ≈ ↑",
                )
            )
            comparator = None
        try:
            kind: Kind | None = Kind(t.kind)
        except ValueError:
            allowed = ", ".join(k.value for k in Kind)
            problems.append(
                doc.problem(
                    (*here, "kind"),
                    f"目标类型 {t.kind!r} 无效，应为 {allowed} 之一",
                    f"invalid kind {t.kind!r}: use one of {allowed}",
                )
            )
            kind = None
        scope = t.scope
        if scope not in (Scope.CITY, Scope.EACH_COUNTY) and scope not in unit_codes:
            problems.append(
                doc.problem(
                    (*here, "scope"),
                    f"未知单位代码 {scope!r}（范围应为 city、each_county 或单位代码）",
                    f"unknown unit code {scope!r} (scope is city, each_county or a unit code)",
                )
            )
        value: Decimal | None = None
        value_text = ""
        if t.value is None:
            if kind is not None and kind is not Kind.TREND:
                problems.append(doc.problem((*here, "value"), "缺少目标值", "missing target value"))
        else:
            try:
                value = parse_number(t.value)
                # Keep the plan's own spelling where it is not a plain number (2/3).
                value_text = t.value if isinstance(t.value, str) else ""

            except ValueError:
                problems.append(
                    doc.problem(
                        (*here, "value"),
                        f"目标值 {t.value!r} 不是数字",
                        f"target value {t.value!r} is not a number",
                    )
                )
        if t.year is not None and t.each_year is not None:
            problems.append(
                doc.problem(
                    (*here, "each_year"),
                    "year 与 each_year 只能填一个",
                    "give either year or each_year, not both",
                )
            )
        if t.each_year is not None:
            lo, hi = t.each_year
            if not plan.start_year <= lo <= hi <= plan.end_year:
                problems.append(
                    doc.problem(
                        (*here, "each_year"),
                        f"年份区间 {lo}–{hi} 超出计划期 {plan.start_year}–{plan.end_year}",
                        f"year range {lo}–{hi} is outside the plan {plan.start_year}–"
                        f"{plan.end_year}",
                    )
                )
        if t.year is not None and not plan.start_year <= t.year <= plan.end_year:
            problems.append(
                doc.problem(
                    (*here, "year"),
                    f"年份 {t.year} 超出计划期 {plan.start_year}–{plan.end_year}",
                    f"year {t.year} is outside the plan {plan.start_year}–{plan.end_year}",
                )
            )
        if kind is not None and kind is not Kind.RULE and t.year is None and t.each_year is None:
            problems.append(
                doc.problem(
                    (*here, "year"),
                    "缺少年份（year 或 each_year）",
                    "missing deadline: give year or each_year",
                )
            )
        if kind is Kind.TREND and comparator is not None and comparator.value != "↑":
            problems.append(
                doc.problem(
                    (*here, "comparator"),
                    "趋势类目标的比较符应为 ↑",
                    "a trend target takes the comparator ↑",
                )
            )
        if comparator is not None and comparator.value == "↑" and kind is not Kind.TREND:
            problems.append(
                doc.problem(
                    (*here, "kind"),
                    "比较符 ↑ 只用于 trend 类目标",
                    "the comparator ↑ is only for trend targets",
                )
            )
        if comparator is not None and kind is not None:
            years = tuple(t.each_year) if t.each_year else (t.year,)
            key = (t.indicator, years, t.scope, comparator.value, kind.value)
            if key in seen_keys:
                problems.append(
                    doc.problem(
                        here,
                        f"与 targets[{seen_keys[key]}] 重复（同一指标、年份、范围与比较符）",
                        f"duplicates targets[{seen_keys[key]}] (same indicator, year, scope "
                        "and comparator)",
                    )
                )
            seen_keys.setdefault(key, i)
            if t.ref and t.sentence and scope:
                targets.append(
                    ResolvedTarget(
                        index=i,
                        definition=t,
                        comparator=comparator.value,
                        value=value,
                        value_text=value_text,
                        kind=kind,
                        scope=scope,
                        clause_ref=t.ref,
                    )
                )
    if problems:
        raise DefinitionFileError(problems)

    raw = {
        "plan": plan.model_dump(mode="json", by_alias=True),
        "units": units.model_dump(mode="json", by_alias=True),
        "departments": departments.model_dump(mode="json", by_alias=True),
    }
    digest = hashlib.sha256(
        json.dumps(raw, sort_keys=True, ensure_ascii=False).encode("utf-8")
    ).hexdigest()
    return PlanBundle(
        path=display,
        plan=plan,
        units=units,
        departments=departments,
        targets=targets,
        content_hash=digest,
        raw=raw,
    )


def _display(path: Path, root: Path | None) -> str:
    resolved = path.resolve()
    if root is not None:
        try:
            return str(resolved.relative_to(root.resolve()))
        except ValueError:
            pass
    return str(path)


def _check_units(units: UnitsFile, doc: LocatedDocument) -> list[Problem]:
    problems: list[Problem] = []
    codes: dict[str, int] = {}
    for i, u in enumerate(units.units):
        if u.code in codes:
            problems.append(
                doc.problem(
                    ("units", i, "code"), f"单位代码 {u.code!r} 重复", f"duplicated unit {u.code!r}"
                )
            )
        codes.setdefault(u.code, i)
        if u.gb_code and not re.fullmatch(r"\d{6}", u.code):
            problems.append(
                doc.problem(
                    ("units", i, "code"),
                    f"{u.code!r} 不是 6 位 GB/T 2260 代码（功能区请设 gb_code: false）",
                    f"{u.code!r} is not a 6-digit GB/T 2260 code (set gb_code: false for zones)",
                )
            )
    for i, u in enumerate(units.units):
        for attr in ("parent", "host"):
            ref = getattr(u, attr)
            if ref is not None and ref not in codes:
                problems.append(
                    doc.problem(
                        ("units", i, attr),
                        f"未知单位代码 {ref!r}",
                        f"unknown unit code {ref!r}",
                    )
                )
        if u.type == "zone" and u.host is None:
            problems.append(
                doc.problem(
                    ("units", i, "host"),
                    "功能区须注明所在县(市、区)",
                    "a functional zone needs its host county",
                )
            )
    return problems


def _check_departments(depts: DepartmentsFile, doc: LocatedDocument) -> list[Problem]:
    problems: list[Problem] = []
    codes: set[str] = set()
    for i, d in enumerate(depts.departments):
        if d.code in codes:
            problems.append(
                doc.problem(
                    ("departments", i, "code"),
                    f"部门代码 {d.code!r} 重复",
                    f"duplicated department {d.code!r}",
                )
            )
        codes.add(d.code)
    return problems


def _collect_refs(
    plan: PlanFile, doc: LocatedDocument, dept_codes: set[str]
) -> tuple[set[str], list[Problem]]:
    problems: list[Problem] = []
    refs: set[str] = set()

    def add(ref: str, loc: tuple[str | int, ...]) -> None:
        if not _REF_RE.match(ref):
            problems.append(
                doc.problem(
                    (*loc, "ref"),
                    f"条款编号 {ref!r} 格式无效（应如 二、(三)9.）",
                    f"malformed clause reference {ref!r} (expected e.g. 二、(三)9.)",
                )
            )
        if ref in refs:
            problems.append(
                doc.problem((*loc, "ref"), f"条款编号 {ref!r} 重复", f"duplicated clause {ref!r}")
            )
        refs.add(ref)

    def dept(code: str | None, loc: tuple[str | int, ...]) -> None:
        if code is not None and code not in dept_codes:
            problems.append(
                doc.problem(loc, f"未知部门代码 {code!r}", f"unknown department code {code!r}")
            )

    milestone_codes: set[str] = set()

    def milestones(items: list[MilestoneDef], loc: tuple[str | int, ...]) -> None:
        for m_i, m in enumerate(items):
            dept(m.owner, (*loc, "milestones", m_i, "owner"))
            if m.code in milestone_codes:
                problems.append(
                    doc.problem(
                        (*loc, "milestones", m_i, "code"),
                        f"里程碑编号 {m.code!r} 重复",
                        f"duplicated milestone code {m.code!r}",
                    )
                )
            milestone_codes.add(m.code)

    for s_i, section in enumerate(plan.sections):
        add(section.ref, ("sections", s_i))
        for p_i, part in enumerate(section.parts):
            add(part.ref, ("sections", s_i, "parts", p_i))
    task_numbers: set[int] = set()
    for p_i, pillar in enumerate(plan.pillars):
        add(pillar.ref, ("pillars", p_i))
        for t_i, task in enumerate(pillar.tasks):
            loc = ("pillars", p_i, "tasks", t_i)
            add(task.ref, loc)
            if task.number in task_numbers:
                problems.append(
                    doc.problem(
                        (*loc, "number"),
                        f"任务序号 {task.number} 重复",
                        f"duplicated task number {task.number}",
                    )
                )
            task_numbers.add(task.number)
            if not task.ref.startswith(pillar.ref):
                problems.append(
                    doc.problem(
                        (*loc, "ref"),
                        f"任务条款 {task.ref!r} 不在所属板块 {pillar.ref!r} 之下",
                        f"task clause {task.ref!r} is not under its pillar {pillar.ref!r}",
                    )
                )
            dept(task.lead, (*loc, "lead"))
            for c_i, code in enumerate(task.co_leads):
                dept(code, (*loc, "co_leads", c_i))
            milestones(task.milestones, loc)
    for m_i, measure in enumerate(plan.measures):
        mloc = ("measures", m_i)
        add(measure.ref, mloc)
        dept(measure.lead, (*mloc, "lead"))
        for c_i, code in enumerate(measure.co_leads):
            dept(code, (*mloc, "co_leads", c_i))
        milestones(measure.milestones, mloc)
    return refs, problems


def _check_indicators(
    plan: PlanFile, doc: LocatedDocument, unit_codes: set[str]
) -> tuple[set[str], list[Problem]]:
    problems: list[Problem] = []
    codes: set[str] = set()
    for i, ind in enumerate(plan.indicators):
        if ind.code in codes:
            problems.append(
                doc.problem(
                    ("indicators", i, "code"),
                    f"指标代码 {ind.code!r} 重复",
                    f"duplicated indicator {ind.code!r}",
                )
            )
        codes.add(ind.code)
    for i, ind in enumerate(plan.indicators):
        if ind.aggregation == "ratio" and not (ind.numerator and ind.denominator):
            problems.append(
                doc.problem(
                    ("indicators", i, "aggregation"),
                    "比值类指标须给出 numerator 与 denominator",
                    "a ratio indicator needs numerator and denominator",
                )
            )
        for attr in ("numerator", "denominator"):
            ref = getattr(ind, attr)
            if ref is not None and ref not in codes:
                problems.append(
                    doc.problem(
                        ("indicators", i, attr), f"未知指标 {ref!r}", f"unknown indicator {ref!r}"
                    )
                )
        if ind.formula:
            try:
                names = formula_variables(ind.formula)
            except FormulaError as exc:
                problems.append(doc.problem(("indicators", i, "formula"), "公式无效", str(exc)))
                names = set()
            for name in sorted(names - codes):
                problems.append(
                    doc.problem(
                        ("indicators", i, "formula"),
                        f"公式中的未知指标 {name!r}",
                        f"unknown indicator {name!r} in formula",
                    )
                )
            if ind.code in names:
                problems.append(
                    doc.problem(
                        ("indicators", i, "formula"),
                        "公式不能引用指标自身",
                        "a formula cannot refer to its own indicator",
                    )
                )
        for b_i, base in enumerate(ind.baselines):
            if base.unit not in unit_codes:
                problems.append(
                    doc.problem(
                        ("indicators", i, "baselines", b_i, "unit"),
                        f"未知单位代码 {base.unit!r}",
                        f"unknown unit code {base.unit!r}",
                    )
                )
    return codes, problems


def plan_json_schema() -> dict[str, Any]:
    """JSON Schema of the plan file, for editors and for ``data/plans/plan.schema.json``."""
    return PlanFile.model_json_schema(by_alias=True)
