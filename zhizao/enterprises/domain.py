"""Rules for the enterprise registry's bulk import (issue 4, item 6), in the programme's terms.

- An enterprise is keyed by its 统一社会信用代码 (USCC, GB 32100-2015 §4): 18 characters from
  ``0-9 A-H J-N P-R T-U W-Y``; characters 3-8 are the registering authority's 6-digit
  region code; the 18th is a check character, ``31 - (Σ value × weight mod 31)`` with the
  weights ``1 3 9 27 19 26 16 17 20 29 25 13 8 24 10 30 28`` (31 becomes 0). Officials keep
  the code in Excel: a code typed into a number cell has lost its last digits, so a number
  is refused rather than guessed.
- The industry is a GB/T 4754-2017 code (门类 letter optional: ``C3825`` or ``3825``).
- Each row of an import file is checked on its own here (types, ranges, required fields,
  allowed values); what needs other rows or the database (duplicates, unknown units,
  industries and enterprises) is checked by ``imports.py`` with the helpers below. Every
  problem is located: row number as in the file, the column's header as written there, the
  value, and a message in Chinese and English.
- Figures are 万元, 亩, 人, 吨标煤, 吨, 万千瓦时, rounded half-up to the places of their
  column (``figure``). None may be negative except 工业增加值 (a firm
  whose intermediate consumption exceeds its output has a negative value added). Land may
  be 0 only for a tenant on another firm's parcel, whose figures are evaluated on the
  holder's land (DOMAIN.md, 亩均: "tenants … merged onto the land holder"); for anyone else
  0 亩 would make every 亩均 figure a division by zero. An empty cell means "not reported"
  and never overwrites a stored figure.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from enum import StrEnum
from operator import mul

# --- USCC (GB 32100-2015) -------------------------------------------------------------

USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_USCC_VALUE = {c: i for i, c in enumerate(USCC_CHARSET)}
_FULLWIDTH = str.maketrans(
    "０１２３４５６７８９ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺ"
    "ａｂｃｄｅｆｇｈｉｊｋｌｍｎｏｐｑｒｓｔｕｖｗｘｙｚ，．－（）　",
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz,.-() ",
)


@dataclass(frozen=True, slots=True)
class Msg:
    zh: str
    en: str

    def __str__(self) -> str:
        return f"{self.zh} / {self.en}"


def uscc_normalise(value: str) -> str:
    """Upper case, half-width, without blanks (as officials paste it from documents)."""
    return "".join(value.translate(_FULLWIDTH).split()).upper()


def uscc_check_char(first17: str) -> str:
    """The check character GB 32100-2015 gives for the first 17 characters."""
    if len(first17) != 17 or any(c not in _USCC_VALUE for c in first17):
        raise ValueError(f"not 17 USCC characters: {first17!r}")
    total = sum(map(mul, map(_USCC_VALUE.__getitem__, first17), USCC_WEIGHTS))
    return USCC_CHARSET[(31 - total % 31) % 31]


def uscc_problem(code: str) -> Msg | None:
    """What is wrong with a (normalised) USCC, or None when it is valid."""
    if len(code) != 18:
        return Msg(
            f"统一社会信用代码应为 18 位，实为 {len(code)} 位",
            f"a unified social credit code has 18 characters, this one has {len(code)}",
        )
    bad = sorted({c for c in code if c not in _USCC_VALUE})
    if bad:
        chars = " ".join(bad)
        return Msg(
            f"含不允许的字符 {chars}（不使用 I O S V Z）",
            f"contains characters not allowed: {chars} (I O S V Z are never used)",
        )
    if not code[2:8].isdigit():
        return Msg(
            f"第 3-8 位应为行政区划代码（6 位数字），实为 {code[2:8]}",
            f"characters 3-8 must be the 6-digit region code, found {code[2:8]}",
        )
    expected = uscc_check_char(code[:17])
    if code[17] != expected:
        return Msg(
            f"校验位错误：校验位应为 {expected}，实为 {code[17]}",
            f"wrong check character: check character should be {expected}, found {code[17]}",
        )
    return None


def uscc_is_valid(code: str) -> bool:
    return uscc_problem(uscc_normalise(code)) is None


# --- GB/T 4754-2017 codes ----------------------------------------------------------------

_INDUSTRY_RE = re.compile(r"^([A-T])?(\d{2,4})$|^([A-T])$")


def industry_code_parse(text: str) -> tuple[str, str] | None:
    """``"C3825"`` → ``("C", "3825")``, ``"3825"`` → ``("", "3825")``, ``"C"`` → ``("C", "")``;
    None when it is not shaped like a GB/T 4754 code. Whether it exists is the table's
    business (imports.py)."""
    m = _INDUSTRY_RE.match(uscc_normalise(text).replace(".", ""))
    if m is None:
        return None
    if m.group(3):
        return m.group(3), ""
    return m.group(1) or "", m.group(2)


# --- import kinds, their columns and their allowed values --------------------------------


class ImportKind(StrEnum):
    ENTERPRISES = "enterprises"
    HONOURS = "honours"
    METRICS = "metrics"


@dataclass(frozen=True, slots=True)
class Choice:
    value: str
    zh: str
    en: str
    aliases: tuple[str, ...] = ()


SCALES = (
    Choice("above", "规上", "above scale", ("规模以上", "规上企业", "above")),
    Choice("below", "规下", "below scale", ("规模以下", "规下企业", "below")),
)
# Mirrors models.HonourKind (a test keeps them equal); the domain cannot import models.
HONOUR_KINDS = (
    Choice(
        "single_champion",
        "制造业单项冠军",
        "manufacturing single champion",
        ("单项冠军", "单项冠军企业", "单项冠军产品"),
    ),
    Choice(
        "little_giant",
        "专精特新“小巨人”",
        "little giant (national specialised SME)",
        ("小巨人", "专精特新小巨人", "国家级专精特新小巨人", "little giant"),
    ),
    Choice(
        "provincial_srdi",
        "省级专精特新中小企业",
        "provincial specialised SME",
        ("省级专精特新", "省专精特新"),
    ),
    Choice("high_tech", "高新技术企业", "high-tech enterprise", ("国家高新技术企业", "高企")),
    Choice("tech_sme", "科技型中小企业", "tech-based SME", ("科技型中小",)),
    Choice("listed", "上市企业", "listed company", ("上市公司", "上市")),
    Choice(
        "china_top500_mfg",
        "中国制造业500强",
        "China top 500 manufacturers",
        ("制造业500强", "中国制造业企业500强"),
    ),
    Choice("fortune_global500", "世界500强", "Fortune Global 500", ("财富世界500强",)),
    Choice(
        "revenue_100bn", "营收超千亿企业", "revenue over 100 bn yuan", ("营收超千亿", "千亿企业")
    ),
    Choice("future_factory", "未来工厂", "future factory", ()),
    Choice(
        "smart_factory",
        "智能工厂/数字化车间",
        "smart factory / digital workshop",
        ("智能工厂", "数字化车间", "智能工厂（数字化车间）"),
    ),
    Choice("green_factory", "国家级绿色工厂", "national green factory", ("绿色工厂",)),
    Choice("cloud_firm", "云上企业", "cloud enterprise", ("上云企业",)),
)
HONOUR_LEVELS = (
    Choice("国家级", "国家级", "national", ("国家", "national")),
    Choice("省级", "省级", "provincial", ("省", "provincial")),
    Choice("市级", "市级", "municipal", ("市", "municipal", "city")),
    Choice("县级", "县级", "county", ("县", "区级", "county")),
)
EXCHANGES = (
    Choice("SSE", "上海证券交易所", "Shanghai Stock Exchange", ("上交所", "沪市", "上证", "sh")),
    Choice("SZSE", "深圳证券交易所", "Shenzhen Stock Exchange", ("深交所", "深市", "sz")),
    Choice("BSE", "北京证券交易所", "Beijing Stock Exchange", ("北交所", "bj")),
    Choice("HKEX", "香港交易所", "Hong Kong Exchanges", ("港交所", "香港联交所", "hk")),
    Choice("NASDAQ", "纳斯达克", "NASDAQ", ()),
    Choice("NYSE", "纽约证券交易所", "New York Stock Exchange", ("纽交所",)),
    Choice("OTHER", "其他交易所", "other exchange", ("其他", "other")),
)
_A_SHARE = {"SSE", "SZSE", "BSE"}


@dataclass(frozen=True, slots=True)
class Field:
    """A column of an import file: key, headers in Chinese and English, type and range."""

    key: str
    zh: str
    en: str
    type: str  # uscc | text | year | decimal | date | choice | industry
    required: bool = False
    aliases: tuple[str, ...] = ()
    max_length: int = 200
    max_digits: int = 16
    decimals: int = 2
    negative: bool = False
    choices: tuple[Choice, ...] = ()
    note_zh: str = ""
    note_en: str = ""

    @property
    def labels(self) -> tuple[str, ...]:
        return (self.zh, self.en, self.key, *self.aliases)


def _metric(
    key: str, zh: str, en: str, *, digits: int = 16, decimals: int = 2, negative: bool = False
) -> Field:
    return Field(
        key,
        zh,
        en,
        "decimal",
        max_digits=digits,
        decimals=decimals,
        negative=negative,
        aliases=(zh.split("(")[0],),
    )


USCC_FIELD = Field(
    "uscc",
    "统一社会信用代码",
    "Unified social credit code",
    "uscc",
    required=True,
    aliases=("信用代码", "社会信用代码", "USCC"),
    note_zh="18 位，请以文本格式填写",
    note_en="18 characters, entered as text",
)
METRIC_FIELDS = (
    _metric("revenue", "营业收入(万元)", "Revenue (10k yuan)"),
    _metric("main_revenue", "主营业务收入(万元)", "Main business revenue (10k yuan)"),
    _metric("tax", "实缴税金(万元)", "Tax paid (10k yuan)"),
    _metric("value_added", "工业增加值(万元)", "Value added (10k yuan)", negative=True),
    _metric("land_mu", "用地面积(亩)", "Land (mu)", digits=12, decimals=3),
    _metric("employees", "年平均职工人数", "Average employees", digits=10, decimals=1),
    _metric("rd", "研发经费(万元)", "R&D spending (10k yuan)"),
    _metric("energy_tce", "综合能耗(吨标煤)", "Energy use (tce)", decimals=3),
    _metric("emissions", "主要污染物排放(吨)", "Main pollutant emissions (t)", decimals=3),
    _metric("electricity", "用电量(万千瓦时)", "Electricity (10k kWh)", decimals=3),
    _metric("output", "工业总产值(万元)", "Gross industrial output (10k yuan)"),
)
METRIC_KEYS = tuple(f.key for f in METRIC_FIELDS)

FIELDS: Mapping[ImportKind, tuple[Field, ...]] = {
    ImportKind.ENTERPRISES: (
        USCC_FIELD,
        Field("name", "企业名称", "Name", "text", required=True, aliases=("名称", "单位名称")),
        Field(
            "unit",
            "属地",
            "Unit",
            "text",
            required=True,
            aliases=("所属县(市、区)", "所在地区", "县(市、区)", "属地代码"),
            note_zh="县(市、区)或功能区的代码或名称",
            note_en="code or name of the county or zone",
        ),
        Field(
            "industry",
            "行业代码",
            "Industry code",
            "industry",
            required=True,
            aliases=("国民经济行业代码", "行业类别代码", "行业"),
            note_zh="GB/T 4754-2017，如 3825 或 C3825",
            note_en="GB/T 4754-2017, e.g. 3825 or C3825",
        ),
        Field(
            "scale",
            "规模",
            "Scale",
            "choice",
            required=True,
            aliases=("规上/规下", "企业规模"),
            choices=SCALES,
        ),
        Field("founded", "成立日期", "Founded", "date"),
        Field("in_production_since", "投产日期", "In production since", "date"),
    ),
    ImportKind.HONOURS: (
        USCC_FIELD,
        Field(
            "kind",
            "称号",
            "Honour",
            "choice",
            required=True,
            aliases=("荣誉", "荣誉称号", "称号类别"),
            choices=HONOUR_KINDS,
        ),
        Field("year", "年份", "Year", "year", required=True, aliases=("认定年份", "获评年份")),
        Field("level", "级别", "Level", "choice", choices=HONOUR_LEVELS),
        Field(
            "exchange",
            "交易所",
            "Exchange",
            "choice",
            choices=EXCHANGES,
            note_zh="仅上市企业填写",
            note_en="listed companies only",
        ),
        Field(
            "ticker",
            "证券代码",
            "Ticker",
            "text",
            max_length=20,
            aliases=("股票代码",),
            note_zh="仅上市企业填写",
            note_en="listed companies only",
        ),
        Field("revoked_year", "撤销年份", "Revoked in", "year", aliases=("摘牌年份",)),
        Field("source", "来源", "Source", "text", max_length=300, aliases=("文件", "依据")),
    ),
    ImportKind.METRICS: (
        USCC_FIELD,
        Field("year", "年份", "Year", "year", required=True, aliases=("数据年份",)),
        *METRIC_FIELDS,
        Field(
            "source_detail",
            "来源说明",
            "Source detail",
            "text",
            max_length=300,
            aliases=("数据来源",),
        ),
    ),
}

KIND_TITLES: Mapping[ImportKind, Msg] = {
    ImportKind.ENTERPRISES: Msg("企业名录", "Enterprises"),
    ImportKind.HONOURS: Msg("荣誉称号", "Honours"),
    ImportKind.METRICS: Msg("年度指标", "Annual figures"),
}

EARLIEST_YEAR = 1990


# --- cell parsing ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with an import file, located as the official sees the file."""

    row: int
    column: str
    value: str
    zh: str
    en: str

    @property
    def message(self) -> str:
        return f"{self.zh} / {self.en}"


