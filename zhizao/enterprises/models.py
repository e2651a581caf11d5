"""Enterprises, their land, honours, clusters and yearly figures, and the 亩均 evaluation.

An enterprise is keyed by its 统一社会信用代码 (USCC, GB 32100-2015). Land is held in
parcels; a tenant on another firm's parcel is evaluated on the holder's land (DOMAIN.md,
亩均). Evaluation schemes are data (``data/evaluation/``), versioned per year; a run
evaluates one year's figures under one scheme version and keeps every result.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Scale(models.TextChoices):
    ABOVE = "above", _("规上")
    BELOW = "below", _("规下")


class Industry(models.Model):
    """A class of GB/T 4754-2017 (门类 letter, 大类 2 digits, 中类 3, 小类 4)."""

    code = models.CharField(_("代码"), max_length=5, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    level = models.PositiveSmallIntegerField()  # 1 门类 … 4 小类
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT)

    class Meta:
        ordering = ["code"]
        verbose_name = _("国民经济行业")
        verbose_name_plural = _("国民经济行业")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Cluster(models.Model):
    """A 135N cluster: tier and, per county, its role (核心区 / 协同区)."""

    class Tier(models.TextChoices):
        GLOBAL = "global", _("全球性")
        NATIONAL = "national", _("全国性")
        REGIONAL = "regional", _("长三角区域性")
        RISING = "rising", _("新星产业群")

    code = models.SlugField(_("代码"), max_length=64, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    name_en = models.CharField(_("英文名称"), max_length=200)
    tier = models.CharField(_("层级"), max_length=10, choices=Tier.choices)
    is_assumption = models.BooleanField(_("默认假设"), default=False)
    source = models.CharField(_("出处"), max_length=300, blank=True)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("产业集群")
        verbose_name_plural = _("产业集群")

    def __str__(self) -> str:
        return self.name


class ClusterArea(models.Model):
    class Role(models.TextChoices):
        CORE = "core", _("核心区")
        PARTNER = "partner", _("协同区")
        RISING = "rising", _("新星")

    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="areas")
    unit = models.ForeignKey("core.Unit", on_delete=models.PROTECT, related_name="+")
    role = models.CharField(_("定位"), max_length=8, choices=Role.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["cluster", "unit"], name="cluster_area_unique")
        ]
        verbose_name = _("集群区域")
        verbose_name_plural = _("集群区域")

    def __str__(self) -> str:
        return f"{self.cluster_id} {self.unit_id} {self.role}"


class Chain(models.Model):
    """An industry chain (产业链) of a cluster, with its chain chief (链长)."""

    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="chains")
    code = models.SlugField(_("代码"), max_length=64, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    name_en = models.CharField(_("英文名称"), max_length=200)
    chief = models.CharField(_("链长"), max_length=100, blank=True)
    chief_department = models.ForeignKey(
        "accounts.Department", null=True, blank=True, on_delete=models.PROTECT
    )

    class Meta:
        ordering = ["cluster", "code"]
        verbose_name = _("产业链")
        verbose_name_plural = _("产业链")

    def __str__(self) -> str:
        return self.name


class Enterprise(models.Model):
    uscc = models.CharField(_("统一社会信用代码"), max_length=18, unique=True)
    name = models.CharField(_("名称"), max_length=200)
    unit = models.ForeignKey(
        "core.Unit", on_delete=models.PROTECT, related_name="enterprises", verbose_name=_("属地")
    )
    industry = models.ForeignKey(
        Industry, on_delete=models.PROTECT, related_name="+", verbose_name=_("行业")
    )
    scale = models.CharField(_("规模"), max_length=5, choices=Scale.choices)
    founded = models.DateField(_("成立日期"), null=True, blank=True)
    in_production_since = models.DateField(_("投产日期"), null=True, blank=True)
    clusters = models.ManyToManyField(Cluster, blank=True, related_name="members")
    chains = models.ManyToManyField(
        Chain, blank=True, through="ChainMember", related_name="members"
    )
    synthetic = models.BooleanField(_("合成演示数据"), default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["uscc"]
        indexes = [models.Index(fields=["unit", "scale"]), models.Index(fields=["name"])]
        verbose_name = _("企业")
        verbose_name_plural = _("企业")

    def __str__(self) -> str:
        return self.name


class ChainMember(models.Model):
    chain = models.ForeignKey(Chain, on_delete=models.CASCADE)
    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE)
    is_master = models.BooleanField(_("链主企业"), default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["chain", "enterprise"], name="chain_member_unique")
        ]
        verbose_name = _("链上企业")
        verbose_name_plural = _("链上企业")

    def __str__(self) -> str:
        return f"{self.chain_id} {self.enterprise_id}"


class Parcel(models.Model):
    """Land (亩) held by an enterprise; a tenant's figures are evaluated on the holder."""

    holder = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="parcels")
    code = models.CharField(_("宗地编号"), max_length=64, blank=True)
    area_mu = models.DecimalField(_("面积(亩)"), max_digits=12, decimal_places=3)
    tenants = models.ManyToManyField(Enterprise, blank=True, related_name="rented_parcels")

    class Meta:
        verbose_name = _("用地")
        verbose_name_plural = _("用地")

    def __str__(self) -> str:
        return f"{self.holder_id} {self.area_mu} 亩"


