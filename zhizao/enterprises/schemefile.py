"""The evaluation scheme file: a 亩均 evaluation rule as human-edited, versioned YAML.

``data/evaluation/<code>-<year>.yaml`` (``year`` = the year the evaluation is held; the
figures are those of ``data_year``, usually the year before) holds the indicators as
formulas over an enterprise's yearly figures, per scale (规上 / 规下) the weighted items
with their benchmark rule, cap and missing-data rule and the class cuts, and the vetoes,
exemptions, bonus and penalty items. The format is documented in ``docs/evaluation.md``;
the models below are its schema.

``read_scheme_file`` parses and validates everything — structure, then meaning (unknown
indicators, formulas over unknown figures, weights not adding up to 100, cuts out of
order, duplicated codes, a file name that does not match code and year) — and returns a
:class:`SchemeBundle`, or raises :class:`DefinitionFileError` listing every problem with
its file, path and line. ``scheme_from_definition`` rebuilds the engine's
:class:`~zhizao.enterprises.evaluation.Scheme` from a stored definition.

No Django here.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from zhizao.core.yamlfile import DefinitionFileError, LocatedDocument, Problem, read_yaml, structure
from zhizao.enterprises.evaluation import (
    MAX_INDICATORS,
    METRICS,
    SCALES,
    Adjustment,
    Benchmark,
    Cuts,
    Indicator,
    Item,
    Reason,
    ScaleRule,
    Scheme,
)
from zhizao.indicators.formula import FormulaError, formula_variables

SCHEMA_ID = "zhizao.evaluation/1"

Code = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z][A-Za-z0-9_]*$")]
Slug = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[a-z0-9][a-z0-9\-]*$")]
Text = Annotated[str, Field(min_length=1, max_length=2000)]
Year = Annotated[int, Field(ge=1990, le=2100)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, populate_by_name=True)


class IndicatorDef(_Strict):
    code: Code
    name: Text
    name_en: Text
    unit: str = ""
    unit_en: str = ""
    formula: Text = Field(description=f"over the figures {', '.join(METRICS)}")
    direction: Literal["higher", "lower"] = "higher"
    note: str = ""


class BenchmarkDef(_Strict):
    rule: Literal["fixed", "county_average"]
    value: float | None = Field(None, gt=0, description="fixed: the benchmark")
    by_county: dict[str, Annotated[float, Field(gt=0)]] = Field(
        default_factory=dict, description="fixed: a benchmark per county code"
    )
    factor: float = Field(1.0, gt=0, description="county_average: a multiple of the average")
    source: str = ""


class ItemDef(_Strict):
    indicator: Code
    weight: float = Field(gt=0, le=1000)
    benchmark: BenchmarkDef
    cap: float | None = Field(2.0, gt=0, description="the ratio counts up to this; null: no cap")
    missing: Literal["zero", "average_points"] = "zero"


class CutsDef(_Strict):
    method: Literal["percentile", "score"] = "percentile"
    a: float = Field(alias="A")
    b: float = Field(alias="B")
    c: float = Field(alias="C")


class ScaleDef(_Strict):
    items: list[ItemDef] = Field(min_length=1)
    cuts: CutsDef = CutsDef(method="percentile", A=20, B=60, C=95)
    note: str = ""


class ReasonDef(_Strict):
    code: Code
    name: Text
    name_en: Text
    note: str = ""


class ExemptionDef(ReasonDef):
    grade: Literal["T", "U"]
    industries: list[Annotated[str, Field(pattern=r"^[A-Z]?\d{2,4}$")]] = Field(
        default_factory=list, description="applied by the service: these GB/T 4754 codes"
    )
    in_production_months_under: int | None = Field(
        None, gt=0, le=600, description="applied by the service: in production for less"
    )


class AdjustmentDef(_Strict):
    code: Code
    name: Text
    name_en: Text
    kind: Literal["bonus", "penalty"]
    column: Code
    points: float = Field(1.0, gt=0)
    max_points: float | None = Field(None, gt=0)
    note: str = ""


class SchemeFile(_Strict):
    schema_: Literal["zhizao.evaluation/1"] = Field(alias="schema")
    code: Slug
    year: Year = Field(description="评价年度 / the year the evaluation is held")
    data_year: Year = Field(description="数据年份 / the year of the figures")
    title: Text
    title_en: Text
    issuer: Text
    source: Text = Field(description="公开来源（网址）/ public source (URL)")
    note: str = ""
    score_decimals: int = Field(2, ge=0, le=6)
    tie_break: list[Code] = Field(default_factory=lambda: ["tax_per_mu"])
    industry_level: int = Field(
        2, ge=1, le=4, description="rank within industries at this GB/T 4754 level (2: 大类)"
    )
    indicators: list[IndicatorDef] = Field(min_length=1)
    scales: dict[Literal["above", "below"], ScaleDef] = Field(min_length=1)
    vetoes: list[ReasonDef] = []
    exemptions: list[ExemptionDef] = []
    adjustments: list[AdjustmentDef] = []


@dataclass(frozen=True, slots=True)
class SchemeBundle:
    path: str
    definition: SchemeFile
    scheme: Scheme
    content_hash: str
    raw: dict[str, Any]


def read_scheme_file(path: Path, *, root: Path | None = None) -> SchemeBundle:
    """Read and validate a scheme file; raise ``DefinitionFileError`` listing every problem."""
    display = _display(path, root)
    doc = read_yaml(path, display_name=display)
    definition = structure(SchemeFile, doc)
    problems = _check(definition, doc, Path(path).name)
    if problems:
        raise DefinitionFileError(problems)
    raw = definition.model_dump(mode="json", by_alias=True)
    digest = hashlib.sha256(
        json.dumps(raw, sort_keys=True, ensure_ascii=False).encode("utf-8")
    ).hexdigest()
    return SchemeBundle(
        path=display,
        definition=definition,
        scheme=_build(definition),
        content_hash=digest,
        raw=raw,
    )


def scheme_from_definition(raw: dict[str, Any]) -> Scheme:
    """The engine's scheme from a definition stored by ``scheme_load`` (already valid)."""
    return _build(SchemeFile.model_validate(raw))


