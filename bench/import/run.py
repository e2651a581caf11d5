"""`make bench-import`: our importer against django-import-export on PostgreSQL.

Builds (untimed) an xlsx of BENCH_ROWS (100,000) rows of annual figures for BENCH_ROWS / 5
synthetic enterprises (five years each) and a copy with 5 % bad rows, then, on a
throwaway PostgreSQL database:

1. imports the enterprises with our importer (printed, not in the figure);
2. ours: the good file checked and committed (COPY + upsert) and the bad file checked with
   its full error report written as xlsx — ``ours_100k_s`` is the sum of both;
3. truncates the figures and imports with django-import-export (an idiomatic
   ``ModelResource`` for ``AnnualMetric``, the enterprise by USCC through a
   ``ForeignKeyWidget``, one transaction): the good file committed and the bad file
   dry-run for its errors. It runs on the first BENCH_DIE_ROWS (10,000) rows of each file
   and the time is scaled linearly to BENCH_ROWS — a full run would take several minutes —
   and the run says so. ``die_100k_s`` is that sum, ``ratio`` = die ÷ ours.

The last line is ``ours_100k_s=… die_100k_s=… ratio=…``. Goals: ours ≤ 15 s with the
error report, ≥ 20× faster than django-import-export. Environment: BENCH_ROWS,
BENCH_DIE_ROWS, PG_URL_BASE (postgres://postgres@127.0.0.1:5432), BENCH_KEEP=1 keeps the
generated files, BENCH_STRICT=1 exits 1 when a goal is missed.
"""

from __future__ import annotations

import csv
import os
import platform
import random
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

GOAL_OURS_S = 15.0
GOAL_RATIO = 20.0
BAD_SHARE = 0.05
YEARS = (2020, 2021, 2022, 2023, 2024)
COUNTIES = ("330402", "330411", "330421", "330424", "330481", "330482", "330483")
CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def check_char(body: str) -> str:
    total = sum(CHARSET.index(c) * w for c, w in zip(body, WEIGHTS, strict=True))
    return CHARSET[(31 - total % 31) % 31]


def uscc(n: int, region: str) -> str:
    body = f"91{region}MA{n:07d}"
    return body + check_char(body)


def machine() -> str:
    cpu = "unknown CPU"
    ram = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                ram = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
                break
    except OSError:
        pass
    return (
        f"{len(os.sched_getaffinity(0))} cores ({cpu}), {ram} RAM, "
        f"{platform.system()} {platform.release()}; Python {platform.python_version()}"
    )


# --- files ---------------------------------------------------------------------------------


def _manufacturing_codes() -> list[str]:
    with open(ROOT / "data/industries/gb4754-2017.csv", encoding="utf-8") as fh:
        return [
            r["code"]
            for r in csv.DictReader(fh)
            if r["level"] == "4" and 13 <= int(r["code"][:2]) <= 43
        ]


