"""The shipped plan file ``data/plans/jiaxing-135n.yaml`` says what the plan says.

Every quantified commitment of the 135N programme (seed/BRIEF.md's table) is written out
by hand below and matched one-to-one against the targets the file loads: clause, indicator,
deadline, comparator, value, unit, kind and scope. Nothing more, nothing less.

Pure Python, no database.
"""

from __future__ import annotations

import re
from collections import Counter
from decimal import Decimal
from pathlib import Path
from typing import NamedTuple

import pytest

from zhizao.plans.planfile import PlanBundle, ResolvedTarget, read_plan_file

ROOT = Path(__file__).resolve().parents[3]
PLAN_PATH = ROOT / "data" / "plans" / "jiaxing-135n.yaml"

EY = (2023, 2027)  # 每年 / every year of the plan

# Traditional-only characters: those of the scraped source text that differ from their
# simplified form, plus a few common ones. None may survive normalisation.
TRADITIONAL = set(
    "來倉個們備傳價億優兩別則創劃動務勞勢勵區協參員問單噸嚴國圍園圖團執堅報場壓學實審專對導屆屬帥帶庫廠廣強從徹態應戰掛揚換揮"
    "撐擁擊擔擴數斷於時會東桿條業極構樓標樹機權歲歷氣決況減準潔濟為烏營爭牽獎獲獻現環產畝發盡盤確碼礎稅種積穩競節籌籠糾約紅納"
    "級紛細組結絡給統絲經綜綠維網緊線編縣總績織繞續義習聯職臨臺與興華萬蓋藍藝藥號術補裝製見規視訂計設許評試認說調請證識譜議護"
    "變讓貝財貢貫責貸費賃資質購賽贏踐蹤車軍軟較載輕轉辦這連進過達選醫鉤銀錯鍵鎮鏈長門閉開間關陣隊際雙電響頁項預領頭題額顒類顯"
    "養馬馳騰驗體魚鳥黃點黨齊龍龜"
)

# An inline pinyin annotation left over from the source, e.g. 產(chǎn).
PINYIN = re.compile(r"\([a-zāáǎàēéěèīíǐìōóǒòūúǔùüǖǘǚǜ]+\)")


class Row(NamedTuple):
    ref: str
    indicator: str  # the indicator's Chinese name in the plan file
    when: int | tuple[int, int] | None  # deadline year, each-year range, or None (rule)
    comparator: str
    value: str | None
    unit: str
    kind: str
    scope: str
    from_text: bool = True  # False: the value is derived (全覆盖, 零的突破, 都要), not written