def _build(d: SchemeFile) -> Scheme:
    return Scheme(
        code=d.code,
        year=d.data_year,
        title=d.title,
        title_en=d.title_en,
        source=d.source,
        indicators=tuple(
            Indicator(
                code=i.code,
                name=i.name,
                name_en=i.name_en,
                formula=i.formula,
                unit=i.unit,
                unit_en=i.unit_en,
                direction=i.direction,
            )
            for i in d.indicators
        ),
        scales={
            scale: ScaleRule(
                items=tuple(
                    Item(
                        indicator=it.indicator,
                        weight=it.weight,
                        benchmark=Benchmark(
                            rule=it.benchmark.rule,
                            value=it.benchmark.value,
                            by_county=dict(it.benchmark.by_county),
                            factor=it.benchmark.factor,
                        ),
                        cap=it.cap,
                        missing=it.missing,
                    )
                    for it in rule.items
                ),
                cuts=Cuts(rule.cuts.method, rule.cuts.a, rule.cuts.b, rule.cuts.c),
            )
            for scale, rule in sorted(d.scales.items(), key=lambda kv: SCALES.index(kv[0]))
        },
        vetoes=tuple(Reason(r.code, r.name, r.name_en, "D") for r in d.vetoes),
        exemptions=tuple(
            Reason(
                r.code,
                r.name,
                r.name_en,
                r.grade,
                tuple(r.industries),
                r.in_production_months_under,
            )
            for r in d.exemptions
        ),
        adjustments=tuple(
            Adjustment(
                code=a.code,
                name=a.name,
                name_en=a.name_en,
                kind=a.kind,
                column=a.column,
                points=a.points,
                max_points=a.max_points,
            )
            for a in d.adjustments
        ),
        tie_break=tuple(d.tie_break),
        score_decimals=d.score_decimals,
    )


