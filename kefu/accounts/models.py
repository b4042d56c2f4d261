"""Users with a CS role, departments, and API tokens."""

from __future__ import annotations

import datetime as dt
import hashlib

from django.contrib.auth.models import AbstractUser
from django.db import models

from kefu.accounts.choices import AgentStatus, Role


class Department(models.Model):
    """A department that handles routed work: 客服部, 工程部, 售后, 行政部 …"""

    code = models.SlugField("代码 code", max_length=32, unique=True)
    name = models.CharField("名称 name", max_length=64)
    head = models.ForeignKey(
        "accounts.User",
        verbose_name="负责人 head",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="收到本部门员工的表扬通知 hears of praise for the department's people",
    )

    class Meta:
        verbose_name = "部门 department"
        verbose_name_plural = "部门 departments"

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A person who signs in: an agent, a team lead, a manager, a department handler …

    `skill_level` (1–5) weighs customer assignment (R-1.7); `is_certified` with its expiry
    `certified_until` (none: no expiry) gates call taking on every path (R-2.5, R-7.4).
    """

    role = models.CharField("角色 role", max_length=16, choices=Role.choices, default=Role.AGENT)
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, null=True, blank=True, related_name="members"
    )
    display_name = models.CharField("姓名 display name", max_length=64, blank=True)
    skill_level = models.PositiveSmallIntegerField("技能等级 skill level", default=3)
    is_certified = models.BooleanField("已上岗认证 certified", default=False)
    certified_until = models.DateField("认证有效期至 certified until", null=True, blank=True)
    accepts_customers = models.BooleanField("参与客户分配 takes new customers", default=True)
    mobile = models.CharField(
        "手机 mobile",
        max_length=20,
        blank=True,
        help_text="L2/L3 升级通知短信 the L2/L3 escalation texts go here when SMS is set up",
    )
    extension = models.CharField(
        "分机号 extension",
        max_length=16,
        null=True,
        blank=True,
        unique=True,
        help_text="电话系统振铃时按分机号弹屏 the phone system pops calls by extension",
    )
    # available / away (with the time they will be back) / in a call / wrap-up; set
    # from the top bar and by the phone system's events.
    status = models.CharField(
        "坐席状态 status", max_length=12, choices=AgentStatus.choices, default=AgentStatus.AWAY
    )
    status_since = models.DateTimeField("状态开始 since", null=True, blank=True)
    back_at = models.DateTimeField("预计返回 back at", null=True, blank=True)

    class Meta:
        verbose_name = "用户 user"
        verbose_name_plural = "用户 users"

    def certified_on(self, day: dt.date) -> bool:
        """Certified to take calls on `day` (R-2.5, R-7.4)."""
        return self.is_certified and (self.certified_until is None or self.certified_until >= day)

    def __str__(self) -> str:
        return self.display_name or self.username


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(models.Model):
    """A bearer token for the API; only its SHA-256 is stored, the raw value is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=64, blank=True)
    prefix = models.CharField(max_length=8)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "API 令牌 token"
        verbose_name_plural = "API 令牌 tokens"

    def __str__(self) -> str:
        return f"{self.user} {self.prefix}…"


class StatusChange(models.Model):
    """Every change of an agent's status (R-2.7), who made it and from where: the audit
    trail of the status and the source of time-in-status figures."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="status_changes")
    status = models.CharField("状态 status", max_length=12, choices=AgentStatus.choices)
    back_at = models.DateTimeField("预计返回 back at", null=True, blank=True)
    at = models.DateTimeField("时间 time")
    by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    source = models.CharField("来源 source", max_length=8)  # console, api, cti

    class Meta:
        verbose_name = "坐席状态记录 status change"
        verbose_name_plural = "坐席状态记录 status changes"
        indexes = [models.Index(fields=["user", "-at"], name="status_change_user")]

    def __str__(self) -> str:
        return f"{self.user} {self.get_status_display()} {self.at:%Y-%m-%d %H:%M}"
