"""API schemas of plans, tasks, targets and their stored progress."""

import datetime as dt

from ninja import Field, Schema

from zhizao.indicators.progress import Light
from zhizao.plans.domain import Kind
from zhizao.plans.models import Clause, Milestone
from zhizao.plans.selectors import PlanRow, TargetHistory, TargetRow, pillar_of


class PillarOut(Schema):
    ref: str = Field(description="条款编号 / clause reference, e.g. 二、(三)")
    title: str
    title_en: str
    short: str
    short_en: str


class PlanOut(Schema):
    code: str = Field(alias="version.plan.code")
    title: str = Field(alias="version.title")
    title_en: str = Field(alias="version.title_en")
    region: str = Field(alias="version.plan.region.code", description="计划区域单位代码")
    version: int = Field(alias="version.number", description="当前版本号 / current version")
    issuer: str = Field(alias="version.issuer")
    issued_on: dt.date = Field(alias="version.issued_on")
    document: str = Field(alias="version.document")
    start_year: int = Field(alias="version.start_year")
    end_year: int = Field(alias="version.end_year")
    baseline_year: int = Field(alias="version.baseline_year")


class PlanDetailOut(PlanOut):
    periods: list[str] = Field(description="已存进度的季度，新在前 / quarters with progress")
    pillars: list[PillarOut]

    @staticmethod
    def resolve_periods(obj: PlanRow) -> list[str]:
        return [p.id for p in obj.periods]


class MilestoneOut(Schema):
    code: str
    title: str
    title_en: str
    due_year: int | None
    owner: str | None = Field(description="责任部门代码 / owning department code")
    evidence: str

    @staticmethod
    def resolve_owner(obj: Milestone) -> str | None:
        return obj.owner.code if obj.owner else None


class TaskOut(Schema):
    ref: str = Field(description="条款编号 / clause reference, e.g. 二、(三)9.")
    number: int | None
    title: str
    title_en: str
    summary: str
    summary_en: str
    lead: str | None = Field(description="牵头部门代码 / lead department code")
    co_leads: list[str] = Field(description="配合部门代码 / co-lead department codes")
    pillar: PillarOut | None
    milestones: list[MilestoneOut]

    @staticmethod
    def resolve_lead(obj: Clause) -> str | None:
        return obj.lead.code if obj.lead else None

    @staticmethod
    def resolve_co_leads(obj: Clause) -> list[str]:
        return [d.code for d in obj.co_leads.all()]

    @staticmethod
    def resolve_pillar(obj: Clause) -> Clause | None:
        return pillar_of(obj)

    @staticmethod
    def resolve_milestones(obj: Clause) -> list[Milestone]:
        return list(obj.milestones.all())


class IndicatorRefOut(Schema):
    code: str
    name: str
    name_en: str
    unit: str
    unit_en: str


class PartOut(Schema):
    light: Light
    actual: float | None
    achievement_pct: float | None
    reason_zh: str
    reason_en: str


class RollupOut(Schema):
    ok: bool
    city: float
    parts_total: float
    gap: float
    reason_zh: str
    reason_en: str


class ProgressOut(Schema):
    """A target's progress as the background recomputation stored it."""

    period: str
    unit: str = Field(alias="unit.code")
    light: Light
    reason_zh: str
    reason_en: str
    actual: float | None
    expected: float | None
    target_value: float | None
    gap: float | None
    achievement_pct: float | None
    progress_pct: float | None
    time_pct: float | None
    as_of: str = Field(description="所依据数据的最新期间 / latest period of the data used")
    synthetic: bool = Field(description="依据含合成演示数据 / judged on synthetic demo data")
    derived: bool = Field(description="市级数值由各县(市、区)加总 / city figure summed")
    allocated: float | None = Field(description="本单位分解目标 / this unit's share")
    parts: dict[str, PartOut] = Field(
        description="各县(市、区)分项（仅限可见单位）/ per county, visible units only"
    )
    rollup: RollupOut | None
    computed_at: dt.datetime


class TargetBase(Schema):
    code: str = Field(alias="target.code")
    indicator: IndicatorRefOut = Field(alias="target.indicator")
    clause: str = Field(alias="target.clause.ref", description="条款编号 / clause reference")
    pillar: PillarOut | None
    lead: str | None = Field(description="牵头部门代码 / lead department code")
    sentence: str = Field(alias="target.sentence")
    comparator: str = Field(alias="target.comparator")
    value: float | None = Field(alias="target.value")
    value_text: str = Field(alias="target.value_text")
    tolerance: float | None = Field(alias="target.tolerance")
    year: int | None = Field(alias="target.year")
    year_from: int | None = Field(alias="target.year_from")
    year_to: int | None = Field(alias="target.year_to")
    kind: Kind = Field(alias="target.kind")
    scope: str = Field(alias="target.scope", description="city, each_county or a unit code")

    @staticmethod
    def resolve_lead(obj: TargetRow | TargetHistory) -> str | None:
        return obj.lead.code if obj.lead is not None else None


class TargetOut(TargetBase):
    progress: ProgressOut | None = Field(
        description="所选单位与季度的已存进度 / stored progress for the unit and quarter"
    )


class TargetDetailOut(TargetBase):
    unit: str = Field(alias="unit.code")
    history: list[ProgressOut] = Field(description="各季度已存进度 / every stored quarter")
