"""Loading 亩均 evaluation schemes and carrying out evaluation runs.

亩均效益综合评价 (浙政发〔2018〕5号; the shipped rule is 台州黄岩's for 2023, see
``docs/evaluation.md``): every year each county scores its industrial firms on what they
yield per mu of land and per unit of energy, emission, labour and R&D, ranks them and puts
them into classes A/B/C/D. The rule is data:

- ``scheme_load`` reads ``data/evaluation/<code>-<year>.yaml``, validates all of it and
  stores it as an :class:`EvaluationScheme` version. An unchanged file writes nothing; a
  changed one becomes version N+1 and leaves N and its runs as they were.
- ``evaluation_run_start`` queues a run of a scheme version over one year's figures; the
  background task (``tasks.evaluation_run_task``) calls ``evaluation_run_execute``, which
  reads that year's :class:`AnnualMetric` rows with their enterprises into a data frame
  (``COPY … TO STDOUT`` on PostgreSQL), evaluates it with the pure engine
  (``evaluation.evaluate``) and, in one transaction, stores one
  :class:`EvaluationResult` per enterprise (``COPY … FROM STDIN`` on PostgreSQL), marks
  the run done and makes it the current run of its scheme version and year.

What the service decides around the engine:

- A firm is ranked within its county; a firm registered in a functional zone (功能区)
  is ranked in the zone's host county. Industries are ranked at the scheme's
  ``industry_level`` (2: 大类), a firm's class taken from its industry's ancestors.
- Exemptions with criteria are applied here: ``industries`` (GB/T 4754 code prefixes,
  e.g. 44–46 utilities) and ``in_production_months_under`` (in production for less than
  that many months at the end of the data year). The first matching exemption counts.
- ``county_average`` benchmarks are the county averages of the year before the run's
  year, computed from that year's figures; a county without them uses the run year's.
- Vetoes, the "不定等级" exemption and bonus/penalty items have no data in the registry
  yet: they apply only to frames that carry them (the engine, the benchmark).
"""

from __future__ import annotations

import datetime as dt
import io
import json
import queue
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import polars as pl
from django.contrib.auth.models import User
from django.db import connection, transaction
from django.utils import timezone

from zhizao.core.models import Unit
from zhizao.core.services import audit_log
from zhizao.enterprises.evaluation import (
    METRICS,
    SCALES,
    Scheme,
    benchmark_col,
    county_averages,
    evaluate,
    points_col,
    ratio_col,
    value_col,
)
from zhizao.enterprises.models import (
    AnnualMetric,
    Enterprise,
    EvaluationResult,
    EvaluationRun,
    EvaluationScheme,
    Industry,
)
from zhizao.enterprises.schemefile import read_scheme_file, scheme_from_definition

STORE_CHUNK = 100_000  # rows per COPY chunk: bounded memory, overlapped with the server
DIGITS = 4  # decimals of the ratios and points kept in the stored contributions
SIGNIFICANT = 6  # significant figures of the values and benchmarks kept


# ---- schemes ------------------------------------------------------------------------------


def scheme_load(
    *, path: Path, actor: User | None = None, root: Path | None = None
) -> EvaluationScheme:
    """Validate ``path`` and store it as the next version of its scheme, unless its
    content is that of the latest version (then that version is returned and nothing is
    written). Raises ``DefinitionFileError`` having written nothing."""
    bundle = read_scheme_file(path, root=root)
    d = bundle.definition
    with transaction.atomic():
        latest = (
            EvaluationScheme.objects.select_for_update()
            .filter(code=d.code, year=d.data_year)
            .order_by("-version")
            .first()
        )
        if latest is not None and latest.content_hash == bundle.content_hash:
            return latest
        scheme = EvaluationScheme.objects.create(
            code=d.code,
            year=d.data_year,
            version=latest.version + 1 if latest else 1,
            title=d.title,
            title_en=d.title_en,
            source=d.source,
            definition=bundle.raw,
            content_hash=bundle.content_hash,
        )
        audit_log(
            actor=actor,
            action="evaluation_scheme.load",
            obj=scheme,
            summary=f"评价办法 {scheme} 已载入 / evaluation scheme {scheme} loaded",
            data={"path": bundle.path, "content_hash": bundle.content_hash},
        )
    return scheme


