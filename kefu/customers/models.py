"""The customer archive (R-1): customers, phones, assets, vehicle files, profile fields.

Search keys (pinyin, initials, last 4 digits, last 6 of a VIN) are derived columns written by
the services; every model a user changes keeps its history (R-0.3).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from kefu.core.fields import KeyField
from kefu.customers import choices as c


class Tag(models.Model):
    """A free label an agent puts on customers (e.g. 车友会, 老客户转介绍)."""

    name = models.CharField("标签 tag", max_length=32, unique=True)

    class Meta:
        verbose_name = "标签 tag"
        verbose_name_plural = "标签 tags"

    def __str__(self) -> str:
        return self.name


class Customer(models.Model):
    """A customer file (R-1.1). `number` is the 客户ID written on the paper file."""

    number = KeyField("客户编号 number", max_length=20, unique=True)
    name = KeyField("姓名 name", max_length=64)
    name_pinyin = KeyField("拼音 pinyin", max_length=200, editable=False)
    name_initials = KeyField("首字母 initials", max_length=64, editable=False)
    gender = models.CharField(
        "性别 gender", max_length=8, choices=c.Gender.choices, default=c.Gender.UNKNOWN
    )
    kind = models.CharField(
        "类型 type", max_length=8, choices=c.CustomerKind.choices, default=c.CustomerKind.PERSON
    )
    id_number = KeyField("身份证号 ID number", max_length=18, blank=True, db_index=True)
    birthday = models.DateField("出生日期 date of birth", null=True, blank=True)
    birthday_calendar = models.CharField(
        "生日历法 birthday kept by",
        max_length=8,
        choices=c.BirthdayCalendar.choices,
        default=c.BirthdayCalendar.SOLAR,
    )
    # "MM-DD" of the birthday as celebrated (lunar: "L" prefix for a leap month, e.g. "L04-05"),
    # so the care scheduler finds a day's birthdays by index instead of scanning.
    birthday_key = models.CharField(max_length=6, blank=True, db_index=True, editable=False)
    address = models.CharField("地址 address", max_length=200, blank=True)
    email = models.EmailField("邮箱 e-mail", blank=True)
    source = models.CharField("来源 source", max_length=32, blank=True)
    level = models.CharField(
        "级别 level", max_length=8, choices=c.Level.choices, default=c.Level.NORMAL
    )
    card_expires_on = models.DateField(
        "会员卡到期 member card expires", null=True, blank=True, db_index=True
    )
    status = models.CharField(
        "状态 status", max_length=10, choices=c.Status.choices, default=c.Status.ACTIVE
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="customers",
        verbose_name="专属客服 owner",
    )
    assigned_at = models.DateTimeField("分配时间 assigned at", null=True, blank=True)
    first_contact_due_at = models.DateTimeField(
        "首次联系期限 first contact due", null=True, blank=True
    )
    first_contacted_at = models.DateTimeField("首次联系 first contacted", null=True, blank=True)
    tags = models.ManyToManyField(Tag, blank=True, related_name="customers")
    sms_opt_out = models.BooleanField("拒收短信 SMS opt-out", default=False)
    phone_opt_out = models.BooleanField("拒接回访 phone opt-out", default=False)
    notes = models.TextField("备注 notes", blank=True)
    extra = models.JSONField("扩展资料 extended profile", default=dict, blank=True)
    verification = models.CharField(
        "核实 verification",
        max_length=12,
        choices=c.Verification.choices,
        default=c.Verification.UNVERIFIED,
    )
    verified_at = models.DateTimeField(null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    merged_into = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="merged_from"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # History tables skip the search indexes: they are read by customer id, never searched.
    history = HistoricalRecords(
        m2m_fields=[tags],
        no_db_index=[
            "number",
            "name",
            "name_pinyin",
            "name_initials",
            "id_number",
            "birthday_key",
            "card_expires_on",
        ],
    )

    class Meta:
        verbose_name = "客户 customer"
        verbose_name_plural = "客户 customers"
        # Search keys (R-1.5): (key, status, id) answers "active customers whose key starts
        # with q, ordered by key then id" as an index-only range scan, page and count alike.
        indexes = [
            models.Index(fields=["name", "status", "id"], name="customer_search_name"),
            models.Index(fields=["name_pinyin", "status", "id"], name="customer_search_pinyin"),
            models.Index(fields=["name_initials", "status", "id"], name="customer_search_initials"),
            models.Index(fields=["owner", "status"], name="customer_owner_status"),
            models.Index(
                fields=["first_contact_due_at"],
                name="customer_first_contact_due",
                condition=models.Q(first_contacted_at__isnull=True),
            ),
            # records verified in a month, by whom (the points, R-1.10, R-8.3)
            models.Index(
                fields=["verified_at"],
                name="customer_verified",
                condition=models.Q(verified_by__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.name}"


class CustomerPhone(models.Model):
    """One of a customer's phone numbers, normalised (digits only, no +86)."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="phones")
    number = KeyField("号码 number", max_length=20)
    last4 = KeyField(max_length=4, editable=False)
    kind = models.CharField("类型 kind", max_length=8, choices=c.PhoneKind.choices)
    is_primary = models.BooleanField("主号码 primary", default=False)

    history = HistoricalRecords(no_db_index=["number", "last4"])

    class Meta:
        verbose_name = "电话 phone"
        verbose_name_plural = "电话 phones"
        # Index-only lookups of the customers behind a number or its last 4 digits.
        indexes = [
            models.Index(fields=["number", "customer"], name="phone_search_number"),
            models.Index(fields=["last4", "customer"], name="phone_search_last4"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "number"], name="phone_unique_per_customer"
            ),
        ]

    def __str__(self) -> str:
        return self.number