def _check(d: SchemeFile, doc: LocatedDocument, filename: str) -> list[Problem]:
    problems: list[Problem] = []
    expected = f"{d.code}-{d.year}.yaml"
    if filename != expected:
        problems.append(
            doc.problem(
                ("code",),
                f"文件名应为 {expected}（代码-评价年度）",
                f"the file should be named {expected} (code-year)",
            )
        )
    if d.data_year > d.year:
        problems.append(
            doc.problem(
                ("data_year",),
                f"数据年份 {d.data_year} 晚于评价年度 {d.year}",
                f"data year {d.data_year} is after the evaluation year {d.year}",
            )
        )
    if len(d.indicators) > MAX_INDICATORS:
        problems.append(
            doc.problem(
                ("indicators",),
                f"指标不能超过 {MAX_INDICATORS} 个",
                f"at most {MAX_INDICATORS} indicators",
            )
        )
    indicators: set[str] = set()
    for i, ind in enumerate(d.indicators):
        here = ("indicators", i)
        if ind.code in indicators:
            problems.append(
                doc.problem(
                    (*here, "code"),
                    f"指标代码 {ind.code!r} 重复",
                    f"duplicated indicator {ind.code!r}",
                )
            )
        indicators.add(ind.code)
        try:
            names = formula_variables(ind.formula)
        except FormulaError as exc:
            problems.append(doc.problem((*here, "formula"), "公式无效", str(exc)))
            continue
        for name in sorted(names - set(METRICS)):
            problems.append(
                doc.problem(
                    (*here, "formula"),
                    f"公式中的未知数据项 {name!r}（可用：{', '.join(METRICS)}）",
                    f"unknown figure {name!r} in formula (use: {', '.join(METRICS)})",
                )
            )
    for scale, rule in d.scales.items():
        here_scale = ("scales", scale)
        seen: set[str] = set()
        for j, item in enumerate(rule.items):
            at = (*here_scale, "items", j)
            if item.indicator not in indicators:
                problems.append(
                    doc.problem(
                        (*at, "indicator"),
                        f"未知指标 {item.indicator!r}",
                        f"unknown indicator {item.indicator!r}",
                    )
                )
            if item.indicator in seen:
                problems.append(
                    doc.problem(
                        (*at, "indicator"),
                        f"指标 {item.indicator!r} 在本规模中重复",
                        f"indicator {item.indicator!r} appears twice in this scale",
                    )
                )
            seen.add(item.indicator)
            bench = item.benchmark
            if bench.rule == "fixed" and bench.value is None:
                problems.append(
                    doc.problem(
                        (*at, "benchmark"),
                        "固定基准须给出 value",
                        "a fixed benchmark needs its value",
                    )
                )
            if bench.rule == "county_average" and (bench.value is not None or bench.by_county):
                problems.append(
                    doc.problem(
                        (*at, "benchmark"),
                        "县均值基准不取 value / by_county（用 factor 取倍数）",
                        "a county_average benchmark takes no value or by_county (use factor)",
                    )
                )
            for county in bench.by_county:
                if not re.fullmatch(r"[A-Za-z0-9_.\-]{1,32}", county):
                    problems.append(
                        doc.problem(
                            (*at, "benchmark", "by_county", county),
                            f"县(市、区)代码 {county!r} 格式无效",
                            f"malformed county code {county!r}",
                        )
                    )
        total = sum(item.weight for item in rule.items)
        if abs(total - 100) > 1e-9:
            problems.append(
                doc.problem(
                    (*here_scale, "items"),
                    f"权重合计为 {total:g}，应为 100",
                    f"weights add up to {total:g}, not 100",
                )
            )
        cuts = rule.cuts
        if cuts.method == "percentile" and not 0 < cuts.a <= cuts.b <= cuts.c <= 100:
            problems.append(
                doc.problem(
                    (*here_scale, "cuts"),
                    "百分位分档应满足 0 < A ≤ B ≤ C ≤ 100（累计百分比）",
                    "percentile cuts need 0 < A ≤ B ≤ C ≤ 100 (cumulative percent)",
                )
            )
        if cuts.method == "score" and not cuts.a >= cuts.b >= cuts.c:
            problems.append(
                doc.problem(
                    (*here_scale, "cuts"),
                    "分数分档应满足 A ≥ B ≥ C（各档最低分）",
                    "score cuts need A ≥ B ≥ C (each class's lowest score)",
                )
            )
    for i, code in enumerate(d.tie_break):
        if code not in indicators:
            problems.append(
                doc.problem(
                    ("tie_break", i),
                    f"同分排序用的未知指标 {code!r}",
                    f"unknown tie-break indicator {code!r}",
                )
            )
    reasons: set[str] = set()
    for key, items in (("vetoes", d.vetoes), ("exemptions", d.exemptions)):
        for i, reason in enumerate(items):
            if reason.code in reasons:
                problems.append(
                    doc.problem(
                        (key, i, "code"),
                        f"原因代码 {reason.code!r} 重复",
                        f"duplicated reason {reason.code!r}",
                    )
                )
            reasons.add(reason.code)
    columns = {*METRICS, "enterprise_id", "uscc", "county", "industry", "scale", "veto", "exempt"}
    taken = set(indicators)
    for i, adj in enumerate(d.adjustments):
        if adj.code in taken:
            problems.append(
                doc.problem(
                    ("adjustments", i, "code"),
                    f"代码 {adj.code!r} 已被使用",
                    f"code {adj.code!r} is already used",
                )
            )
        taken.add(adj.code)
        if adj.column in columns:
            problems.append(
                doc.problem(
                    ("adjustments", i, "column"),
                    f"列名 {adj.column!r} 是保留字",
                    f"column name {adj.column!r} is reserved",
                )
            )
    return problems


def _display(path: Path, root: Path | None) -> str:
    resolved = path.resolve()
    if root is not None:
        try:
            return str(resolved.relative_to(root.resolve()))
        except ValueError:
            pass
    return str(path)


def scheme_json_schema() -> dict[str, Any]:
    """JSON Schema of the scheme file, for editors."""
    return SchemeFile.model_json_schema(by_alias=True)