# ---- runs ---------------------------------------------------------------------------------


def evaluation_run_start(
    *, scheme: EvaluationScheme, year: int | None = None, actor: User | None = None
) -> EvaluationRun:
    """Queue a run of ``scheme`` over the figures of ``year`` (the scheme's data year by
    default); its task is sent once the transaction commits."""
    with transaction.atomic():
        run = EvaluationRun.objects.create(
            scheme=scheme, year=year or scheme.year, started_by=actor
        )
        audit_log(
            actor=actor,
            action="evaluation_run.queue",
            obj=run,
            summary=f"评价批次已排队：{scheme} {run.year} / evaluation run queued",
        )

    def enqueue() -> None:
        from zhizao.enterprises.tasks import evaluation_run_task

        evaluation_run_task.enqueue(run_id=run.pk)

    transaction.on_commit(enqueue)
    return run


def evaluation_run_execute(*, run_id: int) -> EvaluationRun | None:
    """Carry out a queued run (called by the background task); None if it is not queued."""
    with transaction.atomic():
        run = (
            EvaluationRun.objects.select_for_update()
            .select_related("scheme")
            .filter(pk=run_id, status=EvaluationRun.Status.QUEUED)
            .first()
        )
        if run is None:
            return None
        run.status = EvaluationRun.Status.RUNNING
        run.save(update_fields=["status"])
    try:
        definition: dict[str, Any] = run.scheme.definition
        scheme = scheme_from_definition(definition)
        level = int(definition.get("industry_level", 2))
        frame = evaluation_frame(scheme=scheme, year=run.year, industry_level=level)
        averages = None
        if any(
            it.benchmark.rule == "county_average" for r in scheme.scales.values() for it in r.items
        ):
            previous = evaluation_frame(scheme=scheme, year=run.year - 1, industry_level=level)
            averages = county_averages(previous, scheme) if previous.height else None
        results = evaluate(frame, scheme, averages=averages, keep=["unit_id"])
        with transaction.atomic():
            EvaluationRun.objects.filter(scheme=run.scheme, year=run.year, is_current=True).update(
                is_current=False
            )
            _store(run, results, scheme)
            run.status = EvaluationRun.Status.DONE
            run.is_current = True
            run.enterprises = results.height
            run.finished_at = timezone.now()
            run.save(update_fields=["status", "is_current", "enterprises", "finished_at"])
            grades = dict(results.group_by("grade").len().iter_rows())
            audit_log(
                actor=run.started_by,
                action="evaluation_run.done",
                obj=run,
                summary=(
                    f"评价完成：{run.scheme} {run.year}，{results.height} 家企业 / "
                    f"evaluation done: {results.height} enterprises"
                ),
                data={"grades": {str(k): int(v) for k, v in grades.items()}},
            )
    except Exception as exc:
        run.status = EvaluationRun.Status.FAILED
        run.error = f"{type(exc).__name__}: {exc}"[:2000]
        run.finished_at = timezone.now()
        run.save(update_fields=["status", "error", "finished_at"])
        raise
    return run


# ---- reading the figures ------------------------------------------------------------------

_RAW_SCHEMA: dict[str, pl.DataType] = {
    "enterprise_id": pl.Int64(),
    "uscc": pl.String(),
    "unit_id": pl.Int64(),
    "industry_id": pl.Int64(),
    "scale": pl.String(),
    "in_production_since": pl.Date(),
    **{m: pl.Float64() for m in METRICS},
}