class Asset(models.Model):
    """What the customer bought or lives in (R-1.3): a vehicle, a property unit or an order."""

    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="assets")
    kind = models.CharField("类型 kind", max_length=8, choices=c.AssetKind.choices)
    status = models.CharField(
        "状态 status", max_length=10, choices=c.Status.choices, default=c.Status.ACTIVE
    )
    reference_no = models.CharField(
        "外部单号 reference no.", max_length=40, blank=True, db_index=True
    )
    model = models.CharField("车型/品类 model", max_length=64, blank=True)
    # vehicle
    vin = KeyField("车架号 VIN", max_length=17, blank=True)
    vin_last6 = KeyField(max_length=6, blank=True, editable=False)
    plate = KeyField("车牌号 plate", max_length=10, blank=True)
    invoiced_on = models.DateField("开票日期 invoiced on", null=True, blank=True)
    delivered_on = models.DateField(
        "交车/送货日期 delivered on", null=True, blank=True, db_index=True
    )
    secondary_outlet = models.BooleanField("二级网点 secondary outlet", default=False)
    salesperson = models.CharField("销售顾问 salesperson", max_length=32, blank=True)
    last_repair_on = models.DateField("最近维修 last repair", null=True, blank=True, db_index=True)
    next_maintenance_on = models.DateField("下次保养 next maintenance", null=True, blank=True)
    inspection_due_on = models.DateField("年审到期 inspection due", null=True, blank=True)
    insurance_expires_on = models.DateField("保险到期 insurance expires", null=True, blank=True)
    vehicle_tax_due_on = models.DateField("车船税到期 vehicle tax due", null=True, blank=True)
    # property unit
    building = models.CharField("楼栋 building", max_length=32, blank=True)
    room = models.CharField("房号 room", max_length=32, blank=True)
    moved_in_on = models.DateField("入住日期 moved in", null=True, blank=True)
    # order (home furnishing / general)
    category = models.CharField("品类 category", max_length=32, blank=True)
    amount = models.DecimalField(
        "金额 amount", max_digits=12, decimal_places=2, null=True, blank=True
    )
    deposit_on = models.DateField("定金日期 deposit on", null=True, blank=True)
    contract_on = models.DateField("合同日期 contract on", null=True, blank=True)
    installed_on = models.DateField("安装日期 installed on", null=True, blank=True)
    extra = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(
        no_db_index=["vin", "vin_last6", "plate", "reference_no", "delivered_on", "last_repair_on"]
    )

    class Meta:
        verbose_name = "资产 asset"
        verbose_name_plural = "资产 assets"
        indexes = [
            models.Index(fields=["vin", "customer"], name="asset_search_vin"),
            models.Index(fields=["vin_last6", "customer"], name="asset_search_vin_last6"),
            models.Index(fields=["plate", "customer"], name="asset_search_plate"),
            # service reminders read each date one week ahead
            models.Index(fields=["next_maintenance_on"], name="asset_maintenance_due"),
            models.Index(fields=["inspection_due_on"], name="asset_inspection_due"),
            models.Index(fields=["insurance_expires_on"], name="asset_insurance_due"),
            models.Index(fields=["vehicle_tax_due_on"], name="asset_vehicle_tax_due"),
        ]

    def __str__(self) -> str:
        if self.kind == c.AssetKind.VEHICLE:
            return f"{self.plate or self.vin} {self.model}".strip()
        if self.kind == c.AssetKind.UNIT:
            return f"{self.building}-{self.room}"
        return f"{self.category} {self.reference_no}".strip()


class DocumentType(models.Model):
    """A document expected in a sales or repair file (R-1.4), as preset data."""

    file_kind = models.CharField(max_length=8, choices=c.FileKind.choices)
    code = models.SlugField(max_length=32)
    name = models.CharField("名称 name", max_length=64)
    sort = models.PositiveSmallIntegerField(default=0)
    required = models.BooleanField("必交 required", default=True)
    active = models.BooleanField(default=True)

    class Meta:
        verbose_name = "档案资料类型 document type"
        verbose_name_plural = "档案资料类型 document types"
        ordering = ["file_kind", "sort"]
        constraints = [
            models.UniqueConstraint(fields=["file_kind", "code"], name="doctype_unique_code"),
        ]

    def __str__(self) -> str:
        return self.name