class HonourKind(models.TextChoices):
    SINGLE_CHAMPION = "single_champion", _("制造业单项冠军")
    LITTLE_GIANT = "little_giant", _("专精特新“小巨人”")
    PROVINCIAL_SRDI = "provincial_srdi", _("省级专精特新中小企业")
    HIGH_TECH = "high_tech", _("高新技术企业")
    TECH_SME = "tech_sme", _("科技型中小企业")
    LISTED = "listed", _("上市企业")
    CHINA_TOP500_MFG = "china_top500_mfg", _("中国制造业500强")
    FORTUNE_GLOBAL500 = "fortune_global500", _("世界500强")
    REVENUE_100BN = "revenue_100bn", _("营收超千亿企业")
    FUTURE_FACTORY = "future_factory", _("未来工厂")
    SMART_FACTORY = "smart_factory", _("智能工厂/数字化车间")
    GREEN_FACTORY = "green_factory", _("国家级绿色工厂")
    CLOUD_FIRM = "cloud_firm", _("云上企业")


class Honour(models.Model):
    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="honours")
    kind = models.CharField(_("称号"), max_length=20, choices=HonourKind.choices)
    year = models.PositiveSmallIntegerField(_("年份"))
    level = models.CharField(_("级别"), max_length=20, blank=True)  # 国家级 / 省级 / 市级
    exchange = models.CharField(_("交易所"), max_length=20, blank=True)
    ticker = models.CharField(_("证券代码"), max_length=20, blank=True)
    revoked_year = models.PositiveSmallIntegerField(_("撤销年份"), null=True, blank=True)
    source = models.CharField(_("来源"), max_length=300, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "kind", "year"], name="honour_unique_per_year"
            )
        ]
        indexes = [models.Index(fields=["kind", "year"])]
        verbose_name = _("荣誉称号")
        verbose_name_plural = _("荣誉称号")

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.kind} {self.year}"