def _read_year(year: int) -> pl.DataFrame:
    """One row per enterprise with figures for ``year``: ids, attributes and figures."""
    metric, enterprise = AnnualMetric._meta.db_table, Enterprise._meta.db_table
    if connection.vendor == "postgresql":
        from psycopg import sql

        query = sql.SQL(
            "COPY (SELECT m.enterprise_id, e.uscc, e.unit_id, e.industry_id, e.scale, "
            "e.in_production_since, {metrics} FROM {metric} m JOIN {enterprise} e "
            "ON e.id = m.enterprise_id WHERE m.year = {year}) TO STDOUT WITH (FORMAT csv, HEADER)"
        ).format(
            metrics=sql.SQL(", ").join(sql.Identifier("m", name) for name in METRICS),
            metric=sql.Identifier(metric),
            enterprise=sql.Identifier(enterprise),
            year=sql.Literal(year),
        )
        buffer = io.BytesIO()
        with connection.cursor() as cursor:
            raw: Any = cursor.cursor  # the psycopg cursor under Django's wrapper
            with raw.copy(query) as copy:
                for data in copy:
                    buffer.write(data)
        buffer.seek(0)
        return pl.read_csv(buffer, schema=_RAW_SCHEMA)
    rows = AnnualMetric.objects.filter(year=year).values_list(
        "enterprise_id",
        "enterprise__uscc",
        "enterprise__unit_id",
        "enterprise__industry_id",
        "enterprise__scale",
        "enterprise__in_production_since",
        *METRICS,
    )
    return pl.DataFrame(
        [(*r[:6], *(None if v is None else float(v) for v in r[6:])) for r in rows],
        schema=_RAW_SCHEMA,
        orient="row",
    )


def evaluation_frame(*, scheme: Scheme, year: int, industry_level: int = 2) -> pl.DataFrame:
    """The engine's input for ``year``, with each enterprise's own ``unit_id``."""
    raw = _read_year(year)
    # A zone's firms are ranked in the zone's host county.
    county_of = {
        pk: host or code for pk, code, host in Unit.objects.values_list("id", "code", "host__code")
    }
    industries = {
        pk: (code, level, parent)
        for pk, code, level, parent in Industry.objects.values_list(
            "id", "code", "level", "parent_id"
        )
    }

    def at_level(pk: int) -> str:
        code, level, parent = industries[pk]
        while level > industry_level and parent is not None:
            code, level, parent = industries[parent]
        return code

    industry_of = {pk: at_level(pk) for pk in industries}
    counties = sorted(set(county_of.values()))
    classes = sorted(set(industry_of.values()))
    exempt: pl.Expr = pl.lit(None, dtype=pl.String)
    end_of_year = dt.date(year, 12, 31)
    for reason in reversed(scheme.exemptions):
        conditions: list[pl.Expr] = []
        if reason.industries:
            matching = [
                pk for pk, (code, _, _) in industries.items() if code.startswith(reason.industries)
            ]
            conditions.append(pl.col("industry_id").is_in(matching))
        if reason.in_production_months_under is not None:
            since = _months_before(end_of_year, reason.in_production_months_under)
            conditions.append(pl.col("in_production_since") > since)
        if conditions:
            matched = pl.any_horizontal(conditions).fill_null(False)
            exempt = pl.when(matched).then(pl.lit(reason.code)).otherwise(exempt)
    frame = raw.select(
        "enterprise_id",
        "uscc",
        pl.col("unit_id")
        .replace_strict(county_of, return_dtype=pl.String)
        .cast(pl.Enum(counties or ["-"]))
        .alias("county"),
        pl.col("industry_id")
        .replace_strict(industry_of, return_dtype=pl.String)
        .cast(pl.Enum(classes or ["-"]))
        .alias("industry"),
        pl.col("scale").cast(pl.Enum(SCALES)),
        *METRICS,
        exempt.cast(pl.Enum([r.code for r in scheme.exemptions] or ["-"])).alias("exempt"),
        "unit_id",
    )
    return frame


