from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client

from zhizao.accounts.services import demo_users_ensure
from zhizao.core.models import Unit
from zhizao.enterprises.models import AnnualMetric, Cluster, Enterprise, Honour, Industry, Scale
from zhizao.enterprises.population import synthetic_uscc

pytestmark = pytest.mark.django_db


@pytest.fixture
def firms(loaded_plan):
    demo_users_ensure()
    industry = Industry.objects.create(code="38", name="电气机械和器材制造业", level=2)
    cluster = Cluster.objects.create(code="pv", name="智能光伏", name_en="Smart PV", tier="global")
    made = {}
    for n, county in enumerate(["330402", "330402", "330481"], start=1):
        e = Enterprise.objects.create(
            uscc=synthetic_uscc(county, n),
            name=f"合成企业{n}",
            unit=Unit.objects.get(code=county),
            industry=industry,
            scale=Scale.ABOVE,
            synthetic=True,
        )
        AnnualMetric.objects.create(
            enterprise=e,
            year=2024,
            tax=Decimal("300"),
            value_added=Decimal("1500"),
            land_mu=Decimal("10"),
            revenue=Decimal(1000 * n),
            source="synthetic",
        )
        e.clusters.add(cluster)
        made[n] = e
    Honour.objects.create(enterprise=made[1], kind="little_giant", year=2023, level="国家级")
    return made


def codes(response) -> list[str]:
    return [e.uscc for e in response.context["page"]]


def test_a_county_liaison_finds_only_its_own_countys_firms(firms, client_for) -> None:
    response = client_for("nanhu").get("/enterprises/")
    assert codes(response) == [firms[1].uscc, firms[2].uscc]
    assert response.context["visible"] == 2
    assert "海宁" not in response.content.decode()


def test_the_office_finds_every_firm_and_can_filter(firms, client_for) -> None:
    office = client_for("office")
    assert len(codes(office.get("/enterprises/"))) == 3
    assert codes(office.get("/enterprises/?unit=330481")) == [firms[3].uscc]
    assert codes(office.get("/enterprises/?honour=little_giant")) == [firms[1].uscc]
    assert codes(office.get(f"/enterprises/?q={firms[2].uscc[:17].lower()}")) == [firms[2].uscc]
    assert codes(office.get("/enterprises/?q=合成企业3")) == [firms[3].uscc]


def test_another_countys_firm_is_404_for_a_liaison(firms, client_for) -> None:
    assert client_for("nanhu").get(f"/enterprises/{firms[3].uscc}/").status_code == 404
    assert client_for("haining").get(f"/enterprises/{firms[3].uscc}/").status_code == 200


def test_a_profile_shows_honours_clusters_and_per_mu_figures(firms, client_for) -> None:
    response = client_for("nanhu").get(f"/enterprises/{firms[1].uscc}/")
    html = response.content.decode()
    assert "专精特新“小巨人”" in html
    assert "智能光伏" in html
    assert response.context["p"].per_mu[0]["tax_per_mu"] == 30.0  # 300 万元 / 10 亩
    assert "合成演示数据" in html


def test_cluster_pages_count_only_members_in_scope(firms, client_for) -> None:
    response = client_for("nanhu").get("/clusters/")
    rows = response.context["rows"]
    assert [(r.cluster.code, r.members, cells) for r, cells in rows] == [("pv", 2, [0.3])]
    assert '<td class="num">0.3</td>' in response.content.decode()
    members = client_for("nanhu").get("/clusters/pv/").context["page"]
    assert [e.uscc for e in members] == [firms[2].uscc, firms[1].uscc]  # by revenue


def test_the_administrator_sees_no_firm(firms, client_for) -> None:
    assert client_for("sysadmin").get("/enterprises/").status_code == 403
    assert client_for("sysadmin").get(f"/enterprises/{firms[1].uscc}/").status_code == 403


def test_anonymous_visitors_are_sent_to_log_in(firms) -> None:
    assert Client().get("/enterprises/").status_code == 302
