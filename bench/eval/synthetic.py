"""A synthetic province-scale population for the 亩均 benchmark (nothing here is real).

``population(n, seed)`` returns one row per enterprise as a Polars frame, in the shape
``zhizao.enterprises.evaluation.evaluate`` reads: seven counties of unequal size (the
Jiaxing county codes), about 22 % 规上 firms, 30 manufacturing divisions (大类) of
Zipf-like size, log-normal land, tax and value added with county and industry effects (a
thin top of large firms, a long tail of small ones), 8 % of 规上 firms without an
emission figure, a few without energy or land figures, 2 % with no tax, a few exact
duplicates of other firms' figures (so that ties on score and on 亩均税收 happen), vetoes,
exemptions (T and U), and honour bonuses and penalties. USCCs carry a valid GB 32100-2015
check character. Deterministic per seed. The code columns (county, industry, scale, veto,
exempt) are Polars Enums, as ``services.evaluation_frame`` builds them.
"""

from __future__ import annotations

import numpy as np
import polars as pl

COUNTIES = {  # share of firms
    "330402": 0.11,
    "330411": 0.13,
    "330421": 0.14,
    "330424": 0.10,
    "330481": 0.19,
    "330482": 0.14,
    "330483": 0.19,
}
COUNTY_EFFECT = {
    "330402": 1.10,
    "330411": 1.00,
    "330421": 1.05,
    "330424": 0.90,
    "330481": 1.00,
    "330482": 1.08,
    "330483": 0.95,
}
INDUSTRIES = [str(c) for c in range(13, 43) if c not in (16, 40)] + ["43", "44"]
USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = [pow(3, i, 31) for i in range(17)]
# The shipped scheme's reason codes, in its order (Enum columns in that order are the
# engine's fast path).
VETOES = ("safety_accident", "environmental_offence", "tax_offence")
EXEMPTIONS = ("utility", "new_plant", "undetermined")
SCALES = ("above", "below")
ABOVE_SHARE = 0.22


def uscc_codes(counties: np.ndarray, rng: np.random.Generator) -> list[str]:
    """'91' (enterprise), the county code, nine random identifier characters and the
    GB 32100-2015 check character: 31 − Σ cᵢ·3^(i−1) mod 31."""
    n = len(counties)
    body = np.empty((n, 17), dtype=np.int64)
    body[:, 0] = 9
    body[:, 1] = 1
    for k in range(6):
        body[:, 2 + k] = np.array([int(c[k]) for c in COUNTIES])[counties]
    body[:, 8:] = rng.integers(0, 31, size=(n, 9))
    check = (31 - (body @ np.array(USCC_WEIGHTS)) % 31) % 31
    chars = np.array(list(USCC_CHARS))
    table = np.concatenate([chars[body], chars[check][:, None]], axis=1)
    codes = table.view("<U18").ravel() if table.flags.c_contiguous else None
    if codes is None:  # pragma: no cover
        codes = np.array(["".join(row) for row in table])
    return list(codes)


