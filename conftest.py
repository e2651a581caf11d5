from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent
SHIPPED_PLAN = ROOT / "data" / "plans" / "jiaxing-135n.yaml"


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rendered pages are cached per process; each test starts without them."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def shipped_plan_path() -> Path:
    return SHIPPED_PLAN


@pytest.fixture
def loaded_plan(db):
    from zhizao.plans.services import plan_load

    return plan_load(path=SHIPPED_PLAN, root=ROOT).version


DEMO_PERIODS = ("2025Q3", "2025Q4")


@pytest.fixture
def demo_plan(loaded_plan):
    """The shipped plan with synthetic demo data to 2025Q4, demo accounts, and stored
    progress for 2025Q3 and 2025Q4 (the full history is left out to keep tests quick)."""
    from django.core.management import call_command

    call_command("demo_data", "--seed", "7", "--until", "2025Q4", "--no-progress", verbosity=0)
    _refresh_now(loaded_plan)
    return loaded_plan


def _refresh_now(version) -> None:
    """Store progress synchronously, as ``manage.py progress_refresh`` does, and mark the
    run queued by the plan load as covered (tests have no worker)."""
    from zhizao.core.domain import Period
    from zhizao.indicators.models import ProgressRun
    from zhizao.indicators.services import progress_refresh

    progress_refresh(version=version, periods=[Period.parse(p) for p in DEMO_PERIODS])
    ProgressRun.objects.filter(status=ProgressRun.Status.QUEUED).update(
        status=ProgressRun.Status.DONE
    )


@pytest.fixture
def client_for(db):
    """``client_for("nanhu")``: a test client logged in as that user."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    def make(username: str) -> Client:
        client = Client()
        client.force_login(get_user_model().objects.get(username=username))
        return client

    return make


@pytest.fixture(scope="module")
def demo_world(django_db_setup, django_db_blocker):
    """Like ``demo_plan`` but built once per test module inside a transaction that is
    rolled back afterwards; each test still runs in its own savepoint (``db``). For
    read-only test matrices over many roles and pages."""
    from django.core.management import call_command
    from django.db import transaction

    from zhizao.plans.services import plan_load

    with django_db_blocker.unblock(), transaction.atomic():
        version = plan_load(path=SHIPPED_PLAN, root=ROOT).version
        call_command("demo_data", "--seed", "7", "--until", "2025Q4", "--no-progress", verbosity=0)
        _refresh_now(version)
        yield version
        transaction.set_rollback(True)
