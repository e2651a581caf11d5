"""亩均效益综合评价（"亩均论英雄"）: the scoring engine.

浙政发〔2018〕5号 has every county score its industrial firms on what they yield per unit
of land, energy, emission, labour and R&D, rank them within the county, separately for
规上 and 规下 firms, and put them into classes A/B/C/D that set their electricity, water,
land and emission terms. The published county rule shipped as the default (台州黄岩 2023,
data year 2022; ``data/evaluation/zhejiang-county-2023.yaml``, DOMAIN.md) reads:
score = Σ weight × value ÷ benchmark. A scheme is data (:class:`Scheme`, read from YAML by
``schemefile.py``); this module applies it to a data frame with one row per enterprise.

The rules, in the order they are applied (also in ``docs/evaluation.md``):

1. **Indicator value** — the indicator's formula over the firm's figures (亩均税收 =
   tax ÷ land_mu …). It is *missing* when an operand is missing or a divisor is not
   positive (no land, no energy figure, zero emissions recorded).
2. **Benchmark** per (county, scale, indicator): ``fixed`` (one value, or a value per
   county), or ``county_average`` × ``factor``: the county's own figure for the indicator
   over its evaluated firms of that scale, i.e. the formula applied to their totals
   (Σtax ÷ Σland, not the mean of the firms' ratios). The caller passes last year's
   averages (``averages=``); a county it has none for uses this year's.
3. **Ratio** = value ÷ benchmark (benchmark ÷ value for a lower-is-better indicator),
   clipped into [0, cap] (cap 2 means "at most twice the benchmark counts").
4. **Points** = weight × ratio. A missing item scores 0 (``missing: zero``) or the mean
   points of that item among the ranked firms of the same county and scale that have it
   (``missing: average_points``, 0 if none has it).
5. **Score** = Σ points + bonus items − penalty items (an item earns ``points`` per unit
   of its input column, at most ``max_points``; a missing or negative input earns 0),
   rounded half up to ``score_decimals`` (2): floor(raw × 100 + 0.5) ÷ 100. Equal means
   equal as rounded.
6. **Status**: a firm whose scale the scheme does not cover is out of scope (T); a
   vetoed firm is D whatever its score (a veto outweighs an exemption); an exempt firm
   gets its exemption's class, T (不参评, no score) or U (不定等级, scored but not
   classed); neither is ranked.
7. **Ranking** within (county, scale) and within (industry, scale) across the whole run,
   over the ranked firms (everyone but T/U): vetoed firms after all others, then score
   descending, then each tie-break indicator descending (亩均税收; missing last), then
   USCC ascending (then enterprise id, should a USCC repeat). Ranks are 1…n without
   gaps; ``percentile`` = 100 × rank ÷ n (the share of the county's ranked firms at or
   above this one).
8. **Classes** by percentile: with n ranked firms in a (county, scale) and cumulative
   cuts A 20 %, B 60 %, C 95 %, the first ceil(n × 20 %) firms by rank are A, those up to
   ceil(n × 60 %) are B, up to ceil(n × 95 %) C, the rest D — so D holds
   floor(n × 5 %) firms, plus every vetoed firm. A boundary never falls inside a firm:
   1 firm → A; 3 firms → A B C; 7 firms → A A B B B C C. Vetoed firms, ranked last, fill
   the D places first. Or by score: score ≥ A's threshold → A, ≥ B's → B, ≥ C's → C,
   else D.
9. **Explanation** in words, Chinese and English: the class and why (veto, exemption),
   the two items that earned most points, the item furthest below its benchmark (lowest
   ratio under 1; on equal values the scheme's first item is named) and the items scored
   by the missing-data rule. The figures themselves are in the columns. Each distinct
   explanation is written once and shared (a Categorical column).

Classes and ranks never cross the two scales, so each scale is evaluated on its own (on
two threads: Polars releases the GIL) and the result lists 规上 firms first, then 规下,
each in the frame's order. Vectorised with Polars; pure Python otherwise (no Django;
import-linter enforces it).
"""

from __future__ import annotations

import ast
import math
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Literal

import polars as pl
import pyarrow as pa  # type: ignore[import-untyped]  # no stubs; used for a zero-copy view

from zhizao.indicators.formula import parse_formula

METRICS = (
    "revenue",
    "main_revenue",
    "tax",
    "value_added",
    "land_mu",
    "employees",
    "rd",
    "energy_tce",
    "emissions",
    "electricity",
    "output",
)
SCALES = ("above", "below")
SCALE_LABELS = {"above": ("规上", "above-scale"), "below": ("规下", "below-scale")}
GRADES = ("A", "B", "C", "D", "T", "U")
STATUSES = ("ranked", "vetoed", "exempt", "out_of_scope")
OUT_OF_SCOPE = "out_of_scope"

Direction = Literal["higher", "lower"]
MissingRule = Literal["zero", "average_points"]


class EvaluationInputError(ValueError):
    """The frame cannot be evaluated under the scheme (a column or a code is wrong)."""


# ---- the scheme ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Indicator:
    code: str
    name: str
    name_en: str
    formula: str  # over METRICS, e.g. "tax / land_mu"
    unit: str = ""
    unit_en: str = ""
    direction: Direction = "higher"


@dataclass(frozen=True, slots=True)
class Benchmark:
    rule: Literal["fixed", "county_average"]
    value: float | None = None  # fixed: the default value
    by_county: Mapping[str, float] = field(default_factory=dict)  # fixed: per county
    factor: float = 1.0  # county_average: a multiple of the average


@dataclass(frozen=True, slots=True)
class Item:
    """An indicator as scored for one scale."""

    indicator: str
    weight: float
    benchmark: Benchmark
    cap: float | None = 2.0
    missing: MissingRule = "zero"


@dataclass(frozen=True, slots=True)
class Cuts:
    """Percentile: cumulative shares in percent (A 20 → the top 20 %, B 60, C 95).
    Score: the lowest score of each class."""

    method: Literal["percentile", "score"]
    a: float
    b: float
    c: float


@dataclass(frozen=True, slots=True)
class ScaleRule:
    items: tuple[Item, ...]
    cuts: Cuts = Cuts("percentile", 20, 60, 95)


