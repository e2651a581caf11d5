from __future__ import annotations

import pytest
from django.test import Client

from zhizao.accounts.services import token_create
from zhizao.enterprises.tests.test_views import firms  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db


def test_a_county_liaison_lists_only_its_countys_firms(firms, client_for) -> None:  # noqa: F811
    body = client_for("nanhu").get("/api/v1/enterprises").json()
    assert body["count"] == 2
    assert [e["uscc"] for e in body["items"]] == [firms[1].uscc, firms[2].uscc]
    assert {e["unit"] for e in body["items"]} == {"330402"}


def test_another_countys_firm_is_404_like_an_unknown_code(firms, client_for) -> None:  # noqa: F811
    nanhu = client_for("nanhu")
    hidden = nanhu.get(f"/api/v1/enterprises/{firms[3].uscc}")
    unknown = nanhu.get("/api/v1/enterprises/91330402MA0000000X")
    assert hidden.status_code == unknown.status_code == 404
    assert hidden.json() == unknown.json() == {"detail": "未找到 / not found"}


def test_an_enterprise_comes_with_its_figures_honours_and_clusters(firms, client_for) -> None:  # noqa: F811
    body = client_for("office").get(f"/api/v1/enterprises/{firms[1].uscc}").json()
    assert body["clusters"] == ["pv"]
    assert body["honours"][0]["kind"] == "little_giant"
    assert body["metrics"][0]["year"] == 2024
    assert body["metrics"][0]["tax"] == "300.00"
    assert body["synthetic"] is True


def test_clusters_count_members_in_scope(firms, client_for) -> None:  # noqa: F811
    assert client_for("nanhu").get("/api/v1/clusters").json()[0]["members"] == 2
    assert client_for("leader").get("/api/v1/clusters").json()[0]["members"] == 3


def test_a_token_works_without_a_session_and_the_administrator_gets_403(
    firms,  # noqa: F811
    client_for,
) -> None:
    from django.contrib.auth.models import User

    _token, raw = token_create(actor=User.objects.get(username="haining"), name="script")
    body = Client().get("/api/v1/enterprises", HTTP_AUTHORIZATION=f"Bearer {raw}").json()
    assert [e["uscc"] for e in body["items"]] == [firms[3].uscc]
    assert client_for("sysadmin").get("/api/v1/enterprises").status_code == 403
    assert Client().get("/api/v1/enterprises").status_code == 401


def test_the_enterprise_api_is_read_only(firms, client_for) -> None:  # noqa: F811
    assert client_for("office").post("/api/v1/enterprises").status_code == 405
