"""Roles of a CS center (R-0.4)."""

from django.db import models


class Role(models.TextChoices):
    AGENT = "agent", "客服专员 agent"
    TEAM_LEAD = "team_lead", "班长 team lead"
    QA = "qa", "质检员 QA inspector"
    MANAGER = "manager", "客服主管/经理 CS manager"
    GM = "gm", "总经理 general manager"
    HANDLER = "handler", "部门处理人 department handler"
    ADMIN = "admin", "管理员 administrator"