class CellError(Exception):
    def __init__(self, zh: str, en: str) -> None:
        super().__init__(f"{zh} / {en}")
        self.zh = zh
        self.en = en


_EMPTY = {"", "-", "—", "－", "/", "／"}


def cell_text(value: object) -> str:
    """A cell as text, as the official sees it (whole floats without ``.0``)."""
    if value is None:
        return ""
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def is_empty(value: object) -> bool:
    if value is None:
        return True
    if type(value) is float:
        return value != value  # NaN: a data frame's missing figure
    if isinstance(value, str):
        return value.strip() in _EMPTY
    return False


_QUANTA: dict[tuple[int, int], tuple[Decimal, Decimal, float]] = {}


def _quantum(fld: Field) -> tuple[Decimal, Decimal, float]:
    key = (fld.decimals, fld.max_digits)
    found = _QUANTA.get(key)
    if found is None:
        limit = Decimal(10) ** (fld.max_digits - fld.decimals)
        # The float bound stays 1 below the limit so that rounding cannot reach it.
        found = _QUANTA[key] = (Decimal(1).scaleb(-fld.decimals), limit, float(limit) - 1)
    return found


def parse_decimal(value: object, fld: Field) -> Decimal:
    quantum, limit, float_limit = _quantum(fld)
    if type(value) is float:  # the usual cell: checked before building a Decimal
        if not -float_limit < value < float_limit:
            if math.isfinite(value):
                raise CellError(
                    f"数值过大（应小于 {limit:,}）", f"too large (must be below {limit:,})"
                )
            raise CellError("应为数字", "must be a number")
        if value < 0 and not fld.negative:
            raise CellError("不能为负数", "must not be negative")
        number = Decimal(repr(value)).quantize(quantum, rounding=ROUND_HALF_UP)
    else:
        if isinstance(value, bool | date):
            raise CellError("应为数字", "must be a number")
        if isinstance(value, int):
            number = Decimal(value)
        elif isinstance(value, float):
            number = Decimal(repr(value))
        else:
            text = str(value).translate(_FULLWIDTH).replace(",", "").replace(" ", "").strip()
            try:
                number = Decimal(text)
            except InvalidOperation:
                raise CellError("应为数字", "must be a number") from None
            if not number.is_finite():
                raise CellError("应为数字", "must be a number")
        if number < 0 and not fld.negative:
            raise CellError("不能为负数", "must not be negative")
        number = number.quantize(quantum, rounding=ROUND_HALF_UP)
    if abs(number) >= limit:
        raise CellError(f"数值过大（应小于 {limit:,}）", f"too large (must be below {limit:,})")
    return number


