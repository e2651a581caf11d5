"""The indicator catalogue and indicator values through the API, per role and scope."""

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from zhizao.accounts.selectors import access_for, target_ids_visible
from zhizao.core.domain import Period
from zhizao.core.models import Unit
from zhizao.indicators.models import Indicator, IndicatorValue, ValueSource
from zhizao.indicators.services import value_set
from zhizao.plans.models import PlanVersion, Target

pytestmark = pytest.mark.usefixtures("demo_world")

KJJ_INDICATOR = "little_giants"  # of a target 科技局 leads
OTHER_INDICATOR = "mfg_investment"  # of no target of 科技局's
NOT_FOUND = {"detail": "未找到 / not found"}
ROLES = [
    ("office", 200),
    ("leader", 200),
    ("kjj", 200),
    ("nanhu", 200),
    ("haining", 200),
    ("sysadmin", 403),
]


def codes(response) -> list[str]:
    return [item["code"] for item in response.json()["items"]]


def kjj_indicators() -> list[str]:
    version = PlanVersion.objects.get(is_current=True)
    visible = target_ids_visible(access_for(get_user_model().objects.get(username="kjj")), version)
    assert visible is not None
    targets = Target.objects.filter(pk__in=visible)
    return sorted(set(targets.values_list("indicator__code", flat=True)))


@pytest.mark.parametrize("url", ["/api/v1/indicators", f"/api/v1/indicators/{KJJ_INDICATOR}"])
@pytest.mark.parametrize(("role", "status"), ROLES)
def test_indicator_endpoints_answer_each_role(client_for, url, role, status) -> None:
    assert client_for(role).get(url).status_code == status


@pytest.mark.parametrize(("role", "status"), ROLES)
def test_values_answer_each_role(client_for, role, status) -> None:
    assert client_for(role).get("/api/v1/values").status_code == status


def test_the_catalogue_is_listed_by_code(client_for) -> None:
    body = client_for("nanhu").get("/api/v1/indicators?limit=1000").json()

    expected = list(Indicator.objects.order_by("code").values_list("code", flat=True))
    assert [i["code"] for i in body["items"]] == expected
    assert body["count"] == 81


def test_an_indicator_shows_its_definition(client_for) -> None:
    assert client_for("office").get(f"/api/v1/indicators/{OTHER_INDICATOR}").json() == {
        "code": "mfg_investment",
        "name": "制造业投资",
        "name_en": "Manufacturing investment",
        "unit": "亿元",
        "unit_en": "100m yuan",
        "direction": "higher",
        "measure": "flow",
        "aggregation": "sum",
        "numerator": None,
        "denominator": None,
        "formula": "",
        "decimals": 1,
        "description": "",
    }


def test_department_liaison_sees_the_indicators_of_its_targets_only(client_for) -> None:
    client = client_for("kjj")

    body = client.get("/api/v1/indicators?limit=1000").json()
    other = client.get(f"/api/v1/indicators/{OTHER_INDICATOR}")

    assert [i["code"] for i in body["items"]] == kjj_indicators()
    assert body["count"] == len(kjj_indicators()) == 22
    assert other.status_code == 404
    assert other.json() == NOT_FOUND


@pytest.mark.parametrize("q", ["单项冠军", "SINGLE-ITEM", "e_champ"])
def test_indicators_search_codes_and_names_ignoring_case(client_for, q) -> None:
    assert codes(client_for("office").get("/api/v1/indicators", {"q": q})) == ["single_champions"]


def test_an_indicator_search_that_matches_nothing_is_an_empty_page(client_for) -> None:
    body = client_for("office").get("/api/v1/indicators", {"q": "no such thing"}).json()

    assert body == {"items": [], "count": 0}


def test_indicators_filter_by_a_list_of_codes(client_for) -> None:
    client = client_for("office")

    repeated = client.get("/api/v1/indicators?code=tax_per_mu&code=little_giants")
    commas = client.get("/api/v1/indicators?code=tax_per_mu,little_giants,nope")

    assert codes(repeated) == codes(commas) == ["little_giants", "tax_per_mu"]


def test_department_liaisons_code_filter_stays_within_its_indicators(client_for) -> None:
    response = client_for("kjj").get(f"/api/v1/indicators?code={OTHER_INDICATOR},{KJJ_INDICATOR}")

    assert codes(response) == [KJJ_INDICATOR]


# ----------------------------------------------------------------------------- values


def test_values_of_a_county_liaison_are_its_units_only(client_for) -> None:
    body = client_for("nanhu").get("/api/v1/values?limit=1000").json()

    expected = IndicatorValue.objects.filter(unit__code__in=["330402", "JX-ETDZ"]).count()
    assert body["count"] == expected > 1000
    assert {v["unit"] for v in body["items"]} == {"330402", "JX-ETDZ"}


