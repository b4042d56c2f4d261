"""Choice lists of care and reminders (R-6)."""

from django.db import models


class Kind(models.TextChoices):
    BIRTHDAY = "birthday", "生日祝福 birthday"
    HOLIDAY = "holiday", "节日问候 holiday greeting"
    SERVICE = "service", "服务提醒 service reminder"
    LIFECYCLE = "lifecycle", "业务节点通知 lifecycle notice"
    MEMBER_CARD = "member_card", "会员卡续期/升级 member card renewal"
    CAMPAIGN = "campaign", "活动/店庆 campaign or store anniversary"


class Channel(models.TextChoices):
    SMS = "sms", "短信 SMS"
    EMAIL = "email", "邮件 e-mail"
    LETTER = "letter", "信函/贺卡 letter or card"
    PHONE = "phone", "电话 phone task"


class Holiday(models.TextChoices):
    NEW_YEAR = "new_year", "元旦 New Year"
    SPRING_FESTIVAL = "spring_festival", "春节 Spring Festival"
    VALENTINE = "valentine", "情人节 Valentine's Day"
    MAY_DAY = "may_day", "五一 May Day"
    MID_AUTUMN = "mid_autumn", "中秋 Mid-Autumn"
    NATIONAL_DAY = "national_day", "国庆 National Day"


class ServiceDate(models.TextChoices):
    MAINTENANCE = "next_maintenance_on", "保养 maintenance"
    INSPECTION = "inspection_due_on", "年审 annual inspection"
    INSURANCE = "insurance_expires_on", "续保 insurance renewal"
    VEHICLE_TAX = "vehicle_tax_due_on", "车船税 vehicle and vessel tax"


class Status(models.TextChoices):
    QUEUED = "queued", "待发送 queued"
    SENDING = "sending", "发送中 sending"
    SENT = "sent", "已发送 sent"
    FAILED = "failed", "发送失败 failed"
    SKIPPED = "skipped", "未发送 skipped"


class SurveyStatus(models.TextChoices):
    WAITING = "waiting", "等待回复 waiting for a reply"
    ANSWERED = "answered", "已回复 answered"
    EXPIRED = "expired", "未回复，转电话回访 no reply, phone follow-up"
    CANCELLED = "cancelled", "已取消 cancelled"


class ReplyOutcome(models.TextChoices):
    SURVEY = "survey", "满意度评价 survey score"
    OPT_OUT = "opt_out", "退订 opted out"
    HANDLED = "handled", "已处理 handled (e.g. activity registration)"
    UNMATCHED = "unmatched", "未匹配 not matched"
