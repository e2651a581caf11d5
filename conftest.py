from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent
SHIPPED_PLAN = ROOT / "data" / "plans" / "jiaxing-135n.yaml"


@pytest.fixture
def shipped_plan_path() -> Path:
    return SHIPPED_PLAN


@pytest.fixture
def loaded_plan(db):
    from zhizao.plans.services import plan_load

    return plan_load(path=SHIPPED_PLAN, root=ROOT).version
