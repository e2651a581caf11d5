"""The plan file is validated whole before anything is written (pure, no database)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from zhizao.core.yamlfile import DefinitionFileError
from zhizao.plans.planfile import read_plan_file

ROOT = Path(__file__).resolve().parents[3]
DATA = ROOT / "data"


def write_plan(tmp_path: Path, mutate) -> Path:
    """Copy the shipped files into tmp_path, apply ``mutate`` to the plan data, write it."""
    for sub in ("units", "departments"):
        shutil.copytree(DATA / sub, tmp_path / sub)
    (tmp_path / "plans").mkdir()
    data = yaml.safe_load((DATA / "plans" / "jiaxing-135n.yaml").read_text("utf-8"))
    mutate(data)
    path = tmp_path / "plans" / "plan.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
    return path


def problems_of(path: Path) -> list[str]:
    with pytest.raises(DefinitionFileError) as info:
        read_plan_file(path, root=path.parent.parent)
    return [str(p) for p in info.value.problems]


def test_shipped_plan_is_valid() -> None:
    bundle = read_plan_file(DATA / "plans" / "jiaxing-135n.yaml", root=ROOT)
    assert bundle.plan.code == "jiaxing-135n"
    assert len(bundle.content_hash) == 64


def line_of(path: Path, needle: str) -> int:
    for number, line in enumerate(path.read_text("utf-8").splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(needle)


def test_unknown_unit_code_in_scope_is_named_with_its_place(tmp_path: Path) -> None:
    def mutate(d: dict[str, Any]) -> None:
        d["targets"][0]["scope"] = "339999"

    path = write_plan(tmp_path, mutate)
    line = line_of(path, "scope: '339999'")
    assert problems_of(path) == [
        f"plans/plan.yaml:{line} targets[0].scope: 未知单位代码 '339999'（范围应为 city、"
        "each_county 或单位代码） / unknown unit code '339999' (scope is city, each_county "
        "or a unit code)"
    ]


def test_duplicated_target_code_is_refused(tmp_path: Path) -> None:
    def mutate(d: dict[str, Any]) -> None:
        copy = dict(d["targets"][0])
        copy["year"] = 2026
        d["targets"].append(copy)

    path = write_plan(tmp_path, mutate)
    last = len(yaml.safe_load(path.read_text("utf-8"))["targets"]) - 1
    code = yaml.safe_load(path.read_text("utf-8"))["targets"][0]["code"]
    problems = problems_of(path)
    assert len(problems) == 1
    assert f"targets[{last}].code: 目标编号 {code!r} 重复（与 targets[0] 相同）" in problems[0]
    assert f"duplicated target code {code!r} (same as targets[0])" in problems[0]


def test_same_commitment_twice_under_another_code_is_refused(tmp_path: Path) -> None:
    def mutate(d: dict[str, Any]) -> None:
        copy = dict(d["targets"][0])
        copy["code"] = "a-second-code"
        d["targets"].append(copy)

    path = write_plan(tmp_path, mutate)
    problems = problems_of(path)
    assert len(problems) == 1
    assert "与 targets[0] 重复（同一指标、年份、范围与比较符）" in problems[0]


def test_bad_comparator_is_refused(tmp_path: Path) -> None:
    def mutate(d: dict[str, Any]) -> None:
        d["targets"][0]["comparator"] = "=>"

    path = write_plan(tmp_path, mutate)
    line = line_of(path, "comparator: =>")
    assert problems_of(path) == [
        f"plans/plan.yaml:{line} targets[0].comparator: 比较符 '=>' 无效，应为 ≥ > ≤ < = ≈ ↑ 之一"
        " / invalid comparator '=>': use one of ≥ > ≤ < = ≈ ↑"
    ]


def test_missing_clause_reference_is_refused(tmp_path: Path) -> None:
    def mutate(d: dict[str, Any]) -> None:
        del d["targets"][0]["ref"]

    path = write_plan(tmp_path, mutate)
    problems = problems_of(path)
    assert len(problems) == 1
    assert problems[0].endswith(
        "targets[0].ref: 缺少条款编号（如 二、(三)9.） / missing clause reference (e.g. 二、(三)9.)"
    )


def test_reference_to_a_clause_that_does_not_exist_is_refused(tmp_path: Path) -> None:
    def mutate(d: dict[str, Any]) -> None:
        d["targets"][0]["ref"] = "二、(九)99."

    path = write_plan(tmp_path, mutate)
    problems = problems_of(path)
    assert len(problems) == 1
    assert "条款编号 '二、(九)99.' 在本计划中不存在" in problems[0]


def test_unknown_field_and_wrong_type_are_reported_together(tmp_path: Path) -> None:
    def mutate(d: dict[str, Any]) -> None:
        d["targets"][0]["colour"] = "red"
        d["start_year"] = "soon"

    path = write_plan(tmp_path, mutate)
    problems = problems_of(path)
    assert len(problems) == 2
    assert any("start_year: 应为整数 / " in p for p in problems)
    assert any(
        "targets[0].colour: 未知字段 / Extra inputs are not permitted" in p for p in problems
    )


def test_unknown_department_in_a_task_is_refused(tmp_path: Path) -> None:
    def mutate(d: dict[str, Any]) -> None:
        d["pillars"][0]["tasks"][0]["lead"] = "nobody"

    path = write_plan(tmp_path, mutate)
    assert problems_of(path)[0].endswith(
        "pillars[0].tasks[0].lead: 未知部门代码 'nobody' / unknown department code 'nobody'"
    )


def test_yaml_aliases_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "bomb.yaml"
    path.write_text('a: &a ["x", "x"]\nb: &b [*a, *a]\nc: [*b, *b]\n', "utf-8")
    problems = problems_of(path)
    assert "不允许使用锚点/别名（& 与 *） / anchors and aliases are not allowed" in problems[0]


def test_duplicated_yaml_key_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "dup.yaml"
    path.write_text("code: a\ncode: b\n", "utf-8")
    assert problems_of(path) == [
        f"{path.parent.name}/dup.yaml:2 code: 键 'code' 重复 / duplicated key 'code'"
    ]


def test_file_that_is_not_utf8_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "gbk.yaml"
    path.write_bytes("标题: 嘉兴".encode("gbk"))
    assert problems_of(path) == [
        f"{path.parent.name}/gbk.yaml (根 / root): 文件不是 UTF-8 编码（第 0 字节） / "
        "file is not UTF-8 (byte 0)"
    ]


def test_committed_json_schema_matches_the_plan_file_models() -> None:
    import json

    from zhizao.plans.planfile import plan_json_schema

    committed = json.loads((DATA / "plans" / "plan.schema.json").read_text("utf-8"))
    assert committed == plan_json_schema()


def test_formula_naming_an_unknown_indicator_is_refused(tmp_path: Path) -> None:
    def mutate(d: dict[str, Any]) -> None:
        d["indicators"][0]["formula"] = "no_such_code / 2"

    path = write_plan(tmp_path, mutate)
    problems = problems_of(path)
    assert len(problems) == 1
    assert problems[0].endswith(
        "indicators[0].formula: 公式中的未知指标 'no_such_code' / "
        "unknown indicator 'no_such_code' in formula"
    )
