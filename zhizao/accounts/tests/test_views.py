from __future__ import annotations

import hashlib

import pytest
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.core.exceptions import SuspiciousOperation
from django.http import HttpRequest, HttpResponse
from django.template import loader
from django.test import Client
from django.urls import path

from config.urls import urlpatterns as site_urlpatterns
from zhizao.accounts.models import ApiToken, Profile
from zhizao.core.models import AuditEntry, Unit

User = get_user_model()
DEMO_PASSWORD = "zhizao-demo"
DATA_USERS = ["office", "leader", "kjj", "nanhu", "haining"]
ALL_USERS = [*DATA_USERS, "sysadmin"]


@pytest.fixture(autouse=True)
def world(demo_world, db):
    """The shipped plan, demo data and demo accounts; each test's writes are rolled back."""
    return demo_world


def templates_of(response) -> list[str]:
    return [t.name for t in response.templates if t.name]


def county(code: str) -> int:
    return Unit.objects.get(code=code).pk


def account_form(**changes) -> dict[str, object]:
    data: dict[str, object] = {
        "username": "jiashan",
        "display_name": "嘉善县 联络员",
        "role": "county",
        "capture_units": [county("330421")],
        "password": "a-long-enough-passphrase",
        "password2": "a-long-enough-passphrase",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def edit_form(user, **changes) -> dict[str, object]:
    profile = Profile.objects.get(user=user)
    data: dict[str, object] = {
        "display_name": profile.display_name,
        "role": profile.role,
        "capture_units": [u.pk for u in profile.capture_units.all()],
        "capture_departments": [d.pk for d in profile.capture_departments.all()],
        "view_units": [u.pk for u in profile.view_units.all()],
        "active": "on" if user.is_active else None,
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


# ------------------------------------------------------------------ who opens what


def test_anonymous_visitor_is_sent_to_the_login_page() -> None:
    response = Client().get("/account/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/account/"


@pytest.mark.parametrize(
    ("username", "role_label"),
    [
        ("office", "项目办"),
        ("leader", "市领导"),
        ("kjj", "部门联络员"),
        ("nanhu", "县(市、区)联络员"),
        ("haining", "县(市、区)联络员"),
        ("sysadmin", "系统管理员"),
    ],
)
def test_every_role_opens_its_own_account_page(client_for, username, role_label) -> None:
    response = client_for(username).get("/account/")
    html = response.content.decode()
    assert response.status_code == 200
    assert templates_of(response)[0] == "accounts/profile.html"
    assert f"<dd>{username}</dd>" in html
    assert f"<dd>{role_label}</dd>" in html


def manage_urls() -> list[str]:
    return ["/manage/users/", "/manage/users/new/", "/manage/users/{nanhu}/"]


@pytest.mark.parametrize("url", manage_urls())
@pytest.mark.parametrize("username", ALL_USERS)
def test_only_the_administrator_opens_account_management(client_for, username, url) -> None:
    nanhu = User.objects.get(username="nanhu")
    response = client_for(username).get(url.format(nanhu=nanhu.pk))
    if username == "sysadmin":
        assert response.status_code == 200
    else:
        assert response.status_code == 403
        assert templates_of(response)[0] == "403.html"
        assert "没有权限" in response.content.decode()


@pytest.mark.parametrize("username", DATA_USERS)
def test_data_users_cannot_create_or_change_accounts(client_for, username) -> None:
    client = client_for(username)
    nanhu = User.objects.get(username="nanhu")
    before = (User.objects.count(), AuditEntry.objects.count(), nanhu.password)

    created = client.post("/manage/users/new/", account_form())
    edited = client.post(f"/manage/users/{nanhu.pk}/", edit_form(nanhu, active=None))
    reset = client.post(
        f"/manage/users/{nanhu.pk}/password/",
        {"password": "another-long-passphrase", "password2": "another-long-passphrase"},
    )

    assert [created.status_code, edited.status_code, reset.status_code] == [403, 403, 403]
    nanhu.refresh_from_db()
    assert (User.objects.count(), AuditEntry.objects.count(), nanhu.password) == before
    assert nanhu.is_active is True


# --------------------------------------------------------------------- my account


def test_office_scope_reads_all_units_and_all_targets(client_for) -> None:
    html = client_for("office").get("/account/").content.decode()
    assert html.count("全部单位") == 2  # what it sees and what it enters
    assert html.count("全部目标") == 2


def test_county_liaison_scope_lists_its_county_and_the_zones_it_hosts(client_for) -> None:
    response = client_for("nanhu").get("/account/")
    html = response.content.decode()
    assert [u.code for u in response.context["view_units"]] == ["330402", "JX-ETDZ"]
    assert [u.code for u in response.context["capture_units"]] == ["330402"]
    assert "全部单位" not in html
    assert '<span class="acc-chip">南湖区</span>' in html
    assert '<span class="acc-chip">嘉兴经济技术开发区</span>' in html


def test_department_liaison_scope_names_its_department(client_for) -> None:
    html = client_for("kjj").get("/account/").content.decode()
    assert '<span class="acc-chip">市科学技术局</span>' in html
    assert "所属部门牵头或参与的任务，以及相同指标的总体目标" in html


def test_leader_is_shown_as_read_only(client_for) -> None:
    assert "不填报（只读）" in client_for("leader").get("/account/").content.decode()


def test_user_changes_own_password_and_stays_logged_in(client_for) -> None:
    client = client_for("leader")
    response = client.post(
        "/account/password/",
        {
            "old_password": DEMO_PASSWORD,
            "new_password1": "a-new-long-passphrase",
            "new_password2": "a-new-long-passphrase",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == "/account/"
    assert User.objects.get(username="leader").check_password("a-new-long-passphrase")
    assert AuditEntry.objects.filter(action="account.password_own", actor__username="leader")
    followed = client.get("/account/")
    assert followed.status_code == 200
    assert "密码已修改。" in followed.content.decode()


def test_wrong_old_password_changes_nothing(client_for) -> None:
    before = AuditEntry.objects.count()
    response = client_for("leader").post(
        "/account/password/",
        {
            "old_password": "not-it",
            "new_password1": "a-new-long-passphrase",
            "new_password2": "a-new-long-passphrase",
        },
    )
    assert response.status_code == 200
    assert list(response.context["password_form"].errors) == ["old_password"]
    assert User.objects.get(username="leader").check_password(DEMO_PASSWORD)
    assert AuditEntry.objects.count() == before


# ------------------------------------------------------------------------- tokens


def test_new_token_is_shown_once(client_for) -> None:
    client = client_for("nanhu")
    response = client.post("/account/tokens/", {"name": "统计报送程序"})
    raw = response.context["raw"]
    token = ApiToken.objects.get(user__username="nanhu")

    assert response.status_code == 200
    assert templates_of(response)[0] == "accounts/token_created.html"
    assert raw.startswith("zz_")
    assert raw in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    for _ in range(2):
        page = client.get("/account/").content.decode()
        assert raw not in page
        assert f"<code>{token.prefix}…</code>" in page
        assert "统计报送程序" in page


def test_new_token_is_stored_only_as_its_sha256(client_for) -> None:
    client = client_for("nanhu")
    raw = client.post("/account/tokens/", {"name": "统计报送程序"}).context["raw"]
    client.get("/account/")
    token = ApiToken.objects.get(user__username="nanhu")

    assert token.digest == hashlib.sha256(raw.encode()).hexdigest()
    assert raw.startswith(token.prefix)
    stored = [
        *ApiToken.objects.values_list("name", "prefix", "digest"),
        *AuditEntry.objects.values_list("summary", "data"),
        *Session.objects.values_list("session_data"),
    ]
    assert [row for row in stored if raw in str(row)] == []
    entry = AuditEntry.objects.get(action="token.create")
    assert (entry.actor_label, entry.object_id) == ("nanhu", str(token.pk))


def test_token_needs_a_name_and_none_is_created(client_for) -> None:
    response = client_for("nanhu").post("/account/tokens/", {"name": "   "})
    assert response.status_code == 200
    assert templates_of(response)[0] == "accounts/profile.html"
    assert list(response.context["token_form"].errors) == ["name"]
    assert ApiToken.objects.count() == 0


def test_owner_revokes_a_token(client_for) -> None:
    client = client_for("kjj")
    client.post("/account/tokens/", {"name": "脚本"})
    token = ApiToken.objects.get(user__username="kjj")

    response = client.post(f"/account/tokens/{token.pk}/revoke/")

    assert response.status_code == 302
    assert response["Location"] == "/account/"
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert AuditEntry.objects.filter(action="token.revoke", object_id=str(token.pk)).count() == 1
    page = client.get("/account/").content.decode()
    assert "已撤销令牌“脚本”。" in page
    assert 'class="acc-revoked"' in page


def test_revoking_another_users_token_is_a_404_and_changes_nothing(client_for) -> None:
    client_for("kjj").post("/account/tokens/", {"name": "脚本"})
    token = ApiToken.objects.get(user__username="kjj")
    before = AuditEntry.objects.count()

    response = client_for("nanhu").post(f"/account/tokens/{token.pk}/revoke/")

    assert response.status_code == 404
    assert templates_of(response)[0] == "404.html"
    token.refresh_from_db()
    assert token.revoked_at is None
    assert AuditEntry.objects.count() == before


def test_revoking_needs_a_post(client_for) -> None:
    client = client_for("kjj")
    client.post("/account/tokens/", {"name": "脚本"})
    token = ApiToken.objects.get(user__username="kjj")
    assert client.get(f"/account/tokens/{token.pk}/revoke/").status_code == 405
    token.refresh_from_db()
    assert token.revoked_at is None


def test_administrator_has_no_token_form_and_cannot_create_a_token(client_for) -> None:
    client = client_for("sysadmin")
    page = client.get("/account/").content.decode()
    assert 'action="/account/tokens/"' not in page
    assert "API 令牌" not in page

    response = client.post("/account/tokens/", {"name": "脚本"})

    assert response.status_code == 403
    assert ApiToken.objects.count() == 0


# ------------------------------------------------------------- account management


def test_account_list_shows_every_account_in_role_order(client_for) -> None:
    response = client_for("sysadmin").get("/manage/users/")
    usernames = [p.user.username for p in response.context["profiles"]]
    assert usernames == ["office", "kjj", "haining", "nanhu", "leader", "sysadmin"]


def test_account_list_filters_by_role(client_for) -> None:
    response = client_for("sysadmin").get("/manage/users/?role=county")
    assert [p.user.username for p in response.context["profiles"]] == ["haining", "nanhu"]
    assert '<option value="county" selected>' in response.content.decode()


def test_unknown_role_filter_shows_everyone(client_for) -> None:
    response = client_for("sysadmin").get("/manage/users/?role=mayor")
    assert len(response.context["profiles"]) == 6
    assert response.context["role"] == ""


def test_administrator_creates_a_county_liaison(client_for) -> None:
    client = client_for("sysadmin")
    response = client.post("/manage/users/new/", account_form())

    assert response.status_code == 302
    assert response["Location"] == "/manage/users/"
    user = User.objects.get(username="jiashan")
    assert user.check_password("a-long-enough-passphrase")
    profile = Profile.objects.get(user=user)
    assert (profile.role, profile.display_name) == ("county", "嘉善县 联络员")
    assert [u.code for u in profile.capture_units.all()] == ["330421"]
    entry = AuditEntry.objects.get(action="account.create")
    assert (entry.actor_label, entry.object_id) == ("sysadmin", str(user.pk))
    assert "已创建账号 jiashan。" in client.get("/manage/users/").content.decode()


def test_county_liaison_without_a_county_is_refused_and_nothing_is_created(client_for) -> None:
    before = (User.objects.count(), AuditEntry.objects.count())
    response = client_for("sysadmin").post("/manage/users/new/", account_form(capture_units=None))

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "capture_units": [
            "县(市、区)联络员须指定且只能指定一个县(市、区)"
            " / a county liaison needs exactly one county"
        ]
    }
    html = response.content.decode()
    field = html[html.index('class="acc-field acc-f-capture_units has-error"') :]
    assert field.index("a county liaison needs exactly one county") < field.index("</fieldset>")
    assert (User.objects.count(), AuditEntry.objects.count()) == before


def test_duplicate_username_is_refused_whatever_its_case(client_for) -> None:
    before = (User.objects.count(), AuditEntry.objects.count())
    response = client_for("sysadmin").post("/manage/users/new/", account_form(username="NanHu"))

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "username": ["用户名已存在 / this username is taken"]
    }
    assert (User.objects.count(), AuditEntry.objects.count()) == before


def test_mismatched_initial_passwords_are_refused(client_for) -> None:
    before = User.objects.count()
    response = client_for("sysadmin").post(
        "/manage/users/new/", account_form(password2="something-else-entirely")
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {"password2": ["两次输入的密码不一致"]}
    assert User.objects.count() == before


def test_administrator_edits_an_account(client_for) -> None:
    haining = User.objects.get(username="haining")
    response = client_for("sysadmin").post(
        f"/manage/users/{haining.pk}/",
        edit_form(haining, display_name="海宁 联络员", view_units=[county("330482")], active=None),
    )

    assert response.status_code == 302
    assert response["Location"] == "/manage/users/"
    haining.refresh_from_db()
    profile = Profile.objects.get(user=haining)
    assert haining.is_active is False
    assert profile.display_name == "海宁 联络员"
    assert [u.code for u in profile.view_units.all()] == ["330482"]
    entry = AuditEntry.objects.get(action="account.update")
    assert (entry.object_id, entry.data["active"], entry.data["view_units"]) == (
        str(haining.pk),
        False,
        ["330482"],
    )


def test_edit_form_starts_from_the_account_as_it_is(client_for) -> None:
    nanhu = User.objects.get(username="nanhu")
    response = client_for("sysadmin").get(f"/manage/users/{nanhu.pk}/")
    html = response.content.decode()
    nanhu_box = f'name="capture_units" value="{county("330402")}" id="id_capture_units_0" checked>'
    assert nanhu_box in html
    assert html.count("checked>") == 2  # its county and "active"
    assert response.context["form"].initial["role"] == "county"
    assert 'name="username"' not in html


def test_administrator_cannot_deactivate_itself(client_for) -> None:
    sysadmin = User.objects.get(username="sysadmin")
    before = AuditEntry.objects.count()
    response = client_for("sysadmin").post(
        f"/manage/users/{sysadmin.pk}/", edit_form(sysadmin, active=None)
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "role": ["不能停用自己或撤销自己的管理员角色 / you cannot lock yourself out"]
    }
    sysadmin.refresh_from_db()
    assert sysadmin.is_active is True
    assert AuditEntry.objects.count() == before


def test_administrator_resets_a_password(client_for) -> None:
    nanhu = User.objects.get(username="nanhu")
    response = client_for("sysadmin").post(
        f"/manage/users/{nanhu.pk}/password/",
        {"password": "a-fresh-long-passphrase", "password2": "a-fresh-long-passphrase"},
    )

    assert response.status_code == 302
    nanhu.refresh_from_db()
    assert nanhu.check_password("a-fresh-long-passphrase")
    entry = AuditEntry.objects.get(action="account.password")
    assert (entry.actor_label, entry.object_id) == ("sysadmin", str(nanhu.pk))


def test_weak_password_is_refused_next_to_its_field(client_for) -> None:
    nanhu = User.objects.get(username="nanhu")
    before = AuditEntry.objects.count()
    response = client_for("sysadmin").post(
        f"/manage/users/{nanhu.pk}/password/", {"password": "12345", "password2": "12345"}
    )

    assert response.status_code == 200
    assert list(response.context["password_form"].errors) == ["password"]
    nanhu.refresh_from_db()
    assert nanhu.check_password(DEMO_PASSWORD)
    assert AuditEntry.objects.count() == before


def test_unknown_account_is_a_404(client_for) -> None:
    response = client_for("sysadmin").get("/manage/users/987654/")
    assert response.status_code == 404
    assert templates_of(response)[0] == "404.html"


# -------------------------------------------------------------------- error pages


def boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("secret internals: /srv/zhizao/config.py line 12")


def suspicious(request: HttpRequest) -> HttpResponse:
    raise SuspiciousOperation("secret internals")


urlpatterns = [path("boom/", boom), path("suspicious/", suspicious), *site_urlpatterns]


def test_unknown_url_gets_our_404_page_without_internals(client_for) -> None:
    response = client_for("office").get("/no/such/page/")
    html = response.content.decode()
    assert response.status_code == 404
    assert templates_of(response)[0] == "404.html"
    assert "页面不存在" in html
    assert 'href="/"' in html
    for leak in ("Traceback", "urlpatterns", "config.urls", "Page not found"):
        assert leak not in html


def test_refused_page_hides_the_reason(client_for) -> None:
    html = client_for("nanhu").get("/manage/users/").content.decode()
    assert "account management is for administrators" not in html


@pytest.mark.urls(__name__)
def test_server_error_page_says_what_happened_and_nothing_more(client_for) -> None:
    client = client_for("office")
    client.raise_request_exception = False
    response = client.get("/boom/")
    html = response.content.decode()
    assert response.status_code == 500
    assert templates_of(response) == ["500.html"]
    assert "系统出错" in html
    assert "Server error" in html
    assert "secret internals" not in html
    assert "RuntimeError" not in html


def test_server_error_page_renders_without_context_or_request() -> None:
    html = loader.get_template("500.html").render()
    assert "系统出错" in html
    assert '<link rel="stylesheet" href="/static/zhizao/app.css">' in html
    assert "<script" not in html


@pytest.mark.urls(__name__)
def test_bad_request_gets_our_400_page(client_for) -> None:
    response = client_for("office").get("/suspicious/")
    html = response.content.decode()
    assert response.status_code == 400
    assert templates_of(response)[0] == "400.html"
    assert "请求无效" in html
    assert "secret internals" not in html


def test_request_for_an_unknown_host_gets_our_400_page() -> None:
    response = Client(raise_request_exception=False).get("/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert templates_of(response)[0] == "400.html"


def test_post_without_csrf_token_is_refused_with_our_page() -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(User.objects.get(username="nanhu"))

    response = client.post("/account/tokens/", {"name": "脚本"})

    assert response.status_code == 403
    assert templates_of(response)[0] == "403_csrf.html"
    assert "表单已失效" in response.content.decode()
    assert ApiToken.objects.count() == 0


# -------------------------------------------------------------------------- login


def test_login_page_names_the_product_and_labels_its_fields() -> None:
    html = Client().get("/accounts/login/").content.decode()
    assert "先进制造业集群推进系统" in html
    assert '<label for="id_username">用户名</label>' in html
    assert '<label for="id_password">密码</label>' in html
    assert '<button type="submit" class="primary">登录</button>' in html


def test_failed_login_says_so() -> None:
    response = Client().post("/accounts/login/", {"username": "office", "password": "nope"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "用户名或密码不正确。" in html
    assert 'aria-invalid="true"' in html
