from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


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