# seed/BRIEF.md, "Every quantitative commitment in the text", one row per value.
EXPECTED: list[Row] = [
    # 一、(二) 到2025年
    Row("一、(二)", "制造业增加值占GDP比重", 2025, "≥", "42", "%", "level", "city"),
    Row("一、(二)", "规上制造业全员劳动生产率", 2025, "≥", "35", "万元/人", "level", "city"),
    Row("一、(二)", "规上工业亩均税收", 2025, "≥", "37", "万元/亩", "level", "city"),
    Row("一、(二)", "规上工业亩均增加值", 2025, "≥", "240", "万元/亩", "level", "city"),
    Row("一、(二)", "规上制造业企业研发经费占营业收入比重", 2025, "≥", "3.4", "%", "level", "city"),
    Row(
        "一、(二)", "高技术制造业增加值占规上工业增加值比重", 2025, "≥", "19", "%", "level", "city"
    ),
    Row(
        "一、(二)", "高新技术产业增加值占规上工业增加值比重", 2025, "≥", "69", "%", "level", "city"
    ),
    Row("一、(二)", "每万人口高价值发明专利拥有量", 2025, "≥", "18", "件", "level", "city"),
    Row("一、(二)", "全球性先进制造业集群", 2025, "=", "1", "个", "level", "city"),
    Row("一、(二)", "全国性先进制造业集群", 2025, "=", "3", "个", "level", "city"),
    Row("一、(二)", "长三角区域性先进制造业集群", 2025, "=", "5", "个", "level", "city"),
    # 一、(二) 到2027年
    Row("一、(二)", "制造业增加值占全省比重", 2027, "↑", None, "%", "trend", "city"),
    Row("一、(二)", "“135N”集群规上企业营业收入", 2027, ">", "1.2", "万亿元", "level", "city"),
    Row(
        "一、(二)",
        "“135N”集群规上企业营业收入占规上工业比重",
        2027,
        ">",
        "50",
        "%",
        "level",
        "city",
    ),
    Row("一、(二)", "超500亿元特色产业集群", 2027, "≥", "1", "个", "cover", "each_county"),
    Row("一、(二)", "制造业单项冠军企业", 2027, "≥", "25", "家", "cum", "city"),
    Row("一、(二)", "“中国制造业500强”企业", 2027, "≥", "10", "家", "cum", "city"),
    Row("一、(二)", "营收超千亿元企业", 2027, "≥", "5", "家", "cum", "city"),
    Row("一、(二)", "“世界500强”企业", 2027, "≥", "1", "家", "first", "city", False),
    Row("一、(二)", "国家级先进制造业集群", 2027, "≥", "1", "个", "first", "city", False),
    # 二、(一)1.
    Row("二、(一)1.", "低效工业用地改造开发面积", 2027, "≥", "1.6", "万亩", "cum", "city"),
    Row("二、(一)1.", "工业(一般通用厂房)项目容积率", None, "≥", "1.5", "", "rule", "city"),
    Row("二、(一)1.", "工业(一般通用厂房)项目建筑密度", None, "≤", "60", "%", "rule", "city"),
    # 二、(一)2.
    Row("二、(一)2.", "“万亩千亿”新产业平台", 2027, "≥", "5", "家", "cum", "city"),
    Row("二、(一)2.", "省级高新区(工业强县)", 2027, "≥", "1", "", "cover", "each_county", False),
    Row("二、(一)2.", "四星级以上小微企业园", 2027, "≥", "10", "个", "cum", "city"),
    # 二、(一)3.
    Row(
        "二、(一)3.",
        "省级特色产业集群核心区、协同区和“新星”产业群",
        2027,
        "≥",
        "1",
        "",
        "cover",
        "each_county",
        False,
    ),
    # 二、(二)4.
    Row("二、(二)4.", "新招引落地10亿元以上重大制造业项目", EY, "≥", "70", "个", "flow", "city"),
    Row(
        "二、(二)4.", "重大(重点)外资项目清单中制造业项目占比", EY, "≥", "2/3", "", "level", "city"
    ),
    Row("二、(二)4.", "央企战略合作项目落地", 2027, "≥", "10", "个", "cum", "city"),
    # 二、(二)5.
    Row("二、(二)5.", "实施10亿元以上重大项目", EY, "≈", "100", "个", "flow", "city"),
    Row("二、(二)5.", "制造业投资", EY, ">", "1000", "亿元", "flow", "city"),
    Row("二、(二)5.", "制造业投资", 2027, ">", "5000", "亿元", "cum", "city"),
    Row("二、(二)5.", "制造业投资占固定资产投资比重", EY, "≈", "30", "%", "level", "city"),
    Row("二、(二)5.", "技术改造投资占工业投资比重", EY, "≥", "50", "%", "level", "city"),
    # 二、(二)6.
    Row(
        "二、(二)6.",
        "总投资50亿元以上重大制造业项目设立工作服务专班比例",
        None,
        "=",
        "100",
        "%",
        "rule",
        "city",
        False,
    ),
    # 二、(三)8.
    Row("二、(三)8.", "制造业上市企业", 2027, "≥", "100", "家", "level", "city"),
    Row("二、(三)8.", "制造业上市企业总市值", 2027, ">", "1", "万亿元", "level", "city"),
    # 二、(三)9.
    Row("二、(三)9.", "专精特新“小巨人”企业", 2027, "≥", "200", "家", "cum", "city"),
    Row("二、(三)9.", "省级“专精特新”中小企业", 2027, "≥", "1500", "家", "cum", "city"),
    Row("二、(三)9.", "高新技术企业", 2027, "≥", "6000", "家", "level", "city"),
    Row("二、(三)9.", "科技型中小企业", 2027, "≥", "15000", "家", "level", "city"),
    # 二、(三)11.
    Row("二、(三)11.", "市级以上两业融合试点", 2027, "≥", "50", "个", "cum", "city"),
    Row(
        "二、(三)11.",
        "省级以上服务型制造示范企业(平台、项目)",
        2027,
        "≥",
        "100",
        "家",
        "cum",
        "city",
    ),
    # 二、(三)12.
    Row("二、(三)12.", "“丝路领航”重点培育企业", 2027, "=", "50", "家", "level", "city"),
    Row("二、(三)12.", "海外仓", 2027, "≥", "100", "个", "cum", "city"),
    # 二、(四)13.
    Row("二、(四)13.", "开展质量提升行动的特色产业", 2027, "≥", "8", "个", "cum", "city"),
    Row(
        "二、(四)13.",
        "导入卓越绩效等先进质量管理方法的规上企业",
        2027,
        "≥",
        "200",
        "家",
        "cum",
        "city",
    ),
    Row("二、(四)13.", "新增企业首席质量官", 2027, "≥", "260", "人", "new", "city"),
    Row("二、(四)13.", "中国质量奖(制造业领域)", 2027, "≥", "1", "个", "first", "city", False),
    Row("二、(四)13.", "省政府质量奖(含管理创新奖)", 2027, "≥", "6", "个", "cum", "city"),
    # 二、(四)14.
    Row("二、(四)14.", "新增“品字标浙江制造”认证企业", 2027, "≥", "250", "家", "new", "city"),
    Row("二、(四)14.", "国际知名品牌", 2027, "≥", "30", "个", "cum", "city"),
    Row("二、(四)14.", "驰名商标", 2027, "≥", "30", "个", "cum", "city"),
    # 二、(四)15.
    Row("二、(四)15.", "国家、省、市标准创新贡献奖企业", 2027, "≥", "15", "家", "cum", "city"),
    Row("二、(四)15.", "新增主导或参与制(修)订国际标准", 2027, "≥", "5", "项", "new", "city"),
    Row("二、(四)15.", "新增主导或参与制(修)订国家标准", 2027, "≥", "50", "项", "new", "city"),
    Row("二、(四)15.", "制(修)订“浙江制造”标准", 2027, "≥", "100", "项", "new", "city"),
    # 二、(四)16.
    Row("二、(四)16.", "高价值专利组合", 2027, "≥", "30", "个", "cum", "city"),
    Row("二、(四)16.", "国家级知识产权保护中心(快维中心)", 2027, "≥", "3", "家", "cum", "city"),
    Row(
        "二、(四)16.",
        "知识产权纠纷多元化调解组织",
        2027,
        "≥",
        "1",
        "",
        "cover",
        "each_county",
        False,
    ),
    # 二、(五)18.
    Row("二、(五)18.", "数字化改造项目", EY, "≥", "700", "项", "flow", "city"),
    Row("二、(五)18.", "未来工厂", 2027, "≥", "10", "家", "cum", "city"),
    Row("二、(五)18.", "智能工厂(数字化车间)", 2027, "≥", "100", "家", "cum", "city"),
    Row("二、(五)18.", "工业互联网平台", 2027, "≥", "120", "家", "cum", "city"),
    Row("二、(五)18.", "制造业“云上企业”", 2027, "≥", "100", "家", "cum", "city"),
    # 二、(五)19.
    Row("二、(五)19.", "国家级绿色工厂", 2027, "≥", "40", "家", "cum", "city"),
    Row("二、(五)19.", "节约用能", 2027, "≥", "100", "万吨标准煤", "cum", "city"),
    # 二、(六)20.
    Row("二、(六)20.", "市级重点研发项目", EY, "≈", "10", "个", "flow", "city"),
    # 二、(六)23.
    Row("二、(六)23.", "新增省级以上企业技术中心", EY, "≥", "10", "家", "flow", "city"),
    Row("二、(六)23.", "新认定省级研发中心", EY, "≥", "70", "家", "flow", "city"),
    # 三、(一) — from 2024
    Row(
        "三、(一)",
        "土地出让收入提取“腾笼换鸟”专项经费比例",
        (2024, 2027),
        "≥",
        "0.5",
        "%",
        "flow",
        "city",
    ),
    # 三、(二)
    Row("三、(二)", "省高端装备产业集群专项基金落地规模", 2027, "=", "50", "亿元", "level", "city"),
    Row("三、(二)", "各类科创基金总规模", 2027, "≥", "1000", "亿元", "level", "city"),
    # 三、(三)
    Row("三、(三)", "新增制造业中长期贷款", EY, "≥", "200", "亿元", "flow", "city"),
    Row("三、(三)", "科创企业贷款增速", EY, "≥", "18", "%", "level", "city"),
    Row("三、(三)", "上市公司再融资规模", 2027, "≥", "1000", "亿元", "cum", "city"),
    Row("三、(三)", "并购重组金额", 2027, ">", "200", "亿元", "cum", "city"),
    # 三、(四)
    Row("三、(四)", "出让国有建设用地中工业用地比例", EY, "≥", "40", "%", "level", "city"),
    # 三、(六)
    Row("三、(六)", "遴选高端智造人才和团队项目", EY, "≥", "20", "个", "flow", "city"),
    Row("三、(六)", "培育新时代嘉兴工匠", 2027, "≥", "8000", "名", "cum", "city"),
    Row("三、(六)", "技能人才总量", 2027, "≥", "140", "万人", "level", "city"),
]

