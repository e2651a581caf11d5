"""Rendered pages are cached; nothing stale or foreign may ever come out of the cache."""

from __future__ import annotations

from decimal import Decimal

import pytest

from zhizao.core.domain import Period
from zhizao.core.models import Unit
from zhizao.indicators.models import Indicator, ValueSource
from zhizao.indicators.services import value_set

pytestmark = pytest.mark.django_db


def test_a_recomputation_shows_at_once_on_a_cached_page(
    demo_plan, client_for, django_capture_on_commit_callbacks
) -> None:
    nanhu = client_for("nanhu")
    url = "/targets/tax-per-mu-2025/?period=2025Q4"
    assert "12345.6" not in nanhu.get(url).content.decode()  # now cached
    with django_capture_on_commit_callbacks(execute=True):
        value_set(
            indicator=Indicator.objects.get(code="tax_per_mu"),
            unit=Unit.objects.get(code="330402"),
            period=Period.parse("2025Q4"),
            value=Decimal("12345.6"),
            source=ValueSource.REPORTED,
        )
    assert "12,345.6" in nanhu.get(url).content.decode()


def test_users_with_different_scopes_never_share_a_cached_page(demo_plan, client_for) -> None:
    assert "南湖区" in client_for("nanhu").get("/targets/").content.decode()
    html = client_for("haining").get("/targets/").content.decode()
    assert "海宁市" in html
    assert "南湖区" not in html


def test_users_with_the_same_scope_share_it_and_see_their_own_header(demo_plan, client_for) -> None:
    office = client_for("office").get("/").content.decode()
    leader = client_for("leader").get("/").content.decode()
    assert "市经信局 项目办 (演示)" in office
    assert "市经信局 项目办 (演示)" not in leader
    assert "市领导 (演示，只读)" in leader


def test_each_language_has_its_own_cached_page(demo_plan, client_for) -> None:
    leader = client_for("leader")
    assert "嘉兴市 · 2025Q4 目标亮灯" in leader.get("/").content.decode()
    leader.cookies["django_language"] = "en"
    html = leader.get("/").content.decode()
    assert "目标亮灯" not in html
    assert "Jiaxing · 2025Q4 target lights" in html
