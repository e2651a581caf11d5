"""Units through the API, pagination, and the committed OpenAPI schema."""

import io
import json

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client

from config.api import openapi_text

pytestmark = pytest.mark.usefixtures("demo_world")

ALL_UNITS = [
    "330400",
    "330402",
    "330411",
    "330421",
    "330424",
    "330481",
    "330482",
    "330483",
    "JX-ETDZ",
    "JX-PORT",
    "JX-XZHTZ",
]
NOT_FOUND = {"detail": "未找到 / not found"}


def codes(response) -> list[str]:
    return [item["code"] for item in response.json()["items"]]


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("office", 200),
        ("leader", 200),
        ("kjj", 200),
        ("nanhu", 200),
        ("haining", 200),
        ("sysadmin", 403),
    ],
)
def test_unit_list_answers_each_role(client_for, role, status) -> None:
    assert client_for(role).get("/api/v1/units").status_code == status


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("office", 200),
        ("leader", 200),
        ("kjj", 200),
        ("nanhu", 200),
        ("haining", 404),
        ("sysadmin", 403),
    ],
)
def test_nanhus_unit_is_shown_to_each_role_that_may_see_it(client_for, role, status) -> None:
    assert client_for(role).get("/api/v1/units/330402").status_code == status


@pytest.mark.parametrize("role", ["office", "leader", "kjj"])
def test_city_wide_roles_list_every_unit_city_first(client_for, role) -> None:
    response = client_for(role).get("/api/v1/units")

    assert codes(response) == ALL_UNITS
    assert response.json()["count"] == 11


def test_county_liaison_lists_its_county_and_the_zone_it_hosts(client_for) -> None:
    response = client_for("nanhu").get("/api/v1/units")

    assert response.json() == {
        "items": [
            {
                "code": "330402",
                "name": "南湖区",
                "name_en": "Nanhu District",
                "short_name": "南湖",
                "type": "county",
                "parent": "330400",
                "host": None,
                "is_gb_code": True,
            },
            {
                "code": "JX-ETDZ",
                "name": "嘉兴经济技术开发区",
                "name_en": "Jiaxing Economic and Technological Development Zone",
                "short_name": "经开区",
                "type": "zone",
                "parent": "330400",
                "host": "330402",
                "is_gb_code": False,
            },
        ],
        "count": 2,
    }


@pytest.mark.parametrize("code", ["330481", "330400", "JX-PORT", "999999"])
def test_a_unit_outside_the_scope_is_404_exactly_like_an_unknown_one(client_for, code) -> None:
    response = client_for("nanhu").get(f"/api/v1/units/{code}")

    assert response.status_code == 404
    assert response.json() == NOT_FOUND


def test_county_liaison_filtering_by_type_finds_only_its_own(client_for) -> None:
    client = client_for("haining")

    assert codes(client.get("/api/v1/units?type=county")) == ["330481"]
    assert client.get("/api/v1/units?type=zone").json() == {"items": [], "count": 0}


@pytest.mark.parametrize(
    ("type_", "expected"),
    [
        ("city", ["330400"]),
        ("county", ALL_UNITS[1:8]),
        ("zone", ["JX-ETDZ", "JX-PORT", "JX-XZHTZ"]),
    ],
)
def test_units_filter_by_type(client_for, type_, expected) -> None:
    assert codes(client_for("office").get(f"/api/v1/units?type={type_}")) == expected


def test_an_unknown_unit_type_is_a_422(client_for) -> None:
    assert client_for("office").get("/api/v1/units?type=province").status_code == 422


def test_limit_and_offset_page_through_the_list_with_the_full_count(client_for) -> None:
    client = client_for("office")

    first = client.get("/api/v1/units?limit=4").json()
    second = client.get("/api/v1/units?limit=4&offset=4").json()
    past_end = client.get("/api/v1/units?limit=4&offset=20").json()

    assert [u["code"] for u in first["items"]] == ALL_UNITS[:4]
    assert [u["code"] for u in second["items"]] == ALL_UNITS[4:8]
    assert (first["count"], second["count"]) == (11, 11)
    assert past_end == {"items": [], "count": 11}


@pytest.mark.parametrize("query", ["limit=0", "limit=1001", "offset=-1", "limit=x"])
def test_a_limit_outside_1_to_1000_or_a_negative_offset_is_a_422(client_for, query) -> None:
    assert client_for("office").get(f"/api/v1/units?{query}").status_code == 422


def test_the_largest_page_is_1000(client_for) -> None:
    assert codes(client_for("office").get("/api/v1/units?limit=1000")) == ALL_UNITS


def test_committed_openapi_schema_matches_the_live_one() -> None:
    committed = (settings.BASE_DIR / "docs" / "openapi.json").read_text(encoding="utf-8")

    assert committed == openapi_text(), "docs/openapi.json is stale: run `make openapi`"


def test_api_schema_command_prints_the_live_schema() -> None:
    out = io.StringIO()

    call_command("api_schema", stdout=out)

    assert out.getvalue() == openapi_text()
    schema = json.loads(out.getvalue())
    assert schema["info"]["title"] == "zhizao 智造 API"
    assert schema["info"]["version"] == "1"
    assert sorted(schema["paths"]) == [
        "/api/v1/clusters",
        "/api/v1/departments",
        "/api/v1/enterprises",
        "/api/v1/enterprises/{uscc}",
        "/api/v1/indicators",
        "/api/v1/indicators/{code}",
        "/api/v1/plans",
        "/api/v1/plans/{code}",
        "/api/v1/plans/{code}/targets",
        "/api/v1/plans/{code}/targets/{target_code}",
        "/api/v1/plans/{code}/tasks",
        "/api/v1/units",
        "/api/v1/units/{code}",
        "/api/v1/values",
    ]
    assert all(list(ops) == ["get"] for ops in schema["paths"].values())


def test_the_schema_is_served_without_signing_in(db) -> None:
    # It is the same document as docs/openapi.json; the data behind it needs credentials.
    response = Client().get("/api/v1/openapi.json")

    assert response.status_code == 200
    assert response.json()["info"]["title"] == "zhizao 智造 API"