def figure(value: object, fld: Field) -> Decimal:
    """A parsed figure as the stored Decimal. Number cells that passed the row check are
    kept as floats (a 100,000-row file would otherwise spend a second and a half building
    Decimals); they are rounded half-up to the field's places here, as PostgreSQL rounds
    the same text when it is copied into a ``numeric`` column."""
    if isinstance(value, Decimal):
        return value
    quantum = _quantum(fld)[0]
    return Decimal(repr(value)).quantize(quantum, rounding=ROUND_HALF_UP)


def parse_year(value: object, *, last: int) -> int:
    if isinstance(value, bool | date):
        raise CellError("应为四位年份", "must be a four-digit year")
    if isinstance(value, float):
        if not value.is_integer():
            raise CellError("应为四位年份", "must be a four-digit year")
        year = int(value)
    elif isinstance(value, int):
        year = value
    else:
        text = str(value).strip().removesuffix("年").strip()
        if not (len(text) == 4 and text.isdigit()):
            raise CellError("应为四位年份", "must be a four-digit year")
        year = int(text)
    if not EARLIEST_YEAR <= year <= last:
        raise CellError(
            f"年份应在 {EARLIEST_YEAR}-{last} 之间", f"year must be from {EARLIEST_YEAR} to {last}"
        )
    return year


