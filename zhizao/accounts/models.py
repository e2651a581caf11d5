from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from zhizao.accounts.domain import ROLE_LABELS, Role


class Department(models.Model):
    """A city department that leads or co-leads tasks and owns indicators."""

    code = models.CharField(_("代码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    name_en = models.CharField(_("英文名称"), max_length=200)
    short_name = models.CharField(_("简称"), max_length=50, blank=True)
    is_assumption = models.BooleanField(
        _("默认假设"),
        default=False,
        help_text=_("名单来自系统默认假设而非方案原文"),
    )
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("部门")
        verbose_name_plural = _("部门")

    def __str__(self) -> str:
        return self.name

    def label(self, language: str) -> str:
        return self.name_en if language.startswith("en") else self.name


class Profile(models.Model):
    """A user's role and scopes. A user without a profile sees no data."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    role = models.CharField(
        _("角色"), max_length=12, choices=[(r.value, ROLE_LABELS[r][0]) for r in Role]
    )
    display_name = models.CharField(_("姓名/称谓"), max_length=100, blank=True)
    capture_units = models.ManyToManyField(
        "core.Unit", blank=True, related_name="+", verbose_name=_("填报单位")
    )
    capture_departments = models.ManyToManyField(
        Department, blank=True, related_name="+", verbose_name=_("所属部门")
    )
    view_units = models.ManyToManyField(
        "core.Unit", blank=True, related_name="+", verbose_name=_("另可查看的单位")
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("用户角色")
        verbose_name_plural = _("用户角色")

    def __str__(self) -> str:
        return f"{self.user.get_username()} ({self.role})"


class ApiToken(models.Model):
    """A personal token for machines calling the API; only its SHA-256 is kept."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("用途"), max_length=100)
    prefix = models.CharField(max_length=12, db_index=True)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API 令牌")
        verbose_name_plural = _("API 令牌")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.name})"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
