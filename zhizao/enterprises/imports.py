"""Bulk import of enterprises, honours and annual figures (issue 4, item 6), and the GB/T
4754-2017 industry table they are classified by.

- ``import_check`` reads the whole file (``core.spreadsheet``: guarded, streamed) and
  checks every row (``domain.validate_row``) and what needs other rows or the registry:
  a USCC twice in an enterprise file, the same (USCC, year) twice in a figures file, the
  same (USCC, honour, year) twice, units unknown by code or name, industry codes not in
  GB/T 4754-2017, honours and figures of firms neither in the registry nor in an
  enterprise file imported with them, 0 亩 for a firm that rents no one's land. Every
  problem is located (row as in the file, header, value, 中文 / English); all of them are
  reported, not just the first.
- ``import_commit`` writes a report without problems, all or nothing, in one
  transaction: upserts keyed by USCC, (USCC, year) and (USCC, honour, year); an empty cell
  never erases a stored value, so departments can each send their own columns; re-importing
  the same file changes nothing. PostgreSQL gets the rows by ``COPY`` into a temporary
  table and one ``INSERT … ON CONFLICT DO UPDATE … WHERE … IS DISTINCT FROM`` per kind;
  other databases ``bulk_create`` / ``bulk_update``. Each import leaves an audit entry.
- The template of each kind has a Chinese and an English header row and an example row
  (skipped on import: its USCC is ``EXAMPLE_USCC``); the error report is an xlsx.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import xlsxwriter
from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.db import connection, models, transaction
from django.db.models import Model
from django.utils import timezone
from psycopg import sql

from zhizao.core.models import Unit
from zhizao.core.services import audit_log
from zhizao.core.spreadsheet import Source, SpreadsheetError, read_table
from zhizao.core.xlsx import Column, Sheet, workbook_bytes
from zhizao.enterprises.domain import (
    FIELDS,
    KIND_TITLES,
    LAND_ZERO,
    METRIC_FIELDS,
    METRIC_KEYS,
    ImportKind,
    Msg,
    Problem,
    Row,
    RowContext,
    cell_text,
    duplicate_problem,
    figure,
    uscc_check_char,
    validate_row,
)
from zhizao.enterprises.models import AnnualMetric, Enterprise, Honour, Industry, Parcel

EXAMPLE_USCC = "91330400000000000" + uscc_check_char("91330400000000000")
INDUSTRY_FILE = Path(settings.BASE_DIR) / "data" / "industries" / "gb4754-2017.csv"
MAX_PROBLEMS = 200_000
_CHUNK = 5_000

Progress = Callable[[int, int], None]


# --- the report --------------------------------------------------------------------------


@dataclass
class ImportReport:
    kind: ImportKind
    filename: str
    sha256: str
    rows_read: int = 0
    example_rows: int = 0
    problems: list[Problem] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)
    problems_cut: bool = False
    units: dict[str, int] = field(default_factory=dict)  # unit text → id
    industries: dict[str, int] = field(default_factory=dict)  # code → id

    @property
    def ok(self) -> bool:
        return not self.problems and bool(self.rows)

    @property
    def rows_with_problems(self) -> int:
        return len({p.row for p in self.problems})

    def describe(self) -> str:
        title = KIND_TITLES[self.kind]
        if self.ok:
            return (
                f"{self.filename}：{title.zh} {len(self.rows):,} 行，检查通过 / "
                f"{self.filename}: {len(self.rows):,} rows of {title.en.lower()}, all valid"
            )
        if not self.problems:
            return f"{self.filename}：没有数据行 / {self.filename}: no data rows"
        return (
            f"{self.filename}：{self.rows_with_problems:,} 行有 {len(self.problems):,} 个问题，"
            f"未写入任何数据 / {self.filename}: {len(self.problems):,} problems in "
            f"{self.rows_with_problems:,} rows; nothing was written"
        )


@dataclass
class ImportResult:
    kind: ImportKind
    filename: str
    created: int
    updated: int
    unchanged: int

    def describe(self) -> str:
        return (
            f"{self.filename}：新增 {self.created:,}，更新 {self.updated:,}，"
            f"未变 {self.unchanged:,} / {self.filename}: {self.created:,} created, "
            f"{self.updated:,} updated, {self.unchanged:,} unchanged"
        )


class ImportRefused(Exception):
    """``import_commit`` was given a report with problems (or none with rows)."""


@dataclass(frozen=True)
class ImportFile:
    """What an audit entry of an import points at: the file, by its content hash."""

    pk: str


# --- checking ----------------------------------------------------------------------------


def _labels(kind: ImportKind) -> dict[str, tuple[str, ...]]:
    return {f.key: f.labels for f in FIELDS[kind]}


def _sha256(source: Source) -> str:
    digest = hashlib.sha256()
    if isinstance(source, bytes):
        digest.update(source)
    elif isinstance(source, str | os.PathLike):
        with open(source, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
    else:
        source.seek(0)
        for block in iter(lambda: source.read(1 << 20), b""):
            digest.update(block)
        source.seek(0)
    return digest.hexdigest()


def import_check(
    *,
    kind: ImportKind | str,
    file: Source,
    filename: str,
    today: date | None = None,
    known_usccs: Collection[str] = (),
    progress: Progress | None = None,
) -> ImportReport:
    """Check a whole file; nothing is written. ``known_usccs``: enterprises of an
    enterprise file committed in the same job, before this one."""
    kind = ImportKind(kind)
    report = ImportReport(kind, Path(filename).name, _sha256(file))
    try:
        table = read_table(file, filename=report.filename, fields=_labels(kind))
    except SpreadsheetError as exc:
        report.problems.append(Problem(0, "", report.filename, exc.zh, exc.en))
        return report

    fields = FIELDS[kind]
    headers = dict(table.headers)
    for fld in fields:
        headers.setdefault(fld.key, fld.zh)
    for fld in fields:
        if fld.required and fld.key not in table.columns:
            report.problems.append(
                Problem(
                    table.header_row,
                    f"{fld.zh} / {fld.en}",
                    "",
                    "缺少必填列",
                    "required column missing",
                )
            )
    for key, text in table.duplicated:
        report.problems.append(
            Problem(
                table.header_row,
                text,
                text,
                f"与另一列重复（均为{headers[key]}）",
                f"a second column for {key}",
            )
        )
    if report.problems:
        return report

    ctx = RowContext(today or timezone.localdate())
    positions = list(table.columns.items())
    uscc_at = table.columns["uscc"]
    total = table.estimated_rows
    try:
        for number, cells in table.rows:
            report.rows_read += 1
            if progress is not None and report.rows_read % _CHUNK == 0:
                progress(report.rows_read, total)
            if uscc_at < len(cells) and cell_text(cells[uscc_at]).upper() == EXAMPLE_USCC:
                report.example_rows += 1
                continue
            width = len(cells)
            values = {key: (cells[col] if col < width else None) for key, col in positions}
            row, problems = validate_row(kind, number, values, headers, ctx)
            if row is not None:
                report.rows.append(row)
            elif len(report.problems) < MAX_PROBLEMS:
                report.problems.extend(problems)
            else:
                report.problems_cut = True
    except SpreadsheetError as exc:
        report.problems.append(Problem(0, "", report.filename, exc.zh, exc.en))
        return report

    _check_across_rows(report, headers, known_usccs)
    report.problems.sort(key=lambda p: (p.row, p.column))
    if progress is not None:
        progress(report.rows_read, report.rows_read)
    return report


def _check_across_rows(
    report: ImportReport, headers: Mapping[str, str], known_usccs: Collection[str]
) -> None:
    kind = report.kind
    bad_rows: set[int] = set()

    def problem(row: Row, key: str, zh: str, en: str) -> None:
        bad_rows.add(row.number)
        report.problems.append(
            Problem(row.number, headers[key], cell_text(row.values.get(key)), zh, en)
        )

    # Duplicates within the file.
    if kind is ImportKind.ENTERPRISES:
        key_of: Callable[[Row], tuple[object, ...]] = lambda r: (r.values["uscc"],)  # noqa: E731
        what = Msg("统一社会信用代码", "unified social credit code")
    elif kind is ImportKind.HONOURS:
        key_of = lambda r: (r.values["uscc"], r.values["kind"], r.values["year"])  # noqa: E731
        what = Msg("企业、称号与年份", "enterprise, honour and year")
    else:
        key_of = lambda r: (r.values["uscc"], r.values["year"])  # noqa: E731
        what = Msg("企业与年份", "enterprise and year")
    first: dict[tuple[object, ...], int] = {}
    for row in report.rows:
        k = key_of(row)
        if k in first:
            bad_rows.add(row.number)
            report.problems.append(
                duplicate_problem(
                    row.number, headers["uscc"], str(row.values["uscc"]), first[k], what
                )
            )
        else:
            first[k] = row.number

    if kind is ImportKind.ENTERPRISES:
        _check_units(report, problem)
        _check_industries(report, problem)
    else:
        usccs = {str(r.values["uscc"]) for r in report.rows}
        registered = _existing_usccs(usccs) | set(known_usccs)
        for row in report.rows:
            if row.values["uscc"] not in registered:
                problem(
                    row,
                    "uscc",
                    "企业名录中没有该统一社会信用代码（本次导入的企业文件中也没有）",
                    "no enterprise with this code in the registry (nor in the enterprise "
                    "file imported with it)",
                )
        if kind is ImportKind.METRICS:
            zero = [r for r in report.rows if r.values.get("land_mu") == Decimal(0)]
            tenants = _tenant_usccs({str(r.values["uscc"]) for r in zero}) if zero else set()
            for row in zero:
                if row.values["uscc"] not in tenants:
                    problem(row, "land_mu", LAND_ZERO.zh, LAND_ZERO.en)
    if bad_rows:
        report.rows = [r for r in report.rows if r.number not in bad_rows]


def _chunks[T](items: Sequence[T], size: int = _CHUNK) -> Iterable[Sequence[T]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _existing_usccs(usccs: set[str]) -> set[str]:
    found: set[str] = set()
    for chunk in _chunks(sorted(usccs)):
        found.update(Enterprise.objects.filter(uscc__in=chunk).values_list("uscc", flat=True))
    return found


def _tenant_usccs(usccs: set[str]) -> set[str]:
    through = Parcel.tenants.through
    found: set[str] = set()
    for chunk in _chunks(sorted(usccs)):
        found.update(
            through.objects.filter(enterprise__uscc__in=chunk).values_list(
                "enterprise__uscc", flat=True
            )
        )
    return found


def _unit_key(text: str) -> str:
    return "".join(text.split()).lower()


def _check_units(report: ImportReport, problem: Callable[[Row, str, str, str], None]) -> None:
    index: dict[str, int] = {}
    names: list[str] = []
    for unit in Unit.objects.order_by("order", "code"):
        names.append(unit.name)
        for label in (unit.code, unit.name, unit.short_name, unit.name_en):
            if label:
                index.setdefault(_unit_key(label), unit.pk)
    listed = "、".join(names[:12]) + ("…" if len(names) > 12 else "")
    for row in report.rows:
        text = str(row.values["unit"])
        unit_id = index.get(_unit_key(text))
        if unit_id is None:
            problem(
                row,
                "unit",
                f"未知属地（应为单位代码或名称，如 {listed}）",
                "unknown unit (give a unit's code or name)",
            )
        else:
            report.units[text] = unit_id


def _check_industries(report: ImportReport, problem: Callable[[Row, str, str, str], None]) -> None:
    table = {code: (pk, level, parent) for pk, code, level, parent in _industry_rows()}
    if not table:
        for row in report.rows:
            problem(
                row,
                "industry",
                "行业代码表尚未载入，请先运行 manage.py industries_load",
                "the industry table is not loaded: run manage.py industries_load",
            )
        return

    def section(code: str) -> str:
        seen = 0
        while code in table and table[code][1] > 1 and seen < 5:
            code = table[code][2] or ""
            seen += 1
        return code

    for row in report.rows:
        given = str(row.values["industry"])
        letter = given[0] if given[:1].isalpha() else ""
        code = given[1:] if letter else given
        if not code:
            problem(
                row,
                "industry",
                "请填写到大类、中类或小类（如 3825），不能只填门类",
                "give a division, group or class (e.g. 3825), not only the section letter",
            )
            continue
        if code not in table:
            problem(
                row,
                "industry",
                f"未知的国民经济行业代码 {code}（GB/T 4754-2017）",
                f"unknown industry code {code} (GB/T 4754-2017)",
            )
            continue
        if letter and section(code) != letter:
            expected = section(code)
            problem(
                row,
                "industry",
                f"行业代码 {code} 属于门类 {expected}，不是 {letter}",
                f"industry code {code} belongs to section {expected}, not {letter}",
            )
            continue
        report.industries[given] = table[code][0]


def _industry_rows() -> list[tuple[int, str, int, str | None]]:
    return [
        (pk, code, level, parent)
        for pk, code, level, parent in Industry.objects.values_list(
            "pk", "code", "level", "parent__code"
        )
    ]


# --- committing --------------------------------------------------------------------------


def import_commit(
    *, actor: User | AnonymousUser | None, report: ImportReport, source_detail: str = ""
) -> ImportResult:
    """Write a checked report, all or nothing; refuses a report with problems."""
    if not report.ok:
        raise ImportRefused(report.describe())
    detail = (source_detail or f"导入文件 {report.filename}")[:300]
    with transaction.atomic():
        if connection.vendor == "postgresql":
            created, updated = _COMMIT_PG[report.kind](report, detail)
        else:
            created, updated = _COMMIT_ORM[report.kind](report, detail)
        result = ImportResult(
            report.kind,
            report.filename,
            created,
            updated,
            len(report.rows) - created - updated,
        )
        title = KIND_TITLES[report.kind]
        audit_log(
            actor=actor,
            action=f"enterprises.import_{report.kind.value}",
            obj=ImportFile(report.sha256[:16]),
            summary=f"导入{title.zh} {result.describe()}",
            data={
                "kind": report.kind.value,
                "filename": report.filename,
                "sha256": report.sha256,
                "rows": len(report.rows),
                "created": created,
                "updated": updated,
                "unchanged": result.unchanged,
                "database": connection.vendor,
            },
        )
    return result


def _uscc_ids(usccs: Iterable[str]) -> dict[str, int]:
    ids: dict[str, int] = {}
    for chunk in _chunks(sorted(set(usccs))):
        ids.update(Enterprise.objects.filter(uscc__in=chunk).values_list("uscc", "pk"))
    return ids


def _merge(obj: Model, values: Mapping[str, object]) -> bool:
    """Set the given (non-empty) values on ``obj``; whether anything changed."""
    changed = False
    for key, value in values.items():
        if value is not None and getattr(obj, key) != value:
            setattr(obj, key, value)
            changed = True
    return changed


def _enterprise_values(report: ImportReport, row: Row) -> dict[str, object]:
    v = row.values
    return {
        "name": v["name"],
        "unit_id": report.units[str(v["unit"])],
        "industry_id": report.industries[str(v["industry"])],
        "scale": v["scale"],
        "founded": v.get("founded"),
        "in_production_since": v.get("in_production_since"),
        "synthetic": False,
    }


def _orm_enterprises(report: ImportReport, detail: str) -> tuple[int, int]:
    now = timezone.now()
    usccs = [str(r.values["uscc"]) for r in report.rows]
    existing: dict[str, Enterprise] = {}
    for chunk in _chunks(usccs):
        existing.update((e.uscc, e) for e in Enterprise.objects.filter(uscc__in=chunk))
    new, changed = [], []
    for row in report.rows:
        values = _enterprise_values(report, row)
        obj = existing.get(str(row.values["uscc"]))
        if obj is None:
            new.append(Enterprise(uscc=str(row.values["uscc"]), **values))
        elif _merge(obj, values):
            obj.updated_at = now
            changed.append(obj)
    Enterprise.objects.bulk_create(new, batch_size=1000)
    fields = [
        "name",
        "unit_id",
        "industry_id",
        "scale",
        "founded",
        "in_production_since",
        "synthetic",
        "updated_at",
    ]
    Enterprise.objects.bulk_update(changed, fields, batch_size=500)
    return len(new), len(changed)


_HONOUR_TEXT = ("level", "exchange", "ticker", "source")
_METRIC_FIELD = {f.key: f for f in METRIC_FIELDS}


def _orm_honours(report: ImportReport, detail: str) -> tuple[int, int]:
    ids = _uscc_ids(str(r.values["uscc"]) for r in report.rows)
    _require_all(report, ids)
    existing = {
        (h.enterprise_id, h.kind, h.year): h
        for chunk in _chunks(sorted(ids.values()))
        for h in Honour.objects.filter(enterprise_id__in=chunk)
    }
    new, changed = [], []
    for row in report.rows:
        v = row.values
        enterprise_id = ids[str(v["uscc"])]
        values = {k: v.get(k) for k in (*_HONOUR_TEXT, "revoked_year")}
        obj = existing.get((enterprise_id, str(v["kind"]), _int(v["year"])))
        if obj is None:
            text = {k: (values[k] or "") for k in _HONOUR_TEXT}
            new.append(
                Honour(
                    enterprise_id=enterprise_id,
                    kind=str(v["kind"]),
                    year=_int(v["year"]),
                    revoked_year=_int(values["revoked_year"]) if values["revoked_year"] else None,
                    **text,
                )
            )
        elif _merge(obj, values):
            changed.append(obj)
    Honour.objects.bulk_create(new, batch_size=1000)
    Honour.objects.bulk_update(changed, [*_HONOUR_TEXT, "revoked_year"], batch_size=500)
    return len(new), len(changed)


def _orm_metrics(report: ImportReport, detail: str) -> tuple[int, int]:
    now = timezone.now()
    ids = _uscc_ids(str(r.values["uscc"]) for r in report.rows)
    _require_all(report, ids)
    existing = {
        (m.enterprise_id, m.year): m
        for chunk in _chunks(sorted(ids.values()))
        for m in AnnualMetric.objects.filter(enterprise_id__in=chunk)
    }
    new, changed = [], []
    for row in report.rows:
        v = row.values
        enterprise_id = ids[str(v["uscc"])]
        values = {
            k: (None if v.get(k) is None else figure(v[k], _METRIC_FIELD[k])) for k in METRIC_KEYS
        }
        row_detail = str(v.get("source_detail") or detail)
        obj = existing.get((enterprise_id, _int(v["year"])))
        if obj is None:
            new.append(
                AnnualMetric(
                    enterprise_id=enterprise_id,
                    year=_int(v["year"]),
                    source="imported",
                    source_detail=row_detail,
                    **values,
                )
            )
        elif _merge(obj, {**values, "source_detail": row_detail}):
            obj.source = "imported"
            obj.entered_at = now
            changed.append(obj)
    AnnualMetric.objects.bulk_create(new, batch_size=1000)
    AnnualMetric.objects.bulk_update(
        changed, [*METRIC_KEYS, "source", "source_detail", "entered_at"], batch_size=500
    )
    return len(new), len(changed)


def _int(value: object) -> int:
    assert isinstance(value, int)
    return value


def _require_all(report: ImportReport, ids: Mapping[str, int]) -> None:
    missing = {str(r.values["uscc"]) for r in report.rows} - set(ids)
    if missing:
        raise ImportRefused(
            f"{len(missing)} 家企业在检查后被删除，未写入 / "
            f"{len(missing)} enterprises vanished since the check; nothing written"
        )


_COMMIT_ORM: Mapping[ImportKind, Callable[[ImportReport, str], tuple[int, int]]] = {
    ImportKind.ENTERPRISES: _orm_enterprises,
    ImportKind.HONOURS: _orm_honours,
    ImportKind.METRICS: _orm_metrics,
}


# PostgreSQL: COPY into a temporary table, then one upsert.


def _pg_upsert(
    *,
    temp_columns: Sequence[tuple[str, str]],
    rows: Iterable[Sequence[object]],
    insert_sql: sql.Composable,
    join_enterprises: bool = False,
) -> tuple[int, int]:
    temp = sql.Identifier("zz_import")
    with connection.cursor() as cursor:
        pg = cursor.cursor
        pg.execute(
            sql.SQL("CREATE TEMP TABLE {} ({}) ON COMMIT DROP").format(
                temp,
                sql.SQL(", ").join(
                    sql.SQL("{} {}").format(sql.Identifier(name), sql.SQL(type_))
                    for name, type_ in temp_columns
                ),
            )
        )
        with pg.copy(
            sql.SQL("COPY {} ({}) FROM STDIN").format(
                temp, sql.SQL(", ").join(sql.Identifier(n) for n, _ in temp_columns)
            )
        ) as copy:
            for values in rows:
                copy.write_row(values)
        if join_enterprises:
            # A firm deleted since the check would be dropped silently by the join.
            pg.execute(
                sql.SQL(
                    "SELECT count(*) FROM {} s LEFT JOIN {} e ON e.{} = s.uscc WHERE e.id IS NULL"
                ).format(temp, _tbl(Enterprise), _col(Enterprise, "uscc"))
            )
            missing = pg.fetchone()
            if missing and missing[0]:
                raise ImportRefused(
                    f"{missing[0]} 行的企业在检查后被删除，未写入 / {missing[0]} rows' "
                    "enterprises vanished since the check; nothing written"
                )
        pg.execute(insert_sql)
        flags = [bool(r[0]) for r in pg.fetchall()]
        pg.execute(sql.SQL("DROP TABLE {}").format(temp))
    created = sum(flags)
    return created, len(flags) - created


def _tbl(model: type[Model]) -> sql.Identifier:
    return sql.Identifier(model._meta.db_table)


def _col(model: type[Model], name: str) -> sql.Identifier:
    fld = model._meta.get_field(name)
    assert isinstance(fld, models.Field)
    assert fld.column is not None
    return sql.Identifier(fld.column)


def _distinct_update(
    model: type[Model], assignments: Sequence[tuple[str, sql.Composable]], always: Sequence[str]
) -> sql.Composable:
    """``SET a = expr, … WHERE (expr, …) IS DISTINCT FROM (t.a, …)``; ``always`` columns are
    set with the others but do not count as a change."""
    sets = [sql.SQL("{} = {}").format(_col(model, n), e) for n, e in assignments]
    sets += [sql.SQL("{0} = EXCLUDED.{0}").format(_col(model, n)) for n in always]
    return sql.SQL("{} WHERE ({}) IS DISTINCT FROM ({})").format(
        sql.SQL(", ").join(sets),
        sql.SQL(", ").join(e for _, e in assignments),
        sql.SQL(", ").join(sql.SQL("t.{}").format(_col(model, n)) for n, _ in assignments),
    )


def _keep(model: type[Model], name: str) -> sql.Composable:
    """An empty cell keeps the stored value."""
    return sql.SQL("COALESCE(EXCLUDED.{0}, t.{0})").format(_col(model, name))


def _keep_text(model: type[Model], name: str) -> sql.Composable:
    return sql.SQL("COALESCE(NULLIF(EXCLUDED.{0}, ''), t.{0})").format(_col(model, name))


def _pg_enterprises(report: ImportReport, detail: str) -> tuple[int, int]:
    E = Enterprise
    cols = ("uscc", "name", "unit_id", "industry_id", "scale", "founded", "in_production_since")
    temp_columns = [
        ("uscc", "varchar(18)"),
        ("name", "varchar(200)"),
        ("unit_id", "bigint"),
        ("industry_id", "bigint"),
        ("scale", "varchar(5)"),
        ("founded", "date"),
        ("in_production_since", "date"),
    ]
    rows = (
        (row.values["uscc"], *list(_enterprise_values(report, row).values())[:-1])
        for row in report.rows
    )
    insert = sql.SQL(
        "INSERT INTO {table} AS t ({cols}, {synthetic}, {updated}) "
        "SELECT {cols}, false, now() FROM zz_import "
        "ON CONFLICT ({uscc}) DO UPDATE SET {update} RETURNING (xmax = 0)"
    ).format(
        table=_tbl(E),
        cols=sql.SQL(", ").join(_col(E, c) for c in cols),
        synthetic=_col(E, "synthetic"),
        updated=_col(E, "updated_at"),
        uscc=_col(E, "uscc"),
        update=_distinct_update(
            E,
            [
                ("name", sql.SQL("EXCLUDED.{}").format(_col(E, "name"))),
                ("unit_id", sql.SQL("EXCLUDED.{}").format(_col(E, "unit_id"))),
                ("industry_id", sql.SQL("EXCLUDED.{}").format(_col(E, "industry_id"))),
                ("scale", sql.SQL("EXCLUDED.{}").format(_col(E, "scale"))),
                ("founded", _keep(E, "founded")),
                ("in_production_since", _keep(E, "in_production_since")),
                ("synthetic", sql.SQL("false")),
            ],
            ["updated_at"],
        ),
    )
    # _enterprise_values ends with ``synthetic``, which the INSERT sets itself.
    return _pg_upsert(temp_columns=temp_columns, rows=rows, insert_sql=insert)


def _pg_honours(report: ImportReport, detail: str) -> tuple[int, int]:
    H = Honour
    temp_columns = [
        ("row_no", "integer"),
        ("uscc", "varchar(18)"),
        ("kind", "varchar(20)"),
        ("year", "smallint"),
        ("level", "varchar(20)"),
        ("exchange", "varchar(20)"),
        ("ticker", "varchar(20)"),
        ("revoked_year", "smallint"),
        ("source", "varchar(300)"),
    ]
    rows = (
        (
            r.number,
            r.values["uscc"],
            r.values["kind"],
            r.values["year"],
            r.values.get("level") or "",
            r.values.get("exchange") or "",
            r.values.get("ticker") or "",
            r.values.get("revoked_year"),
            r.values.get("source") or "",
        )
        for r in report.rows
    )
    insert = sql.SQL(
        "INSERT INTO {table} AS t ({enterprise}, {kind}, {year}, {level}, {exchange}, "
        "{ticker}, {revoked}, {source}) "
        "SELECT e.id, s.kind, s.year, s.level, s.exchange, s.ticker, s.revoked_year, s.source "
        "FROM zz_import s JOIN {enterprises} e ON e.{uscc} = s.uscc "
        "ON CONFLICT ({enterprise}, {kind}, {year}) DO UPDATE SET {update} "
        "RETURNING (xmax = 0)"
    ).format(
        table=_tbl(H),
        enterprise=_col(H, "enterprise"),
        kind=_col(H, "kind"),
        year=_col(H, "year"),
        level=_col(H, "level"),
        exchange=_col(H, "exchange"),
        ticker=_col(H, "ticker"),
        revoked=_col(H, "revoked_year"),
        source=_col(H, "source"),
        enterprises=_tbl(Enterprise),
        uscc=_col(Enterprise, "uscc"),
        update=_distinct_update(
            H,
            [
                ("level", _keep_text(H, "level")),
                ("exchange", _keep_text(H, "exchange")),
                ("ticker", _keep_text(H, "ticker")),
                ("revoked_year", _keep(H, "revoked_year")),
                ("source", _keep_text(H, "source")),
            ],
            [],
        ),
    )
    return _pg_upsert(
        temp_columns=temp_columns, rows=rows, insert_sql=insert, join_enterprises=True
    )


def _pg_metrics(report: ImportReport, detail: str) -> tuple[int, int]:
    M = AnnualMetric
    types = {
        f.key: f"numeric({f.max_digits},{f.decimals})"
        for f in FIELDS[ImportKind.METRICS]
        if f.type == "decimal"
    }
    temp_columns = [
        ("row_no", "integer"),
        ("uscc", "varchar(18)"),
        ("year", "smallint"),
        *((k, types[k]) for k in METRIC_KEYS),
        ("source_detail", "varchar(300)"),
    ]
    rows = (
        (
            r.number,
            r.values["uscc"],
            r.values["year"],
            *(r.values.get(k) for k in METRIC_KEYS),
            r.values.get("source_detail") or detail,
        )
        for r in report.rows
    )
    metric_cols = sql.SQL(", ").join(_col(M, k) for k in METRIC_KEYS)
    insert = sql.SQL(
        "INSERT INTO {table} AS t ({enterprise}, {year}, {metrics}, {source}, {detail}, "
        "{entered}) "
        "SELECT e.id, s.year, {s_metrics}, 'imported', s.source_detail, now() "
        "FROM zz_import s JOIN {enterprises} e ON e.{uscc} = s.uscc "
        "ON CONFLICT ({enterprise}, {year}) DO UPDATE SET {update} RETURNING (xmax = 0)"
    ).format(
        table=_tbl(M),
        enterprise=_col(M, "enterprise"),
        year=_col(M, "year"),
        metrics=metric_cols,
        source=_col(M, "source"),
        detail=_col(M, "source_detail"),
        entered=_col(M, "entered_at"),
        s_metrics=sql.SQL(", ").join(
            sql.SQL("s.{}").format(sql.Identifier(k)) for k in METRIC_KEYS
        ),
        enterprises=_tbl(Enterprise),
        uscc=_col(Enterprise, "uscc"),
        update=_distinct_update(
            M,
            [
                *((k, _keep(M, k)) for k in METRIC_KEYS),
                ("source_detail", sql.SQL("EXCLUDED.{}").format(_col(M, "source_detail"))),
            ],
            ["source", "entered_at"],
        ),
    )
    return _pg_upsert(
        temp_columns=temp_columns, rows=rows, insert_sql=insert, join_enterprises=True
    )


_COMMIT_PG: Mapping[ImportKind, Callable[[ImportReport, str], tuple[int, int]]] = {
    ImportKind.ENTERPRISES: _pg_enterprises,
    ImportKind.HONOURS: _pg_honours,
    ImportKind.METRICS: _pg_metrics,
}


# --- files for the official: error report and templates -----------------------------------


def import_error_report_xlsx(report: ImportReport) -> bytes:
    """Every problem as a row: row, column, value, message in Chinese and in English."""
    title = KIND_TITLES[report.kind]
    lines = [
        f"导入检查：{title.zh} / Import check: {title.en} — {report.filename}",
        f"共 {len(report.problems):,} 个问题，涉及 {report.rows_with_problems:,} 行（共读取 "
        f"{report.rows_read:,} 行）；未写入任何数据 / {len(report.problems):,} problems in "
        f"{report.rows_with_problems:,} of {report.rows_read:,} rows; nothing was written",
        f"文件 SHA-256 / file SHA-256: {report.sha256}",
    ]
    warning = (
        f"问题超过 {MAX_PROBLEMS:,} 个，仅列出前 {MAX_PROBLEMS:,} 个 / more than "
        f"{MAX_PROBLEMS:,} problems: the first {MAX_PROBLEMS:,} are listed"
        if report.problems_cut
        else ""
    )
    sheet = Sheet(
        name="问题 Problems",
        columns=[
            Column("行 / Row", "number", 0, 10),
            Column("列 / Column", max_width=30),
            Column("值 / Value", max_width=30),
            Column("问题", max_width=60),
            Column("Problem", max_width=70),
        ],
        rows=[(p.row, p.column, p.value, p.zh, p.en) for p in report.problems],
        title_lines=lines,
        warning=warning,
    )
    return workbook_bytes([sheet])


_EXAMPLES: Mapping[ImportKind, Mapping[str, object]] = {
    ImportKind.ENTERPRISES: {
        "uscc": EXAMPLE_USCC,
        "name": "示例：嘉兴某某光伏科技有限公司",
        "unit": "330402",
        "industry": "3825",
        "scale": "规上",
        "founded": date(2015, 3, 1),
        "in_production_since": date(2016, 6, 1),
    },
    ImportKind.HONOURS: {
        "uscc": EXAMPLE_USCC,
        "kind": "高新技术企业",
        "year": 2024,
        "level": "国家级",
        "source": "示例：认定公告文号",
    },
    ImportKind.METRICS: {
        "uscc": EXAMPLE_USCC,
        "year": 2024,
        "revenue": 52000.5,
        "main_revenue": 50800,
        "tax": 1850.25,
        "value_added": 11200,
        "land_mu": 85.5,
        "employees": 420,
        "rd": 1650,
        "energy_tce": 3200.5,
        "emissions": 12.4,
        "electricity": 2100,
        "output": 53000,
        "source_detail": "示例：2024 年统计年报",
    },
}


def import_template_xlsx(kind: ImportKind | str) -> bytes:
    """The form to fill in: Chinese headers, English headers, one example row (skipped on
    import), drop-down lists for fixed values, and a sheet explaining each column."""
    kind = ImportKind(kind)
    fields = FIELDS[kind]
    title = KIND_TITLES[kind]
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_numbers": False})
    head = book.add_format(
        {"bold": True, "bg_color": "#1F4E79", "font_color": "#FFFFFF", "text_wrap": True}
    )
    head_required = book.add_format(
        {"bold": True, "bg_color": "#9C2A1E", "font_color": "#FFFFFF", "text_wrap": True}
    )
    head_en = book.add_format({"italic": True, "bg_color": "#DCE6F1", "text_wrap": True})
    example = book.add_format({"italic": True, "font_color": "#7F7F7F"})
    example_date = book.add_format(
        {"italic": True, "font_color": "#7F7F7F", "num_format": "yyyy-mm-dd"}
    )
    text_fmt = book.add_format({"num_format": "@"})
    data = book.add_worksheet(f"{title.zh} {title.en}"[:31])
    for col, fld in enumerate(fields):
        data.write_string(0, col, fld.zh, head_required if fld.required else head)
        data.write_string(1, col, fld.en, head_en)
        value = _EXAMPLES[kind].get(fld.key)
        if isinstance(value, date):
            data.write_datetime(2, col, value, example_date)
        elif isinstance(value, int | float):
            data.write_number(2, col, value, example)
        elif value is not None:
            data.write_string(2, col, str(value), example)
        width = max(12, min(40, len(fld.zh) * 2 + 4, len(fld.en) + 4))
        as_text = fld.type in ("uscc", "industry", "text") or fld.key == "unit"
        data.set_column(col, col, width, text_fmt if as_text else None)
        if fld.choices:
            data.data_validation(
                3,
                col,
                100_000,
                col,
                {
                    "validate": "list",
                    "source": [c.zh for c in fld.choices],
                    "error_type": "warning",
                },
            )
    data.freeze_panes(2, 0)
    notes = book.add_worksheet("说明 Notes")
    notes.write_row(
        0,
        0,
        ["列（中文）", "Column", "必填 / Required", "说明", "Note", "可选值 / Allowed values"],
        head,
    )
    for r, fld in enumerate(fields, start=1):
        allowed = "；".join(f"{c.zh} / {c.en}" for c in fld.choices)
        notes.write_row(
            r,
            0,
            [
                fld.zh,
                fld.en,
                "是 / yes" if fld.required else "",
                fld.note_zh or _type_note(fld.type)[0],
                fld.note_en or _type_note(fld.type)[1],
                allowed,
            ],
        )
    last = len(fields) + 2
    for i, (zh, en) in enumerate(_TEMPLATE_RULES, start=last):
        notes.write_string(i, 0, zh)
        notes.write_string(i, 3, en)
    notes.write_string(
        last + len(_TEMPLATE_RULES),
        0,
        f"第 3 行为示例（统一社会信用代码 {EXAMPLE_USCC}），导入时自动跳过 / "
        "row 3 is an example and is skipped on import",
    )
    notes.set_column(0, 1, 24)
    notes.set_column(2, 2, 14)
    notes.set_column(3, 5, 40)
    book.close()
    return out.getvalue()


def _type_note(type_: str) -> tuple[str, str]:
    return {
        "decimal": ("数字，不能为负", "a number, not negative"),
        "year": ("四位年份，如 2024", "a four-digit year, e.g. 2024"),
        "date": ("日期，如 2021-05-01", "a date, e.g. 2021-05-01"),
    }.get(type_, ("", ""))


_TEMPLATE_RULES = (
    ("空白单元格表示未填报，不会覆盖已有数据", "An empty cell means not reported; it never erases"),
    (
        "整份文件检查通过才会写入，否则下载问题清单修改后重新上传",
        "Nothing is written unless every row passes",
    ),
    (
        "支持 .xlsx、.csv（UTF-8 或 GBK）、.parquet",
        "Accepted: .xlsx, .csv (UTF-8 or GBK), .parquet",
    ),
)


# --- the industry table ------------------------------------------------------------------


@dataclass(frozen=True)
class IndustryLoadResult:
    total: int
    created: int
    updated: int

    def describe(self) -> str:
        return (
            f"国民经济行业分类 {self.total:,} 条：新增 {self.created:,}，更新 {self.updated:,} / "
            f"GB/T 4754-2017: {self.total:,} classes, {self.created:,} created, "
            f"{self.updated:,} updated"
        )


def industry_load_all(
    *, path: Path = INDUSTRY_FILE, actor: User | AnonymousUser | None = None
) -> IndustryLoadResult:
    """Upsert GB/T 4754-2017 from ``data/industries/gb4754-2017.csv`` (code, name, level,
    parent); loading the same file again changes nothing."""
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    codes = {r["code"] for r in rows}
    bad = [r["code"] for r in rows if r["parent"] and r["parent"] not in codes]
    if bad:
        raise ValueError(f"{path}: parents missing for {', '.join(bad[:10])}")
    with transaction.atomic():
        existing = {i.code: i for i in Industry.objects.all()}
        new = [
            Industry(code=r["code"], name=r["name"], level=int(r["level"]))
            for r in rows
            if r["code"] not in existing
        ]
        Industry.objects.bulk_create(new, batch_size=1000)
        by_code = {i.code: i for i in Industry.objects.all()}
        changed: list[Industry] = []
        created = {i.code for i in new}
        for r in rows:
            obj = by_code[r["code"]]
            parent_id = by_code[r["parent"]].pk if r["parent"] else None
            target: dict[str, Any] = {
                "name": r["name"],
                "level": int(r["level"]),
                "parent_id": parent_id,
            }
            if any(getattr(obj, k) != v for k, v in target.items()):
                for k, v in target.items():
                    setattr(obj, k, v)
                changed.append(obj)
        Industry.objects.bulk_update(changed, ["name", "level", "parent_id"], batch_size=500)
        updated = len([i for i in changed if i.code not in created])
        result = IndustryLoadResult(len(rows), len(new), updated)
        if new or updated:
            audit_log(
                actor=actor,
                action="enterprises.industries_load",
                obj=ImportFile(path.name),
                summary=result.describe(),
                data={"file": str(path.name), "created": len(new), "updated": updated},
            )
    return result