_DATE_RE = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")


def parse_date(value: object, *, today: date) -> date:
    if isinstance(value, datetime):
        result = value.date()
    elif isinstance(value, date):
        result = value
    elif isinstance(value, str):
        text = value.strip()
        m = _DATE_RE.match(text)
        if m is None and len(text) == 8 and text.isdigit():
            m = re.match(r"^(\d{4})(\d{2})(\d{2})$", text)
        if m is None:
            raise CellError("应为日期，如 2021-05-01", "must be a date such as 2021-05-01")
        try:
            result = date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            raise CellError("不是有效日期", "not a valid date") from None
    else:
        raise CellError("应为日期，如 2021-05-01", "must be a date such as 2021-05-01")
    if result > today:
        raise CellError("日期不能晚于今天", "date must not be in the future")
    if result.year < 1900:
        raise CellError("日期早于 1900 年", "date is before 1900")
    return result


def _norm_label(text: str) -> str:
    return "".join(text.translate(_FULLWIDTH).split()).lower().replace("“", "").replace("”", "")


def _choice_index(choices: Sequence[Choice]) -> dict[str, str]:
    index: dict[str, str] = {}
    for c in choices:
        for label in (c.value, c.zh, c.en, *c.aliases):
            index[_norm_label(label)] = c.value
            index[_norm_label(label).replace('"', "")] = c.value
    return index


