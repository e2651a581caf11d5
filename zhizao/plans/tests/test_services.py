from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from zhizao.core.models import AuditEntry, Unit
from zhizao.core.yamlfile import DefinitionFileError
from zhizao.indicators.models import Indicator, IndicatorValue
from zhizao.plans.models import Clause, Milestone, Plan, PlanVersion, Target
from zhizao.plans.services import plan_load

ROOT = Path(__file__).resolve().parents[3]
DATA = ROOT / "data"

pytestmark = pytest.mark.django_db


def copy_data(tmp_path: Path) -> Path:
    for sub in ("units", "departments", "plans"):
        shutil.copytree(DATA / sub, tmp_path / sub)
    return tmp_path / "plans" / "jiaxing-135n.yaml"


def counts() -> dict[str, int]:
    return {
        "plans": Plan.objects.count(),
        "versions": PlanVersion.objects.count(),
        "clauses": Clause.objects.count(),
        "targets": Target.objects.count(),
        "milestones": Milestone.objects.count(),
        "units": Unit.objects.count(),
        "indicators": Indicator.objects.count(),
        "values": IndicatorValue.objects.count(),
        "audit": AuditEntry.objects.count(),
    }


def test_loading_the_same_file_twice_writes_nothing_the_second_time(tmp_path: Path) -> None:
    path = copy_data(tmp_path)
    first = plan_load(path=path, root=tmp_path)
    before = counts()
    second = plan_load(path=path, root=tmp_path)
    assert first.created is True
    assert second.created is False
    assert second.version.pk == first.version.pk
    assert counts() == before
    assert "unchanged, still version 1" in second.describe()


def test_loaded_version_mirrors_the_file(tmp_path: Path) -> None:
    path = copy_data(tmp_path)
    data = yaml.safe_load(path.read_text("utf-8"))
    version = plan_load(path=path, root=tmp_path).version
    assert version.number == 1
    assert version.is_current is True
    assert version.targets.count() == len(data["targets"])
    tasks = [t for p in data["pillars"] for t in p["tasks"]]
    assert version.clauses.filter(role="task").count() == len(tasks)
    assert version.clauses.filter(role="pillar").count() == len(data["pillars"])
    assert Unit.objects.get(code="JX-PORT").host == Unit.objects.get(code="330482")
    first = version.targets.select_related("clause", "indicator").first()
    assert first is not None
    assert first.code == data["targets"][0]["code"]
    assert first.clause.ref == data["targets"][0]["ref"]
    assert first.indicator.code == data["targets"][0]["indicator"]


def test_changed_file_makes_a_new_version_and_keeps_the_old(tmp_path: Path) -> None:
    path = copy_data(tmp_path)
    v1 = plan_load(path=path, root=tmp_path).version
    data = yaml.safe_load(path.read_text("utf-8"))
    restated = data["targets"][0]["code"]
    data["targets"][0]["value"] = 99
    removed = data["targets"].pop()["code"]
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")

    result = plan_load(path=path, root=tmp_path)

    v1.refresh_from_db()
    assert result.created is True
    assert result.version.number == 2
    assert result.version.is_current is True
    assert v1.is_current is False
    assert result.restated == [restated]
    assert result.removed == [removed]
    assert result.added == []
    old_target = v1.targets.get(code=restated)
    assert old_target.value != 99
    assert result.version.targets.get(code=restated).value == 99
    assert v1.targets.filter(code=removed).exists()
    assert AuditEntry.objects.filter(action="plan.load").count() == 2


def test_refused_file_writes_nothing(tmp_path: Path) -> None:
    path = copy_data(tmp_path)
    data = yaml.safe_load(path.read_text("utf-8"))
    data["targets"][0]["comparator"] = "≥≥"
    data["targets"][-1]["scope"] = "999999"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
    before = counts()

    with pytest.raises(DefinitionFileError) as info:
        plan_load(path=path, root=tmp_path)

    assert len(info.value.problems) == 2
    assert counts() == before