EXPECTED_TARGET_COUNT = 82

PILLAR_TASKS = {
    "二、(一)": [1, 2, 3],
    "二、(二)": [4, 5, 6, 7],
    "二、(三)": [8, 9, 10, 11, 12],
    "二、(四)": [13, 14, 15, 16],
    "二、(五)": [17, 18, 19],
    "二、(六)": [20, 21, 22, 23],
}


@pytest.fixture(scope="module")
def bundle() -> PlanBundle:
    return read_plan_file(PLAN_PATH, root=ROOT)


def _value_text(target: ResolvedTarget) -> str | None:
    raw = target.definition.value
    if raw is None:
        return None
    if isinstance(raw, str):
        return raw.strip()
    return format(Decimal(str(raw)).normalize(), "f")


def _row_of(bundle: PlanBundle, target: ResolvedTarget) -> Row:
    indicators = {i.code: i for i in bundle.plan.indicators}
    ind = indicators[target.definition.indicator]
    d = target.definition
    when: int | tuple[int, int] | None = (
        (d.each_year[0], d.each_year[1]) if d.each_year is not None else d.year
    )
    return Row(
        target.clause_ref,
        ind.name,
        when,
        target.comparator,
        _value_text(target),
        ind.unit,
        target.kind.value,
        target.scope,
    )