def build_files(tmp: Path, rows: int, die_rows: int) -> dict[str, Any]:
    import xlsxwriter

    from zhizao.enterprises.domain import FIELDS, METRIC_KEYS, ImportKind

    rng = random.Random(2023)
    firms = [
        (uscc(i, COUNTIES[i % len(COUNTIES)]), COUNTIES[i % len(COUNTIES)])
        for i in range(rows // len(YEARS))
    ]
    codes = _manufacturing_codes()

    def write(path: Path, headers: list[list[str]], body: list[list[Any]]) -> None:
        book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
        sheet = book.add_worksheet()
        r = 0
        for header in headers:
            sheet.write_row(r, 0, header)
            r += 1
        for values in body:
            for c, value in enumerate(values):
                if value is None:
                    continue
                if isinstance(value, int | float):
                    sheet.write_number(r, c, value)
                else:
                    sheet.write_string(r, c, value)
            r += 1
        book.close()

    e_fields = FIELDS[ImportKind.ENTERPRISES][:5]
    write(
        tmp / "enterprises.xlsx",
        [[f.zh for f in e_fields], [f.en for f in e_fields]],
        [
            [
                code,
                f"嘉兴合成企业{i:06d}有限公司",
                region,
                rng.choice(codes),
                rng.choice(("规上", "规下")),
            ]
            for i, (code, region) in enumerate(firms)
        ],
    )

    def figures(firm: str, year: int) -> list[Any]:
        scale = rng.lognormvariate(8, 1.2)
        land = round(rng.uniform(3, 300), 3)
        return [
            firm,
            year,
            round(scale * 1.05, 2),  # revenue
            round(scale, 2),  # main revenue
            round(scale * rng.uniform(0.02, 0.08), 2),  # tax
            round(scale * rng.uniform(0.15, 0.3), 2),  # value added
            land,
            round(rng.uniform(20, 2000), 1),  # employees
            round(scale * rng.uniform(0.01, 0.05), 2),  # R&D
            round(scale * rng.uniform(0.01, 0.2), 3),  # energy
            round(rng.uniform(0.1, 50), 3),  # emissions
            round(scale * rng.uniform(0.01, 0.1), 3),  # electricity
            round(scale * 1.1, 2),  # output
        ]

    good = [figures(firm, year) for firm, _ in firms for year in YEARS]
    bad = [list(r) for r in good]
    corruptions = ("check", "land", "unknown", "duplicate", "text", "year")
    bad_rows = rng.sample(range(1, len(bad)), int(len(bad) * BAD_SHARE))
    for n, i in enumerate(sorted(bad_rows)):
        kind = corruptions[n % len(corruptions)]
        row = bad[i]
        if kind == "check":
            row[0] = row[0][:-1] + ("0" if row[0][-1] != "0" else "1")
        elif kind == "land":
            row[6] = -row[6]
        elif kind == "unknown":
            row[0] = uscc(9_000_000 + i, "330402")
        elif kind == "duplicate":
            row[0], row[1] = bad[i - 1][0], bad[i - 1][1]
        elif kind == "text":
            row[4] = "约一百万"
        else:
            row[1] = 2031
    m_fields = [f for f in FIELDS[ImportKind.METRICS] if f.key != "source_detail"]
    headers = [[f.zh for f in m_fields], [f.en for f in m_fields]]
    write(tmp / "metrics.xlsx", headers, good)
    write(tmp / "metrics_bad.xlsx", headers, bad)
    # django-import-export reads one header row of field names.
    die_header = [["enterprise", "year", *METRIC_KEYS, "source", "source_detail"]]
    write(tmp / "die.xlsx", die_header, [[*r, "imported", "bench"] for r in good[:die_rows]])
    write(tmp / "die_bad.xlsx", die_header, [[*r, "imported", "bench"] for r in bad[:die_rows]])
    return {
        "firms": len(firms),
        "bad_rows": len(bad_rows),
        "die_bad_rows": sum(1 for i in bad_rows if i < die_rows),
    }


# --- the run -------------------------------------------------------------------------------


def setup_django(database_url: str, var_dir: Path) -> None:
    os.environ.update(
        {
            "DATABASE_URL": database_url,
            "DJANGO_SETTINGS_MODULE": "bench.import.settings",
            "ZHIZAO_SECRET_KEY": secrets.token_urlsafe(50),
            "ZHIZAO_DEBUG": "0",
            "ZHIZAO_VAR_DIR": str(var_dir),
        }
    )
    import django

    django.setup()


def load_reference_data() -> None:
    import yaml
    from django.core.management import call_command

    from zhizao.core.services import UnitRow, unit_upsert_all
    from zhizao.enterprises.imports import industry_load_all

    call_command("migrate", "--no-input", verbosity=0)
    units = yaml.safe_load((ROOT / "data/units/jiaxing.yaml").read_text(encoding="utf-8"))
    unit_upsert_all(
        rows=[
            UnitRow(
                code=u["code"],
                name=u["name"],
                name_en=u["name_en"],
                short_name=u.get("short_name", ""),
                type=u["type"],
                parent=u.get("parent"),
                host=u.get("host"),
                is_gb_code=u.get("gb_code", True),
            )
            for u in units["units"]
        ]
    )
    industry_load_all()


def timed(label: str, fn: Any) -> tuple[float, Any]:
    started = time.perf_counter()
    value = fn()
    elapsed = time.perf_counter() - started
    print(f"  {label:<58} {elapsed:7.2f} s", flush=True)
    return elapsed, value


def run_ours(tmp: Path, rows: int) -> tuple[float, dict[str, Any]]:
    from zhizao.enterprises.imports import (
        import_check,
        import_commit,
        import_error_report_xlsx,
    )
    from zhizao.enterprises.models import AnnualMetric

    def enterprises() -> Any:
        report = import_check(
            kind="enterprises", file=tmp / "enterprises.xlsx", filename="enterprises.xlsx"
        )
        assert report.ok, report.problems[:5]
        return import_commit(actor=None, report=report)

    print("ours (zhizao.enterprises.imports):")
    _, result = timed(f"enterprises: check + commit ({rows // len(YEARS):,} rows)", enterprises)
    check_s, report = timed(
        f"figures: check ({rows:,} rows)",
        lambda: import_check(kind="metrics", file=tmp / "metrics.xlsx", filename="metrics.xlsx"),
    )
    assert report.ok, report.problems[:5]
    commit_s, result = timed(
        "figures: commit (COPY + INSERT … ON CONFLICT)",
        lambda: import_commit(actor=None, report=report),
    )
    assert AnnualMetric.objects.count() == rows, AnnualMetric.objects.count()
    bad_check_s, bad = timed(
        f"bad figures: check ({rows:,} rows, 5 % bad)",
        lambda: import_check(
            kind="metrics", file=tmp / "metrics_bad.xlsx", filename="metrics_bad.xlsx"
        ),
    )
    report_s, xlsx = timed(
        f"bad figures: error report xlsx ({len(bad.problems):,} problems)",
        lambda: import_error_report_xlsx(bad),
    )
    (tmp / "errors.xlsx").write_bytes(xlsx)
    total = check_s + commit_s + bad_check_s + report_s
    return total, {
        "created": result.created,
        "problems": len(bad.problems),
        "rows_with_problems": bad.rows_with_problems,
        "good_s": check_s + commit_s,
        "bad_s": bad_check_s + report_s,
    }


def run_die(tmp: Path, die_rows: int) -> tuple[float, dict[str, Any]]:
    from django.db import connection
    from import_export import fields, resources, widgets
    from import_export.formats.base_formats import XLSX

    from zhizao.enterprises.domain import METRIC_KEYS
    from zhizao.enterprises.models import AnnualMetric, Enterprise

    class AnnualMetricResource(resources.ModelResource):  # type: ignore[misc]
        enterprise = fields.Field(
            column_name="enterprise",
            attribute="enterprise",
            widget=widgets.ForeignKeyWidget(Enterprise, field="uscc"),
        )

        class Meta:
            model = AnnualMetric
            import_id_fields = ("enterprise", "year")
            fields = ("enterprise", "year", *METRIC_KEYS, "source", "source_detail")

    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {AnnualMetric._meta.db_table}")
    fmt = XLSX()

    def load(name: str) -> Any:
        return fmt.create_dataset((tmp / name).read_bytes())

    def good() -> Any:
        result = AnnualMetricResource().import_data(
            load("die.xlsx"), dry_run=False, raise_errors=True
        )
        return result

    def bad() -> Any:
        return AnnualMetricResource().import_data(
            load("die_bad.xlsx"), dry_run=True, raise_errors=False
        )

    print(f"django-import-export (ModelResource, first {die_rows:,} rows of each file):")
    good_s, _ = timed(f"figures: read + import ({die_rows:,} rows)", good)
    assert AnnualMetric.objects.count() == die_rows, AnnualMetric.objects.count()
    bad_s, result = timed(f"bad figures: read + dry run ({die_rows:,} rows)", bad)
    errors = len(result.row_errors()) + len(result.invalid_rows)
    return good_s + bad_s, {"good_s": good_s, "bad_s": bad_s, "errors": errors}


def main() -> int:
    rows = int(os.environ.get("BENCH_ROWS", "100000"))
    die_rows = min(int(os.environ.get("BENCH_DIE_ROWS", "10000")), rows)
    pg_url_base = os.environ.get("PG_URL_BASE", "postgres://postgres@127.0.0.1:5432").rstrip("/")
    keep = os.environ.get("BENCH_KEEP", "") == "1"
    strict = os.environ.get("BENCH_STRICT", "") == "1"
    tmp = Path(tempfile.mkdtemp(prefix="zhizao-bench-import-"))
    db = f"zhizao_bench_import_{os.getpid()}"
    load_before = os.getloadavg()

    def pgdb(action: str) -> None:
        subprocess.run(
            [sys.executable, "scripts/pgdb.py", action, pg_url_base, db], cwd=ROOT, check=True
        )

    try:
        print(f"== building files in {tmp} ==", flush=True)
        _, built = timed(
            f"{rows:,} rows of figures (+ bad copy, + {die_rows:,}-row slices)",
            lambda: build_files(tmp, rows, die_rows),
        )
        sizes = {p.name: p.stat().st_size for p in tmp.glob("*.xlsx")}
        pgdb("create")
        try:
            setup_django(f"{pg_url_base}/{db}", tmp / "var")
            print(f"== database {db} ==", flush=True)
            timed("migrate, units, GB/T 4754-2017", load_reference_data)
            from django.db import connection

            pg_version = connection.cursor().connection.info.server_version
            ours_s, ours = run_ours(tmp, rows)
            if die_rows:
                die_s, die = run_die(tmp, die_rows)
            else:  # BENCH_DIE_ROWS=0: ours only, for a quick look
                die_s, die = 0.0, {"good_s": 0.0, "bad_s": 0.0, "errors": 0}
                die_rows = 1
            connection.close()
        finally:
            pgdb("drop")
    finally:
        if keep:
            print(f"(files kept in {tmp})")
        else:
            shutil.rmtree(tmp, ignore_errors=True)

    scale = rows / die_rows
    die_full = die_s * scale
    ratio = die_full / ours_s if ours_s else float("inf")
    print()
    print(f"machine:   {machine()}")
    print("           load average before the run " + " ".join(f"{x:.2f}" for x in load_before))
    pg = f"{pg_version // 10000}.{pg_version % 100}"
    where = pg_url_base.split("@")[-1]
    print(f"database:  PostgreSQL {pg} at {where}, throwaway database {db} (dropped)")
    print(
        f"files:     metrics.xlsx {sizes['metrics.xlsx'] / 1e6:.1f} MB ({rows:,} rows × 13 "
        "columns, "
        f"{built['firms']:,} enterprises × {len(YEARS)} years); metrics_bad.xlsx with "
        f"{built['bad_rows']:,} bad rows (wrong check character, negative land, unknown firm, "
        "duplicated firm-year, text for a number, future year)"
    )
    print(
        f"ours:      good {ours['good_s']:.2f} s ({ours['created']:,} rows written) + bad "
        f"{ours['bad_s']:.2f} s ({ours['problems']:,} problems in {ours['rows_with_problems']:,} "
        "rows, all listed in the xlsx report)"
    )
    print(
        f"die:       good {die['good_s']:.2f} s + bad {die['bad_s']:.2f} s on {die_rows:,} rows "
        f"({die['errors']:,} rows with errors found of {built['die_bad_rows']:,} bad: it checks "
        f"types and the enterprise, not ranges or duplicates); scaled ×{scale:g} to {rows:,} rows"
        + (" — measured on a slice, the full file would take minutes" if scale > 1 else "")
    )
    goals = [
        (f"ours ≤ {GOAL_OURS_S:g} s with the error report", ours_s <= GOAL_OURS_S),
        (f"≥ {GOAL_RATIO:g}× faster than django-import-export", ratio >= GOAL_RATIO),
    ]
    print("goals:     " + ", ".join(f"{g} {'met' if ok else 'MISSED'}" for g, ok in goals))
    print(
        f"ours_100k_s={ours_s * 100_000 / rows:.2f} "
        f"die_100k_s={die_full * 100_000 / rows:.1f} ratio={ratio:.1f}",
        flush=True,
    )
    return 1 if strict and not all(ok for _, ok in goals) else 0


if __name__ == "__main__":
    sys.exit(main())
