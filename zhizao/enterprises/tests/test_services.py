"""Loading evaluation schemes and carrying out evaluation runs on the database."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from zhizao.core.models import AuditEntry, Unit
from zhizao.core.yamlfile import DefinitionFileError
from zhizao.enterprises.models import (
    AnnualMetric,
    Enterprise,
    EvaluationResult,
    EvaluationRun,
    EvaluationScheme,
    Industry,
)
from zhizao.enterprises.services import (
    evaluation_run_execute,
    evaluation_run_start,
    scheme_load,
)

ROOT = Path(__file__).resolve().parents[3]
SHIPPED = ROOT / "data" / "evaluation" / "zhejiang-county-2023.yaml"

pytestmark = pytest.mark.django_db


@pytest.fixture
def places():
    city = Unit.objects.create(code="330400", name="嘉兴市", name_en="Jiaxing", type="city")
    nanhu = Unit.objects.create(
        code="330402", name="南湖区", name_en="Nanhu", type="county", parent=city
    )
    zone = Unit.objects.create(
        code="JX-ETDZ",
        name="嘉兴经济技术开发区",
        name_en="Jiaxing ETDZ",
        type="zone",
        parent=city,
        host=nanhu,
        is_gb_code=False,
    )
    food = Industry.objects.create(code="13", name="农副食品加工业", level=2)
    grain = Industry.objects.create(code="131", name="谷物磨制", level=3, parent=food)
    rice = Industry.objects.create(code="1311", name="稻谷加工", level=4, parent=grain)
    power = Industry.objects.create(code="44", name="电力、热力生产和供应业", level=2)
    return {"nanhu": nanhu, "zone": zone, "food": food, "rice": rice, "power": power}


def enterprise(places, uscc, *, unit="nanhu", industry="food", scale="above", since=None):
    return Enterprise.objects.create(
        uscc=uscc,
        name=f"企业{uscc[-4:]}",
        unit=places[unit],
        industry=places[industry],
        scale=scale,
        in_production_since=since,
    )


def metrics(firm, year=2022, **figures):
    values = {k: None if v is None else Decimal(str(v)) for k, v in figures.items()}
    return AnnualMetric.objects.create(enterprise=firm, year=year, source="reported", **values)


# Under the shipped rule (benchmarks 24.097 万元/亩, 136.16, 2.694, 4,929.81, 18.14, 3.02 %;
# weights 30/20/20/10/10/10, ratio capped at 2):
#   A: every ratio ≥ 2 → 2 × 100 = 200 (亩均税收 96.39 ÷ 2 = 48.195).
#   B: 亩均税收 24.10 (tax is stored to the fen) ÷ 2 = 12.05, 0.50006 × 30 = 15.002;
#      亩均增加值 68.08 = 0.5 × 20 = 10; no energy figure → 0; no emission figure → the
#      mean emission points of the county's 规上 firms that have one (A alone: 20); no
#      employee figure → 0; R&D 3.02 ÷ 200 = 1.51 % = 0.5 × 10 = 5 → 50.002 → 50.00.
#      E (in the zone, ranked in its host county 南湖) has B's figures: tied on score and
#      on 亩均税收, the USCC puts B first.
#   C is a utility (industry 44) and F has been in production since June 2022: both T.
#   规下, benchmarks = 2021 county averages (D1 alone: 亩均税收 40/4 = 10, 单位电耗税收
#   40/40 = 1): D1 10/10 × 50 + 1.5/1 × 50 = 125; D2 5/10 × 50 + 1/1 × 50 = 75.
A_FIGURES = {
    "tax": 96.39,
    "land_mu": 2,
    "value_added": 544.64,
    "energy_tce": 10,
    "emissions": 0.01,
    "employees": 1,
    "rd": 100,
    "main_revenue": 1000,
}
B_FIGURES = {"tax": 24.097, "land_mu": 2, "value_added": 136.16, "rd": 3.02, "main_revenue": 200}


@pytest.fixture
def population(places):
    firms = {
        "A": enterprise(places, "91330402000000001A", industry="rice"),
        "B": enterprise(places, "91330402000000002B"),
        "E": enterprise(places, "91330402000000003E", unit="zone"),
        "C": enterprise(places, "91330402000000004C", industry="power"),
        "F": enterprise(places, "91330402000000005F", since=dt.date(2022, 6, 1)),
        "D1": enterprise(places, "91330402000000006D", scale="below"),
        "D2": enterprise(places, "91330402000000007D", scale="below"),
    }
    metrics(firms["A"], **A_FIGURES)
    metrics(firms["B"], **B_FIGURES)
    metrics(firms["E"], **B_FIGURES)
    metrics(firms["C"], **A_FIGURES)
    metrics(firms["F"], **A_FIGURES)
    metrics(firms["D1"], tax=30, land_mu=3, electricity=20)
    metrics(firms["D2"], tax=10, land_mu=2, electricity=10)
    metrics(firms["D1"], year=2021, tax=40, land_mu=4, electricity=40)
    return firms


def results(run):
    return {r.enterprise.uscc[-2:]: r for r in run.results.select_related("enterprise", "unit")}


def test_loading_the_shipped_scheme_stores_version_1():
    scheme = scheme_load(path=SHIPPED, root=ROOT)
    assert (scheme.code, scheme.year, scheme.version) == ("zhejiang-county", 2022, 1)
    assert scheme.source == "https://www.chacewang.com/newsdetail/news430850.html"
    assert scheme.definition["scales"]["above"]["items"][0]["benchmark"]["value"] == 24.097
    assert AuditEntry.objects.filter(action="evaluation_scheme.load").count() == 1


def test_loading_an_unchanged_file_again_writes_nothing():
    first = scheme_load(path=SHIPPED, root=ROOT)
    again = scheme_load(path=SHIPPED, root=ROOT)
    assert again.pk == first.pk
    assert EvaluationScheme.objects.count() == 1
    assert AuditEntry.objects.filter(action="evaluation_scheme.load").count() == 1


def test_a_changed_file_becomes_the_next_version_and_leaves_the_first(tmp_path):
    first = scheme_load(path=SHIPPED, root=ROOT)
    changed = tmp_path / SHIPPED.name
    changed.write_text(
        SHIPPED.read_text(encoding="utf-8").replace("value: 24.097", "value: 25"), encoding="utf-8"
    )
    second = scheme_load(path=changed)
    assert second.version == 2
    assert second.definition["scales"]["above"]["items"][0]["benchmark"]["value"] == 25
    first.refresh_from_db()
    assert first.definition["scales"]["above"]["items"][0]["benchmark"]["value"] == 24.097


def test_a_broken_file_is_refused_and_nothing_is_written(tmp_path):
    broken = tmp_path / SHIPPED.name
    broken.write_text(
        SHIPPED.read_text(encoding="utf-8").replace("weight: 30", "weight: 35"), encoding="utf-8"
    )
    with pytest.raises(DefinitionFileError, match="weights add up to 105, not 100"):
        scheme_load(path=broken)
    assert EvaluationScheme.objects.count() == 0
    assert AuditEntry.objects.count() == 0


def test_a_run_stores_one_result_per_enterprise_as_computed_by_hand(population):
    scheme = scheme_load(path=SHIPPED, root=ROOT)
    run = EvaluationRun.objects.create(scheme=scheme, year=2022)
    done = evaluation_run_execute(run_id=run.pk)
    assert done is not None
    run.refresh_from_db()
    assert (run.status, run.is_current, run.enterprises) == ("done", True, 7)
    assert run.finished_at is not None
    out = results(run)
    assert {k: (r.grade, r.score, r.rank_county) for k, r in out.items()} == {
        "1A": ("A", 200.0, 1),
        "2B": ("B", 50.0, 2),
        "3E": ("C", 50.0, 3),
        "4C": ("T", None, None),
        "5F": ("T", None, None),
        "6D": ("A", 125.0, 1),
        "7D": ("B", 75.0, 2),
    }
    # The zone's firm is ranked in 南湖 but stays registered in the zone.
    assert out["3E"].unit.code == "JX-ETDZ"
    # Industries are ranked at the 大类 level: 1311 counts as 13.
    assert out["1A"].rank_industry == 1
    assert out["2B"].rank_industry == 2
    # Contributions: indicator → value, benchmark, ratio, points; bonus and penalty items
    # → points; "_" → status and reason for a firm that is not ranked.
    assert out["1A"].contributions == {
        "tax_per_mu": {"value": 48.195, "benchmark": 24.097, "ratio": 2.0, "points": 60.0},
        "va_per_mu": {"value": 272.32, "benchmark": 136.16, "ratio": 2.0, "points": 40.0},
        "va_per_energy": {"value": 54.464, "benchmark": 2.694, "ratio": 2.0, "points": 40.0},
        "va_per_emission": {"value": 54464.0, "benchmark": 4929.81, "ratio": 2.0, "points": 20.0},
        "labour_productivity": {
            "value": 544.64,
            "benchmark": 18.14,
            "ratio": 2.0,
            "points": 20.0,
        },
        "rd_share": {"value": 10.0, "benchmark": 3.02, "ratio": 2.0, "points": 20.0},
    }
    b = out["2B"].contributions
    # No emission figure: no value or ratio, the county's average points.
    assert b["va_per_emission"] == {
        "value": None,
        "benchmark": 4929.81,
        "ratio": None,
        "points": 20.0,
    }
    assert "单位排放增加值缺数据，按县内规上企业该项平均得分计。" in out["2B"].explanation_zh
    assert out["4C"].contributions["_"] == {"status": "exempt", "reason": "utility"}
    assert out["5F"].contributions["_"] == {"status": "exempt", "reason": "new_plant"}
    assert out["5F"].explanation_zh == "投产不满两年：不参评（T），不排名。"
    assert set(out["6D"].contributions) == {"tax_per_mu", "tax_per_kwh"}
    assert out["6D"].contributions["tax_per_mu"]["benchmark"] == 10.0
    assert AuditEntry.objects.get(action="evaluation_run.done").data == {
        "grades": {"A": 2, "B": 2, "C": 1, "T": 2}
    }


def test_a_new_run_becomes_current_and_the_previous_one_stays_with_its_results(population):
    scheme = scheme_load(path=SHIPPED, root=ROOT)
    first = EvaluationRun.objects.create(scheme=scheme, year=2022)
    evaluation_run_execute(run_id=first.pk)
    second = EvaluationRun.objects.create(scheme=scheme, year=2022)
    evaluation_run_execute(run_id=second.pk)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.is_current, second.is_current) == (False, True)
    assert first.results.count() == second.results.count() == 7


def test_a_run_that_is_not_queued_is_left_alone(population):
    scheme = scheme_load(path=SHIPPED, root=ROOT)
    run = EvaluationRun.objects.create(scheme=scheme, year=2022, status="done")
    assert evaluation_run_execute(run_id=run.pk) is None
    assert EvaluationResult.objects.count() == 0


def test_a_failing_run_is_marked_failed_with_its_error(population):
    scheme = scheme_load(path=SHIPPED, root=ROOT)
    EvaluationScheme.objects.filter(pk=scheme.pk).update(definition={"schema": "broken"})
    run = EvaluationRun.objects.create(scheme=scheme, year=2022)
    with pytest.raises(ValueError, match="validation error"):
        evaluation_run_execute(run_id=run.pk)
    run.refresh_from_db()
    assert run.status == "failed"
    assert run.error.startswith("ValidationError: ")
    assert (run.is_current, EvaluationResult.objects.count()) == (False, 0)


def test_starting_a_run_queues_its_task_after_commit(
    population, django_capture_on_commit_callbacks
):
    scheme = scheme_load(path=SHIPPED, root=ROOT)
    with django_capture_on_commit_callbacks(execute=True):
        run = evaluation_run_start(scheme=scheme)
    run.refresh_from_db()
    assert (run.year, run.status, run.enterprises) == (2022, "done", 7)


def test_a_year_without_figures_stores_an_empty_run(population):
    scheme = scheme_load(path=SHIPPED, root=ROOT)
    run = EvaluationRun.objects.create(scheme=scheme, year=2019)
    evaluation_run_execute(run_id=run.pk)
    run.refresh_from_db()
    assert (run.status, run.enterprises, run.is_current) == ("done", 0, True)
