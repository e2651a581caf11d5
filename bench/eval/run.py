"""`make bench-eval`: the 亩均 evaluation of a province — a million enterprises.

1. Generates BENCH_N (1,000,000) synthetic enterprises (``bench/eval/synthetic.py``,
   seeded) with one year of figures.
2. Evaluates them under the shipped scheme (``data/evaluation/zhejiang-county-2023.yaml``,
   plus a bonus and a penalty item so that every feature is exercised) three ways and
   times each on warm data — one warm-up run, then the best of 3:
   (a) our engine, ``zhizao.enterprises.evaluation.evaluate`` (Polars), with its
       explanations and every output column;
   (b) an idiomatic pandas implementation and (c) a DuckDB SQL implementation of the same
       scheme (``bench/eval/reference.py``), which return score, class and both ranks.
   It then checks that the three agree on every enterprise's score, class and ranks.
3. Creates a throwaway PostgreSQL database (``scripts/pgdb.py``), migrates it, loads the
   enterprises and their figures with COPY, and times one full run of
   ``services.evaluation_run_execute``: read the year's figures (COPY … TO STDOUT),
   evaluate, store one result per enterprise (COPY … FROM STDIN), mark the run current —
   one transaction. The database is dropped afterwards, also on failure or Ctrl-C.

The last line printed is ``engine_s=… pandas_s=… duckdb_s=… store_pg_s=…``.

Environment: BENCH_N (1000000), BENCH_SEED (2023), PG_URL_BASE
(postgres://postgres@127.0.0.1:5432), BENCH_SKIP_PG=1 skips step 3, BENCH_STRICT=1 exits
1 when a goal is missed.
"""

from __future__ import annotations

import dataclasses
import os
import platform
import secrets
import subprocess
import sys
import time
from collections.abc import Callable
from importlib.metadata import version
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import polars as pl  # noqa: E402
import psycopg  # noqa: E402

from bench.eval.reference import (  # noqa: E402
    duckdb_connect,
    duckdb_evaluate,
    duckdb_query,
    pandas_evaluate,
)
from bench.eval.synthetic import population  # noqa: E402
from bench.web.run import machine  # noqa: E402
from zhizao.enterprises.evaluation import Adjustment, Scheme, evaluate  # noqa: E402
from zhizao.enterprises.schemefile import read_scheme_file  # noqa: E402

SCHEME_FILE = ROOT / "data" / "evaluation" / "zhejiang-county-2023.yaml"
GOAL_ENGINE_S = 0.3
GOAL_VS_PANDAS = 10
GOAL_STORE_S = 10
DATA_YEAR = 2022


class BenchError(Exception):
    pass


def bench_scheme() -> Scheme:
    """The shipped scheme with a bonus and a penalty item (bench only)."""
    shipped = read_scheme_file(SCHEME_FILE, root=ROOT).scheme
    return dataclasses.replace(
        shipped,
        adjustments=(
            Adjustment("honours", "荣誉加分", "Honours", "bonus", "honours", 2, max_points=5),
            Adjustment("penalties", "处罚扣分", "Penalties", "penalty", "penalty_cases", 5),
        ),
    )


def best_of[T](run: Callable[[], T], repeats: int = 3) -> tuple[float, T]:
    """One warm-up run, then the best wall time of ``repeats``."""
    result = run()
    best = float("inf")
    for _ in range(repeats):
        started = time.perf_counter()
        result = run()
        best = min(best, time.perf_counter() - started)
    return best, result


