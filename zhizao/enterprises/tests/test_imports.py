"""Bulk import: every wrong row reported where it is, nothing written unless all pass;
a good file commits everything; importing it again changes nothing."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import openpyxl
import pytest
import xlsxwriter

from zhizao.core.models import AuditEntry, Unit
from zhizao.enterprises.domain import FIELDS, ImportKind
from zhizao.enterprises.imports import (
    EXAMPLE_USCC,
    ImportRefused,
    import_check,
    import_commit,
    import_error_report_xlsx,
    import_template_xlsx,
    industry_load_all,
)
from zhizao.enterprises.models import AnnualMetric, Enterprise, Honour, Industry, Parcel

TODAY = date(2025, 6, 30)
A = "91330100799655058B"
B = "914403001922038216"
C = "91440300708461136T"


def xlsx(kind: ImportKind, rows, *, keys=None) -> bytes:
    """A file as the template lays it out: Chinese headers, English headers, then rows
    (row 3 onwards)."""
    fields = [f for f in FIELDS[kind] if keys is None or f.key in keys]
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, [f.zh for f in fields])
    sheet.write_row(1, 0, [f.en for f in fields])
    for r, row in enumerate(rows, start=2):
        for c, f in enumerate(fields):
            value = row.get(f.key)
            if value is None:
                continue
            if isinstance(value, int | float):
                sheet.write_number(r, c, value)
            else:
                sheet.write_string(r, c, str(value))
    book.close()
    return out.getvalue()


@pytest.fixture
def registry(db):
    city = Unit.objects.create(code="330400", name="嘉兴市", name_en="Jiaxing", type="city")
    Unit.objects.create(
        code="330402", name="南湖区", name_en="Nanhu", short_name="南湖", type="county", parent=city
    )
    Unit.objects.create(
        code="330481",
        name="海宁市",
        name_en="Haining",
        short_name="海宁",
        type="county",
        parent=city,
    )
    industry_load_all()


def counts():
    return (
        Enterprise.objects.count(),
        AnnualMetric.objects.count(),
        Honour.objects.count(),
        AuditEntry.objects.count(),
    )


def check(kind, data, name="f.xlsx", **kwargs):
    return import_check(kind=kind, file=data, filename=name, today=TODAY, **kwargs)


def located(report):
    return [(p.row, p.column, p.value, p.zh) for p in report.problems]


def enterprise(uscc, name="嘉兴某某科技有限公司", unit="330402", industry="3825", scale="规上"):
    return {"uscc": uscc, "name": name, "unit": unit, "industry": industry, "scale": scale}


def refused_and_nothing_written(report, before):
    assert not report.ok
    with pytest.raises(ImportRefused):
        import_commit(actor=None, report=report)
    assert counts() == before


@pytest.fixture
def firms(registry):
    """A, B, C registered through an import."""
    report = check(
        ImportKind.ENTERPRISES,
        xlsx(ImportKind.ENTERPRISES, [enterprise(A), enterprise(B, unit="海宁"), enterprise(C)]),
    )
    import_commit(actor=None, report=report)


# --- refused files: each problem located, nothing written --------------------------------


def test_a_wrong_check_character_is_reported_and_nothing_written(registry):
    before = counts()
    bad = A[:-1] + "A"
    report = check(
        ImportKind.ENTERPRISES, xlsx(ImportKind.ENTERPRISES, [enterprise(B), enterprise(bad)])
    )
    assert located(report) == [(4, "统一社会信用代码", bad, "校验位错误：校验位应为 B，实为 A")]
    assert report.problems[0].en == ("wrong check character: check character should be B, found A")
    refused_and_nothing_written(report, before)


def test_negative_land_is_reported_and_nothing_written(firms):
    before = counts()
    rows = [
        {"uscc": A, "year": 2024, "land_mu": 30, "tax": 100},
        {"uscc": B, "year": 2024, "land_mu": -12.5, "tax": 80},
    ]
    report = check(ImportKind.METRICS, xlsx(ImportKind.METRICS, rows))
    assert located(report) == [(4, "用地面积(亩)", "-12.5", "不能为负数")]
    refused_and_nothing_written(report, before)


def test_duplicated_rows_are_reported_against_the_first(registry):
    before = counts()
    report = check(
        ImportKind.ENTERPRISES,
        xlsx(ImportKind.ENTERPRISES, [enterprise(A), enterprise(B), enterprise(A, name="又一家")]),
    )
    assert located(report) == [(5, "统一社会信用代码", A, "与第 3 行重复（统一社会信用代码）")]
    refused_and_nothing_written(report, before)


def test_the_same_firm_and_year_twice_is_reported(firms):
    before = counts()
    rows = [
        {"uscc": A, "year": 2024, "tax": 1},
        {"uscc": A, "year": 2023, "tax": 2},
        {"uscc": A, "year": 2024, "tax": 3},
    ]
    report = check(ImportKind.METRICS, xlsx(ImportKind.METRICS, rows))
    assert located(report) == [(5, "统一社会信用代码", A, "与第 3 行重复（企业与年份）")]
    refused_and_nothing_written(report, before)


def test_unknown_units_are_reported(registry):
    before = counts()
    report = check(
        ImportKind.ENTERPRISES,
        xlsx(
            ImportKind.ENTERPRISES,
            [enterprise(A, unit="南湖"), enterprise(B, unit="330499"), enterprise(C, unit="杭州")],
        ),
    )
    assert [(r, col, v) for r, col, v, _ in located(report)] == [
        (4, "属地", "330499"),
        (5, "属地", "杭州"),
    ]
    assert report.problems[0].zh == "未知属地（应为单位代码或名称，如 嘉兴市、南湖区、海宁市）"
    refused_and_nothing_written(report, before)


def test_unknown_industry_codes_are_reported(registry):
    before = counts()
    report = check(
        ImportKind.ENTERPRISES,
        xlsx(
            ImportKind.ENTERPRISES,
            [
                enterprise(A, industry="C3825"),
                enterprise(B, industry="3826"),
                enterprise(C, industry="A3825"),
            ],
        ),
    )
    assert located(report) == [
        (4, "行业代码", "3826", "未知的国民经济行业代码 3826（GB/T 4754-2017）"),
        (5, "行业代码", "A3825", "行业代码 3825 属于门类 C，不是 A"),
    ]
    refused_and_nothing_written(report, before)


def test_figures_of_firms_not_in_the_registry_are_reported(firms):
    before = counts()
    stranger = "91330402MA2B1C3D4T"
    rows = [{"uscc": A, "year": 2024, "tax": 1}, {"uscc": stranger, "year": 2024, "tax": 2}]
    report = check(ImportKind.METRICS, xlsx(ImportKind.METRICS, rows))
    assert located(report) == [
        (
            4,
            "统一社会信用代码",
            stranger,
            "企业名录中没有该统一社会信用代码（本次导入的企业文件中也没有）",
        )
    ]
    refused_and_nothing_written(report, before)
    # Known from an enterprise file imported in the same job, it is accepted.
    assert check(ImportKind.METRICS, xlsx(ImportKind.METRICS, rows), known_usccs={stranger}).ok


def test_every_problem_of_a_file_is_reported_not_just_the_first(firms):
    rows = [
        {"uscc": A, "year": 2031, "land_mu": -1, "tax": "abc"},
        {"uscc": "123", "year": 2024},
    ]
    report = check(ImportKind.METRICS, xlsx(ImportKind.METRICS, rows))
    assert [(r, col) for r, col, _, _ in located(report)] == [
        (3, "实缴税金(万元)"),
        (3, "年份"),
        (3, "用地面积(亩)"),
        (4, "统一社会信用代码"),
    ]


def test_zero_land_is_accepted_only_for_a_tenant(firms):
    rows = [{"uscc": A, "year": 2024, "land_mu": 0}, {"uscc": B, "year": 2024, "land_mu": 0}]
    report = check(ImportKind.METRICS, xlsx(ImportKind.METRICS, rows))
    assert [(r, col) for r, col, _, _ in located(report)] == [
        (3, "用地面积(亩)"),
        (4, "用地面积(亩)"),
    ]
    parcel = Parcel.objects.create(holder=Enterprise.objects.get(uscc=C), area_mu=Decimal(40))
    parcel.tenants.add(Enterprise.objects.get(uscc=A))
    report = check(ImportKind.METRICS, xlsx(ImportKind.METRICS, rows))
    assert [(r, col) for r, col, _, _ in located(report)] == [(4, "用地面积(亩)")]


def test_a_file_missing_a_required_column_is_refused_at_its_header(registry):
    data = xlsx(ImportKind.ENTERPRISES, [enterprise(A)], keys={"uscc", "name", "unit", "scale"})
    report = check(ImportKind.ENTERPRISES, data)
    assert located(report) == [(1, "行业代码 / Industry code", "", "缺少必填列")]


def test_a_hostile_file_becomes_one_located_problem(registry):
    report = check(ImportKind.METRICS, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(64), "old.xls")
    assert located(report) == [
        (0, "", "old.xls", "不支持旧版 .xls 格式，请在 Excel/WPS 中另存为 .xlsx")
    ]


def test_the_error_report_lists_row_column_value_and_both_messages(firms):
    rows = [{"uscc": A, "year": 2024, "land_mu": -3}]
    report = check(ImportKind.METRICS, xlsx(ImportKind.METRICS, rows), "年报.xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(import_error_report_xlsx(report))).active
    values = [list(r) for r in sheet.iter_rows(values_only=True)]
    header = values.index(["行 / Row", "列 / Column", "值 / Value", "问题", "Problem"])
    assert values[0][0] == "导入检查：年度指标 / Import check: Annual figures — 年报.xlsx"
    assert values[header + 1 :] == [[3, "用地面积(亩)", "-3", "不能为负数", "must not be negative"]]


# --- good files ------------------------------------------------------------------------


def test_a_good_enterprise_file_commits_everything(registry):
    before = counts()
    data = xlsx(
        ImportKind.ENTERPRISES,
        [
            {**enterprise(A, unit="南湖区", industry="C3825"), "founded": "2015-03-01"},
            enterprise(B, unit="Haining", industry="3434", scale="规下"),
        ],
    )
    report = check(ImportKind.ENTERPRISES, data, "名录.xlsx")
    assert report.ok
    result = import_commit(actor=None, report=report)
    assert (result.created, result.updated, result.unchanged) == (2, 0, 0)
    assert counts() == (before[0] + 2, before[1], before[2], before[3] + 1)
    a = Enterprise.objects.get(uscc=A)
    assert (a.unit.code, a.industry.code, a.scale, a.founded, a.synthetic) == (
        "330402",
        "3825",
        "above",
        date(2015, 3, 1),
        False,
    )
    b = Enterprise.objects.get(uscc=B)
    assert (b.unit.code, b.industry.code, b.scale) == ("330481", "3434", "below")
    entry = AuditEntry.objects.get(action="enterprises.import_enterprises")
    assert entry.summary == (
        "导入企业名录 名录.xlsx：新增 2，更新 0，未变 0 / "
        "名录.xlsx: 2 created, 0 updated, 0 unchanged"
    )
    assert entry.data["rows"] == 2


def test_reimporting_the_same_file_is_idempotent(firms):
    rows = [
        {"uscc": A, "year": 2024, "revenue": 52000.5, "tax": 1850.25, "land_mu": 85.5},
        {"uscc": B, "year": 2024, "revenue": 800, "tax": 20, "land_mu": 12},
        {"uscc": A, "year": 2023, "revenue": 49000, "tax": 1700, "land_mu": 85.5},
    ]
    data = xlsx(ImportKind.METRICS, rows)
    first = import_commit(actor=None, report=check(ImportKind.METRICS, data))
    assert (first.created, first.updated, first.unchanged) == (3, 0, 0)
    stored = list(AnnualMetric.objects.order_by("pk").values())
    again = import_commit(actor=None, report=check(ImportKind.METRICS, data))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    assert list(AnnualMetric.objects.order_by("pk").values()) == stored
    metric = AnnualMetric.objects.get(enterprise__uscc=A, year=2024)
    assert (metric.revenue, metric.tax, metric.land_mu, metric.source) == (
        Decimal("52000.50"),
        Decimal("1850.25"),
        Decimal("85.500"),
        "imported",
    )
    assert metric.source_detail == "导入文件 f.xlsx"


def test_reimporting_an_enterprise_file_changes_nothing(firms):
    data = xlsx(ImportKind.ENTERPRISES, [enterprise(A), enterprise(B, unit="海宁"), enterprise(C)])
    stored = list(Enterprise.objects.order_by("pk").values())
    result = import_commit(actor=None, report=check(ImportKind.ENTERPRISES, data))
    assert (result.created, result.updated, result.unchanged) == (0, 0, 3)
    assert list(Enterprise.objects.order_by("pk").values()) == stored


def test_empty_cells_keep_stored_figures_and_given_ones_update(firms):
    import_commit(
        actor=None,
        report=check(
            ImportKind.METRICS,
            xlsx(ImportKind.METRICS, [{"uscc": A, "year": 2024, "tax": 100, "land_mu": 30}]),
        ),
    )
    energy_file = xlsx(
        ImportKind.METRICS, [{"uscc": A, "year": 2024, "energy_tce": 900, "tax": 120}]
    )
    result = import_commit(actor=None, report=check(ImportKind.METRICS, energy_file))
    assert (result.created, result.updated, result.unchanged) == (0, 1, 0)
    metric = AnnualMetric.objects.get(enterprise__uscc=A, year=2024)
    assert (metric.tax, metric.land_mu, metric.energy_tce) == (
        Decimal("120.00"),
        Decimal("30.000"),
        Decimal("900.000"),
    )


def test_honours_are_imported_and_reimported_unchanged(firms):
    rows = [
        {"uscc": A, "kind": "小巨人", "year": 2023, "level": "国家级", "source": "工信部公告"},
        {"uscc": B, "kind": "上市企业", "year": 2021, "exchange": "深交所", "ticker": "300750"},
    ]
    data = xlsx(ImportKind.HONOURS, rows)
    first = import_commit(actor=None, report=check(ImportKind.HONOURS, data))
    assert (first.created, first.updated) == (2, 0)
    listed = Honour.objects.get(enterprise__uscc=B)
    assert (listed.kind, listed.exchange, listed.ticker, listed.level) == (
        "listed",
        "SZSE",
        "300750",
        "",
    )
    again = import_commit(actor=None, report=check(ImportKind.HONOURS, data))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)


def test_csv_and_parquet_files_import_like_xlsx(firms):
    import polars as pl

    text = f'统一社会信用代码,年份,实缴税金(万元)\n{A},2024,"1,200.5"\n'
    report = check(ImportKind.METRICS, text.encode("gb18030"), "税务.csv")
    assert report.ok
    assert report.rows[0].values["tax"] == Decimal("1200.50")
    buffer = io.BytesIO()
    pl.DataFrame({"USCC": [B], "Year": [2024], "Land (mu)": [12.25]}).write_parquet(buffer)
    report = check(ImportKind.METRICS, buffer.getvalue(), "land.parquet")
    assert report.ok
    assert (report.rows[0].number, report.rows[0].values["land_mu"]) == (2, 12.25)
    import_commit(actor=None, report=report)
    assert AnnualMetric.objects.get(enterprise__uscc=B).land_mu == Decimal("12.250")


def test_the_template_example_row_is_skipped(registry):
    for kind in ImportKind:
        template = import_template_xlsx(kind)
        report = check(kind, template, "模板.xlsx")
        assert (report.rows_read, report.example_rows, report.problems, report.ok) == (
            1,
            1,
            [],
            False,
        )
        sheet = openpyxl.load_workbook(io.BytesIO(template)).worksheets[0]
        assert [c.value for c in sheet[1]] == [f.zh for f in FIELDS[kind]]
        assert [c.value for c in sheet[2]] == [f.en for f in FIELDS[kind]]
        assert sheet["A3"].value == EXAMPLE_USCC


def test_the_industry_table_loads_once(db):
    first = industry_load_all()
    assert (first.total, first.created, first.updated) == (1971, 1971, 0)
    again = industry_load_all()
    assert (again.created, again.updated) == (0, 0)
    pv = Industry.objects.select_related("parent__parent").get(code="3825")
    assert pv.parent is not None
    assert pv.parent.parent is not None
    assert (pv.name, pv.level, pv.parent.code, pv.parent.parent.code) == (
        "光伏设备及元器件制造",
        4,
        "382",
        "38",
    )
    assert Industry.objects.filter(level=1).count() == 20
    assert Industry.objects.filter(level=2).count() == 97


def test_an_import_job_checks_and_commits_in_the_background(
    firms, django_capture_on_commit_callbacks, settings, tmp_path
):
    from zhizao.enterprises.import_tasks import import_job_get, import_job_start

    settings.VAR_DIR = tmp_path
    data = xlsx(ImportKind.METRICS, [{"uscc": C, "year": 2024, "tax": 5}])
    with django_capture_on_commit_callbacks(execute=True):
        job_id = import_job_start(actor=None, kind="metrics", upload=data, filename="m.xlsx")
    job = import_job_get(job_id)
    assert job is not None
    assert (job["status"], job["created"], job["rows_read"]) == ("done", 1, 1)
    bad = xlsx(ImportKind.METRICS, [{"uscc": C, "year": 2024, "tax": -5}])
    with django_capture_on_commit_callbacks(execute=True):
        job_id = import_job_start(actor=None, kind="metrics", upload=bad, filename="bad.xlsx")
    job = import_job_get(job_id)
    assert job is not None
    assert (job["status"], job["problems"]) == ("refused", 1)
    assert (tmp_path / "imports" / job_id / "errors.xlsx").exists()