@dataclass(frozen=True, slots=True)
class Reason:
    """A veto (class D) or an exemption (class T or U). ``industries`` and
    ``in_production_months_under`` are criteria the service applies when it builds the
    frame; the engine reads the reason codes in the ``veto`` / ``exempt`` columns."""

    code: str
    name: str
    name_en: str
    grade: Literal["D", "T", "U"] = "D"
    industries: tuple[str, ...] = ()
    in_production_months_under: int | None = None


@dataclass(frozen=True, slots=True)
class Adjustment:
    """A bonus or penalty: ``points`` per unit of the input column, at most ``max_points``."""

    code: str
    name: str
    name_en: str
    kind: Literal["bonus", "penalty"]
    column: str
    points: float = 1.0
    max_points: float | None = None


@dataclass(frozen=True, slots=True)
class Scheme:
    code: str
    year: int
    title: str
    indicators: tuple[Indicator, ...]
    scales: Mapping[str, ScaleRule]
    title_en: str = ""
    source: str = ""
    vetoes: tuple[Reason, ...] = ()
    exemptions: tuple[Reason, ...] = ()
    adjustments: tuple[Adjustment, ...] = ()
    tie_break: tuple[str, ...] = ("tax_per_mu",)
    score_decimals: int = 2

    def indicator(self, code: str) -> Indicator:
        for ind in self.indicators:
            if ind.code == code:
                return ind
        raise KeyError(code)


# ---- output column names ----------------------------------------------------------------


def value_col(code: str) -> str:
    return f"{code}__value"


def benchmark_col(code: str) -> str:
    return f"{code}__benchmark"


def ratio_col(code: str) -> str:
    return f"{code}__ratio"


def points_col(code: str) -> str:
    """Points of an indicator item or of a bonus (+) / penalty (−) item."""
    return f"{code}__points"


def missing_col(code: str) -> str:
    return f"{code}__missing"


# ---- formulas -----------------------------------------------------------------------------


def formula_expr(text: str, operand: Mapping[str, str] | None = None) -> pl.Expr:
    """The formula as a Polars expression over the metric columns (or the columns
    ``operand`` maps them to). A division by a missing or non-positive divisor is missing."""
    names = operand or {}

    def walk(node: ast.AST) -> pl.Expr:
        if isinstance(node, ast.Expression):
            return walk(node.body)
        if isinstance(node, ast.Constant) and isinstance(node.value, int | float):
            return pl.lit(float(node.value), dtype=pl.Float64)
        if isinstance(node, ast.Name):
            return pl.col(names.get(node.id, node.id))
        if isinstance(node, ast.UnaryOp):
            inner = walk(node.operand)
            return -inner if isinstance(node.op, ast.USub) else inner
        if isinstance(node, ast.BinOp):
            left, right = walk(node.left), walk(node.right)
            if isinstance(node.op, ast.Add):
                return left + right
            if isinstance(node.op, ast.Sub):
                return left - right
            if isinstance(node.op, ast.Mult):
                return left * right
            return pl.when(right > 0).then(left / right)
        raise ValueError(f"unexpected {type(node).__name__} in {text!r}")

    return walk(parse_formula(text))


def formula_metrics(text: str) -> list[str]:
    return sorted({n.id for n in ast.walk(parse_formula(text)) if isinstance(n, ast.Name)})


# ---- preparing the frame ------------------------------------------------------------------

MAX_INDICATORS = 30  # the explanation keeps one bit per indicator in an int64
_KEYS = ("enterprise_id", "uscc", "county", "industry", "scale")


@dataclass(frozen=True, slots=True)
class _Base:
    """The columns the engine reads, with codes turned into indices, and their labels.
    ``_county`` / ``_industry`` index ``counties`` / ``industries``; ``_veto`` /
    ``_exempt`` are 0 or 1 + the index of the reason in the scheme."""

    frame: pl.DataFrame
    counties: list[str]
    industries: list[str]


def _lookup(
    values: Sequence[float | int | bool | str | None], index: str, dtype: pl.DataType
) -> pl.Expr:
    """``values[index]`` for every row: a gather from a short list (per county, reason…)."""
    return pl.lit(pl.Series(values=list(values), dtype=dtype)).gather(pl.col(index))


def _index(
    frame: pl.DataFrame, column: str, allowed: Sequence[str] | None = None
) -> tuple[pl.Expr, list[str]]:
    """A column's values as indices (UInt32) into a list of its codes. An Enum column is
    used as it stands (the fast path: the service builds its frames so); other columns are
    cast. With ``allowed``, a value outside it raises :class:`EvaluationInputError`."""
    dtype = frame.schema[column]
    if isinstance(dtype, pl.Enum):
        categories = dtype.categories.to_list()
        if allowed is None or categories == list(allowed):
            return pl.col(column).to_physical().cast(pl.UInt32), categories
    present = sorted(frame.get_column(column).unique().drop_nulls().cast(pl.String).to_list())
    if allowed is None:
        codes = present
    else:
        codes = list(allowed)
        unknown = [c for c in present if c not in codes]
        if unknown:
            raise EvaluationInputError(
                f"{column} 列中的未知代码 / unknown codes in {column}: {', '.join(unknown)}"
                f" (allowed: {', '.join(codes) or '—'})"
            )
    enum = pl.Enum(codes or ["-"])
    return pl.col(column).cast(pl.String).cast(enum).to_physical().cast(pl.UInt32), codes


def _metrics(scheme: Scheme) -> list[str]:
    return sorted({m for ind in scheme.indicators for m in formula_metrics(ind.formula)})