class AnnualMetric(models.Model):
    """One enterprise's figures for one year (万元, 亩, 人, 吨标煤, 吨, 万千瓦时)."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="metrics")
    year = models.PositiveSmallIntegerField(_("年份"))
    revenue = models.DecimalField(_("营业收入(万元)"), max_digits=16, decimal_places=2, null=True)
    main_revenue = models.DecimalField(
        _("主营业务收入(万元)"), max_digits=16, decimal_places=2, null=True
    )
    tax = models.DecimalField(_("实缴税金(万元)"), max_digits=16, decimal_places=2, null=True)
    value_added = models.DecimalField(
        _("工业增加值(万元)"), max_digits=16, decimal_places=2, null=True
    )
    land_mu = models.DecimalField(_("用地面积(亩)"), max_digits=12, decimal_places=3, null=True)
    employees = models.DecimalField(_("年平均职工人数"), max_digits=10, decimal_places=1, null=True)
    rd = models.DecimalField(_("研发经费(万元)"), max_digits=16, decimal_places=2, null=True)
    energy_tce = models.DecimalField(
        _("综合能耗(吨标煤)"), max_digits=16, decimal_places=3, null=True
    )
    emissions = models.DecimalField(
        _("主要污染物排放(吨)"), max_digits=16, decimal_places=3, null=True
    )
    electricity = models.DecimalField(
        _("用电量(万千瓦时)"), max_digits=16, decimal_places=3, null=True
    )
    output = models.DecimalField(_("工业总产值(万元)"), max_digits=16, decimal_places=2, null=True)
    source = models.CharField(_("来源类别"), max_length=10)  # public/reported/imported/synthetic
    source_detail = models.CharField(_("来源说明"), max_length=300, blank=True)
    entered_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "year"], name="annual_metric_unique")
        ]
        indexes = [models.Index(fields=["year"])]
        verbose_name = _("年度指标")
        verbose_name_plural = _("年度指标")

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.year}"


class EvaluationScheme(models.Model):
    """A 亩均 evaluation rule as loaded from ``data/evaluation/``; one row per version."""

    code = models.SlugField(_("代码"), max_length=64)
    year = models.PositiveSmallIntegerField(_("数据年份"))
    version = models.PositiveIntegerField(_("版本号"), default=1)
    title = models.CharField(_("标题"), max_length=200)
    title_en = models.CharField(_("英文标题"), max_length=300)
    source = models.CharField(_("出处"), max_length=500)
    definition = models.JSONField(_("定义全文"))
    content_hash = models.CharField(max_length=64)
    loaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["code", "-year", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["code", "year", "version"], name="evaluation_scheme_version_unique"
            )
        ]
        verbose_name = _("评价办法")
        verbose_name_plural = _("评价办法")

    def __str__(self) -> str:
        return f"{self.code} {self.year} v{self.version}"


class EvaluationRun(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("计算中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")

    scheme = models.ForeignKey(EvaluationScheme, on_delete=models.PROTECT, related_name="runs")
    year = models.PositiveSmallIntegerField(_("数据年份"))
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    is_current = models.BooleanField(default=False)
    queued_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    enterprises = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )

    class Meta:
        ordering = ["-queued_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["scheme", "year"],
                condition=models.Q(is_current=True),
                name="evaluation_one_current_run",
            )
        ]
        verbose_name = _("评价批次")
        verbose_name_plural = _("评价批次")

    def __str__(self) -> str:
        return f"{self.scheme_id} {self.year} {self.status}"


class EvaluationResult(models.Model):
    """One enterprise's score, class and ranks in a run; ``contributions`` per indicator."""

    run = models.ForeignKey(EvaluationRun, on_delete=models.CASCADE, related_name="results")
    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="evaluations")
    unit = models.ForeignKey("core.Unit", on_delete=models.PROTECT, related_name="+")
    scale = models.CharField(max_length=5, choices=Scale.choices)
    score = models.FloatField(null=True)
    grade = models.CharField(_("等级"), max_length=2)  # A B C D, T (不评价), U (不定等级)
    rank_county = models.PositiveIntegerField(null=True)
    rank_industry = models.PositiveIntegerField(null=True)
    contributions = models.JSONField(default=dict)  # indicator → {value, ratio, points}
    explanation_zh = models.TextField(blank=True)
    explanation_en = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["run", "enterprise"], name="evaluation_result_unique")
        ]
        indexes = [models.Index(fields=["run", "unit", "scale", "grade"])]
        verbose_name = _("评价结果")
        verbose_name_plural = _("评价结果")

    def __str__(self) -> str:
        return f"{self.run_id} {self.enterprise_id} {self.grade}"
