"""The API's doors: session or token, 401 without either, 403 for the administrator,
read-only (405), and the departments list."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from zhizao.accounts.models import ApiToken, Department
from zhizao.accounts.services import token_create, token_digest, token_revoke

pytestmark = pytest.mark.usefixtures("demo_world")

PLAN = "/api/v1/plans/jiaxing-135n"
ENDPOINTS = [
    "/api/v1/units",
    "/api/v1/units/330402",
    "/api/v1/departments",
    "/api/v1/plans",
    PLAN,
    f"{PLAN}/tasks",
    f"{PLAN}/targets",
    f"{PLAN}/targets/little-giants-2027",
    "/api/v1/indicators",
    "/api/v1/indicators/little_giants",
    "/api/v1/values",
]
ROLES = ["office", "leader", "kjj", "nanhu", "haining", "sysadmin"]
UNAUTHORIZED = {"detail": "请登录或提供有效的 API 令牌 / sign in or send a valid API token"}


def user(username: str):
    return get_user_model().objects.get(username=username)


def bearer(raw: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {raw}"}


@pytest.mark.parametrize("url", ENDPOINTS)
def test_every_endpoint_answers_401_json_without_credentials(url) -> None:
    response = Client().get(url)

    assert response.status_code == 401
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["WWW-Authenticate"] == "Bearer"
    assert response.json() == UNAUTHORIZED


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
@pytest.mark.parametrize("url", ENDPOINTS)
def test_every_endpoint_is_read_only(client_for, url, method) -> None:
    response = getattr(client_for("office"), method)(url, data={}, content_type="application/json")

    assert response.status_code == 405
    assert response["Allow"] == "GET"


@pytest.mark.parametrize("url", ENDPOINTS)
def test_anonymous_writes_are_refused_too(url) -> None:
    assert Client().post(url).status_code == 405


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
def test_departments_answer_data_users_and_refuse_the_administrator(
    client_for, role, status
) -> None:
    assert client_for(role).get("/api/v1/departments").status_code == status


@pytest.mark.parametrize("url", ENDPOINTS)
def test_the_administrator_gets_403_with_a_bilingual_message(client_for, url) -> None:
    response = client_for("sysadmin").get(url)

    assert response.status_code == 403
    assert response.json() == {"detail": "该账号无数据访问权限 / this account has no data access"}


def test_departments_are_listed_in_plan_order(client_for) -> None:
    body = client_for("nanhu").get("/api/v1/departments").json()

    expected = list(Department.objects.order_by("order", "code").values_list("code", flat=True))
    assert [d["code"] for d in body["items"]] == expected
    assert body["count"] == len(expected) == 14
    assert body["items"][0] == {
        "code": "jxj",
        "name": "市经济和信息化局",
        "name_en": "Municipal Bureau of Economy and Information Technology",
        "short_name": "经信",
        "is_assumption": True,
    }


def test_a_session_reads_without_a_csrf_token(db) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user("office"))

    assert client.get("/api/v1/units").status_code == 200


def test_a_token_alone_authenticates_with_the_owners_scope(db) -> None:
    _token, raw = token_create(actor=user("nanhu"), name="x")
    client = Client()

    response = client.get("/api/v1/units", headers=bearer(raw))

    assert response.status_code == 200
    assert [u["code"] for u in response.json()["items"]] == ["330402", "JX-ETDZ"]
    assert "sessionid" not in client.cookies


@pytest.mark.parametrize("url", ENDPOINTS)
def test_a_token_opens_every_endpoint(db, url) -> None:
    _token, raw = token_create(actor=user("office"), name="x")

    assert Client().get(url, headers=bearer(raw)).status_code == 200


def test_using_a_token_records_when_it_was_last_used(db) -> None:
    token, raw = token_create(actor=user("leader"), name="x")
    before = timezone.now()

    Client().get("/api/v1/plans", headers=bearer(raw))

    token.refresh_from_db()
    assert token.last_used_at is not None
    assert token.last_used_at >= before


def test_a_revoked_token_is_refused_with_401(db) -> None:
    owner = user("office")
    token, raw = token_create(actor=owner, name="x")
    token_revoke(actor=owner, token_id=token.pk)

    response = Client().get("/api/v1/units", headers=bearer(raw))

    assert response.status_code == 401
    assert response.json() == UNAUTHORIZED


def test_the_token_of_a_deactivated_account_is_refused_with_401(db) -> None:
    owner = user("office")
    _token, raw = token_create(actor=owner, name="x")
    owner.is_active = False
    owner.save(update_fields=["is_active"])

    assert Client().get("/api/v1/units", headers=bearer(raw)).status_code == 401


@pytest.mark.parametrize(
    "header", ["Bearer zz_not-a-token", "Bearer ", "Token abc", "Basic b2ZmaWNlOnpoaXphby1kZW1v"]
)
def test_an_unknown_or_malformed_authorization_is_refused_with_401(db, header) -> None:
    response = Client().get("/api/v1/units", headers={"Authorization": header})

    assert response.status_code == 401
    assert response.json() == UNAUTHORIZED


def test_a_token_gives_the_administrator_no_data(db) -> None:
    # token_create refuses the administrator; a token made behind its back still sees nothing.
    raw = "zz_admin-token-for-test"
    ApiToken.objects.create(
        user=user("sysadmin"), name="x", prefix=raw[:9], digest=token_digest(raw)
    )

    response = Client().get("/api/v1/units", headers=bearer(raw))

    assert response.status_code == 403