_CHOICE_INDEXES: dict[int, dict[str, str]] = {}


def parse_choice(value: object, fld: Field) -> str:
    index = _CHOICE_INDEXES.get(id(fld.choices))
    if index is None:
        index = _CHOICE_INDEXES[id(fld.choices)] = _choice_index(fld.choices)
    found = index.get(_norm_label(cell_text(value)).replace('"', ""))
    if found is None:
        allowed_zh = "、".join(c.zh for c in fld.choices)
        allowed_en = ", ".join(c.en for c in fld.choices)
        raise CellError(f"应为以下之一：{allowed_zh}", f"must be one of: {allowed_en}")
    return found


_USCC_SEEN: dict[str, str | CellError] = {}


def parse_uscc(value: object) -> str:
    # A figures file names each firm once a year: remember each code's verdict.
    if type(value) is str:
        seen = _USCC_SEEN.get(value)
        if seen is None:
            try:
                seen = _parse_uscc(value)
            except CellError as exc:
                seen = exc
            if len(_USCC_SEEN) > 500_000:
                _USCC_SEEN.clear()
            _USCC_SEEN[value] = seen
        if isinstance(seen, CellError):
            raise CellError(seen.zh, seen.en)
        return seen
    return _parse_uscc(value)


def _parse_uscc(value: object) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool):
        raise CellError(
            "统一社会信用代码须以文本格式填写（数值格式会丢失末几位）",
            "the code must be entered as text (a number cell loses the last digits)",
        )
    code = uscc_normalise(cell_text(value))
    problem = uscc_problem(code)
    if problem is not None:
        raise CellError(problem.zh, problem.en)
    return code


