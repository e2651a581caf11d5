from __future__ import annotations

from ninja import Schema


class EnterpriseOut(Schema):
    uscc: str
    name: str
    unit: str
    industry: str
    scale: str
    synthetic: bool


class MetricOut(Schema):
    year: int
    revenue: str | None
    main_revenue: str | None
    tax: str | None
    value_added: str | None
    land_mu: str | None
    employees: str | None
    rd: str | None
    energy_tce: str | None
    emissions: str | None
    electricity: str | None
    output: str | None
    source: str


class HonourOut(Schema):
    kind: str
    year: int
    level: str
    exchange: str
    ticker: str
    revoked_year: int | None


class EvaluationOut(Schema):
    year: int
    scheme: str
    score: float | None
    grade: str
    rank_county: int | None
    rank_industry: int | None
    contributions: dict[str, object]
    explanation_zh: str
    explanation_en: str


class EnterpriseDetailOut(EnterpriseOut):
    clusters: list[str]
    metrics: list[MetricOut]
    honours: list[HonourOut]
    evaluations: list[EvaluationOut]


class ClusterOut(Schema):
    code: str
    name: str
    name_en: str
    tier: str
    is_assumption: bool
    areas: dict[str, str]
    members: int
    revenue_100m_yuan: dict[int, float]
