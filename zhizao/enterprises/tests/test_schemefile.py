"""The evaluation scheme file: the shipped rule loads; broken files say where and why."""

from __future__ import annotations

from pathlib import Path

import pytest

from zhizao.core.yamlfile import DefinitionFileError
from zhizao.enterprises.evaluation import Benchmark, Cuts, Item
from zhizao.enterprises.schemefile import read_scheme_file, scheme_from_definition

ROOT = Path(__file__).resolve().parents[3]
SHIPPED = ROOT / "data" / "evaluation" / "zhejiang-county-2023.yaml"

MINIMAL = """\
schema: zhizao.evaluation/1
code: test-rule
year: 2024
data_year: 2023
title: 测试办法
title_en: Test rule
issuer: 测试县
source: https://example.org/rule
indicators:
  - {code: tax_per_mu, name: 亩均税收, name_en: Tax per mu, formula: tax / land_mu}
  - {code: va_per_mu, name: 亩均增加值, name_en: VA per mu, formula: value_added / land_mu}
scales:
  above:
    items:
      - {indicator: tax_per_mu, weight: 60, benchmark: {rule: fixed, value: 20}}
      - {indicator: va_per_mu, weight: 40, benchmark: {rule: fixed, value: 100}}
"""


def write(tmp_path: Path, text: str, name: str = "test-rule-2024.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def problems(tmp_path: Path, text: str, name: str = "test-rule-2024.yaml") -> list[str]:
    with pytest.raises(DefinitionFileError) as caught:
        read_scheme_file(write(tmp_path, text, name), root=tmp_path)
    return [str(p) for p in caught.value.problems]


def test_the_shipped_zhejiang_county_rule_loads_with_its_published_figures():
    bundle = read_scheme_file(SHIPPED, root=ROOT)
    scheme = bundle.scheme
    assert bundle.path == "data/evaluation/zhejiang-county-2023.yaml"
    assert (scheme.code, scheme.year) == ("zhejiang-county", 2022)
    assert bundle.definition.year == 2023
    assert scheme.source == "https://www.chacewang.com/newsdetail/news430850.html"
    above = {it.indicator: it for it in scheme.scales["above"].items}
    assert {code: (it.weight, it.benchmark.value) for code, it in above.items()} == {
        "tax_per_mu": (30, 24.097),
        "va_per_mu": (20, 136.16),
        "va_per_energy": (20, 2.694),
        "va_per_emission": (10, 4929.81),
        "labour_productivity": (10, 18.14),
        "rd_share": (10, 3.02),
    }
    assert above["va_per_emission"].missing == "average_points"
    assert scheme.scales["below"].items == (
        Item("tax_per_mu", 50, Benchmark("county_average")),
        Item("tax_per_kwh", 50, Benchmark("county_average")),
    )
    assert scheme.scales["above"].cuts == Cuts("percentile", 20, 60, 95)
    assert [r.code for r in scheme.exemptions] == ["utility", "new_plant", "undetermined"]
    assert scheme.tie_break == ("tax_per_mu",)


def test_a_stored_definition_rebuilds_the_same_scheme():
    bundle = read_scheme_file(SHIPPED, root=ROOT)
    assert scheme_from_definition(bundle.raw) == bundle.scheme


def test_the_content_hash_ignores_comments_and_layout(tmp_path):
    first = read_scheme_file(write(tmp_path, MINIMAL), root=tmp_path)
    reformatted = "# a comment\n" + MINIMAL.replace("weight: 60", "weight:   60")
    second = read_scheme_file(write(tmp_path, reformatted), root=tmp_path)
    assert first.content_hash == second.content_hash
    changed = read_scheme_file(write(tmp_path, MINIMAL.replace("value: 20", "value: 21")))
    assert changed.content_hash != first.content_hash


def test_an_unknown_field_is_located(tmp_path):
    text = MINIMAL.replace("issuer: 测试县", "issuer: 测试县\nissued: 2024")
    assert problems(tmp_path, text) == [
        "test-rule-2024.yaml:8 issued: 未知字段 / Extra inputs are not permitted"
    ]


def test_weights_that_do_not_add_up_to_100_are_located(tmp_path):
    text = MINIMAL.replace("weight: 40", "weight: 30")
    assert problems(tmp_path, text) == [
        "test-rule-2024.yaml:14 scales.above.items: 权重合计为 90，应为 100 / "
        "weights add up to 90, not 100"
    ]


def test_an_unknown_indicator_and_an_unknown_figure_are_located(tmp_path):
    text = MINIMAL.replace("indicator: va_per_mu", "indicator: va_per_m").replace(
        "value_added / land_mu", "value_add / land_mu"
    )
    assert problems(tmp_path, text) == [
        "test-rule-2024.yaml:11 indicators[1].formula: 公式中的未知数据项 'value_add'"
        "（可用：revenue, main_revenue, tax, value_added, land_mu, employees, rd, energy_tce, "
        "emissions, electricity, output） / unknown figure 'value_add' in formula (use: "
        "revenue, main_revenue, tax, value_added, land_mu, employees, rd, energy_tce, "
        "emissions, electricity, output)",
        "test-rule-2024.yaml:16 scales.above.items[1].indicator: 未知指标 'va_per_m' / "
        "unknown indicator 'va_per_m'",
    ]


def test_a_scale_other_than_above_or_below_is_located(tmp_path):
    text = MINIMAL.replace("  above:", "  middle:")
    found = problems(tmp_path, text)
    assert len(found) == 1
    assert found[0].startswith("test-rule-2024.yaml:13 scales.middle: 取值无效 / ")


def test_cuts_out_of_order_and_a_fixed_benchmark_without_value_are_located(tmp_path):
    text = MINIMAL.replace(
        "    items:\n", "    cuts: {method: percentile, A: 60, B: 20, C: 95}\n    items:\n"
    ).replace("{rule: fixed, value: 100}", "{rule: fixed}")
    assert problems(tmp_path, text) == [
        "test-rule-2024.yaml:17 scales.above.items[1].benchmark: 固定基准须给出 value / "
        "a fixed benchmark needs its value",
        "test-rule-2024.yaml:14 scales.above.cuts: 百分位分档应满足 0 < A ≤ B ≤ C ≤ 100"
        "（累计百分比） / percentile cuts need 0 < A ≤ B ≤ C ≤ 100 (cumulative percent)",
    ]


def test_a_file_named_after_another_code_or_year_is_refused(tmp_path):
    assert problems(tmp_path, MINIMAL, name="test-rule-2023.yaml") == [
        "test-rule-2023.yaml:2 code: 文件名应为 test-rule-2024.yaml（代码-评价年度） / "
        "the file should be named test-rule-2024.yaml (code-year)"
    ]


def test_duplicated_reasons_and_an_unknown_tie_break_are_located(tmp_path):
    text = MINIMAL + (
        "tie_break: [tax_per_kwh]\n"
        "vetoes:\n"
        "  - {code: pollution, name: 环境违法, name_en: Pollution}\n"
        "exemptions:\n"
        "  - {code: pollution, grade: T, name: 重复, name_en: Repeated}\n"
    )
    assert problems(tmp_path, text) == [
        "test-rule-2024.yaml:17 tie_break[0]: 同分排序用的未知指标 'tax_per_kwh' / "
        "unknown tie-break indicator 'tax_per_kwh'",
        "test-rule-2024.yaml:21 exemptions[0].code: 原因代码 'pollution' 重复 / "
        "duplicated reason 'pollution'",
    ]


def test_a_yaml_syntax_error_is_located(tmp_path):
    text = MINIMAL.replace("title_en: Test rule", "title_en: [Test rule")
    found = problems(tmp_path, text)
    assert len(found) == 1
    assert found[0].startswith("test-rule-2024.yaml:")
    assert "YAML 语法错误" in found[0]


def test_a_wrong_type_is_located(tmp_path):
    text = MINIMAL.replace("weight: 60", "weight: sixty")
    assert problems(tmp_path, text) == [
        "test-rule-2024.yaml:15 scales.above.items[0].weight: 应为数字 / "
        "Input should be a valid number, unable to parse string as a number"
    ]