def _key(row: Row) -> tuple[object, ...]:
    return tuple(row[:8])


def _matched(bundle: PlanBundle) -> list[tuple[ResolvedTarget, Row]]:
    expected = {_key(r): r for r in EXPECTED}
    return [(t, expected[_key(_row_of(bundle, t))]) for t in bundle.targets]


def test_expected_table_has_no_duplicates() -> None:
    assert len({_key(r) for r in EXPECTED}) == len(EXPECTED) == EXPECTED_TARGET_COUNT


def test_target_count(bundle: PlanBundle) -> None:
    assert len(bundle.targets) == EXPECTED_TARGET_COUNT
    assert len(bundle.plan.targets) == EXPECTED_TARGET_COUNT


def test_every_commitment_is_a_target_and_nothing_else(bundle: PlanBundle) -> None:
    actual = Counter(_key(_row_of(bundle, t)) for t in bundle.targets)
    expected = Counter(_key(r) for r in EXPECTED)
    missing = expected - actual
    extra = actual - expected
    assert not missing, f"commitments without a target: {sorted(missing, key=str)}"
    assert not extra, f"targets that are no commitment: {sorted(extra, key=str)}"


def test_target_codes_are_unique_slugs(bundle: PlanBundle) -> None:
    codes = [t.definition.code for t in bundle.targets]
    assert len(set(codes)) == len(codes)
    for code in codes:
        assert code == code.lower()
        assert code.isascii()


def test_approximate_targets_carry_a_tolerance(bundle: PlanBundle) -> None:
    for t in bundle.targets:
        if t.comparator == "≈":
            assert t.definition.tolerance == pytest.approx(0.05), t.definition.code
        else:
            assert t.definition.tolerance is None, t.definition.code


def test_cover_all_rows_say_full_coverage(bundle: PlanBundle) -> None:
    for t, row in _matched(bundle):
        if row.kind == "cover" and not row.from_text:
            assert "全覆盖" in t.definition.note, t.definition.code


def test_sentences_contain_their_values(bundle: PlanBundle) -> None:
    for t, row in _matched(bundle):
        if row.value is not None and row.from_text:
            assert row.value in (t.definition.sentence or ""), t.definition.code


def test_sentences_are_normalised_simplified_chinese(bundle: PlanBundle) -> None:
    for t in bundle.targets:
        sentence = t.definition.sentence or ""
        assert sentence.endswith("。"), t.definition.code
        assert "," not in sentence, t.definition.code
        assert "，，" not in sentence, t.definition.code
        assert not PINYIN.search(sentence), t.definition.code
        found = sorted(set(sentence) & TRADITIONAL)
        assert not found, f"{t.definition.code}: traditional characters {found}"


def test_whole_file_has_no_traditional_characters() -> None:
    text = PLAN_PATH.read_text(encoding="utf-8")
    assert not sorted(set(text) & TRADITIONAL)


def test_pillars_and_tasks(bundle: PlanBundle) -> None:
    pillars = bundle.plan.pillars
    assert len(pillars) == 6
    assert [p.number for p in pillars] == [1, 2, 3, 4, 5, 6]
    assert {p.ref: [t.number for t in p.tasks] for p in pillars} == PILLAR_TASKS
    numbers = [t.number for p in pillars for t in p.tasks]
    assert numbers == list(range(1, 24))
    for p in pillars:
        for t in p.tasks:
            assert t.ref == f"{p.ref}{t.number}."
            assert t.title
            assert t.title_en
            assert t.summary
            assert t.summary_en


def test_measures(bundle: PlanBundle) -> None:
    measures = bundle.plan.measures
    assert len(measures) == 7
    assert [m.ref for m in measures] == [f"三、({n})" for n in "一二三四五六七"]
    assert all(m.lead for m in measures)


def test_milestone_codes_are_unique(bundle: PlanBundle) -> None:
    codes = [m.code for p in bundle.plan.pillars for t in p.tasks for m in t.milestones]
    codes += [ms.code for m in bundle.plan.measures for ms in m.milestones]
    assert len(set(codes)) == len(codes)
