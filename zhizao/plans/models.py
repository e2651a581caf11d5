from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from zhizao.plans.domain import Comparator, Kind


class Plan(models.Model):
    """A programme such as 135N; its content lives in versions."""

    code = models.SlugField(_("代码"), max_length=64, unique=True)
    title = models.CharField(_("标题"), max_length=300)
    title_en = models.CharField(_("英文标题"), max_length=300)
    region = models.ForeignKey("core.Unit", on_delete=models.PROTECT, related_name="plans")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("计划")
        verbose_name_plural = _("计划")

    def __str__(self) -> str:
        return self.title


class PlanVersionManager(models.Manager["PlanVersion"]):
    def get_queryset(self) -> models.QuerySet[PlanVersion]:
        # The whole plan file is kept in ``definition`` (tens of kB of JSON); almost every
        # read wants the version's dates and titles only. Reading the field loads it.
        return super().get_queryset().defer("definition")


class PlanVersion(models.Model):
    """One loaded state of a plan file. A changed file makes a new version; old ones stay."""

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("版本号"))
    is_current = models.BooleanField(_("当前版本"), default=False)
    content_hash = models.CharField(max_length=64)
    source_path = models.CharField(_("来源文件"), max_length=500)
    title = models.CharField(_("标题"), max_length=300)
    title_en = models.CharField(_("英文标题"), max_length=300)
    issuer = models.CharField(_("发文机关"), max_length=200)
    issued_on = models.DateField(_("发文日期"))
    document = models.CharField(_("文件出处"), max_length=300, blank=True)
    start_year = models.PositiveSmallIntegerField(_("起始年"))
    end_year = models.PositiveSmallIntegerField(_("终止年"))
    baseline_year = models.PositiveSmallIntegerField(_("基期年"))
    lights = models.JSONField(_("亮灯阈值"), default=dict, blank=True)
    definition = models.JSONField(_("定义全文"))
    loaded_at = models.DateTimeField(auto_now_add=True)
    loaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )

    objects = PlanVersionManager()

    class Meta:
        ordering = ["plan", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="plan_version_number_unique"),
            models.UniqueConstraint(
                fields=["plan"],
                condition=models.Q(is_current=True),
                name="plan_one_current_version",
            ),
        ]
        verbose_name = _("计划版本")
        verbose_name_plural = _("计划版本")

    def __str__(self) -> str:
        return f"{self.plan.code} v{self.number}"


class ClauseRole(models.TextChoices):
    SECTION = "section", _("部分")
    PART = "part", _("条目")
    PILLAR = "pillar", _("板块")
    TASK = "task", _("重点任务")
    MEASURE = "measure", _("政策措施")


class Clause(models.Model):
    """A numbered clause of the plan text (一、 / (一) / 1.): sections, pillars, tasks, measures."""

    version = models.ForeignKey(PlanVersion, on_delete=models.CASCADE, related_name="clauses")
    ref = models.CharField(_("条款编号"), max_length=40)
    role = models.CharField(_("类别"), max_length=10, choices=ClauseRole.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    number = models.PositiveSmallIntegerField(_("序号"), null=True, blank=True)
    title = models.CharField(_("标题"), max_length=300)
    title_en = models.CharField(_("英文标题"), max_length=300)
    short = models.CharField(_("简称"), max_length=40, blank=True)
    short_en = models.CharField(_("英文简称"), max_length=60, blank=True)
    summary = models.TextField(_("摘要"), blank=True)
    summary_en = models.TextField(_("英文摘要"), blank=True)
    lead = models.ForeignKey(
        "accounts.Department",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="led_clauses",
        verbose_name=_("牵头部门"),
    )
    co_leads = models.ManyToManyField(
        "accounts.Department", blank=True, related_name="co_led_clauses", verbose_name=_("配合部门")
    )
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["version", "order"]
        constraints = [
            models.UniqueConstraint(fields=["version", "ref"], name="clause_ref_unique"),
        ]
        verbose_name = _("条款")
        verbose_name_plural = _("条款")

    def __str__(self) -> str:
        return f"{self.ref} {self.title}"


class Target(models.Model):
    """A quantified commitment of the plan, traceable to its clause and sentence."""

    version = models.ForeignKey(PlanVersion, on_delete=models.CASCADE, related_name="targets")
    code = models.CharField(_("目标编号"), max_length=64)
    indicator = models.ForeignKey(
        "indicators.Indicator", on_delete=models.PROTECT, related_name="targets"
    )
    clause = models.ForeignKey(Clause, on_delete=models.PROTECT, related_name="targets")
    sentence = models.TextField(_("条款原文"))
    comparator = models.CharField(
        _("比较符"), max_length=2, choices=[(c.value, c.value) for c in Comparator]
    )
    value = models.DecimalField(_("目标值"), max_digits=20, decimal_places=6, null=True)
    value_text = models.CharField(_("目标值原文"), max_length=40, blank=True)
    tolerance = models.DecimalField(max_digits=6, decimal_places=4, null=True, blank=True)
    year = models.PositiveSmallIntegerField(_("目标年"), null=True, blank=True)
    year_from = models.PositiveSmallIntegerField(null=True, blank=True)
    year_to = models.PositiveSmallIntegerField(null=True, blank=True)
    kind = models.CharField(_("类型"), max_length=8, choices=[(k.value, k.value) for k in Kind])
    scope = models.CharField(_("范围"), max_length=32)
    note = models.TextField(_("备注"), blank=True)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["version", "order"]
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="target_code_unique"),
        ]
        indexes = [models.Index(fields=["indicator", "version"])]
        verbose_name = _("目标")
        verbose_name_plural = _("目标")

    def __str__(self) -> str:
        return f"{self.clause.ref} {self.code}"

    @property
    def each_year(self) -> bool:
        return self.year_from is not None


class Milestone(models.Model):
    """A qualitative commitment of a task or measure, tracked with an owner and evidence."""

    version = models.ForeignKey(PlanVersion, on_delete=models.CASCADE, related_name="milestones")
    clause = models.ForeignKey(Clause, on_delete=models.CASCADE, related_name="milestones")
    code = models.CharField(_("编号"), max_length=64)
    title = models.CharField(_("内容"), max_length=500)
    title_en = models.CharField(_("英文内容"), max_length=500)
    due_year = models.PositiveSmallIntegerField(_("完成年份"), null=True, blank=True)
    owner = models.ForeignKey(
        "accounts.Department", null=True, blank=True, on_delete=models.PROTECT
    )
    evidence = models.TextField(_("佐证材料"), blank=True)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["version", "order"]
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="milestone_code_unique"),
        ]
        verbose_name = _("里程碑")
        verbose_name_plural = _("里程碑")

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class TargetAllocation(models.Model):
    """A county's share of a city target (倒排分解); the shares are checked against the whole."""

    class Source(models.TextChoices):
        PLAN = "plan", _("计划文件")
        ENTERED = "entered", _("手工录入")
        SYNTHETIC = "synthetic", _("合成演示数据")

    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="allocations")
    unit = models.ForeignKey("core.Unit", on_delete=models.PROTECT, related_name="allocations")
    value = models.DecimalField(_("分解目标值"), max_digits=20, decimal_places=6)
    source = models.CharField(_("来源类别"), max_length=10, choices=Source.choices)

    class Meta:
        ordering = ["target", "unit__order"]
        constraints = [
            models.UniqueConstraint(fields=["target", "unit"], name="allocation_unique"),
        ]
        verbose_name = _("目标分解")
        verbose_name_plural = _("目标分解")

    def __str__(self) -> str:
        return f"{self.target.code} {self.unit.code} = {self.value}"
