"""Forms of the account pages: they parse what was typed; the services decide what is allowed.

A refused change comes back from a service as an ``AccountError`` whose ``message_dict``
names the fields; ``add_service_errors`` puts each message next to its field.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.db.models import Model
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from zhizao.accounts.domain import ROLE_LABELS, Role
from zhizao.accounts.models import Department
from zhizao.accounts.services import AccountError, AccountInput
from zhizao.core.models import Unit, UnitType


def _english() -> bool:
    return (get_language() or "").startswith("en")


def role_label(role: Role) -> str:
    zh, en = ROLE_LABELS[role]
    return en if _english() else zh


def role_choices() -> list[tuple[str, str]]:
    # A callable, so the labels follow the language of the request that renders the form.
    return [("", "—"), *((r.value, role_label(r)) for r in Role)]


class NamedChoices(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    """Units and departments as checkboxes, labelled in the user's language."""

    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj: Model) -> str:
        assert isinstance(obj, Unit | Department)
        return obj.label(get_language() or "")


class _PasswordPair(forms.Form):
    """A new password typed twice (the services check its strength)."""

    password = forms.CharField(
        label=_("新密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("再次输入新密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("password") and data.get("password2") and data["password"] != data["password2"]:
            self.add_error("password2", _("两次输入的密码不一致"))
        return data


class AccountForm(forms.Form):
    """Role and scopes of an account, common to creating and editing one."""

    display_name = forms.CharField(label=_("姓名/称谓"), max_length=100, required=False)
    role = forms.ChoiceField(label=_("角色"), choices=role_choices)
    capture_units = NamedChoices(
        label=_("填报单位"),
        queryset=Unit.objects.filter(type=UnitType.COUNTY).order_by("order", "code"),
        required=False,
        help_text=_("仅县(市、区)联络员：选择一个县(市、区)"),
    )
    capture_departments = NamedChoices(
        label=_("所属部门"),
        queryset=Department.objects.order_by("order", "code"),
        required=False,
        help_text=_("仅部门联络员：至少选择一个部门"),
    )
    view_units = NamedChoices(
        label=_("另可查看的单位"),
        queryset=Unit.objects.order_by("order", "code"),
        required=False,
        help_text=_("仅县(市、区)联络员：本县(市、区)以外另可查看的单位"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def account_input(self, *, username: str) -> AccountInput:
        data = self.cleaned_data
        return AccountInput(
            username=username,
            display_name=data["display_name"].strip(),
            role=Role(data["role"]),
            capture_units=list(data["capture_units"]),
            capture_departments=list(data["capture_departments"]),
            view_units=list(data["view_units"]),
        )


class AccountCreateForm(AccountForm, _PasswordPair):
    username = forms.CharField(
        label=_("用户名"),
        max_length=150,
        validators=[UnicodeUsernameValidator()],
        help_text=_("登录用，创建后不能修改"),
    )
    field_order = [
        "username",
        "display_name",
        "role",
        "capture_units",
        "capture_departments",
        "view_units",
        "password",
        "password2",
    ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["password"].label = _("初始密码")
        self.fields["password2"].label = _("再次输入初始密码")


class AccountEditForm(AccountForm):
    active = forms.BooleanField(
        label=_("启用"), required=False, help_text=_("停用后该账号不能登录，API 令牌也随之失效")
    )


class PasswordSetForm(_PasswordPair):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("用途"),
        max_length=100,
        help_text=_("例如：统计局数据报送程序"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


def add_service_errors(form: forms.Form, error: AccountError) -> None:
    """Each refused field's message beside the field; others at the top of the form."""
    for field, messages in error.message_dict.items():
        form.add_error(field if field in form.fields else None, messages)
