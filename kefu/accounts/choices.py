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


class AgentStatus(models.TextChoices):
    """Where an agent is (R-2.7): calls and pops go to those available."""

    AVAILABLE = "available", "空闲 available"
    AWAY = "away", "离开 away"
    IN_CALL = "in_call", "通话中 in a call"
    WRAP_UP = "wrap_up", "话后整理 wrap-up"


def role_name(role: str, english: bool = False) -> str:
    """ "客服主管/经理" (or "CS manager") for "manager": a role as the texts the system writes
    (notices, events, refusals) name it — never the code."""
    from kefu.core.inputs import label_halves

    zh, en = label_halves(Role(role).label)
    return en if english else zh
