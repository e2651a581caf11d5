from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class UnitType(models.TextChoices):
    CITY = "city", _("市")
    COUNTY = "county", _("县(市、区)")
    ZONE = "zone", _("功能区")


class Unit(models.Model):
    """A region that reports and is assessed: the city, a county/district or a zone."""

    code = models.CharField(_("代码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    name_en = models.CharField(_("英文名称"), max_length=200)
    short_name = models.CharField(_("简称"), max_length=50, blank=True)
    type = models.CharField(_("类型"), max_length=10, choices=UnitType.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    host = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="hosted_zones",
        verbose_name=_("所在县(市、区)"),
    )
    is_gb_code = models.BooleanField(_("国标代码"), default=True)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("单位")
        verbose_name_plural = _("单位")

    def __str__(self) -> str:
        return self.name

    def label(self, language: str) -> str:
        return self.name_en if language.startswith("en") else self.name


class AuditEntry(models.Model):
    """Who changed what, when: every write of a service leaves one."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    actor_label = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=64, db_index=True)
    object_type = models.CharField(max_length=64)
    object_id = models.CharField(max_length=64, blank=True)
    summary = models.CharField(max_length=500)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("操作记录")
        verbose_name_plural = _("操作记录")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.summary}"