def _base(frame: pl.DataFrame, scheme: Scheme, keep: Sequence[str] = ()) -> _Base:
    """Check the frame and select what the engine reads."""
    if len(scheme.indicators) > MAX_INDICATORS:
        raise EvaluationInputError(
            f"最多 {MAX_INDICATORS} 个指标 / at most {MAX_INDICATORS} indicators"
        )
    known = {ind.code for ind in scheme.indicators}
    unknown = [c for c in scheme.tie_break if c not in known]
    if unknown:
        raise EvaluationInputError(f"未知的同分排序指标 / unknown tie-break: {', '.join(unknown)}")
    metrics = _metrics(scheme)
    strange = [m for m in metrics if m not in METRICS]
    if strange:
        raise EvaluationInputError(
            f"公式中的未知指标 / unknown figures in formulas: {', '.join(strange)}"
        )
    absent = [c for c in (*_KEYS, *metrics, *keep) if c not in frame.columns]
    if absent:
        raise EvaluationInputError(f"缺少列 / missing columns: {', '.join(absent)}")
    nulls = [c for c in _KEYS if frame.get_column(c).null_count()]
    if nulls:
        raise EvaluationInputError(f"列中有空值 / empty values in: {', '.join(nulls)}")
    county, counties = _index(frame, "county")
    industry, industries = _index(frame, "industry")
    scale, _ = _index(frame, "scale", SCALES)
    flags: list[pl.Expr] = []
    for column, reasons in (("veto", scheme.vetoes), ("exempt", scheme.exemptions)):
        if column in frame.columns:
            index, _ = _index(frame, column, [r.code for r in reasons])
            flags.append((index + 1).fill_null(0).alias(f"_{column}"))
        else:
            flags.append(pl.lit(0, dtype=pl.UInt32).alias(f"_{column}"))
    adjustments = [
        pl.col(a.column).cast(pl.Float64).fill_nan(None).alias(a.column)
        if a.column in frame.columns
        else pl.lit(None, dtype=pl.Float64).alias(a.column)
        for a in scheme.adjustments
    ]
    selected = frame.select(
        *_KEYS,
        *(c for c in keep if c not in _KEYS),
        county.alias("_county"),
        industry.alias("_industry"),
        scale.alias("_scale"),
        *flags,
        *(pl.col(m).cast(pl.Float64) for m in metrics),
        *adjustments,
    )
    return _Base(selected, counties, industries)


def _item(scheme: Scheme, scale: str, code: str) -> Item | None:
    rule = scheme.scales.get(scale)
    if rule is None:
        return None
    return next((it for it in rule.items if it.indicator == code), None)


def _computed(scheme: Scheme, scale: str) -> list[str]:
    """The indicators computed for a scale's firms: its items and the tie-breaks."""
    rule = scheme.scales[scale]
    codes = [it.indicator for it in rule.items]
    return [
        ind.code for ind in scheme.indicators if ind.code in codes or ind.code in scheme.tie_break
    ]


def _with_values(part: pl.DataFrame, scheme: Scheme, codes: Sequence[str]) -> pl.DataFrame:
    """Add the indicators' values (missing: null; NaN or infinite counts as missing, a
    spreadsheet's #DIV/0!) and the status flags."""
    vetoed = pl.col("_veto") > 0
    exempted = ~vetoed & (pl.col("_exempt") > 0)
    df = part.with_columns(
        *(formula_expr(scheme.indicator(c).formula).alias(value_col(c)) for c in codes),
        vetoed.alias("_vetoed"),
        exempted.alias("_exempted"),
        (~exempted).alias("_ranked"),
    )
    if not codes:
        return df
    # Values are finite as a rule: only a column that is not is rewritten.
    finite = df.select(pl.col(value_col(c)).is_finite().all().alias(c) for c in codes).row(0)
    spoilt = [c for c, ok in zip(codes, finite, strict=True) if ok is False]
    return df.with_columns(
        pl.when(pl.col(value_col(c)).is_finite()).then(pl.col(value_col(c))).alias(value_col(c))
        for c in spoilt
    )


# ---- county averages ----------------------------------------------------------------------


def _totals(df: pl.DataFrame, scheme: Scheme, codes: Sequence[str]) -> dict[tuple[int, str], float]:
    """Per (county index, indicator): the formula over the sums of its operands, summed
    over the county's ranked firms that have the indicator."""
    if not codes or df.is_empty():
        return {}
    aggs: list[pl.Expr] = []
    operands: dict[str, dict[str, str]] = {}
    for code in codes:
        has = pl.col("_ranked") & pl.col(value_col(code)).is_not_null()
        operands[code] = {}
        for metric in formula_metrics(scheme.indicator(code).formula):
            operands[code][metric] = f"{code}|{metric}"
            aggs.append(pl.when(has).then(pl.col(metric)).sum().alias(f"{code}|{metric}"))
    summed = df.group_by("_county").agg(aggs)
    figures = summed.select(
        "_county",
        *(formula_expr(scheme.indicator(c).formula, operands[c]).alias(c) for c in codes),
    )
    out: dict[tuple[int, str], float] = {}
    for rec in figures.iter_rows(named=True):
        for code in codes:
            value = rec[code]
            if value is not None and math.isfinite(value):
                out[(int(rec["_county"]), code)] = float(value)
    return out


def _average_codes(scheme: Scheme, scale: str) -> list[str]:
    rule = scheme.scales.get(scale)
    if rule is None:
        return []
    return [it.indicator for it in rule.items if it.benchmark.rule == "county_average"]


def _parts(base: _Base) -> dict[int, pl.DataFrame]:
    """The frame split by scale (0 above, 1 below); each part keeps the frame's order."""
    scales = base.frame.get_column("_scale")
    return {s: base.frame.filter(scales == s) for s in range(len(SCALES))}


def county_averages(frame: pl.DataFrame, scheme: Scheme) -> pl.DataFrame:
    """Each county's own figure, per scale, for every indicator a ``county_average``
    benchmark uses: the formula over the totals of its evaluated firms (not exempt;
    vetoed firms count) that have the indicator. Pass last year's frame to get this
    year's benchmarks. Columns ``county, scale, indicator, value``."""
    schema = {"county": pl.String, "scale": pl.String, "indicator": pl.String, "value": pl.Float64}
    rows: list[tuple[str, str, str, float]] = []
    if frame.height:
        base = _base(frame, scheme)
        for s, part in _parts(base).items():
            codes = _average_codes(scheme, SCALES[s])
            if not codes or part.is_empty():
                continue
            totals = _totals(_with_values(part, scheme, codes), scheme, codes)
            rows += [
                (base.counties[c], SCALES[s], code, value) for (c, code), value in totals.items()
            ]
    return pl.DataFrame(rows, schema=schema, orient="row").sort("county", "scale", "indicator")


# ---- scoring one scale --------------------------------------------------------------------