def comparable(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.select(
        pl.col("enterprise_id").cast(pl.Int64),
        pl.col("score").cast(pl.Float64),
        pl.col("grade").cast(pl.String),
        pl.col("rank_county").cast(pl.Int64),
        pl.col("rank_industry").cast(pl.Int64),
    ).sort("enterprise_id")


def disagreements(ours: pl.DataFrame, other: pl.DataFrame) -> dict[str, int]:
    out = {}
    for column in ("score", "grade", "rank_county", "rank_industry"):
        a, b = ours.get_column(column), other.get_column(column)
        differ = (a != b).fill_null(False) | (a.is_null() != b.is_null())
        out[column] = int(differ.sum())
    return out


# ---- PostgreSQL -----------------------------------------------------------------------------


def pg_store(frame: pl.DataFrame, pg_url_base: str) -> dict[str, float]:
    """Load ``frame`` into a throwaway database and time one evaluation run on it."""
    db = f"zhizao_bench_eval_{os.getpid()}"
    try:
        with psycopg.connect(f"{pg_url_base}/postgres", connect_timeout=5) as conn:
            row = conn.execute("SHOW server_version").fetchone()
    except psycopg.Error as exc:
        raise BenchError(f"PostgreSQL at {pg_url_base} is unreachable: {exc}") from exc
    print(f"PostgreSQL {str(row[0]).split()[0] if row else '?'}, database {db}", flush=True)
    env = {
        **os.environ,
        "DATABASE_URL": f"{pg_url_base}/{db}",
        "ZHIZAO_SECRET_KEY": secrets.token_urlsafe(50),
        "ZHIZAO_DEBUG": "0",
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    subprocess.run(
        [sys.executable, "scripts/pgdb.py", "create", pg_url_base, db], cwd=ROOT, check=True
    )
    try:
        started = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "manage.py", "migrate", "--no-input", "-v", "0"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            raise BenchError(f"migrate failed:\n{done.stdout}\n{done.stderr}")
        print(f"  migrate  ({time.perf_counter() - started:.1f} s)", flush=True)
        os.environ.update({k: env[k] for k in ("DATABASE_URL", "ZHIZAO_SECRET_KEY")})
        os.environ.update({"ZHIZAO_DEBUG": "0", "DJANGO_SETTINGS_MODULE": "config.settings"})
        return _django_run(frame)
    finally:
        from django.db import connections

        connections.close_all()
        subprocess.run(
            [sys.executable, "scripts/pgdb.py", "drop", pg_url_base, db], cwd=ROOT, check=False
        )


def _django_run(frame: pl.DataFrame) -> dict[str, float]:
    import django

    django.setup()
    from django.db import connection

    from zhizao.core.models import Unit
    from zhizao.enterprises import services
    from zhizao.enterprises.models import (
        AnnualMetric,
        Enterprise,
        EvaluationResult,
        EvaluationRun,
        Industry,
    )

    started = time.perf_counter()
    city = Unit.objects.create(code="330400", name="嘉兴市", name_en="Jiaxing", type="city")
    counties = frame.get_column("county").cast(pl.String).unique().sort().to_list()
    unit_id = {
        code: Unit.objects.create(code=code, name=code, name_en=code, type="county", parent=city).pk
        for code in counties
    }
    industries = frame.get_column("industry").cast(pl.String).unique().sort().to_list()
    industry_id = {
        code: Industry.objects.create(code=code, name=f"行业{code}", level=2).pk
        for code in industries
    }
    # The registry has no vetoes, "undetermined" or bonus figures: the stored run applies
    # only the exemptions with criteria (utilities by industry, plants in production for
    # under two years).
    new_plant = pl.col("exempt").cast(pl.String) == "new_plant"
    enterprises = frame.select(
        pl.col("enterprise_id").alias("id"),
        "uscc",
        pl.concat_str(pl.lit("合成企业"), pl.col("enterprise_id")).alias("name"),
        pl.col("county").cast(pl.String).replace_strict(unit_id).alias("unit_id"),
        pl.col("industry").cast(pl.String).replace_strict(industry_id).alias("industry_id"),
        pl.col("scale").cast(pl.String),
        pl.when(new_plant.fill_null(False))
        .then(pl.lit("2022-06-01"))
        .otherwise(pl.lit("2010-01-01"))
        .alias("in_production_since"),
        pl.lit("t").alias("synthetic"),
        pl.lit("2024-01-01 00:00:00+00").alias("updated_at"),
    )
    metrics = frame.select(
        pl.col("enterprise_id").alias("id"),
        pl.col("enterprise_id"),
        pl.lit(DATA_YEAR).alias("year"),
        *(
            pl.col(m)
            for m in (
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
        ),
        pl.lit("synthetic").alias("source"),
        pl.lit("bench-eval synthetic").alias("source_detail"),
        pl.lit("2024-01-01 00:00:00+00").alias("entered_at"),
    )
    with connection.cursor() as cursor:
        raw: Any = cursor.cursor
        for model, data in ((Enterprise, enterprises), (AnnualMetric, metrics)):
            table = model._meta.db_table
            columns = ", ".join(f'"{c}"' for c in data.columns)
            with raw.copy(f'COPY "{table}" ({columns}) FROM STDIN WITH (FORMAT csv)') as copy:
                for start in range(0, data.height, 200_000):
                    chunk = data.slice(start, 200_000)
                    copy.write(chunk.write_csv(include_header=False).encode("utf-8"))
            raw.execute(
                f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), max(id)) "
                f'FROM "{table}"'
            )
        raw.execute("ANALYZE")
    print(
        f"  loaded {frame.height:,} enterprises and their {DATA_YEAR} figures with COPY "
        f"({time.perf_counter() - started:.1f} s)",
        flush=True,
    )

    phases: dict[str, float] = {}

    def timed(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                phases[name] = phases.get(name, 0.0) + time.perf_counter() - started

        return wrapper

    # The service's phases, timed in place (module attributes, so the run calls these).
    for name, phase in (
        ("evaluation_frame", "read"),
        ("evaluate", "evaluate"),
        ("_store", "store"),
    ):
        setattr(services, name, timed(phase, getattr(services, name)))

    scheme = services.scheme_load(path=SCHEME_FILE, root=ROOT)
    run = EvaluationRun.objects.create(scheme=scheme, year=DATA_YEAR)
    started = time.perf_counter()
    services.evaluation_run_execute(run_id=run.pk)
    phases["total"] = time.perf_counter() - started
    run.refresh_from_db()
    stored = EvaluationResult.objects.filter(run=run).count()
    if run.status != "done" or stored != frame.height:
        raise BenchError(f"run {run.status}: {stored} results for {frame.height} enterprises")
    grades = dict(
        EvaluationResult.objects.filter(run=run)
        .values_list("grade")
        .order_by("grade")
        .annotate(n=django.db.models.Count("id"))
        .values_list("grade", "n")
    )
    print(f"  stored run: {stored:,} results, classes {grades}", flush=True)
    return phases


# ---- the run ----------------------------------------------------------------------------------


def main() -> int:
    n = int(os.environ.get("BENCH_N", "1000000"))
    seed = int(os.environ.get("BENCH_SEED", "2023"))
    pg_url_base = os.environ.get("PG_URL_BASE", "postgres://postgres@127.0.0.1:5432").rstrip("/")
    strict = os.environ.get("BENCH_STRICT", "") == "1"
    load_before = os.getloadavg()

    started = time.perf_counter()
    frame = population(n, seed)
    print(
        f"generated {n:,} synthetic enterprises, seed {seed} "
        f"({time.perf_counter() - started:.1f} s)"
    )
    scheme = bench_scheme()

    print("timing: one warm-up run, then the best of 3, on data already in memory", flush=True)
    engine_s, ours = best_of(lambda: evaluate(frame, scheme))
    print(f"  engine (Polars)  {engine_s:.3f} s", flush=True)
    as_pandas = frame.to_pandas()
    pandas_s, by_pandas = best_of(lambda: pandas_evaluate(as_pandas, scheme))
    print(f"  pandas           {pandas_s:.3f} s", flush=True)
    con = duckdb_connect(frame)
    query = duckdb_query(scheme)
    duckdb_s, by_duckdb = best_of(lambda: duckdb_evaluate(con, query))
    print(f"  DuckDB SQL       {duckdb_s:.3f} s", flush=True)
    con.close()

    reference = comparable(ours)
    differences = {
        "pandas": disagreements(reference, comparable(pl.from_pandas(by_pandas))),
        "duckdb": disagreements(reference, comparable(by_duckdb)),
    }
    for name, found in differences.items():
        if any(found.values()):
            print(f"bench-eval failed: {name} disagrees with the engine: {found}", file=sys.stderr)
            return 1
    classes = dict(ours.group_by("grade").len().sort("grade").iter_rows())
    print(
        f"all three agree on every score, class and rank ({n:,} enterprises); classes "
        + ", ".join(f"{k} {v:,}" for k, v in classes.items())
    )

    phases: dict[str, float] = {}
    if os.environ.get("BENCH_SKIP_PG", "") != "1":
        print("== evaluate and store on PostgreSQL ==", flush=True)
        try:
            phases = pg_store(frame, pg_url_base)
        except (BenchError, subprocess.SubprocessError, psycopg.Error) as exc:
            print(f"bench-eval failed: {exc}", file=sys.stderr)
            return 1
    store_s = phases.get("total", float("nan"))

    print()
    print(f"machine:  {machine()}; Python {platform.python_version()}")
    print("          load average before the run " + " ".join(f"{x:.2f}" for x in load_before))
    print(
        f"versions: polars {pl.__version__}, pandas {version('pandas')}, duckdb "
        f"{version('duckdb')}, psycopg {version('psycopg')}; {pl.thread_pool_size()} Polars threads"
    )
    print(
        f"data:     {n:,} synthetic enterprises (seed {seed}), scheme {SCHEME_FILE.name} "
        "+ a bench bonus and penalty item"
    )
    print()
    head = f"{'implementation':<44}{'seconds':>9}{'× ours':>9}"
    print(head)
    print("-" * len(head))
    for name, seconds in (
        ("engine: zhizao evaluate (Polars)", engine_s),
        ("pandas (idiomatic)", pandas_s),
        ("DuckDB SQL", duckdb_s),
    ):
        print(f"{name:<44}{seconds:>9.3f}{seconds / engine_s:>9.1f}")
    if phases:
        print(f"{'PostgreSQL evaluate-and-store run':<44}{store_s:>9.3f}")
        for phase, label in (
            ("read", "  read figures (COPY TO STDOUT)"),
            ("evaluate", "  evaluate"),
            ("store", "  store results (COPY FROM STDIN)"),
        ):
            print(f"{label:<44}{phases.get(phase, float('nan')):>9.3f}")
        rest = store_s - sum(phases.get(p, 0.0) for p in ("read", "evaluate", "store"))
        print(f"{'  the rest (county averages of 2021, commit)':<44}{rest:>9.3f}")
    print()
    goals = [
        (f"engine ≤ {GOAL_ENGINE_S} s", engine_s <= GOAL_ENGINE_S),
        (f"≥ {GOAL_VS_PANDAS}× faster than pandas", pandas_s >= GOAL_VS_PANDAS * engine_s),
        ("no slower than DuckDB", engine_s <= duckdb_s),
        (f"store ≤ {GOAL_STORE_S} s", bool(phases) and store_s <= GOAL_STORE_S),
    ]
    print("goals: " + ", ".join(f"{g} {'met' if ok else 'MISSED'}" for g, ok in goals))
    print(
        f"engine_s={engine_s:.3f} pandas_s={pandas_s:.3f} duckdb_s={duckdb_s:.3f} "
        f"store_pg_s={store_s:.3f}",
        flush=True,
    )
    return 1 if strict and not all(ok for _, ok in goals) else 0


if __name__ == "__main__":
    sys.exit(main())