def population(n: int, seed: int = 2023) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    county_codes = list(COUNTIES)
    county = rng.choice(len(county_codes), size=n, p=np.array(list(COUNTIES.values())))
    zipf = 1 / np.arange(1, len(INDUSTRIES) + 1) ** 0.8
    industry = rng.choice(len(INDUSTRIES), size=n, p=zipf / zipf.sum())
    above = rng.random(n) < ABOVE_SHARE
    county_effect = np.array([COUNTY_EFFECT[c] for c in county_codes])[county]
    industry_effect = rng.lognormal(0, 0.25, len(INDUSTRIES))[industry]
    effect = county_effect * industry_effect

    land = np.where(above, rng.lognormal(np.log(40), 1.0, n), rng.lognormal(np.log(6), 0.8, n))
    land = np.round(land, 3)
    tax_per_mu = np.where(
        above, rng.lognormal(np.log(15), 0.9, n), rng.lognormal(np.log(4), 1.0, n)
    )
    tax = np.round(land * tax_per_mu * effect, 2)
    tax[rng.random(n) < 0.02] = 0.0
    va_per_mu = np.where(
        above, rng.lognormal(np.log(100), 0.7, n), rng.lognormal(np.log(35), 0.8, n)
    )
    value_added = np.round(land * va_per_mu * effect, 2)
    energy = np.round(value_added / rng.lognormal(np.log(2.5), 0.8, n), 3)
    emissions = np.round(value_added / rng.lognormal(np.log(4500), 1.0, n), 3)
    employees = np.maximum(1, np.round(value_added / rng.lognormal(np.log(18), 0.6, n)))
    main_revenue = np.round(value_added * rng.lognormal(np.log(4), 0.3, n), 2)
    rd = np.round(main_revenue * rng.lognormal(np.log(0.025), 0.8, n), 2)
    rd[rng.random(n) < 0.15] = 0.0
    electricity = np.round(tax / rng.lognormal(np.log(1.5), 0.7, n) + 0.5, 3)
    revenue = np.round(main_revenue * 1.05, 2)
    output = np.round(main_revenue * 1.02, 2)

    emissions_missing = above & (rng.random(n) < 0.08)
    energy_missing = rng.random(n) < 0.01
    land_missing = rng.random(n) < 0.003

    # Exact copies of another firm's figures (same county and scale), so that score and
    # 亩均税收 tie and the USCC decides.
    copies = rng.choice(n, size=n // 200, replace=False)
    sources = rng.choice(n, size=n // 200, replace=False)
    for arr in (
        land,
        tax,
        value_added,
        energy,
        emissions,
        employees,
        main_revenue,
        rd,
        electricity,
    ):
        arr[copies] = arr[sources]
    county[copies] = county[sources]
    above[copies] = above[sources]
    for mask in (emissions_missing, energy_missing, land_missing):
        mask[copies] = mask[sources]

    veto_draw = rng.random(n)
    veto = np.where(veto_draw < 0.006, rng.integers(0, len(VETOES), n), -1)
    exempt_draw = rng.random(n)
    industry_codes = np.array(INDUSTRIES)[industry]
    exempt = np.full(n, None, dtype=object)
    exempt[np.isin(industry_codes, ["44"])] = "utility"
    exempt[(exempt_draw < 0.015) & (exempt == None)] = "new_plant"  # noqa: E711
    exempt[(exempt_draw > 0.995) & (exempt == None)] = "undetermined"  # noqa: E711
    honours = np.minimum(rng.poisson(0.15, n), 4).astype(float)
    penalty = np.where(rng.random(n) < 0.005, 1.0, 0.0)

    def nullable(values: np.ndarray, missing: np.ndarray) -> pl.Series:
        return pl.Series(np.where(missing, np.nan, values)).fill_nan(None)

    return pl.DataFrame(
        {
            "enterprise_id": np.arange(1, n + 1, dtype=np.int64),
            "uscc": uscc_codes(county, rng),
            "county": pl.Series(np.array(county_codes)[county]).cast(pl.Enum(county_codes)),
            "industry": pl.Series(industry_codes).cast(pl.Enum(INDUSTRIES)),
            "scale": pl.Series(np.where(above, "above", "below")).cast(pl.Enum(SCALES)),
            "revenue": revenue,
            "main_revenue": main_revenue,
            "tax": tax,
            "value_added": value_added,
            "land_mu": nullable(land, land_missing),
            "employees": employees,
            "rd": rd,
            "energy_tce": nullable(energy, energy_missing),
            "emissions": nullable(emissions, emissions_missing),
            "electricity": electricity,
            "output": output,
            "veto": pl.Series([VETOES[v] if v >= 0 else None for v in veto], dtype=pl.Enum(VETOES)),
            "exempt": pl.Series(exempt.tolist(), dtype=pl.Enum(EXEMPTIONS)),
            "honours": honours,
            "penalty_cases": penalty,
        }
    )