def _score(
    df: pl.DataFrame,
    base: _Base,
    scheme: Scheme,
    scale: str,
    given: Mapping[tuple[str, str, str], float],
) -> tuple[pl.DataFrame, dict[str, list[float | None]]]:
    """Benchmarks, ratios, points and the score (an integer of score units) of one
    scale's firms."""
    rule = scheme.scales[scale]
    n_counties = len(base.counties)
    current = _totals(df, scheme, _average_codes(scheme, scale))
    benches: dict[str, list[float | None]] = {}
    for it in rule.items:
        values: list[float | None] = []
        for c, county in enumerate(base.counties):
            value: float | None
            if it.benchmark.rule == "fixed":
                value = it.benchmark.by_county.get(county, it.benchmark.value)
            else:
                average = given.get((county, scale, it.indicator), current.get((c, it.indicator)))
                value = None if average is None else average * it.benchmark.factor
            values.append(value if value is not None and value > 0 else None)
        benches[it.indicator] = values or [None]
    ratios: list[pl.Expr] = []
    for it in rule.items:
        ind = scheme.indicator(it.indicator)
        figure = pl.col(value_col(it.indicator))
        bench = _lookup(benches[it.indicator], "_county", pl.Float64())
        ratio = (
            figure / bench
            if ind.direction == "higher"
            else pl.when(figure > 0).then(bench / figure)
        )
        cap = it.cap if it.cap is not None else math.inf
        ratios.append(ratio.clip(0.0, cap).alias(ratio_col(it.indicator)))
    df = df.with_columns(ratios)

    # The missing-data rule "average_points": the mean points of the item among the
    # county's ranked firms of this scale that have it (0 when none has).
    fills: dict[str, list[float]] = {}
    averaged = [it for it in rule.items if it.missing == "average_points"]
    if averaged:
        means = df.group_by("_county").agg(
            pl.when(pl.col("_ranked"))
            .then(pl.col(ratio_col(it.indicator)) * it.weight)
            .mean()
            .alias(it.indicator)
            for it in averaged
        )
        found = {int(rec["_county"]): rec for rec in means.iter_rows(named=True)}
        for it in averaged:
            fills[it.indicator] = [
                float(found.get(c, {}).get(it.indicator) or 0.0) for c in range(max(n_counties, 1))
            ]
    staged: list[pl.Expr] = []
    for it in rule.items:
        ratio = pl.col(ratio_col(it.indicator))
        fallback = (
            _lookup(fills[it.indicator], "_county", pl.Float64())
            if it.indicator in fills
            else pl.lit(0.0, dtype=pl.Float64)
        )
        staged += [
            pl.when(ratio.is_not_null())
            .then(ratio * it.weight)
            .otherwise(fallback)
            .alias(points_col(it.indicator)),
            ratio.is_null().alias(missing_col(it.indicator)),
        ]
    for adj in scheme.adjustments:
        earned = pl.col(adj.column).clip(lower_bound=0.0).fill_null(0.0) * adj.points
        if adj.max_points is not None:
            earned = earned.clip(upper_bound=adj.max_points)
        signed = earned if adj.kind == "bonus" else 0.0 - earned  # 0, not −0
        staged.append(signed.alias(points_col(adj.code)))
    df = df.with_columns(staged)
    total: pl.Expr = pl.lit(0.0, dtype=pl.Float64)
    for name in [points_col(it.indicator) for it in rule.items] + [
        points_col(a.code) for a in scheme.adjustments
    ]:
        total = total + pl.col(name)
    unit = 10**scheme.score_decimals
    scored = df.with_columns(((total * unit + 0.5).floor().cast(pl.Int64)).alias("_score_int"))
    return scored, benches


# ---- ranking ------------------------------------------------------------------------------

_U64_MAX = 2**64 - 1
_SIGN = 2**63


def _bits(values: pl.Series) -> pl.Series:
    """The IEEE-754 bit pattern of a float column as UInt64 (a view, no copy)."""
    raw = pl.from_arrow(values.cast(pl.Float64).rechunk().to_arrow().view(pa.uint64()))
    assert isinstance(raw, pl.Series)
    return raw


