"""Plans, tasks and targets with stored progress through the API, per role and scope."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext

from zhizao.accounts.models import Profile
from zhizao.core.models import Unit
from zhizao.indicators.models import ProgressRecord
from zhizao.plans.models import Clause, Target

pytestmark = pytest.mark.usefixtures("demo_world")

PLAN = "/api/v1/plans/jiaxing-135n"
KJJ_TARGET = "little-giants-2027"  # 科技局 co-leads its task: every data role may see it
EACH_COUNTY_TARGET = "county-clusters-500bn-2027"  # not 科技局's
COUNTIES = ["330402", "330411", "330421", "330424", "330481", "330482", "330483"]
NOT_FOUND = {"detail": "未找到 / not found"}


def codes(response) -> list[str]:
    return [item["code"] for item in response.json()["items"]]


def target_codes(**filters) -> list[str]:
    return list(
        Target.objects.filter(version__is_current=True, **filters)
        .order_by("order")
        .values_list("code", flat=True)
    )


def led_by(department: str) -> Q:
    """Clauses the department leads or co-leads, or that sit under one that it does."""
    q = Q()
    for path in ("", "parent__", "parent__parent__"):
        q |= Q(**{f"{path}lead__code": department}) | Q(**{f"{path}co_leads__code": department})
    return q


KJJ_TARGETS = sorted(
    [
        "enterprise-tech-centres-each-year",
        "hitech-enterprises-2027",
        "hv-patent-portfolios-2027",
        "ip-mediation-orgs-cover-2027",
        "ip-protection-centres-2027",
        "jiaxing-craftsmen-2027",
        "listed-refinancing-cum-2027",
        "little-giants-2027",
        "mfg-longterm-loans-each-year",
        "mna-amount-cum-2027",
        "municipal-rd-projects-each-year",
        "prov-equipment-fund-2027",
        "prov-hitech-zones-cover-2027",
        "prov-rd-centres-each-year",
        "prov-srdi-smes-2027",
        "sci-tech-funds-2027",
        "sci-tech-loan-growth-each-year",
        "skilled-workers-2027",
        "star-micro-parks-2027",
        "talent-projects-each-year",
        "tech-smes-2027",
        "wanmu-qianyi-platforms-2027",
    ]
)

ENDPOINTS = [
    "/api/v1/plans",
    PLAN,
    f"{PLAN}/tasks",
    f"{PLAN}/targets",
    f"{PLAN}/targets/{KJJ_TARGET}",
]


@pytest.mark.parametrize("url", ENDPOINTS)
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
def test_plan_endpoints_answer_each_role(client_for, url, role, status) -> None:
    assert client_for(role).get(url).status_code == status


@pytest.mark.parametrize(
    "url",
    ["/api/v1/plans/nope", "/api/v1/plans/nope/tasks", "/api/v1/plans/nope/targets"],
)
def test_an_unknown_plan_is_404(client_for, url) -> None:
    response = client_for("office").get(url)

    assert response.status_code == 404
    assert response.json() == NOT_FOUND


def test_plan_list_shows_the_current_version_and_its_years(client_for) -> None:
    assert client_for("nanhu").get("/api/v1/plans").json() == {
        "items": [
            {
                "code": "jiaxing-135n",
                "title": "嘉兴市先进制造业集群培育工程推进方案(2023—2027年)",
                "title_en": "Jiaxing Advanced Manufacturing Cluster Cultivation Programme"
                " (2023–2027)",
                "region": "330400",
                "version": 1,
                "issuer": "嘉兴市人民政府",
                "issued_on": "2023-03-30",
                "document": "嘉兴市人民政府公报 2023年第4期",
                "start_year": 2023,
                "end_year": 2027,
                "baseline_year": 2022,
            }
        ],
        "count": 1,
    }


def test_plan_detail_lists_its_stored_quarters_and_its_pillars(client_for) -> None:
    body = client_for("kjj").get(PLAN).json()

    assert body["periods"] == ["2025Q4", "2025Q3"]
    assert [p["ref"] for p in body["pillars"]] == [
        "二、(一)",
        "二、(二)",
        "二、(三)",
        "二、(四)",
        "二、(五)",
        "二、(六)",
    ]
    assert body["pillars"][0] == {
        "ref": "二、(一)",
        "title": "着力空间腾换，优化制造业发展布局",
        "title_en": "Free up space and optimise the layout of manufacturing",
        "short": "空间腾换",
        "short_en": "Space",
    }


# ------------------------------------------------------------------------------ tasks


def test_tasks_come_with_departments_pillar_and_milestones(client_for) -> None:
    body = client_for("office").get(f"{PLAN}/tasks").json()

    assert body["count"] == 23
    first = body["items"][0]
    assert (first["ref"], first["lead"], first["co_leads"]) == ("二、(一)1.", "zrzy", ["jxj"])
    assert first["pillar"]["ref"] == "二、(一)"
    assert [m["code"] for m in first["milestones"]] == [
        "t01-m0",
        "t01-industrial-upstairs",
        "t01-park-renewal",
    ]
    assert first["milestones"][1]["owner"] == "jxj"


def test_department_liaison_sees_only_the_tasks_its_department_leads_or_co_leads(
    client_for,
) -> None:
    body = client_for("kjj").get(f"{PLAN}/tasks").json()

    expected = list(
        Clause.objects.filter(version__is_current=True, role="task")
        .filter(Q(lead__code="kjj") | Q(co_leads__code="kjj"))
        .distinct()
        .order_by("order")
        .values_list("ref", flat=True)
    )
    assert [t["ref"] for t in body["items"]] == expected
    assert body["count"] == len(expected) == 9
    assert all(t["lead"] == "kjj" or "kjj" in t["co_leads"] for t in body["items"])


def test_tasks_filter_by_pillar_and_department(client_for) -> None:
    client = client_for("office")

    by_pillar = client.get(f"{PLAN}/tasks", {"pillar": "二、(三)"}).json()
    by_both = client.get(f"{PLAN}/tasks", {"pillar": "二、(三)", "department": "kjj"}).json()

    pillar_tasks = list(
        Clause.objects.filter(version__is_current=True, role="task", parent__ref="二、(三)")
        .order_by("order")
        .values_list("ref", flat=True)
    )
    assert [t["ref"] for t in by_pillar["items"]] == pillar_tasks
    assert {t["pillar"]["ref"] for t in by_pillar["items"]} == {"二、(三)"}
    assert by_both["count"] == len(
        [
            r
            for r in pillar_tasks
            if Clause.objects.filter(ref=r)
            .filter(Q(lead__code="kjj") | Q(co_leads__code="kjj"))
            .exists()
        ]
    )
    assert client.get(f"{PLAN}/tasks", {"pillar": "九、"}).json() == {"items": [], "count": 0}


# ---------------------------------------------------------------------------- targets


def test_office_sees_every_target_for_the_region_at_the_latest_stored_quarter(
    client_for,
) -> None:
    body = client_for("office").get(f"{PLAN}/targets").json()

    assert codes_of(body) == target_codes()
    assert body["count"] == 82
    assert {(t["progress"]["unit"], t["progress"]["period"]) for t in body["items"]} == {
        ("330400", "2025Q4")
    }


def codes_of(body) -> list[str]:
    return [item["code"] for item in body["items"]]


def test_a_target_carries_its_clause_and_its_stored_progress(client_for) -> None:
    body = client_for("office").get(f"{PLAN}/targets", {"q": KJJ_TARGET}).json()
    (item,) = body["items"]
    record = ProgressRecord.objects.get(
        target__code=KJJ_TARGET, unit__code="330400", period="2025Q4"
    )

    assert item["indicator"]["code"] == "little_giants"
    assert (item["clause"], item["pillar"]["ref"], item["lead"]) == (
        "二、(三)9.",
        "二、(三)",
        "jxj",
    )
    assert item["progress"] == {
        "period": "2025Q4",
        "unit": "330400",
        "light": record.light,
        "reason_zh": record.reason_zh,
        "reason_en": record.reason_en,
        "actual": record.actual,
        "expected": record.expected,
        "target_value": record.target_value,
        "gap": record.gap,
        "achievement_pct": record.achievement_pct,
        "progress_pct": record.progress_pct,
        "time_pct": record.time_pct,
        "as_of": record.as_of,
        "synthetic": True,
        "derived": record.derived,
        "allocated": record.allocated,
        "parts": {},
        "rollup": record.rollup,
        "computed_at": item["progress"]["computed_at"],
    }


def test_department_liaison_sees_only_its_targets(client_for) -> None:
    client = client_for("kjj")

    body = client.get(f"{PLAN}/targets?limit=1000").json()
    detail = client.get(f"{PLAN}/targets/{EACH_COUNTY_TARGET}")

    assert sorted(codes_of(body)) == KJJ_TARGETS
    assert body["count"] == 22
    assert detail.status_code == 404
    assert detail.json() == NOT_FOUND


def test_department_liaisons_filters_never_reach_beyond_its_targets(client_for) -> None:
    body = client_for("kjj").get(f"{PLAN}/targets", {"department": "zrzy"}).json()

    expected = sorted(
        set(KJJ_TARGETS)
        & set(
            Target.objects.filter(clause__in=Clause.objects.filter(led_by("zrzy"))).values_list(
                "code", flat=True
            )
        )
    )
    assert sorted(codes_of(body)) == expected
    assert body["count"] == len(expected)


def test_county_liaison_sees_every_target_for_its_own_county_by_default(client_for) -> None:
    body = client_for("nanhu").get(f"{PLAN}/targets?limit=1000").json()

    assert body["count"] == 82
    assert {t["progress"]["unit"] for t in body["items"]} == {"330402"}


def test_county_liaison_may_ask_for_the_zone_its_county_hosts(client_for) -> None:
    body = client_for("nanhu").get(f"{PLAN}/targets", {"unit": "JX-ETDZ"}).json()

    assert {t["progress"]["unit"] for t in body["items"]} == {"JX-ETDZ"}


@pytest.mark.parametrize(
    "url",
    [
        f"{PLAN}/targets?unit=330481",
        f"{PLAN}/targets?unit=330400",
        f"{PLAN}/targets?unit=JX-PORT",
        f"{PLAN}/targets?unit=nowhere",
        f"{PLAN}/targets?unit=330481&light=red",
        f"{PLAN}/targets/{KJJ_TARGET}?unit=330481",
        f"{PLAN}/targets/{KJJ_TARGET}?unit=330400",
        f"{PLAN}/targets/no-such-target",
    ],
)
def test_county_liaison_asking_beyond_its_scope_gets_404(client_for, url) -> None:
    response = client_for("nanhu").get(url)

    assert response.status_code == 404
    assert response.json() == NOT_FOUND


@pytest.mark.parametrize(
    "url",
    [
        f"{PLAN}/targets?limit=1000",
        f"{PLAN}/targets?limit=1000&unit=JX-ETDZ",
        f"{PLAN}/targets?limit=1000&q=县",
        f"{PLAN}/targets/{EACH_COUNTY_TARGET}",
        f"{PLAN}/tasks?limit=1000",
        PLAN,
    ],
)
def test_nothing_of_another_county_reaches_a_county_liaison(client_for, url) -> None:
    text = client_for("nanhu").get(url).content.decode()

    assert "330481" not in text
    assert "海宁" not in text
    assert "Haining" not in text


def test_city_office_sees_each_countys_part_of_an_each_county_target(client_for) -> None:
    body = client_for("office").get(f"{PLAN}/targets", {"q": EACH_COUNTY_TARGET}).json()

    assert list(body["items"][0]["progress"]["parts"]) == COUNTIES


def test_parts_of_a_city_target_show_only_the_counties_a_liaison_may_see(client_for) -> None:
    # The office widened nanhu's view to the city: the city's figures, not the other counties'.
    nanhu = get_user_model().objects.get(username="nanhu")
    Profile.objects.get(user=nanhu).view_units.add(Unit.objects.get(code="330400"))
    ProgressRecord.objects.filter(target__code=EACH_COUNTY_TARGET, unit__code="330400").update(
        reason_zh="5/7 个县(市、区)已实现，未实现：330402、330481",
        reason_en="5 of 7 counties achieved; not yet: 330402, 330481",
    )
    client = client_for("nanhu")

    listed = client.get(f"{PLAN}/targets", {"unit": "330400", "q": EACH_COUNTY_TARGET}).json()
    detail = client.get(f"{PLAN}/targets/{EACH_COUNTY_TARGET}", {"unit": "330400"}).json()

    progress = listed["items"][0]["progress"]
    assert list(progress["parts"]) == ["330402"]
    assert [list(p["parts"]) for p in detail["history"]] == [["330402"], ["330402"]]
    assert progress["reason_zh"] == "5/7 个县(市、区)已实现，未实现：330402、另1个县(市、区)"
    assert progress["reason_en"] == "5 of 7 counties achieved; not yet: 330402, 1 other county"
    assert {p["reason_en"] for p in detail["history"]} == {progress["reason_en"]}
    assert "330481" not in str(listed) + str(detail)


@pytest.mark.parametrize("light", ["achieved", "green", "yellow", "red", "grey"])
def test_targets_filter_by_stored_light(client_for, light) -> None:
    body = client_for("office").get(f"{PLAN}/targets", {"light": light, "limit": 1000}).json()

    expected = list(
        ProgressRecord.objects.filter(unit__code="330400", period="2025Q4", light=light)
        .order_by("target__order")
        .values_list("target__code", flat=True)
    )
    assert codes_of(body) == expected
    assert body["count"] == len(expected)
    assert {t["progress"]["light"] for t in body["items"]} == ({light} if expected else set())


def test_lights_of_a_county_are_its_own(client_for) -> None:
    body = client_for("haining").get(f"{PLAN}/targets", {"light": "red", "limit": 1000}).json()

    expected = ProgressRecord.objects.filter(unit__code="330481", period="2025Q4", light="red")
    assert body["count"] == expected.count()
    assert {t["progress"]["unit"] for t in body["items"]} == {"330481"}


def test_targets_filter_by_kind(client_for) -> None:
    body = client_for("office").get(f"{PLAN}/targets", {"kind": "cover"}).json()

    assert codes_of(body) == target_codes(kind="cover")
    assert body["count"] == 4


def test_targets_filter_by_pillar(client_for) -> None:
    body = client_for("office").get(f"{PLAN}/targets", {"pillar": "二、(三)"}).json()

    expected = target_codes(
        clause__in=Clause.objects.filter(Q(ref="二、(三)") | Q(parent__ref="二、(三)"))
    )
    assert codes_of(body) == expected
    assert body["count"] == len(expected) > 0
    assert {t["pillar"]["ref"] for t in body["items"]} == {"二、(三)"}


def test_targets_filter_by_department(client_for) -> None:
    body = client_for("office").get(f"{PLAN}/targets", {"department": "kjj"}).json()

    expected = target_codes(clause__in=Clause.objects.filter(led_by("kjj")))
    assert codes_of(body) == expected
    assert body["count"] == len(expected) > 0


@pytest.mark.parametrize(
    ("q", "field"),
    [("单项冠军", "indicator__name__contains"), ("each-year", "code__contains")],
)
def test_targets_search_names_sentences_and_codes(client_for, q, field) -> None:
    body = client_for("office").get(f"{PLAN}/targets", {"q": q, "limit": 1000}).json()

    by_text = Q(**{field: q}) | Q(sentence__contains=q)
    expected = list(
        Target.objects.filter(by_text, version__is_current=True)
        .order_by("order")
        .values_list("code", flat=True)
    )
    assert codes_of(body) == expected
    assert body["count"] == len(expected) > 0


def test_targets_of_an_earlier_stored_quarter(client_for) -> None:
    body = client_for("office").get(f"{PLAN}/targets", {"period": "2025Q3"}).json()

    assert {t["progress"]["period"] for t in body["items"]} == {"2025Q3"}


@pytest.mark.parametrize(
    ("period", "detail"),
    [
        ("2025Q5", "期间格式无效 / invalid period '2025Q5': expected YYYY, YYYYQn or YYYY-MM"),
        ("2024Q1", "该期间无进度数据 / no stored progress for 2024Q1 (stored: 2025Q4, 2025Q3)"),
    ],
)
def test_a_bad_or_unstored_period_is_a_400(client_for, period, detail) -> None:
    response = client_for("office").get(f"{PLAN}/targets", {"period": period})

    assert response.status_code == 400
    assert response.json() == {"detail": detail}


def test_an_unknown_light_is_a_422(client_for) -> None:
    assert client_for("office").get(f"{PLAN}/targets?light=blue").status_code == 422


def test_target_detail_has_the_stored_history_of_the_unit(client_for) -> None:
    body = client_for("nanhu").get(f"{PLAN}/targets/{KJJ_TARGET}").json()

    assert body["code"] == KJJ_TARGET
    assert body["unit"] == "330402"
    assert [(p["period"], p["unit"]) for p in body["history"]] == [
        ("2025Q3", "330402"),
        ("2025Q4", "330402"),
    ]
    assert [p["light"] for p in body["history"]] == list(
        ProgressRecord.objects.filter(target__code=KJJ_TARGET, unit__code="330402")
        .order_by("period_end")
        .values_list("light", flat=True)
    )


def test_target_pages_follow_plan_order(client_for) -> None:
    client = client_for("office")

    first = client.get(f"{PLAN}/targets?limit=10").json()
    second = client.get(f"{PLAN}/targets?limit=10&offset=10").json()

    assert codes_of(first) + codes_of(second) == target_codes()[:20]
    assert first["count"] == second["count"] == 82


def test_target_list_reads_a_fixed_number_of_queries_whatever_the_page_size(
    client_for, django_assert_max_num_queries
) -> None:
    client = client_for("kjj")  # the costliest scope: target visibility is worked out

    with CaptureQueriesContext(connection) as one:
        client.get(f"{PLAN}/targets?limit=1&department=kjj&pillar=二、(三)")
    with django_assert_max_num_queries(len(one)):
        body = client.get(f"{PLAN}/targets?limit=1000&department=kjj&pillar=二、(三)").json()
    assert body["count"] > 1
    with django_assert_max_num_queries(20):
        client.get(f"{PLAN}/targets?limit=1000")