def test_every_value_a_county_liaison_pages_through_is_of_its_units(client_for) -> None:
    client = client_for("nanhu")
    seen: set[str] = set()
    offset, count = 0, 1
    while offset < count:
        body = client.get(f"/api/v1/values?limit=1000&offset={offset}").json()
        seen |= {v["unit"] for v in body["items"]}
        offset, count = offset + 1000, body["count"]

    assert seen == {"330402", "JX-ETDZ"}


@pytest.mark.parametrize("unit", ["330481", "330400", "nowhere"])
def test_a_county_liaison_asking_for_values_beyond_its_scope_gets_404(client_for, unit) -> None:
    response = client_for("nanhu").get("/api/v1/values", {"unit": unit})

    assert response.status_code == 404
    assert response.json() == NOT_FOUND


def test_values_of_a_department_liaison_are_of_its_indicators_only(client_for) -> None:
    client = client_for("kjj")

    body = client.get("/api/v1/values?limit=1000").json()
    other = client.get("/api/v1/values", {"indicator": OTHER_INDICATOR})

    expected = IndicatorValue.objects.filter(indicator__code__in=kjj_indicators()).count()
    assert body["count"] == expected
    assert {v["indicator"] for v in body["items"]} <= set(kjj_indicators())
    assert other.status_code == 404


def test_values_filter_by_indicator_unit_period_year_and_source(client_for) -> None:
    client = client_for("office")

    body = client.get(
        "/api/v1/values",
        {"indicator": "tax_per_mu", "unit": "330402", "year": 2025, "source": "synthetic"},
    ).json()
    quarter = client.get(
        "/api/v1/values", {"indicator": "tax_per_mu", "unit": "330402", "period": "2025Q3"}
    ).json()

    expected = list(
        IndicatorValue.objects.filter(
            indicator__code="tax_per_mu", unit__code="330402", year=2025
        ).order_by("period_end", "period_type")
    )
    assert [v["period"] for v in body["items"]] == [v.period for v in expected]
    assert body["count"] == len(expected) > 0
    assert [v["period"] for v in quarter["items"]] == ["2025Q3"]


def test_a_value_shows_its_provenance_and_whether_it_is_synthetic(client_for) -> None:
    value_set(
        indicator=Indicator.objects.get(code="tax_per_mu"),
        unit=Unit.objects.get(code="330402"),
        period=Period.parse("2026Q1"),
        value=Decimal("31.250"),
        source=ValueSource.PUBLIC,
        source_detail="https://tjj.jiaxing.gov.cn/example",
    )
    stored = IndicatorValue.objects.get(
        indicator__code="tax_per_mu", unit__code="330402", period="2026Q1"
    )
    client = client_for("nanhu")

    public = client.get("/api/v1/values", {"indicator": "tax_per_mu", "period": "2026Q1"}).json()
    synthetic = client.get(
        "/api/v1/values", {"indicator": "tax_per_mu", "period": "2025Q3", "unit": "330402"}
    ).json()

    assert public["items"] == [
        {
            "indicator": "tax_per_mu",
            "unit": "330402",
            "period": "2026Q1",
            "period_type": "Q",
            "year": 2026,
            "period_end": "2026-03-31",
            "value": "31.25",
            "source": "public",
            "source_detail": "https://tjj.jiaxing.gov.cn/example",
            "entered_at": public["items"][0]["entered_at"],
            "synthetic": False,
        }
    ]
    assert public["items"][0]["entered_at"].startswith(stored.entered_at.date().isoformat())
    assert (synthetic["items"][0]["source"], synthetic["items"][0]["synthetic"]) == (
        "synthetic",
        True,
    )


@pytest.mark.parametrize(
    ("query", "status"), [({"period": "2025Q9"}, 400), ({"source": "rumour"}, 422)]
)
def test_a_malformed_value_filter_is_refused(client_for, query, status) -> None:
    assert client_for("office").get("/api/v1/values", query).status_code == status


def test_values_are_paged_100_at_a_time_by_default(client_for) -> None:
    client = client_for("office")

    first = client.get("/api/v1/values").json()
    next_ = client.get("/api/v1/values?limit=50&offset=50").json()

    assert len(first["items"]) == 100
    assert first["count"] == IndicatorValue.objects.count()
    assert first["items"][50:] == next_["items"]


def test_value_list_reads_a_fixed_number_of_queries_whatever_the_page_size(
    client_for, django_assert_max_num_queries
) -> None:
    client = client_for("kjj")

    with CaptureQueriesContext(connection) as small:
        client.get("/api/v1/values?limit=1")
    with django_assert_max_num_queries(len(small)):
        body = client.get("/api/v1/values?limit=1000").json()
    assert len(body["items"]) == 1000