def _descending_key(values: pl.Series, bits: int) -> pl.Series:
    """An unsigned key of ``bits`` bits that sorts ascending as ``values`` sort descending,
    missing last: the leading bits of the float's order-preserving bit pattern. Unequal
    values may share a key (then the full value decides); unequal keys are in order."""
    raw = _bits(values + 0.0)  # -0.0 → 0.0
    col, top = pl.col("b"), pl.lit(_U64_MAX, pl.UInt64)
    ascending = pl.when(col >= _SIGN).then(top - col).otherwise(col + _SIGN)
    descending = (top - ascending).fill_null(_U64_MAX)
    return (
        pl.DataFrame({"b": raw})
        .select((descending // (2 ** (64 - bits))).cast(pl.UInt64))
        .to_series()
    )


def _order(df: pl.DataFrame, tie_cols: Sequence[str]) -> pl.Series:
    """Row indices in ranking order: ranked before unranked, vetoed last among the
    ranked, score descending, tie-break values descending (missing last), USCC, id.

    The row index is packed into the low bits of one 64-bit key with the leading
    criteria (ranked, vetoed, score, the first tie-break's leading bits), so that sorting
    plain integers — faster than an argsort — gives the order; only rows whose key
    prefix is equal are then sorted on the full columns."""
    full_keys = ["_unranked", "_vetoed", "_score_int", *tie_cols, "uscc", "enterprise_id"]
    descending = [False, False, True, *(True for _ in tie_cols), False, False]
    n = df.height
    if n == 0:
        return pl.Series("order", [], dtype=pl.UInt32)
    work = df.select(
        (~pl.col("_ranked")).alias("_unranked"),
        "_vetoed",
        "_score_int",
        *tie_cols,
        "uscc",
        "enterprise_id",
    )
    low, high = work.get_column("_score_int").min(), work.get_column("_score_int").max()
    assert isinstance(low, int)
    assert isinstance(high, int)
    index_bits = max(1, (n - 1).bit_length())
    tie_bits = 62 - (high - low).bit_length() - index_bits
    if tie_bits < 12 or not tie_cols:
        return work.select(
            pl.arg_sort_by(full_keys, descending=descending, nulls_last=True)
        ).to_series()
    tie_key = _descending_key(work.get_column(tie_cols[0]), tie_bits)
    key = (
        work.select(
            pl.col("_unranked").cast(pl.UInt64) * _SIGN
            + pl.col("_vetoed").cast(pl.UInt64) * 2**62
            + (high - pl.col("_score_int")).cast(pl.UInt64) * 2 ** (tie_bits + index_bits)
            + pl.lit(tie_key) * 2**index_bits
            + pl.int_range(n, dtype=pl.UInt64)
        )
        .to_series()
        .sort()
    )
    unpacked = pl.DataFrame({"k": key}).select(
        (pl.col("k") % 2**index_bits).cast(pl.UInt32).alias("row"),
        (pl.col("k") // 2**index_bits).alias("prefix"),
    )
    order, prefix = unpacked.get_column("row"), unpacked.get_column("prefix")
    same = (prefix == prefix.shift(1)).fill_null(False)
    tied = same | same.shift(-1).fill_null(False)
    if tied.any():
        at = tied.arg_true()
        rows = order.gather(at)
        # Equal prefixes mean equal status and score: the full tie-break values, the USCC
        # and the id decide.
        last = ["_prefix", *tie_cols, "uscc", "enterprise_id"]
        sub = (
            work.select(*tie_cols, "uscc", "enterprise_id")[rows]  # few rows
            .with_columns(rows.alias("_row"), prefix.gather(at).alias("_prefix"))
            .sort(
                last, descending=[False, *(True for _ in tie_cols), False, False], nulls_last=True
            )
        )
        # Rows sharing a prefix form a block; sorted on the full columns, each block stays
        # where it was.
        order = order.scatter(at, sub.get_column("_row"))
    return order


def _rank(df: pl.DataFrame, base: _Base, tie_cols: Sequence[str]) -> tuple[pl.DataFrame, list[int]]:
    """Rank within the county and within the industry (this scale's firms), in the
    frame's own row order, and the size of each group (ranked firms); null for unranked."""
    n = df.height
    order = _order(df, tie_cols)
    in_order = df.select("_county", "_industry")[order]
    ranks = in_order.select(
        (pl.int_range(pl.len(), dtype=pl.UInt32).over("_county") + 1).alias("rc"),
        (pl.int_range(pl.len(), dtype=pl.UInt32).over("_industry") + 1).alias("ri"),
    )
    # Both ranks travel back to the frame's row order in one scatter, packed in 64 bits.
    packed = ranks.select(pl.col("rc").cast(pl.UInt64) * 2**32 + pl.col("ri")).to_series()
    back = pl.zeros(n, dtype=pl.UInt64, eager=True).scatter(order, packed)
    unpacked = pl.DataFrame({"p": back}).select(
        (pl.col("p") // 2**32).cast(pl.UInt32).alias("rc"),
        (pl.col("p") % 2**32).cast(pl.UInt32).alias("ri"),
    )
    rank_county, rank_industry = unpacked.get_column("rc"), unpacked.get_column("ri")
    # Ranked firms per county and per industry, from one count per (county, industry).
    sizes = {
        "_county": [0] * max(len(base.counties), 1),
        "_industry": [0] * max(len(base.industries), 1),
    }
    width = len(sizes["_industry"])
    counted = (
        df.select((pl.col("_county") * width + pl.col("_industry")).alias("pair"), "_ranked")
        .group_by("pair")
        .agg(pl.col("_ranked").sum())
    )
    for pair, count in counted.iter_rows():
        county, industry = divmod(int(pair), width)
        sizes["_county"][county] += int(count)
        sizes["_industry"][industry] += int(count)
    ranked = pl.col("_ranked")
    ranks_added = df.with_columns(
        pl.when(ranked).then(pl.lit(rank_county)).alias("rank_county"),
        pl.when(ranked)
        .then(_lookup(sizes["_county"], "_county", pl.UInt32()))
        .alias("county_size"),
        pl.when(ranked).then(pl.lit(rank_industry)).alias("rank_industry"),
        pl.when(ranked)
        .then(_lookup(sizes["_industry"], "_industry", pl.UInt32()))
        .alias("industry_size"),
    )
    return ranks_added, sizes["_county"]


# ---- classes ------------------------------------------------------------------------------


def class_sizes(n: int, cuts: Cuts) -> tuple[int, int, int, int]:
    """How many of ``n`` ranked firms are A, B, C and D under percentile cuts, vetoes
    aside: the boundary after a class is ceil(n × its cumulative share)."""
    a, b, c = (_ceil_share(n, share) for share in (cuts.a, cuts.b, cuts.c))
    return a, b - a, c - b, n - c


def _ceil_share(n: int, percent: float) -> int:
    # In hundredths of a percent, integers only: 5 × 60 % is exactly 3, not 3.0000000004.
    basis = round(percent * 100)
    return min(n, -(-n * basis // 10_000))


def _grade_index(scheme: Scheme, scale: str, county_sizes: Sequence[int]) -> pl.Expr:
    """0…5 for A B C D T U."""
    cuts = scheme.scales[scale].cuts
    if cuts.method == "percentile":
        bounds = [
            [_ceil_share(n, share) for n in county_sizes] for share in (cuts.a, cuts.b, cuts.c)
        ]
        rank = pl.col("rank_county")
        classed = (
            pl.when(rank <= _lookup(bounds[0], "_county", pl.UInt32()))
            .then(0)
            .when(rank <= _lookup(bounds[1], "_county", pl.UInt32()))
            .then(1)
            .when(rank <= _lookup(bounds[2], "_county", pl.UInt32()))
            .then(2)
            .otherwise(3)
        )
    else:
        unit = 10**scheme.score_decimals
        score = pl.col("_score_int")
        low = [math.floor(value * unit + 0.5) for value in (cuts.a, cuts.b, cuts.c)]
        classed = (
            pl.when(score >= low[0])
            .then(0)
            .when(score >= low[1])
            .then(1)
            .when(score >= low[2])
            .then(2)
            .otherwise(3)
        )
    exempt_grades = [0, *(GRADES.index(r.grade) for r in scheme.exemptions)]
    return (
        pl.when(pl.col("_vetoed"))
        .then(GRADES.index("D"))
        .when(pl.col("_exempted"))
        .then(_lookup(exempt_grades, "_exempt", pl.Int64()))
        .otherwise(classed)
        .cast(pl.UInt32)
    )


# ---- explanations -------------------------------------------------------------------------

# code = status·2^49 + grade·2^46 + scale·2^45 + top1·2^40 + top2·2^35 + weakest·2^30 + mask
_STATUS_SHIFT, _GRADE_SHIFT, _SCALE_SHIFT = 2**49, 2**46, 2**45
_TOP1_SHIFT, _TOP2_SHIFT, _WEAK_SHIFT = 2**40, 2**35, 2**30
_NONE = 31  # an indicator's position takes 5 bits (0…29); 31 means none


def _explanation_items(df: pl.DataFrame, scheme: Scheme, scale: str) -> pl.Series:
    """The part of the explanation code about the items: the positions of the two items
    with most points and of the item furthest below its benchmark, and one bit per item
    scored by the missing-data rule. It needs no rank, so it is worked out while the
    firms are ranked. Built in a few stages without nulls (Polars' horizontal functions
    are several times slower on columns with nulls)."""
    rule = scheme.scales[scale]
    codes = [it.indicator for it in rule.items]
    position = [next(i for i, ind in enumerate(scheme.indicators) if ind.code == c) for c in codes]
    earned = [f"_e{j}" for j in range(len(codes))]
    short = [f"_s{j}" for j in range(len(codes))]
    mask: pl.Expr = pl.lit(0, dtype=pl.Int64)
    for c, p in zip(codes, position, strict=True):
        mask = mask + pl.col(missing_col(c)).cast(pl.Int64) * (1 << p)
    exempt_scored = [True, *(r.grade != "T" for r in scheme.exemptions)]
    work = df.select(
        # Points earned on an item with a figure (else 0) and ratios short of the
        # benchmark (else 1).
        *(
            pl.when(~pl.col(missing_col(c)) & (pl.col(points_col(c)) > 0))
            .then(pl.col(points_col(c)))
            .otherwise(0.0)
            .alias(earned[j])
            for j, c in enumerate(codes)
        ),
        *(
            pl.when(pl.col(ratio_col(c)) < 1)
            .then(pl.col(ratio_col(c)))
            .otherwise(1.0)
            .alias(short[j])
            for j, c in enumerate(codes)
        ),
        # An exempt firm of class T is not scored: nothing is said about its items.
        (~pl.col("_exempted") | _lookup(exempt_scored, "_exempt", pl.Boolean())).alias("_scored"),
        mask.alias("_mask"),
    )

    def first(
        columns: Sequence[str], target: str, found: pl.Expr, skip: str | None = None
    ) -> pl.Expr:
        """The position of the first item whose column equals ``target``; _NONE if not
        ``found``."""
        chosen: pl.Expr = pl.lit(_NONE, dtype=pl.Int64)
        for j in reversed(range(len(columns))):
            hit = pl.col(columns[j]) == pl.col(target)
            if skip is not None:
                hit = hit & (pl.col(skip) != position[j])
            chosen = pl.when(hit).then(pl.lit(position[j], dtype=pl.Int64)).otherwise(chosen)
        return pl.when(found).then(chosen).otherwise(pl.lit(_NONE, dtype=pl.Int64))

    work = work.with_columns(
        pl.max_horizontal(earned).alias("_best"), pl.min_horizontal(short).alias("_worst")
    )
    work = work.with_columns(
        first(earned, "_best", pl.col("_best") > 0).alias("_top1"),
        first(short, "_worst", pl.col("_worst") < 1).alias("_weak"),
    )
    work = work.with_columns(
        pl.max_horizontal(
            pl.when(pl.col("_top1") == position[j]).then(0.0).otherwise(pl.col(e))
            for j, e in enumerate(earned)
        ).alias("_second")
    )
    top2 = first(earned, "_second", pl.col("_second") > 0, skip="_top1")
    items = (
        pl.col("_top1") * _TOP1_SHIFT
        + top2 * _TOP2_SHIFT
        + pl.col("_weak") * _WEAK_SHIFT
        + pl.col("_mask")
    )
    nothing = _NONE * (_TOP1_SHIFT + _TOP2_SHIFT + _WEAK_SHIFT)
    return work.select(pl.when(pl.col("_scored")).then(items).otherwise(nothing)).to_series()


def _explanation_code(df: pl.DataFrame, scheme: Scheme, scale: str, items: pl.Series) -> pl.Series:
    """One integer per row holding everything the explanation says: status, class and
    ``items`` (:func:`_explanation_items`)."""
    nv = len(scheme.vetoes)
    status = (
        pl.when(pl.col("_vetoed"))
        .then(1 + pl.col("_veto").cast(pl.Int64))
        .when(pl.col("_exempted"))
        .then(1 + nv + pl.col("_exempt").cast(pl.Int64))
        .otherwise(0)
    )
    return df.select(
        status * _STATUS_SHIFT
        + pl.col("_grade").cast(pl.Int64) * _GRADE_SHIFT
        + SCALES.index(scale) * _SCALE_SHIFT
        + pl.lit(items)
    ).to_series()


def _pct(value: float) -> str:
    return f"{value:g}%"


@dataclass
class _Wording:
    """The phrases of one scheme's explanations, built once per evaluation."""

    scheme: Scheme
    cache: dict[int, tuple[str, str]] = field(default_factory=dict)
    grades: dict[tuple[str, str], tuple[str, str]] = field(default_factory=dict)
    parts: dict[tuple[object, ...], Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for scale, rule in self.scheme.scales.items():
            zh_scale, en_scale = SCALE_LABELS[scale]
            cuts = rule.cuts
            if cuts.method == "percentile":
                bottom = _pct(round(100 - cuts.c, 6))
                zh = {
                    "A": f"县内{zh_scale}企业前 {_pct(cuts.a)}",
                    "B": f"县内{zh_scale}企业 {_pct(cuts.a)}–{_pct(cuts.b)}",
                    "C": f"县内{zh_scale}企业 {_pct(cuts.b)}–{_pct(cuts.c)}",
                    "D": f"县内{zh_scale}企业后 {bottom}",
                }
                where = f"of the county's {en_scale} firms"
                en = {
                    "A": f"top {_pct(cuts.a)} {where}",
                    "B": f"{_pct(cuts.a)}–{_pct(cuts.b)} {where}",
                    "C": f"{_pct(cuts.b)}–{_pct(cuts.c)} {where}",
                    "D": f"bottom {bottom} {where}",
                }
            else:
                zh = {
                    "A": f"得分不低于 {cuts.a:g}",
                    "B": f"得分 {cuts.b:g}–{cuts.a:g}",
                    "C": f"得分 {cuts.c:g}–{cuts.b:g}",
                    "D": f"得分低于 {cuts.c:g}",
                }
                en = {
                    "A": f"score at least {cuts.a:g}",
                    "B": f"score {cuts.b:g} to {cuts.a:g}",
                    "C": f"score {cuts.c:g} to {cuts.b:g}",
                    "D": f"score below {cuts.c:g}",
                }
            for grade in "ABCD":
                self.grades[(scale, grade)] = (
                    f"{grade} 类（{zh[grade]}）。",
                    f"Class {grade} ({en[grade]}).",
                )

    def describe(self, code: int) -> tuple[str, str]:
        if code not in self.cache:
            self.cache[code] = self._describe(code)
        return self.cache[code]

    def _describe(self, code: int) -> tuple[str, str]:
        status, rest = divmod(code, _STATUS_SHIFT)
        grade, rest = divmod(rest, _GRADE_SHIFT)
        scale, rest = divmod(rest, _SCALE_SHIFT)
        top1, rest = divmod(rest, _TOP1_SHIFT)
        top2, rest = divmod(rest, _TOP2_SHIFT)
        weakest, mask = divmod(rest, _WEAK_SHIFT)
        head, final = self._part(self._head, status, grade, scale)
        if final:
            return (str(head[0]), str(head[1]))
        parts = [
            head,
            self._part(self._tops, top1, top2),
            self._part(self._weakest, weakest),
            self._part(self._missing, mask, scale),
        ]
        return "".join(p[0] for p in parts), " ".join(p[1] for p in parts if p[1])

    def _part(self, build: Callable[..., Any], *key: int) -> Any:
        """A phrase of the explanation, built once per key (codes share their phrases)."""
        cached = self.parts.get((build.__name__, *key))
        if cached is None:
            cached = self.parts[(build.__name__, *key)] = build(*key)
        return cached

    def _head(self, status: int, grade_i: int, scale_i: int) -> tuple[tuple[str, str], bool]:
        """The class and why; ``True`` when nothing more is said (T)."""
        scheme, scale, grade = self.scheme, SCALES[scale_i], GRADES[grade_i]
        zh_scale, en_scale = SCALE_LABELS[scale]
        nv = len(scheme.vetoes)
        if status == 1:
            return (
                f"本办法不评价{zh_scale}企业，不参评（T）。",
                f"The scheme does not evaluate {en_scale} firms: not evaluated (T).",
            ), True
        if 2 <= status <= 1 + nv:
            veto = scheme.vetoes[status - 2]
            return (
                f"一票否决（{veto.name}），定为 D 类。",
                f"Vetoed ({veto.name_en}): class D.",
            ), False
        if status > 1 + nv:
            reason = scheme.exemptions[status - 2 - nv]
            if grade == "T":
                return (
                    f"{reason.name}：不参评（T），不排名。",
                    f"{reason.name_en}: not evaluated (T), not ranked.",
                ), True
            return (
                f"{reason.name}：不定等级（U），不排名。",
                f"{reason.name_en}: class undetermined (U), not ranked.",
            ), False
        return self.grades[(scale, grade)], False

    def _tops(self, top1: int, top2: int) -> tuple[str, str]:
        names = self.scheme.indicators
        if top1 >= len(names):
            return "", ""
        if top2 >= len(names):
            return (
                f"得分主要来自{names[top1].name}。",
                f"Most points came from {names[top1].name_en}.",
            )
        return (
            f"得分主要来自{names[top1].name}、{names[top2].name}。",
            f"Most points came from {names[top1].name_en} and {names[top2].name_en}.",
        )

    def _weakest(self, weakest: int) -> tuple[str, str]:
        names = self.scheme.indicators
        if weakest >= len(names):
            return "", ""
        return (
            f"离基准最远：{names[weakest].name}。",
            f"Furthest below its benchmark: {names[weakest].name_en}.",
        )

    def _missing(self, mask: int, scale_i: int) -> tuple[str, str]:
        scheme, scale = self.scheme, SCALES[scale_i]
        zh_scale, en_scale = SCALE_LABELS[scale]
        by_rule: dict[str, list[Indicator]] = {"average_points": [], "zero": []}
        for i, ind in enumerate(scheme.indicators):
            if mask >> i & 1:
                it = _item(scheme, scale, ind.code)
                by_rule[it.missing if it else "zero"].append(ind)
        zh: list[str] = []
        en: list[str] = []
        if by_rule["average_points"]:
            found = by_rule["average_points"]
            zh.append(
                "、".join(i.name for i in found) + f"缺数据，按县内{zh_scale}企业该项平均得分计。"
            )
            en.append(
                "No figure for "
                + ", ".join(i.name_en for i in found)
                + f": scored at the average of the county's {en_scale} firms."
            )
        if by_rule["zero"]:
            found = by_rule["zero"]
            zh.append("、".join(i.name for i in found) + "缺数据，该项记 0 分。")
            en.append("No figure for " + ", ".join(i.name_en for i in found) + ": scored 0.")
        return "".join(zh), " ".join(en)


def _explain(codes: pl.Series, wording: _Wording) -> tuple[pl.Series, pl.Series]:
    """The explanation texts of explanation codes, as Categoricals (each text once)."""
    if codes.is_empty():
        empty = pl.Series([], dtype=pl.Categorical())
        return empty, empty
    uniques = codes.unique().to_list()
    texts = [wording.describe(int(code)) for code in uniques]
    position = codes.replace_strict(uniques, list(range(len(uniques))), return_dtype=pl.UInt32)
    zh = pl.Series([t[0] for t in texts], dtype=pl.Categorical()).gather(position)
    en = pl.Series([t[1] for t in texts], dtype=pl.Categorical()).gather(position)
    return zh, en


# ---- the engine ---------------------------------------------------------------------------


def _output(
    df: pl.DataFrame,
    scheme: Scheme,
    scale: str,
    keep: Sequence[str],
    benches: Mapping[str, list[float | None]],
    explanations: tuple[pl.Series, pl.Series],
) -> pl.DataFrame:
    """The result columns, the same for every scale (null where a scale has none)."""
    rule = scheme.scales.get(scale)
    scored = {it.indicator for it in rule.items} if rule else set()
    present = set(df.columns)
    columns: list[pl.Expr] = []
    none = pl.lit(None, pl.Float64)
    for ind in scheme.indicators:
        c = ind.code
        mine = c in scored
        columns += [
            (pl.col(value_col(c)) if value_col(c) in present else none).alias(value_col(c)),
            (_lookup(benches[c], "_county", pl.Float64()) if mine else none).alias(
                benchmark_col(c)
            ),
            (pl.col(ratio_col(c)) if mine else none).alias(ratio_col(c)),
            (pl.col(points_col(c)) if mine else none).alias(points_col(c)),
            (pl.col(missing_col(c)) if mine else pl.lit(False)).alias(missing_col(c)),
        ]
    reasons = pl.Enum([r.code for r in (*scheme.vetoes, *scheme.exemptions)] or ["-"])
    if rule is None:
        columns += [pl.lit(None, pl.Float64).alias(points_col(a.code)) for a in scheme.adjustments]
        status = pl.lit(OUT_OF_SCOPE, pl.Enum(STATUSES))
        reason = pl.lit(None, reasons)
        grade = pl.lit("T", pl.Enum(GRADES))
        score = pl.lit(None, pl.Float64)
        ranks = [pl.lit(None, pl.UInt32).alias(c) for c in ("rank_county", "county_size")]
        percentile = pl.lit(None, pl.Float64)
        ranks_i = [pl.lit(None, pl.UInt32).alias(c) for c in ("rank_industry", "industry_size")]
    else:
        columns += [pl.col(points_col(a.code)) for a in scheme.adjustments]
        status = (
            pl.when(pl.col("_vetoed"))
            .then(STATUSES.index("vetoed"))
            .when(pl.col("_exempted"))
            .then(STATUSES.index("exempt"))
            .otherwise(STATUSES.index("ranked"))
        )
        status = pl.lit(pl.Series(STATUSES, dtype=pl.Enum(STATUSES))).gather(status)
        # The reason's position among the vetoes, then the exemptions.
        which = (
            pl.when(pl.col("_vetoed"))
            .then(pl.col("_veto") - 1)
            .when(pl.col("_exempted"))
            .then(pl.col("_exempt") - 1 + len(scheme.vetoes))
        )
        reason = pl.lit(pl.Series(reasons.categories, dtype=reasons)).gather(which)
        grade = pl.lit(pl.Series(GRADES, dtype=pl.Enum(GRADES))).gather(pl.col("_grade"))
        # Polars divides by a constant as a multiplication by its reciprocal (7083 × 0.01 =
        # 70.83000000000001); rounding gives back the nearest float to the decimal score.
        score = pl.when(pl.col("_grade") != GRADES.index("T")).then(
            (pl.col("_score_int") / 10**scheme.score_decimals).round(scheme.score_decimals)
        )
        ranks = [pl.col("rank_county"), pl.col("county_size")]
        percentile = pl.col("rank_county") * 100.0 / pl.col("county_size")
        ranks_i = [pl.col("rank_industry"), pl.col("industry_size")]
    return df.select(
        *_KEYS,
        *(c for c in keep if c not in _KEYS),
        *columns,
        score.alias("score"),
        grade.alias("grade"),
        status.alias("status"),
        reason.alias("reason"),
        *ranks,
        percentile.alias("percentile"),
        *ranks_i,
        pl.lit(explanations[0]).alias("explanation_zh"),
        pl.lit(explanations[1]).alias("explanation_en"),
    )


def _evaluate_scale(
    part: pl.DataFrame,
    base: _Base,
    scheme: Scheme,
    scale: str,
    keep: Sequence[str],
    given: Mapping[tuple[str, str, str], float],
    wording: _Wording,
) -> pl.DataFrame:
    if scale not in scheme.scales:
        codes = pl.Series(
            [
                1 * _STATUS_SHIFT
                + GRADES.index("T") * _GRADE_SHIFT
                + SCALES.index(scale) * _SCALE_SHIFT
            ]
            * part.height,
            dtype=pl.Int64,
        )
        return _output(part, scheme, scale, keep, {}, _explain(codes, wording))
    df = _with_values(part, scheme, _computed(scheme, scale))
    df, benches = _score(df, base, scheme, scale, given)
    # What the explanation says about the items needs no rank: on a second thread.
    with ThreadPoolExecutor(max_workers=1) as pool:
        items = pool.submit(_explanation_items, df, scheme, scale)
        df, county_sizes = _rank(df, base, [value_col(c) for c in scheme.tie_break])
        df = df.with_columns(_grade_index(scheme, scale, county_sizes).alias("_grade"))
        codes = _explanation_code(df, scheme, scale, items.result())
    return _output(df, scheme, scale, keep, benches, _explain(codes, wording))


def evaluate(
    frame: pl.DataFrame,
    scheme: Scheme,
    *,
    averages: pl.DataFrame | None = None,
    keep: Sequence[str] = (),
) -> pl.DataFrame:
    """Score, class, rank and explain every row of ``frame`` under ``scheme``.

    ``frame``: one row per enterprise with ``enterprise_id``, ``uscc``, ``county``,
    ``industry`` (the level ranks are kept within), ``scale`` ("above" / "below"), the
    figures the formulas use (see :data:`METRICS`; missing = null), and optionally
    ``veto`` and ``exempt`` (a reason code of the scheme or null) and each bonus or
    penalty item's column. Code columns may be strings or, faster, Polars Enums.
    ``averages``: last year's county averages (:func:`county_averages`). ``keep``: more
    columns to copy to the result.

    Returns one row per enterprise — 规上 firms first, then 规下, each in the frame's order
    — with ``enterprise_id, uscc, county, industry, scale``, the ``keep`` columns, per
    indicator ``<code>__value / __benchmark / __ratio / __points / __missing`` (null for an
    indicator the firm's scale does not score), per bonus or penalty ``<code>__points``,
    then ``score`` (null for T), ``grade`` (A B C D T U), ``status`` (ranked / vetoed /
    exempt / out_of_scope), ``reason`` (the veto or exemption code), ``rank_county``,
    ``county_size``, ``percentile``, ``rank_industry``, ``industry_size`` (null when not
    ranked), ``explanation_zh`` and ``explanation_en``.
    """
    base = _base(frame, scheme, keep)
    given: dict[tuple[str, str, str], float] = {}
    if averages is not None:
        for county, scale, code, figure in averages.select(
            "county", "scale", "indicator", "value"
        ).iter_rows():
            if figure is not None:
                given[(str(county), str(scale), str(code))] = float(figure)
    wording = _Wording(scheme)
    parts = {s: part for s, part in _parts(base).items() if part.height} or {0: base.frame.head(0)}
    if len(parts) == 1:
        [(s, part)] = parts.items()
        return _evaluate_scale(part, base, scheme, SCALES[s], keep, given, wording)
    # The scales are evaluated apart (classes and ranks never cross them): on two threads,
    # as Polars releases the GIL.
    with ThreadPoolExecutor(max_workers=len(parts)) as pool:
        futures = [
            pool.submit(_evaluate_scale, part, base, scheme, SCALES[s], keep, given, wording)
            for s, part in parts.items()
        ]
        return pl.concat([f.result() for f in futures], how="vertical")
