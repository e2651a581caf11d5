from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Indicator(models.Model):
    """What is measured: the catalogue shared by every plan and unit."""

    class Direction(models.TextChoices):
        HIGHER = "higher", _("越高越好")
        LOWER = "lower", _("越低越好")
        TARGET = "target", _("接近目标")

    class Measure(models.TextChoices):
        STOCK = "stock", _("存量/水平")
        FLOW = "flow", _("流量(年内累计)")

    class Aggregation(models.TextChoices):
        SUM = "sum", _("求和")
        RATIO = "ratio", _("比值(分子和/分母和)")
        NONE = "none", _("不可加")

    code = models.CharField(_("代码"), max_length=64, unique=True)
    name = models.CharField(_("名称"), max_length=200)
    name_en = models.CharField(_("英文名称"), max_length=300)
    unit = models.CharField(_("计量单位"), max_length=32, blank=True)
    unit_en = models.CharField(_("英文计量单位"), max_length=32, blank=True)
    direction = models.CharField(max_length=8, choices=Direction.choices, default="higher")
    measure = models.CharField(max_length=8, choices=Measure.choices, default="stock")
    aggregation = models.CharField(max_length=8, choices=Aggregation.choices, default="sum")
    numerator = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    denominator = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    formula = models.CharField(_("计算公式"), max_length=500, blank=True)
    decimals = models.PositiveSmallIntegerField(default=1)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("指标")
        verbose_name_plural = _("指标")

    def __str__(self) -> str:
        return self.name

    def label(self, language: str) -> str:
        return self.name_en if language.startswith("en") else self.name


class ValueSource(models.TextChoices):
    PUBLIC = "public", _("公开数据")
    REPORTED = "reported", _("单位填报")
    IMPORTED = "imported", _("批量导入")
    DERIVED = "derived", _("计算得出")
    SYNTHETIC = "synthetic", _("合成演示数据")


class IndicatorValue(models.Model):
    """One figure: an indicator for a unit and a period, with where it came from."""

    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="values")
    unit = models.ForeignKey("core.Unit", on_delete=models.PROTECT, related_name="values")
    period = models.CharField(_("期间"), max_length=7)  # 2025, 2025Q3, 2025-09
    period_type = models.CharField(max_length=1)  # Y / Q / M
    year = models.PositiveSmallIntegerField()
    period_end = models.DateField()
    value = models.DecimalField(_("数值"), max_digits=24, decimal_places=6)
    source = models.CharField(_("来源类别"), max_length=10, choices=ValueSource.choices)
    source_detail = models.CharField(_("来源说明"), max_length=500, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    entered_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["indicator", "unit", "period_end", "period_type"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "unit", "period"], name="indicator_value_unique"
            ),
        ]
        indexes = [models.Index(fields=["indicator", "unit", "year"])]
        verbose_name = _("指标值")
        verbose_name_plural = _("指标值")

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.unit.code} {self.period} = {self.value}"

    @property
    def is_synthetic(self) -> bool:
        return self.source == ValueSource.SYNTHETIC


class ProgressRecord(models.Model):
    """A target's progress for a unit and a quarter, as the engine judged it.

    Pages and the API read these rows; they are recomputed in the background when values
    or the plan change (``indicators.tasks.progress_refresh``), never during a request.
    """

    version = models.ForeignKey(
        "plans.PlanVersion", on_delete=models.CASCADE, related_name="progress_records"
    )
    target = models.ForeignKey("plans.Target", on_delete=models.CASCADE, related_name="progress")
    unit = models.ForeignKey("core.Unit", on_delete=models.CASCADE, related_name="progress")
    period = models.CharField(_("期间"), max_length=7)
    period_end = models.DateField()
    light = models.CharField(_("亮灯"), max_length=8)
    reason_zh = models.CharField(max_length=500)
    reason_en = models.CharField(max_length=500)
    actual = models.FloatField(null=True)
    expected = models.FloatField(null=True)
    target_value = models.FloatField(null=True)
    gap = models.FloatField(null=True)
    achievement_pct = models.FloatField(null=True)
    progress_pct = models.FloatField(null=True)
    time_pct = models.FloatField(null=True)
    as_of = models.CharField(max_length=7, blank=True)
    synthetic = models.BooleanField(default=False)
    derived = models.BooleanField(default=False)
    allocated = models.FloatField(null=True)
    parts = models.JSONField(default=dict, blank=True)  # county code → light, actual, reason
    rollup = models.JSONField(null=True, blank=True)  # the counties' shares vs the city target
    computed_at = models.DateTimeField()

    class Meta:
        ordering = ["version", "unit", "period_end", "target__order"]
        constraints = [
            models.UniqueConstraint(
                fields=["target", "unit", "period"], name="progress_record_unique"
            ),
        ]
        indexes = [
            models.Index(fields=["version", "unit", "period"]),
            models.Index(fields=["target", "period"]),
        ]
        verbose_name = _("进度记录")
        verbose_name_plural = _("进度记录")

    def __str__(self) -> str:
        return f"{self.target_id} {self.unit_id} {self.period} {self.light}"


class ProgressRun(models.Model):
    """One recomputation of stored progress: what, when, how long, and why."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("计算中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")

    version = models.ForeignKey(
        "plans.PlanVersion", on_delete=models.CASCADE, related_name="progress_runs"
    )
    reason = models.CharField(max_length=200)
    units = models.JSONField(default=list, blank=True)  # unit codes; empty = every unit
    from_period = models.CharField(max_length=7, blank=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    queued_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    rows = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-queued_at", "-id"]
        verbose_name = _("进度计算")
        verbose_name_plural = _("进度计算")

    def __str__(self) -> str:
        return f"{self.version_id} {self.status} {self.queued_at:%Y-%m-%d %H:%M}"
