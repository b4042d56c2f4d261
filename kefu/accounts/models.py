"""Users with a CS role, departments, and API tokens."""

from __future__ import annotations

import hashlib

from django.contrib.auth.models import AbstractUser
from django.db import models

from kefu.accounts.choices import Role


class Department(models.Model):
    """A department that handles routed work: 客服部, 工程部, 售后, 行政部 …"""

    code = models.SlugField("代码 code", max_length=32, unique=True)
    name = models.CharField("名称 name", max_length=64)

    class Meta:
        verbose_name = "部门 department"
        verbose_name_plural = "部门 departments"

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A person who signs in: an agent, a team lead, a manager, a department handler …

    `skill_level` (1–5) weighs customer assignment (R-1.7); `is_certified` gates call
    taking (R-2.5) until training records exist.
    """

    role = models.CharField("角色 role", max_length=16, choices=Role.choices, default=Role.AGENT)
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, null=True, blank=True, related_name="members"
    )
    display_name = models.CharField("姓名 display name", max_length=64, blank=True)
    skill_level = models.PositiveSmallIntegerField("技能等级 skill level", default=3)
    is_certified = models.BooleanField("已上岗认证 certified", default=False)
    accepts_customers = models.BooleanField("参与客户分配 takes new customers", default=True)

    class Meta:
        verbose_name = "用户 user"
        verbose_name_plural = "用户 users"

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
