"""A synthetic enterprise population for the demo: about 30,000 firms in seven counties.

Nothing here is real data: every firm, figure and honour is generated, deterministic per
seed, and stored with ``synthetic=True`` / source ``synthetic``. The shapes are plausible
for a Zhejiang prefecture: a quarter of the firms above designated size (规上), land,
revenue and tax skewed (log-normal) with county and industry effects, a thin top of
large firms, honours given mostly to the larger and more research-intensive firms in
numbers near the plan's 2022 baselines and growing towards its targets.

Pure Python (no Django, no numpy): ``generate`` returns plain rows; the
``enterprise_demo`` command writes them.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator
from dataclasses import dataclass, field

# Share of firms by county (synthetic, roughly the counties' industrial weight).
COUNTY_SHARES: dict[str, float] = {
    "330402": 0.11,  # 南湖区
    "330411": 0.13,  # 秀洲区
    "330421": 0.14,  # 嘉善县
    "330424": 0.10,  # 海盐县
    "330481": 0.19,  # 海宁市
    "330482": 0.14,  # 平湖市
    "330483": 0.19,  # 桐乡市
}
# A county's productivity effect on tax and value added per mu (synthetic).
COUNTY_EFFECT: dict[str, float] = {
    "330402": 1.10,
    "330411": 1.00,
    "330421": 1.05,
    "330424": 0.90,
    "330481": 1.00,
    "330482": 1.08,
    "330483": 0.95,
}
# GB/T 4754-2017 manufacturing divisions (大类) and their weight, productivity effect and
# energy intensity (synthetic).
INDUSTRIES: tuple[tuple[str, float, float, float], ...] = (
    ("13", 0.02, 0.8, 0.6),  # 农副食品加工业
    ("14", 0.02, 0.9, 0.5),  # 食品制造业
    ("17", 0.14, 0.7, 1.2),  # 纺织业
    ("18", 0.08, 0.6, 0.4),  # 纺织服装、服饰业
    ("19", 0.03, 0.7, 0.6),  # 皮革、毛皮、羽毛及其制品和制鞋业
    ("21", 0.04, 0.7, 0.4),  # 家具制造业
    ("22", 0.02, 0.8, 1.6),  # 造纸和纸制品业
    ("26", 0.05, 1.3, 2.2),  # 化学原料和化学制品制造业
    ("27", 0.02, 1.8, 0.8),  # 医药制造业
    ("28", 0.04, 1.0, 2.0),  # 化学纤维制造业
    ("29", 0.07, 0.8, 0.9),  # 橡胶和塑料制品业
    ("30", 0.03, 0.9, 2.5),  # 非金属矿物制品业
    ("33", 0.08, 0.8, 0.9),  # 金属制品业
    ("34", 0.10, 1.0, 0.6),  # 通用设备制造业
    ("35", 0.06, 1.1, 0.6),  # 专用设备制造业
    ("36", 0.04, 1.2, 0.7),  # 汽车制造业
    ("38", 0.08, 1.2, 0.6),  # 电气机械和器材制造业
    ("39", 0.06, 1.5, 0.5),  # 计算机、通信和其他电子设备制造业
    ("40", 0.02, 1.4, 0.3),  # 仪器仪表制造业
)

# USCC (GB 32100-2015): 登记管理部门 9 (工商) + 机构类别 1 (企业) + 6-digit region + 9-char
# organisation code + check character.
_USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def uscc_check_char(first17: str) -> str:
    total = sum(_USCC_CHARS.index(c) * w for c, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return _USCC_CHARS[(31 - total % 31) % 31]


def synthetic_uscc(county: str, serial: int) -> str:
    """A well-formed code for a synthetic firm: its organisation code starts with "YYY"."""
    body = f"91{county}YYY{serial:06d}"
    return body + uscc_check_char(body)


@dataclass(frozen=True, slots=True)
class FirmRow:
    uscc: str
    name: str
    county: str
    industry: str
    above_scale: bool
    land_mu: float
    clusters: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class MetricRow:
    uscc: str
    year: int
    revenue: float  # 万元
    main_revenue: float
    tax: float
    value_added: float
    land_mu: float
    employees: float
    rd: float
    energy_tce: float
    emissions: float | None  # None: not reported (the scheme's missing-data rule applies)
    electricity: float  # 万千瓦时
    output: float


@dataclass(frozen=True, slots=True)
class HonourRow:
    uscc: str
    kind: str
    year: int
    level: str = ""
    exchange: str = ""
    ticker: str = ""


@dataclass(slots=True)
class Population:
    firms: list[FirmRow] = field(default_factory=list)
    metrics: list[MetricRow] = field(default_factory=list)
    honours: list[HonourRow] = field(default_factory=list)


# Honours held citywide at the end of each year (synthetic, near the plan's 2022 baselines
# and growing towards its 2027 targets), and how they are given out: by revenue rank
# ("size") or by research intensity ("rd").
HONOUR_TOTALS: dict[str, tuple[tuple[int, ...], str, str]] = {
    # kind: (held at end of 2022, 2023, 2024, 2025), ranked by, level
    "single_champion": ((14, 17, 19, 22), "size", "国家级"),
    "little_giant": ((104, 128, 150, 171), "rd", "国家级"),
    "provincial_srdi": ((820, 1010, 1190, 1340), "rd", "省级"),
    "high_tech": ((3900, 4500, 5050, 5560), "rd", "国家级"),
    "tech_sme": ((9100, 10600, 12100, 13400), "rd", "省级"),
    "listed": ((66, 71, 77, 82), "size", ""),
    "china_top500_mfg": ((7, 7, 8, 9), "size", "国家级"),
    "revenue_100bn": ((2, 3, 3, 4), "size", ""),
    "fortune_global500": ((0, 0, 1, 1), "size", ""),
    "future_factory": ((4, 6, 9, 12), "size", "省级"),
    "smart_factory": ((120, 165, 210, 255), "size", "省级"),
    "green_factory": ((38, 45, 53, 60), "size", "国家级"),
    "cloud_firm": ((35, 52, 71, 88), "size", "省级"),
}
YEARS = (2022, 2023, 2024, 2025)
# Chance that a 规上 firm of a cluster's divisions is counted as a member (synthetic).
CLUSTER_MEMBERSHIP = 0.65
INDUSTRY_NAMES: dict[str, str] = {
    "13": "农副食品加工业",
    "14": "食品制造业",
    "17": "纺织业",
    "18": "纺织服装、服饰业",
    "19": "皮革、毛皮、羽毛及其制品和制鞋业",
    "21": "家具制造业",
    "22": "造纸和纸制品业",
    "26": "化学原料和化学制品制造业",
    "27": "医药制造业",
    "28": "化学纤维制造业",
    "29": "橡胶和塑料制品业",
    "30": "非金属矿物制品业",
    "33": "金属制品业",
    "34": "通用设备制造业",
    "35": "专用设备制造业",
    "36": "汽车制造业",
    "38": "电气机械和器材制造业",
    "39": "计算机、通信和其他电子设备制造业",
    "40": "仪器仪表制造业",
}
EXCHANGES = (("上交所", "60"), ("深交所", "00"), ("深交所", "30"), ("上交所", "68"))


def _weighted(rng: random.Random, items: list[tuple[str, float]]) -> str:
    return rng.choices([k for k, _ in items], [w for _, w in items])[0]


def generate(
    *,
    seed: int,
    firms: int = 30_000,
    clusters: dict[str, tuple[list[str], list[str]]],
) -> Population:
    """``clusters``: cluster code → (the divisions (大类) it draws its members from, the
    counties it is confined to — empty for a citywide cluster). Members are 规上 firms."""
    rng = random.Random(seed)
    counties = list(COUNTY_SHARES.items())
    industries = [(code, w) for code, w, _e, _n in INDUSTRIES]
    effect = {code: (e, n) for code, _w, e, n in INDUSTRIES}
    pop = Population()
    serial: dict[str, int] = dict.fromkeys(COUNTY_SHARES, 0)
    sizes: list[tuple[float, float, str]] = []  # (revenue 2025, rd intensity, uscc)
    for i in range(firms):
        county = _weighted(rng, counties)
        industry = _weighted(rng, industries)
        serial[county] += 1
        uscc = synthetic_uscc(county, serial[county])
        above = rng.random() < 0.25
        land = round(
            math.exp(rng.gauss(math.log(17 if above else 4), 0.8)) + (0 if above else 0.5), 2
        )
        prod_effect, energy_effect = effect[industry]
        firm_effect = math.exp(rng.gauss(0, 0.55))
        tax_per_mu = (
            27.0 * COUNTY_EFFECT[county] * prod_effect * firm_effect * (1 if above else 0.45)
        )
        va_per_mu = tax_per_mu * rng.uniform(4.2, 6.8)
        rd_intensity = max(0.0, rng.gauss(0.028 if above else 0.012, 0.012)) * prod_effect
        member_of = tuple(
            code
            for code, (divisions, areas) in clusters.items()
            if above
            and industry in divisions
            and (not areas or county in areas)
            and rng.random() < CLUSTER_MEMBERSHIP
        )
        pop.firms.append(
            FirmRow(
                uscc, f"嘉兴合成{i + 1:05d}号制造有限公司", county, industry, above, land, member_of
            )
        )
        growth = rng.gauss(0.08, 0.05)
        for k, year in enumerate(YEARS):
            scale_up = (1 + growth) ** k
            tax = tax_per_mu * land * scale_up
            va = va_per_mu * land * scale_up
            revenue = va * rng.uniform(3.2, 4.8)
            employees = max(3.0, round(va / rng.uniform(15, 30), 0))
            energy = va / (2.7 / energy_effect) * rng.uniform(0.7, 1.3)
            reports_emissions = above and rng.random() > 0.08
            pop.metrics.append(
                MetricRow(
                    uscc=uscc,
                    year=year,
                    revenue=round(revenue, 2),
                    main_revenue=round(revenue * rng.uniform(0.9, 0.99), 2),
                    tax=round(tax, 2),
                    value_added=round(va, 2),
                    land_mu=land,
                    employees=employees,
                    rd=round(revenue * rd_intensity, 2),
                    energy_tce=round(energy, 3),
                    emissions=round(va / 4900 * energy_effect * rng.uniform(0.6, 1.4), 3)
                    if reports_emissions
                    else None,
                    electricity=round(energy * 0.81 * rng.uniform(0.8, 1.2), 3),
                    output=round(revenue * rng.uniform(0.95, 1.05), 2),
                )
            )
            if year == YEARS[-1]:
                sizes.append((revenue, rd_intensity, uscc))
    pop.honours = _honours(rng, sizes)
    return pop


def _honours(rng: random.Random, sizes: list[tuple[float, float, str]]) -> list[HonourRow]:
    """Each honour is held from the year it was won; the holders of a later year include
    the earlier ones, so counts only grow (as the plan's 累计 targets read them)."""
    by_size = [u for _r, _d, u in sorted(sizes, key=lambda s: -s[0])]
    by_rd = [u for _r, _d, u in sorted(sizes, key=lambda s: -(s[1] * math.log1p(s[0])))]
    rows: list[HonourRow] = []
    tickers: set[str] = set()
    for kind, (totals, ranked_by, level) in HONOUR_TOTALS.items():
        ranking = by_size if ranked_by == "size" else by_rd
        # A little noise: holders come from near the top of the ranking, not strictly in order.
        top = ranking[: max(totals) * 2 + 10]
        noisy = sorted(range(len(top)), key=lambda i: i * rng.uniform(0.6, 1.4))
        pool = [top[i] for i in noisy]
        held: list[str] = []
        held_set: set[str] = set()
        for year, total in zip(YEARS, totals, strict=True):
            for uscc in pool:
                if len(held) >= total:
                    break
                if uscc in held_set:
                    continue
                held.append(uscc)
                held_set.add(uscc)
                exchange = ticker = ""
                if kind == "listed":
                    exchange, prefix = EXCHANGES[len(held) % len(EXCHANGES)]
                    while True:
                        ticker = f"{prefix}{rng.randrange(0, 10_000):04d}"
                        if ticker not in tickers:
                            tickers.add(ticker)
                            break
                rows.append(HonourRow(uscc, kind, year, level, exchange, ticker))
    return rows


def firms_by_county(pop: Population) -> Iterator[tuple[str, int]]:
    counts: dict[str, int] = {}
    for f in pop.firms:
        counts[f.county] = counts.get(f.county, 0) + 1
    yield from sorted(counts.items())
