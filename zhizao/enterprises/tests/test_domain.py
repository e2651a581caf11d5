"""Import rules of the enterprise registry, without a database."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest

from zhizao.enterprises.domain import (
    FIELDS,
    HONOUR_KINDS,
    USCC_WEIGHTS,
    ImportKind,
    RowContext,
    figure,
    industry_code_parse,
    uscc_check_char,
    uscc_is_valid,
    uscc_normalise,
    uscc_problem,
    validate_row,
)

CTX = RowContext(today=date(2025, 6, 30))

# Codes published by large firms (registers are public); the check characters below were
# computed with GB 32100-2015's weights and agree with the published codes, which is what
# makes them a test of the algorithm rather than of itself.
PUBLISHED = ["91330100799655058B", "914403001922038216", "91440300708461136T"]


@pytest.mark.parametrize("code", PUBLISHED)
def test_published_codes_are_valid(code):
    assert uscc_problem(code) is None
    assert uscc_check_char(code[:17]) == code[17]


@pytest.mark.parametrize(
    ("first17", "check"),
    [
        ("91330402MA2B1C3D4", "T"),  # 南湖区: Σ = 1989, 1989 mod 31 = 5, 31 - 5 = 26 → T
        ("91330481MA28A0XK7", "J"),  # 海宁市: Σ = 2369, mod 31 = 13, 31 - 13 = 18 → J
        ("91330400000000000", "Q"),  # 嘉兴市: Σ = 224, mod 31 = 7, 31 - 7 = 24 → Q
    ],
)
def test_check_character_is_computed_from_the_weights(first17, check):
    assert uscc_check_char(first17) == check


def test_check_character_31_becomes_0():
    # A body whose weighted sum is a multiple of 31 gets 31 - 0 = 31, written 0.
    body = next(
        f"9133040200000{n:04d}"
        for n in range(10_000)
        if uscc_check_char(f"9133040200000{n:04d}") == "0"
    )
    total = sum(
        "0123456789ABCDEFGHJKLMNPQRTUWXY".index(c) * w
        for c, w in zip(body, USCC_WEIGHTS, strict=True)
    )
    assert total % 31 == 0


def test_wrong_check_character_names_the_expected_one():
    problem = uscc_problem("91330100799655058A")
    assert problem is not None
    assert problem.zh == "校验位错误：校验位应为 B，实为 A"
    assert problem.en == "wrong check character: check character should be B, found A"


@pytest.mark.parametrize(
    ("code", "zh"),
    [
        ("9133010079965505", "统一社会信用代码应为 18 位，实为 16 位"),
        ("91330100799655O58B", "含不允许的字符 O（不使用 I O S V Z）"),
        ("9133A100799655058B", "第 3-8 位应为行政区划代码（6 位数字），实为 33A100"),
    ],
)
def test_malformed_codes_are_refused_with_the_reason(code, zh):
    problem = uscc_problem(code)
    assert problem is not None
    assert problem.zh == zh


def test_codes_are_normalised_before_checking():
    assert uscc_normalise(" ９１３３０１００７９９６５５０５８ｂ ") == "91330100799655058B"
    assert uscc_is_valid("91330100 799655058b")


@pytest.mark.parametrize(
    ("text", "parsed"),
    [("C3825", ("C", "3825")), ("3825", ("", "3825")), ("c38", ("C", "38")), ("C", ("C", ""))],
)
def test_industry_codes_keep_an_optional_section_letter(text, parsed):
    assert industry_code_parse(text) == parsed


@pytest.mark.parametrize("text", ["38255", "Z3825", "3", "光伏"])
def test_malformed_industry_codes_are_not_parsed(text):
    assert industry_code_parse(text) is None


def test_honour_kinds_match_the_model():
    from zhizao.enterprises.models import HonourKind

    assert [c.value for c in HONOUR_KINDS] == list(HonourKind.values)


# --- rows --------------------------------------------------------------------------------

HEADERS = {f.key: f.zh for k in ImportKind for f in FIELDS[k]}
FIELD = {f.key: f for f in FIELDS[ImportKind.METRICS]}


def metric_row(**cells):
    base = {"uscc": "91330100799655058B", "year": 2024}
    return validate_row(ImportKind.METRICS, 7, {**base, **cells}, HEADERS, CTX)


def test_a_good_metric_row_is_parsed_to_figures_with_the_field_places():
    row, problems = metric_row(revenue="12,345.678", land_mu=85.5, employees="420", tax=None)
    assert problems == []
    assert row is not None
    assert row.values == {
        "uscc": "91330100799655058B",
        "year": 2024,
        "revenue": Decimal("12345.68"),
        "land_mu": 85.5,  # a number cell stays a float until it is stored
        "employees": Decimal("420.0"),
    }
    assert figure(row.values["land_mu"], FIELD["land_mu"]) == Decimal("85.500")


@pytest.mark.parametrize(
    ("value", "key", "stored"),
    [
        (2.675, "tax", Decimal("2.68")),  # half-up on the written digits, as officials expect
        (0.125, "revenue", Decimal("0.13")),
        (-0.125, "value_added", Decimal("-0.13")),
        (1234.56789, "land_mu", Decimal("1234.568")),
        (99.95, "employees", Decimal("100.0")),
    ],
)
def test_figures_are_rounded_half_up_to_their_column(value, key, stored):
    row, problems = metric_row(**{key: value})
    assert problems == []
    assert row is not None
    assert figure(row.values[key], FIELD[key]) == stored


def test_negative_land_is_refused_with_row_column_and_value():
    row, problems = metric_row(land_mu=-3)
    assert row is None
    assert [(p.row, p.column, p.value, p.zh, p.en) for p in problems] == [
        (7, "用地面积(亩)", "-3", "不能为负数", "must not be negative")
    ]


def test_negative_value_added_is_allowed():
    row, problems = metric_row(value_added="-120.5")
    assert problems == []
    assert row is not None
    assert row.values["value_added"] == Decimal("-120.50")


@pytest.mark.parametrize("key", ["tax", "revenue", "energy_tce", "electricity", "employees"])
def test_other_negative_figures_are_refused(key):
    _, problems = metric_row(**{key: -1})
    assert [p.zh for p in problems] == ["不能为负数"]


@pytest.mark.parametrize(
    ("cells", "zh"),
    [
        ({"revenue": "十万"}, "应为数字"),
        ({"revenue": True}, "应为数字"),
        ({"revenue": float("inf")}, "应为数字"),
        ({"land_mu": 1e10}, "数值过大（应小于 1,000,000,000）"),
        ({"year": 2026}, "年份应在 1990-2025 之间"),
        ({"year": "24"}, "应为四位年份"),
        ({"year": None}, "必填项为空"),
        ({"uscc": 914403001922038216}, "统一社会信用代码须以文本格式填写（数值格式会丢失末几位）"),
    ],
)
def test_bad_metric_cells_are_refused(cells, zh):
    row, problems = metric_row(**cells)
    assert row is None
    assert [p.zh for p in problems] == [zh]


def test_a_year_written_with_nian_is_read():
    row, _ = metric_row(year="2023年")
    assert row is not None
    assert row.values["year"] == 2023


def test_dash_blank_and_nan_mean_not_reported():
    # NaN is how a data frame written to parquet marks a missing figure.
    row, problems = metric_row(tax="—", rd=" ", output="-", electricity=float("nan"))
    assert problems == []
    assert row is not None
    assert "tax" not in row.values
    assert "rd" not in row.values
    assert "output" not in row.values
    assert "electricity" not in row.values


def enterprise_row(**cells):
    base = {
        "uscc": "91330100799655058B",
        "name": "嘉兴某某光伏科技有限公司",
        "unit": 330402.0,
        "industry": "C3825",
        "scale": "规上",
    }
    return validate_row(ImportKind.ENTERPRISES, 3, {**base, **cells}, HEADERS, CTX)


def test_a_good_enterprise_row_is_normalised():
    row, problems = enterprise_row(founded="2015/3/1", in_production_since=datetime(2016, 6, 1))
    assert problems == []
    assert row is not None
    assert row.values == {
        "uscc": "91330100799655058B",
        "name": "嘉兴某某光伏科技有限公司",
        "unit": "330402",
        "industry": "C3825",
        "scale": "above",
        "founded": date(2015, 3, 1),
        "in_production_since": date(2016, 6, 1),
    }


@pytest.mark.parametrize(
    ("cells", "column", "zh"),
    [
        ({"scale": "大型"}, "规模", "应为以下之一：规上、规下"),
        ({"name": ""}, "企业名称", "必填项为空"),
        ({"industry": "光伏"}, "行业代码", "不是国民经济行业代码（如 3825 或 C3825）"),
        ({"founded": "2030-01-01"}, "成立日期", "日期不能晚于今天"),
        ({"founded": "2015-02-30"}, "成立日期", "不是有效日期"),
        (
            {"founded": "2016-01-01", "in_production_since": "2015-01-01"},
            "投产日期",
            "投产日期早于成立日期",
        ),
        ({"uscc": "91330100799655058A"}, "统一社会信用代码", "校验位错误：校验位应为 B，实为 A"),
    ],
)
def test_bad_enterprise_cells_are_located(cells, column, zh):
    row, problems = enterprise_row(**cells)
    assert row is None
    assert [(p.row, p.column, p.zh) for p in problems] == [(3, column, zh)]


def test_scale_accepts_english_and_long_chinese():
    assert enterprise_row(scale="below")[0].values["scale"] == "below"
    assert enterprise_row(scale="规模以上")[0].values["scale"] == "above"


def honour_row(**cells):
    base = {"uscc": "91330100799655058B", "kind": "小巨人", "year": 2023}
    return validate_row(ImportKind.HONOURS, 4, {**base, **cells}, HEADERS, CTX)


def test_honour_kinds_are_read_from_aliases_and_quotes():
    assert honour_row()[0].values["kind"] == "little_giant"
    assert honour_row(kind="专精特新“小巨人”")[0].values["kind"] == "little_giant"
    assert honour_row(kind='专精特新"小巨人"')[0].values["kind"] == "little_giant"
    assert honour_row(kind="High-tech enterprise")[0].values["kind"] == "high_tech"


def test_a_listing_needs_exchange_and_a_six_digit_a_share_ticker():
    _, problems = honour_row(kind="上市企业")
    assert [(p.column, p.zh) for p in problems] == [
        ("交易所", "上市企业须填交易所"),
        ("证券代码", "上市企业须填证券代码"),
    ]
    _, problems = honour_row(kind="上市企业", exchange="深交所", ticker="30075")
    assert [(p.column, p.zh) for p in problems] == [("证券代码", "A 股证券代码应为 6 位数字")]
    row, problems = honour_row(kind="上市企业", exchange="上交所", ticker=600519.0)
    assert problems == []
    assert row is not None
    assert (row.values["exchange"], row.values["ticker"]) == ("SSE", "600519")


def test_exchange_is_refused_for_other_honours():
    _, problems = honour_row(exchange="SSE")
    assert [(p.column, p.zh) for p in problems] == [("交易所", "仅上市企业填写")]


def test_revoked_before_awarded_is_refused():
    _, problems = honour_row(revoked_year=2020)
    assert [(p.column, p.zh) for p in problems] == [("撤销年份", "撤销年份早于认定年份")]