class AssetFile(models.Model):
    """The sales file or one repair file of a vehicle ("一车两档", R-1.4).

    `due_on` is `opened_on` plus the hand-over working days (sales 2, repair 1); a file
    whose required documents were all received after `due_on` (or not yet, past it) is late
    and counts against `responsible` in KPIs.
    """

    asset = models.ForeignKey(Asset, on_delete=models.PROTECT, related_name="files")
    kind = models.CharField("档案 kind", max_length=8, choices=c.FileKind.choices)
    reference_no = models.CharField("单号 reference no.", max_length=40, blank=True)
    opened_on = models.DateField("交车/交修日期 opened on")
    due_on = models.DateField("资料交接期限 hand-over due")
    completed_on = models.DateField("资料齐全日期 completed on", null=True, blank=True)
    responsible = models.CharField("责任人 responsible", max_length=32, blank=True)
    responsible_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "车辆档案 vehicle file"
        verbose_name_plural = "车辆档案 vehicle files"
        indexes = [
            models.Index(
                fields=["due_on"],
                name="assetfile_due_open",
                condition=models.Q(completed_on__isnull=True),
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.reference_no}".strip()


class FileDocument(models.Model):
    """One checklist line of a file: which document, and when it reached CS."""

    file = models.ForeignKey(AssetFile, on_delete=models.CASCADE, related_name="documents")
    doc_type = models.ForeignKey(DocumentType, on_delete=models.PROTECT)
    required = models.BooleanField(default=True)
    received_on = models.DateField("收到日期 received on", null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["file", "doc_type"], name="filedoc_unique_type"),
        ]

    def __str__(self) -> str:
        return str(self.doc_type)


class ProfileField(models.Model):
    """An extended-profile question (R-1.2), e.g. the 麦凯66 items, kept as data."""

    key = models.SlugField("键 key", max_length=40, unique=True)
    label = models.CharField("名称 label", max_length=64)
    group = models.CharField("分组 group", max_length=32, blank=True)
    field_type = models.CharField(
        "类型 type", max_length=8, choices=c.FieldType.choices, default=c.FieldType.TEXT
    )
    options = models.JSONField("选项 options", default=list, blank=True)
    searchable = models.BooleanField("可搜索 searchable", default=False)
    sort = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(default=True)

    class Meta:
        verbose_name = "扩展资料字段 profile field"
        verbose_name_plural = "扩展资料字段 profile fields"
        ordering = ["group", "sort"]

    def __str__(self) -> str:
        return self.label


class PiiAccessLog(models.Model):
    """Who saw personal data in full, or exported it (R-0.5, PIPL)."""

    ACTIONS = [("reveal", "查看 reveal"), ("export", "导出 export")]
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(max_length=8, choices=ACTIONS)
    customer = models.ForeignKey(
        Customer, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    fields = models.CharField(max_length=100)
    count = models.PositiveIntegerField(default=1)
    channel = models.CharField(max_length=8, default="api")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "个人信息访问记录 PII access log"
        verbose_name_plural = "个人信息访问记录 PII access log"
        indexes = [
            # a person's reveals of the last hour (the reveal rate)
            models.Index(fields=["user", "action", "created_at"], name="pii_user_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.action} {self.fields}"


class PrivacyRequest(models.Model):
    """A person's request under PIPL (R-11.3): their data exported, or erased (the personal
    parts cleared, the records kept for the figures) — who handled it, when, why, what it
    touched. Kept for ever: the proof the request was answered."""

    KINDS = [("export", "导出 export"), ("erase", "删除 erase")]
    kind = models.CharField("类型 kind", max_length=8, choices=KINDS)
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="+")
    number = models.CharField("客户编号 customer number", max_length=20)
    reason = models.CharField("依据 request and reason", max_length=500)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
        verbose_name="处理人 handled by",
    )  # fmt: skip
    counts = models.JSONField("涉及记录 records", default=dict)
    created_at = models.DateTimeField("时间 time", auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "个人信息请求 privacy request"
        verbose_name_plural = "个人信息请求 privacy requests"

    def __str__(self) -> str:
        return f"{self.kind} {self.number}"


class ImportJob(models.Model):
    """One import run (R-1.8) with its row-level report, kept for the record."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    filename = models.CharField(max_length=200)
    dry_run = models.BooleanField()
    # checked | imported | rejected; a background import: queued → running → writing → …,
    # or failed
    status = models.CharField(max_length=12)
    total_rows = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    report = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)
    # a background import: its held file, its options, how far it got
    held = models.CharField(max_length=32, blank=True)
    on_duplicate = models.CharField(max_length=8, default="skip")
    progress = models.PositiveIntegerField("已检查行数 rows checked", default=0)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "导入记录 import job"
        verbose_name_plural = "导入记录 import jobs"

    def __str__(self) -> str:
        return f"{self.filename} {self.status}"