def parse_text(value: object, fld: Field) -> str:
    text = " ".join(cell_text(value).split())
    if len(text) > fld.max_length:
        raise CellError(f"超过 {fld.max_length} 个字符", f"longer than {fld.max_length} characters")
    return text


def parse_industry(value: object) -> str:
    """Normalised code, letter kept when given (``C3825``); the table decides if it exists.
    A number cell is read as written (a lost leading zero cannot be told apart from a
    shorter code, so such codes must be text, as the template's column is)."""
    if isinstance(value, float | int) and not isinstance(value, bool):
        if isinstance(value, float) and not value.is_integer():
            raise CellError("不是国民经济行业代码", "not an industry code (GB/T 4754-2017)")
        text = str(int(value)).zfill(2)
    else:
        text = cell_text(value)
    parsed = industry_code_parse(text)
    if parsed is None:
        raise CellError(
            "不是国民经济行业代码（如 3825 或 C3825）",
            "not an industry code (GB/T 4754-2017, e.g. 3825 or C3825)",
        )
    return parsed[0] + parsed[1]


# --- rows --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RowContext:
    """What row checks need to know about the world: today's date."""

    today: date

    @property
    def last_year(self) -> int:
        return self.today.year


Fail = Callable[[str, object, str, str], None]


@dataclass(slots=True)
class Row:
    """A row that passed its own checks: the file's row number and the parsed values
    (absent keys: the cell was empty)."""

    number: int
    values: dict[str, object] = field(default_factory=dict)


_ABSENT = object()
Parser = Callable[[object, RowContext], object]


def _decimal_parser(fld: Field) -> Parser:
    float_limit = _quantum(fld)[2]
    negative = fld.negative

    def parse(raw: object, ctx: RowContext) -> object:
        # The usual cell, a float in range, is kept as it is (see ``figure``).
        if type(raw) is float and -float_limit < raw < float_limit and (negative or raw >= 0):
            return raw
        return parse_decimal(raw, fld)

    return parse


def _parser(fld: Field) -> Parser:
    if fld.type == "decimal":
        return _decimal_parser(fld)
    if fld.type == "uscc":
        return lambda raw, ctx: parse_uscc(raw)
    if fld.type == "year":
        return lambda raw, ctx: parse_year(raw, last=ctx.last_year)
    if fld.type == "date":
        return lambda raw, ctx: parse_date(raw, today=ctx.today)
    if fld.type == "choice":
        return lambda raw, ctx: parse_choice(raw, fld)
    if fld.type == "industry":
        return lambda raw, ctx: parse_industry(raw)
    return lambda raw, ctx: parse_text(raw, fld)


