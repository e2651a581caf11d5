from __future__ import annotations

import pytest
from django.test import Client

from zhizao.indicators.models import ProgressRecord

pytestmark = pytest.mark.django_db


@pytest.fixture
def office(demo_plan, client_for):
    return client_for("office")


def test_overview_needs_a_session(loaded_plan) -> None:
    response = Client().get("/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/"


def test_overview_counts_every_target_once_by_light(office: Client, demo_plan) -> None:
    response = office.get("/?period=2025Q4")
    assert response.status_code == 200
    stored = ProgressRecord.objects.filter(version=demo_plan, unit__code="330400", period="2025Q4")
    counts = response.context["data"].counts
    assert sum(counts.values()) == demo_plan.targets.count() == stored.count()
    for light, n in counts.items():
        assert stored.filter(light=light).count() == n
    assert '<option value="2025Q4" selected>' in response.content.decode()


def test_overview_lists_the_headline_goals_of_both_deadlines(office: Client, demo_plan) -> None:
    data = office.get("/?period=2025Q4").context["data"]
    years = sorted({r.target.year for h in data.headlines for r in h.goals})
    assert years == [2025, 2027]
    headline_codes = {r.target.code for h in data.headlines for r in h.goals}
    assert headline_codes == set(
        demo_plan.targets.filter(clause__ref="一、(二)").values_list("code", flat=True)
    )


def test_overview_shows_the_lights_that_changed_since_last_quarter(
    office: Client, demo_plan
) -> None:
    data = office.get("/?period=2025Q4").context["data"]
    before = dict(
        ProgressRecord.objects.filter(
            version=demo_plan, unit__code="330400", period="2025Q3"
        ).values_list("target__code", "light")
    )
    now = dict(
        ProgressRecord.objects.filter(
            version=demo_plan, unit__code="330400", period="2025Q4"
        ).values_list("target__code", "light")
    )
    changed = {code for code in now if before[code] != now[code]}
    assert {c.record.target.code for c in data.changes} == changed
    assert all(c.before == before[c.record.target.code] for c in data.changes)


def test_overview_groups_lights_by_pillar_in_the_plans_order(office: Client) -> None:
    data = office.get("/?period=2025Q4").context["data"]
    refs = [g.group.ref for g in data.groups]
    assert refs[0] == "一、(二)"
    assert refs[1:7] == ["二、(一)", "二、(二)", "二、(三)", "二、(四)", "二、(五)", "二、(六)"]
    assert sum(g.total for g in data.groups) == 82


def test_htmx_request_gets_only_the_results_partial(office: Client) -> None:
    response = office.get("/?period=2025Q3", HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="results">')
    assert "<html" not in html


def test_bad_period_falls_back_to_the_latest_quarter_with_a_message(office: Client) -> None:
    response = office.get("/?period=2025Q9")
    assert "期间格式无效，已显示最近一个季度" in response.content.decode()
    assert response.context["period"].id == "2025Q4"


def test_a_period_without_stored_progress_falls_back_with_a_message(office: Client) -> None:
    response = office.get("/?period=2024Q1")
    assert "所选期间无进度数据，已显示最近一个季度" in response.content.decode()


def test_page_is_chinese_by_default_even_for_an_english_browser(office: Client) -> None:
    response = office.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response["Content-Language"] == "zh-hans"
    assert "目标亮灯" in response.content.decode()


def test_page_switches_to_english_when_chosen(office: Client) -> None:
    office.post("/i18n/setlang/", {"language": "en", "next": "/"})
    response = office.get("/?period=2025Q4")
    html = response.content.decode()
    assert response["Content-Language"] == "en"
    assert "Synthetic demo data" in html
    assert "Jiaxing Advanced Manufacturing Cluster Cultivation Programme" in html


def test_pages_are_served_under_a_strict_content_security_policy(office: Client) -> None:
    response = office.get("/")
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy
    assert "object-src 'none'" in policy
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy
    html = response.content.decode()
    assert "<script>" not in html  # every script is a file or a JSON data block
    assert ' style="' not in html


def test_overview_without_stored_progress_says_it_is_being_computed(
    loaded_plan, client_for
) -> None:
    from zhizao.accounts.services import demo_users_ensure

    demo_users_ensure()
    response = client_for("office").get("/")
    assert response.status_code == 200
    assert response.context["data"].rows == []


def test_a_change_to_or_from_grey_is_neither_better_nor_worse() -> None:
    from zhizao.cockpit.selectors.overview import _worse

    assert _worse("green", "red") is True
    assert _worse("red", "achieved") is False
    assert _worse("grey", "red") is None
    assert _worse("red", "grey") is None


def test_htmx_history_restore_gets_the_whole_page(office: Client) -> None:
    response = office.get("/", HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true")
    assert "<html" in response.content.decode()
    assert "HX-Request" in response["Vary"]
