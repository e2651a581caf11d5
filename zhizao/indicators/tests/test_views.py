from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(loaded_plan):
    call_command("demo_data", "--seed", "7", "--until", "2025Q4", verbosity=0)
    return loaded_plan


@pytest.fixture
def office_client(demo) -> Client:
    client = Client()
    client.force_login(get_user_model().objects.get(username="office"))
    return client


def test_overview_needs_a_session(loaded_plan) -> None:
    response = Client().get("/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/"


def test_overview_lists_every_target_with_its_light(office_client: Client, demo) -> None:
    response = office_client.get("/?period=2025Q4")
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('<span class="light light-') == demo.targets.count()
    first = demo.targets.order_by("order").first()
    assert first.sentence in html
    assert "合成演示数据" in html
    assert '<option value="2025Q4" selected>' in html


def test_htmx_request_gets_only_the_results_partial(office_client: Client) -> None:
    response = office_client.get("/?period=2025Q2", HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="results">')
    assert "<html" not in html


def test_bad_period_falls_back_to_the_latest_quarter_with_a_message(office_client: Client) -> None:
    response = office_client.get("/?period=2025Q9")
    assert "期间格式无效，已显示最近一个季度" in response.content.decode()


def test_page_is_chinese_by_default_even_for_an_english_browser(office_client: Client) -> None:
    response = office_client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response["Content-Language"] == "zh-hans"
    assert "目标亮灯" in response.content.decode()


def test_page_switches_to_english_when_chosen(office_client: Client) -> None:
    office_client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    response = office_client.get("/?period=2025Q4")
    html = response.content.decode()
    assert response["Content-Language"] == "en"
    assert "Synthetic demo data" in html
    assert "Jiaxing Advanced Manufacturing Cluster Cultivation Programme" in html


def test_pages_are_served_under_a_strict_content_security_policy(office_client: Client) -> None:
    response = office_client.get("/")
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "object-src 'none'" in policy
    assert "unsafe-inline" not in policy
    assert "http" not in response.content.decode().split("<body>")[0].replace("http-equiv", "")