def _months_before(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    # The last day of that month: "in production since after it" = under ``months``.
    first_next = dt.date(year + (month + 1) // 12, (month + 1) % 12 + 1, 1)
    return first_next - dt.timedelta(days=1)


# ---- storing the results ------------------------------------------------------------------

_COLUMNS = (
    "run_id",
    "enterprise_id",
    "unit_id",
    "scale",
    "score",
    "grade",
    "rank_county",
    "rank_industry",
    "contributions",
    "explanation_zh",
    "explanation_en",
)


def _contributions(scheme: Scheme, scale: str, *, with_status: bool) -> pl.Expr:
    """``contributions`` as JSON text: per indicator the scale scores its value,
    benchmark, ratio and points (value and ratio null when the figure is missing; the
    points are then the missing-data rule's), per bonus or penalty its points, and for a
    firm that is not ranked ``"_": {"status", "reason"}``."""
    rule = scheme.scales.get(scale)
    fields: list[pl.Expr] = []
    for it in rule.items if rule else ():
        code = it.indicator
        fields.append(
            pl.struct(
                pl.col(value_col(code)).round_sig_figs(SIGNIFICANT).alias("value"),
                pl.col(benchmark_col(code)).round_sig_figs(SIGNIFICANT).alias("benchmark"),
                pl.col(ratio_col(code)).round(DIGITS).alias("ratio"),
                pl.col(points_col(code)).round(DIGITS).alias("points"),
            ).alias(code)
        )
    for adj in scheme.adjustments:
        fields.append(
            pl.struct(pl.col(points_col(adj.code)).round(DIGITS).alias("points")).alias(adj.code)
        )
    if with_status:
        fields.append(
            pl.struct(pl.col("status").cast(pl.String), pl.col("reason").cast(pl.String)).alias("_")
        )
    if not fields:
        return pl.lit("{}")
    return pl.struct(fields).struct.json_encode()


def _result_rows(
    run: EvaluationRun, results: pl.DataFrame, scheme: Scheme
) -> Iterator[pl.DataFrame]:
    """The rows to store, in chunks of at most ``STORE_CHUNK``."""
    # The engine lists 规上 firms first, then 规下: each scale is a slice.
    above = int((results.get_column("scale").cast(pl.String) == "above").sum())
    for scale, part in (("above", results.head(above)), ("below", results.slice(above))):
        ranked = part.get_column("status") == "ranked"
        for subset, with_status in ((part.filter(ranked), False), (part.filter(~ranked), True)):
            contributions = _contributions(scheme, scale, with_status=with_status)
            for start in range(0, subset.height, STORE_CHUNK):
                yield subset.slice(start, STORE_CHUNK).select(
                    pl.lit(run.pk, dtype=pl.Int64).alias("run_id"),
                    "enterprise_id",
                    "unit_id",
                    pl.col("scale").cast(pl.String),
                    "score",
                    pl.col("grade").cast(pl.String),
                    "rank_county",
                    "rank_industry",
                    contributions.alias("contributions"),
                    pl.col("explanation_zh").cast(pl.String),
                    pl.col("explanation_en").cast(pl.String),
                )


def _store(run: EvaluationRun, results: pl.DataFrame, scheme: Scheme) -> None:
    if connection.vendor == "postgresql":
        from psycopg import sql

        statement = sql.SQL("COPY {table} ({columns}) FROM STDIN WITH (FORMAT csv)").format(
            table=sql.Identifier(EvaluationResult._meta.db_table),
            columns=sql.SQL(", ").join(sql.Identifier(c) for c in _COLUMNS),
        )
        # The CSV of the next chunk is made on a second thread while PostgreSQL takes in
        # the previous one (Polars releases the GIL).
        chunks: queue.Queue[bytes | BaseException | None] = queue.Queue(maxsize=2)

        def produce() -> None:
            try:
                for chunk in _result_rows(run, results, scheme):
                    chunks.put(chunk.write_csv(include_header=False).encode("utf-8"))
                chunks.put(None)
            except BaseException as exc:  # handed to the writer, which raises it
                chunks.put(exc)

        producer = threading.Thread(target=produce, name="evaluation-store", daemon=True)
        producer.start()
        with connection.cursor() as cursor:
            raw: Any = cursor.cursor
            with raw.copy(statement) as copy:
                while (item := chunks.get()) is not None:
                    if isinstance(item, BaseException):
                        raise item
                    copy.write(item)
        producer.join()
        return
    for chunk in _result_rows(run, results, scheme):
        EvaluationResult.objects.bulk_create(
            [
                EvaluationResult(
                    run_id=row["run_id"],
                    enterprise_id=row["enterprise_id"],
                    unit_id=row["unit_id"],
                    scale=row["scale"],
                    score=row["score"],
                    grade=row["grade"],
                    rank_county=row["rank_county"],
                    rank_industry=row["rank_industry"],
                    contributions=json.loads(row["contributions"]),
                    explanation_zh=row["explanation_zh"],
                    explanation_en=row["explanation_en"],
                )
                for row in chunk.iter_rows(named=True)
            ],
            batch_size=1000,
        )