_PLANS: dict[ImportKind, list[tuple[str, bool, Parser]]] = {}


def _plan(kind: ImportKind) -> list[tuple[str, bool, Parser]]:
    plan = _PLANS.get(kind)
    if plan is None:
        plan = _PLANS[kind] = [(f.key, f.required, _parser(f)) for f in FIELDS[kind]]
    return plan


def validate_row(
    kind: ImportKind,
    number: int,
    cells: Mapping[str, object],
    headers: Mapping[str, str],
    ctx: RowContext,
) -> tuple[Row | None, list[Problem]]:
    """Check one row. ``cells`` maps field keys to raw cell values, ``headers`` field keys
    to the column headers as written in the file (used to locate problems)."""
    problems: list[Problem] = []
    values: dict[str, object] = {}

    def fail(key: str, raw: object, zh: str, en: str) -> None:
        problems.append(Problem(number, headers.get(key, key), cell_text(raw), zh, en))

    for key, required, parse in _plan(kind):
        raw = cells.get(key, _ABSENT)
        if raw is _ABSENT:
            continue
        if raw is None or raw == "" or is_empty(raw):
            if required:
                fail(key, raw, "必填项为空", "required, but empty")
            continue
        try:
            values[key] = parse(raw, ctx)
        except CellError as exc:
            fail(key, raw, exc.zh, exc.en)

    if kind is ImportKind.ENTERPRISES:
        founded, since = values.get("founded"), values.get("in_production_since")
        if isinstance(founded, date) and isinstance(since, date) and since < founded:
            fail(
                "in_production_since",
                cells.get("in_production_since"),
                "投产日期早于成立日期",
                "in production before the firm was founded",
            )
    elif kind is ImportKind.HONOURS:
        _check_honour(values, cells, fail)

    return (None if problems else Row(number, values)), problems


def _check_honour(values: dict[str, object], cells: Mapping[str, object], fail: Fail) -> None:
    listed = values.get("kind") == "listed"
    exchange, ticker = values.get("exchange"), values.get("ticker")
    if listed:
        if exchange is None and "kind" in values:
            fail(
                "exchange",
                cells.get("exchange"),
                "上市企业须填交易所",
                "a listing needs its exchange",
            )
        if ticker is None and "kind" in values:
            fail(
                "ticker", cells.get("ticker"), "上市企业须填证券代码", "a listing needs its ticker"
            )
        if isinstance(ticker, str) and exchange in _A_SHARE and not re.fullmatch(r"\d{6}", ticker):
            fail(
                "ticker",
                cells.get("ticker"),
                "A 股证券代码应为 6 位数字",
                "an A-share ticker has 6 digits",
            )
    elif "kind" in values:
        for key in ("exchange", "ticker"):
            if values.get(key) is not None:
                fail(key, cells.get(key), "仅上市企业填写", "only for listed companies")
    year, revoked = values.get("year"), values.get("revoked_year")
    if isinstance(year, int) and isinstance(revoked, int) and revoked < year:
        fail(
            "revoked_year",
            cells.get("revoked_year"),
            "撤销年份早于认定年份",
            "revoked before it was awarded",
        )


# --- cross-row rules: what imports.py applies with the database at hand -------------------


def duplicate_problem(number: int, column: str, value: str, first_row: int, what: Msg) -> Problem:
    return Problem(
        number,
        column,
        value,
        f"与第 {first_row} 行重复（{what.zh}）",
        f"duplicates row {first_row} (same {what.en})",
    )


LAND_ZERO = Msg(
    "用地面积为 0 仅限租用他人土地的企业（其数据并入出租方评价）；其他企业请填实际面积或留空",
    "0 mu is only for a tenant on another firm's land (evaluated on the holder's land); "
    "give the area, or leave it empty",
)
