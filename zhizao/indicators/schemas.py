"""API schemas of the indicator catalogue and of indicator values."""

import datetime as dt
from typing import Literal

from ninja import Field, Schema

from zhizao.indicators.models import Indicator, IndicatorValue, ValueSource

SourceName = Literal["public", "reported", "imported", "derived", "synthetic"]


class IndicatorOut(Schema):
    code: str
    name: str
    name_en: str
    unit: str = Field(description="计量单位 / unit of measurement")
    unit_en: str
    direction: Literal["higher", "lower", "target"]
    measure: Literal["stock", "flow"] = Field(
        description="stock: 存量/水平 a level; flow: 年内累计 reported year to date"
    )
    aggregation: Literal["sum", "ratio", "none"]
    numerator: str | None
    denominator: str | None
    formula: str = Field(description="派生指标的计算公式 / formula of a derived indicator")
    decimals: int
    description: str

    @staticmethod
    def resolve_numerator(obj: Indicator) -> str | None:
        return obj.numerator.code if obj.numerator else None

    @staticmethod
    def resolve_denominator(obj: Indicator) -> str | None:
        return obj.denominator.code if obj.denominator else None


class ValueOut(Schema):
    indicator: str = Field(alias="indicator.code")
    unit: str = Field(alias="unit.code")
    period: str = Field(description="2025 / 2025Q3 / 2025-09")
    period_type: Literal["Y", "Q", "M"]
    year: int
    period_end: dt.date
    value: str = Field(description="精确十进制数字符串 / exact decimal as a string")
    source: SourceName = Field(description="来源类别 / kind of source")
    source_detail: str = Field(description="来源说明（公开数据的网址等）/ where it came from")
    entered_at: dt.datetime
    synthetic: bool = Field(description="合成演示数据 / synthetic demo data")

    @staticmethod
    def resolve_value(obj: IndicatorValue) -> str:
        # Fixed-point text without the column's trailing zeros: 12.500000 → "12.5".
        text = format(obj.value, "f")
        return text.rstrip("0").rstrip(".") if "." in text else text

    @staticmethod
    def resolve_synthetic(obj: IndicatorValue) -> bool:
        return obj.source == ValueSource.SYNTHETIC
